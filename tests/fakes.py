"""A small deterministic embedder that speaks `store.protocols.Embedder`, for unit tests.

It hashes character bigrams (and English words) of the normalised text into a fixed number of
dimensions and L2-normalises the result: texts that share words get similar vectors, nothing is
loaded, and the same text always gives the same vector in every process.
"""

from __future__ import annotations

import hashlib
import math
import re

from text.normalize import normalize

__all__ = ["HashEmbedder"]

_PIECE = re.compile(r"[a-z0-9]+|[\u3400-\u9fff]")


class HashEmbedder:
    def __init__(self, dim: int = 64, max_tokens: int = 256):
        self.name = f"test-hash-{dim}"
        self.dim = dim
        self.max_tokens = max_tokens
        self.calls = 0   # texts embedded, so a test can see what was (re-)encoded

    def _pieces(self, text: str) -> list[str]:
        units = _PIECE.findall(normalize(text))
        return units + [a + b for a, b in zip(units, units[1:])]

    def _vector(self, text: str) -> list[float]:
        v = [0.0] * self.dim
        for piece in self._pieces(text):
            h = int.from_bytes(hashlib.blake2b(piece.encode(), digest_size=8).digest(), "little")
            v[h % self.dim] += 1.0 if (h >> 32) & 1 else -1.0
        norm = math.sqrt(sum(x * x for x in v)) or 1.0
        return [x / norm for x in v] if any(v) else [1.0 / math.sqrt(self.dim)] * self.dim

    def embed_texts(self, texts: list[str]) -> list[list[float]]:
        self.calls += len(texts)
        return [self._vector(t) for t in texts]

    def embed_query(self, text: str) -> list[float]:
        return self._vector(text)

    def count_tokens(self, texts: list[str]) -> list[int]:
        return [len(_PIECE.findall(t)) for t in texts]

    def known_token_ratio(self, text: str) -> float:
        return 1.0 if _PIECE.search(normalize(text)) else 0.0
