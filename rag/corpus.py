"""The bundled sample corpus: five news articles from the repository's `data/` folder.

A wheel carries them as package data (`rag/corpus/`, see pyproject.toml); a source checkout
or an editable install finds them in `data/` beside the packages.
"""

from __future__ import annotations

from pathlib import Path

from common.errors import ConfigError

__all__ = ["bundled_corpus"]

_HERE = Path(__file__).resolve().parent


def bundled_corpus() -> Path:
    """The folder of the bundled articles; ConfigError when this installation has none."""
    for folder in (_HERE / "corpus", _HERE.parent / "data"):
        if folder.is_dir() and any(folder.glob("*.txt")):
            return folder
    raise ConfigError("the bundled corpus is not installed with this copy of rag-news",
                      hint="set RAG_CORPUS to a folder of articles, or RAG_AUTO_INGEST=0")
