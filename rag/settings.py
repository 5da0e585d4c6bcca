"""One settings object: defaults, then `RAG_*` environment variables, then explicit overrides.

    Settings.load(top_k=8)  # env RAG_TOP_K is ignored here because the argument wins
"""

from __future__ import annotations

import dataclasses
import os
from dataclasses import dataclass, fields
from pathlib import Path

from rag.errors import ConfigError

__all__ = ["Settings", "BUNDLED_MODEL", "BUNDLED_CORPUS"]

BUNDLED_MODEL = "all-MiniLM-L6-v2"
BUNDLED_CORPUS = Path(__file__).resolve().parent.parent / "data"


@dataclass(frozen=True)
class Settings:
    store: Path = Path(".rag")              # RAG_STORE
    embed_model: str = BUNDLED_MODEL        # RAG_EMBED_MODEL: a sentence-transformers name or path
    embed_batch_size: int = 64              # RAG_EMBED_BATCH_SIZE
    chunk_tokens: int = 200                 # RAG_CHUNK_TOKENS: embedding-model tokens per chunk
    top_k: int = 5                          # RAG_TOP_K: passages given to the reader
    candidates: int = 40                    # RAG_CANDIDATES: per retriever, before fusion
    rrf_k: int = 60                         # RAG_RRF_K: reciprocal-rank-fusion constant
    max_file_mb: float = 50.0               # RAG_MAX_FILE_MB: larger .txt/.md/.html files are skipped
    corpus: Path = BUNDLED_CORPUS           # RAG_CORPUS: ingested on first use of an empty store
    auto_ingest: bool = True                # RAG_AUTO_INGEST: 0 turns first-use ingest off
    device: str = "cpu"                     # RAG_DEVICE
    progress: bool = True                   # RAG_PROGRESS: progress bars on stderr
    llm: str = "extractive"                 # RAG_LLM: extractive | openai | ollama
    llm_base_url: str = ""                  # RAG_LLM_BASE_URL (default: the backend's local address)
    llm_model: str = ""                     # RAG_LLM_MODEL
    llm_timeout: float = 30.0               # RAG_LLM_TIMEOUT: seconds per attempt
    llm_retries: int = 1                    # RAG_LLM_RETRIES: extra attempts before any text arrived
    verify: str = "fallback"                # RAG_VERIFY: fallback (show the extractive answer) | flag
    upload_max_mb: float = 20.0             # RAG_UPLOAD_MAX_MB: per file uploaded in the UI
    # the API key is not a setting: it is read from RAG_LLM_API_KEY (or given to Assistant)
    # when the backend is built, and never stored

    @classmethod
    def load(cls, **overrides) -> "Settings":
        """Defaults < environment (`RAG_<NAME>`) < keyword overrides that are not None."""
        values: dict = {}
        for f in fields(cls):
            env = os.environ.get(f"RAG_{f.name.upper()}")
            if env is not None and env != "":
                values[f.name] = _coerce(f, env, f"RAG_{f.name.upper()}")
        for name, value in overrides.items():
            if value is None:
                continue
            if name not in {f.name for f in fields(cls)}:
                raise ConfigError(f"unknown setting {name!r}",
                                  hint="one of " + ", ".join(f.name for f in fields(cls)))
            f = next(f for f in fields(cls) if f.name == name)
            values[name] = _coerce(f, value, name) if isinstance(value, str) else value
        if "store" in values:
            values["store"] = Path(values["store"])
        if "corpus" in values:
            values["corpus"] = Path(values["corpus"])
        settings = cls(**values)
        settings.validate()
        return settings

    def replace(self, **changes) -> "Settings":
        return dataclasses.replace(self, **{k: v for k, v in changes.items() if v is not None})

    def validate(self) -> None:
        for name in ("top_k", "candidates", "chunk_tokens", "embed_batch_size", "rrf_k"):
            if getattr(self, name) < 1:
                raise ConfigError(f"{name} must be at least 1, got {getattr(self, name)}")
        if self.llm_timeout <= 0:
            raise ConfigError(f"llm_timeout must be positive, got {self.llm_timeout}")
        if self.llm_retries < 0:
            raise ConfigError(f"llm_retries must be at least 0, got {self.llm_retries}")
        if self.verify not in ("fallback", "flag"):
            raise ConfigError(f"verify must be 'fallback' or 'flag', got {self.verify!r}")
        from rag.llm import BACKENDS

        if self.llm.lower() not in BACKENDS:
            raise ConfigError(f"unknown LLM backend {self.llm!r}", hint="use one of " + ", ".join(BACKENDS))
        if self.chunk_tokens > 512:
            raise ConfigError(f"chunk_tokens must be at most 512, got {self.chunk_tokens}")


def _coerce(f, raw, label: str):
    kind = f.type if isinstance(f.type, str) else getattr(f.type, "__name__", str(f.type))
    try:
        if kind == "int":
            return int(raw)
        if kind == "float":
            return float(raw)
        if kind == "bool":
            if isinstance(raw, bool):
                return raw
            value = str(raw).strip().lower()
            if value in {"1", "true", "yes", "on"}:
                return True
            if value in {"0", "false", "no", "off"}:
                return False
            raise ValueError(raw)
        if kind == "Path":
            return Path(raw)
        return raw
    except ValueError:
        raise ConfigError(f"{label}={raw!r} is not a valid {kind}") from None
