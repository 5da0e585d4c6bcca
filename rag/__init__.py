"""Question answering over news articles, offline, with exact numbers and citations.

Public API:
    Assistant  - ingest, remove, search, ask (see rag.assistant)
    Answer, Citation, Hit - the dataclasses it returns
    Settings   - configuration (RAG_* environment variables, overridable per call)
    RagError and subclasses - errors raised on purpose, each with a hint
"""

from rag import _offline  # noqa: F401  (before any Hugging Face / Chroma import)
from rag.errors import ConfigError, InputError, ModelMismatchError, RagError, StoreError
from rag.settings import Settings
from rag.types import Answer, Citation, Hit

__all__ = ["Assistant", "Answer", "Citation", "Hit", "Settings", "RagError", "InputError",
           "ConfigError", "StoreError", "ModelMismatchError"]


def __getattr__(name: str):
    # Imported lazily: the assistant pulls in the ingest pipeline, which imports rag modules.
    if name == "Assistant":
        from rag.assistant import Assistant

        return Assistant
    raise AttributeError(f"module 'rag' has no attribute {name!r}")
