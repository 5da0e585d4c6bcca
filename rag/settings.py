"""One settings object: defaults, then `RAG_*` environment variables, then explicit arguments.

    Settings.load(top_k=8)   # RAG_TOP_K is ignored here because the argument wins

Every variable the project reads is a field here (the API key and the UI password as secrets
that never print). A wrong value or an unknown name is a one-line `ConfigError` that names the
setting and what it accepts.
"""

from __future__ import annotations

import difflib
import os
import warnings
from pathlib import Path
from typing import Literal, get_args

from pydantic import Field, SecretStr, ValidationError, field_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

from common.errors import ConfigError
from store.embed import BUNDLED_MODEL

__all__ = ["Settings", "BUNDLED_MODEL", "LLM_BACKENDS", "default_cache_dir"]

LLM_BACKENDS = ("extractive", "openai", "ollama", "transformers")
_SECRETS = {"llm_api_key", "ui_auth"}


def default_cache_dir() -> Path:
    """Where derived tables (the parsed dictionary) are cached: $XDG_CACHE_HOME/rag-news."""
    return Path(os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache") / "rag-news"


class Settings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="RAG_", env_ignore_empty=True, extra="forbid", frozen=True,
                                      validate_default=True)

    store: Path = Path(".rag")              # store directory (chroma/ + lexical/)
    embed_model: str = BUNDLED_MODEL        # a sentence-transformers name or path
    chroma_url: str = ""                    # a Chroma server (http://host:port); empty: embedded in <store>/chroma
    chroma_collection: str = "news_articles"   # the collection on that server (one per corpus)
    embed_batch_size: int = Field(64, ge=1)
    chunk_tokens: int = Field(200, ge=1, le=512)   # embedding-model tokens per chunk
    top_k: int = Field(5, ge=1)             # passages given to the reader
    candidates: int = Field(40, ge=1)       # per retriever, before fusion
    rrf_k: int = Field(60, ge=1)            # reciprocal-rank-fusion constant
    max_file_mb: float = Field(50.0, gt=0)  # larger .txt/.md/.html files are skipped
    lock_wait: float = Field(30.0, ge=0)    # seconds a write waits for another process's write to the store
    corpus: Path | None = None              # ingested on first use of an empty store (None: the bundled one)
    auto_ingest: bool = True                # 0 turns first-use ingest off
    device: str = "cpu"                     # torch device
    progress: bool = True                   # progress bars on stderr
    llm: Literal["extractive", "openai", "ollama", "transformers"] = "extractive"
    llm_base_url: str = ""                  # default: the backend's local address
    llm_model: str = ""                     # the model's name on that server, or its directory
    llm_api_key: SecretStr = SecretStr("")  # never printed, logged or stored
    llm_timeout: float = Field(30.0, gt=0)  # seconds per attempt
    llm_retries: int = Field(1, ge=0)       # extra attempts before any text arrived
    verify: Literal["fallback", "flag"] = "fallback"
    offline_reader: Literal["routed", "spans", "rules"] = "routed"   # rules for figures, the fitted ranker for the rest
    upload_max_mb: float = Field(20.0, gt=0)   # per file uploaded in the UI
    ui_auth: SecretStr | None = None        # USER:PASS for `rag serve`
    ui_auth_file: Path | None = None        # a file whose first line is USER:PASS (instead of RAG_UI_AUTH)
    cache_dir: Path = Field(default_factory=default_cache_dir)

    @field_validator("llm", "verify", "offline_reader", mode="before")
    @classmethod
    def _lower(cls, value):
        return value.strip().lower() if isinstance(value, str) else value

    @classmethod
    def load(cls, **overrides) -> "Settings":
        """Defaults < environment (`RAG_<NAME>`) < keyword arguments that are not None."""
        given = {k: v for k, v in overrides.items() if v is not None}
        _warn_unknown_variables()
        try:
            return cls(**given)
        except ValidationError as exc:
            raise _config_error(exc, given) from None

    def replace(self, **changes) -> "Settings":
        """A copy with the changes that are not None, validated like `load`."""
        given = {k: v for k, v in changes.items() if v is not None}
        if not given:
            return self
        values = {**{name: getattr(self, name) for name in type(self).model_fields}, **given}
        try:
            return type(self)(**values)
        except ValidationError as exc:
            raise _config_error(exc, given) from None


def _warn_unknown_variables() -> None:
    """A mistyped variable (RAG_TOPK) would be ignored in silence: say so, with the likely name."""
    for var in sorted(os.environ):
        name = var[4:].lower()
        if var.upper().startswith("RAG_") and name not in Settings.model_fields:
            close = difflib.get_close_matches(name, list(Settings.model_fields), n=1)
            hint = f" (did you mean RAG_{close[0].upper()}?)" if close else ""
            warnings.warn(f"{var} is not a setting and is ignored{hint}", RuntimeWarning, stacklevel=3)


def _config_error(exc: ValidationError, given: dict) -> ConfigError:
    err = exc.errors()[0]
    name = str(err["loc"][0]) if err["loc"] else "?"
    if err["type"] == "extra_forbidden":
        return ConfigError(f"unknown setting {name!r}", hint="one of " + ", ".join(Settings.model_fields))
    value = given[name] if name in given else err.get("input")
    if name in _SECRETS:
        value = "…"   # a secret is never printed, not even a wrong one
    where = f"{name}={value!r}" if name in given else f"RAG_{name.upper()}={value!r}"
    return ConfigError(f"{where} is not valid: {err['msg']}", hint=_allowed(name))


def _allowed(name: str) -> str:
    """What a setting accepts, in words: 'use a whole number >= 1'."""
    field = Settings.model_fields.get(name)
    if field is None:
        return ""
    hints = {"llm": "use one of " + ", ".join(LLM_BACKENDS), "verify": "use fallback or flag",
             "offline_reader": "use routed, spans or rules"}
    if name in hints:
        return hints[name]
    kinds = {int: "a whole number", float: "a number", bool: "true or false (1 or 0)", str: "text",
             Path: "a path", SecretStr: "text"}
    kind = next((k for t, k in kinds.items() if t in (field.annotation, *get_args(field.annotation))), "a value")
    ops = {"ge": ">=", "gt": ">", "le": "<=", "lt": "<"}
    bounds = [f"{ops[op]} {getattr(m, op)}" for m in field.metadata for op in ops if getattr(m, op, None) is not None]
    return f"use {kind}" + (f" {' and '.join(bounds)}" if bounds else "")
