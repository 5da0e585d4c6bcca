"""Hybrid retrieval: dense (Chroma) and lexical (BM25), fused by reciprocal rank.

The question is normalised exactly like the index. The dense list's weight in the fusion says
how far the embedding model can be trusted on the question's script: fitted on open data for
the models in `retrieval.json` (benchmarks/fit_retrieval.py), and otherwise the share of the
question's tokens the model knows, so an English-only model (whose tokenizer maps most
Chinese characters to [UNK]) cannot push out the lexical matches with its noise.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path

from rag.crosslingual import Dictionary
from rag.types import Hit
from store.protocols import Embedder, LexicalIndex, VectorStore
from store.schema import StoredChunk
from text.normalize import has_cjk, normalize
from text.tokenize import lexical_tokens

__all__ = ["HybridRetriever", "Candidates", "rrf", "load_weights", "TRANSLATED_WEIGHT", "WEIGHTS_FILE"]

TRANSLATED_WEIGHT = 0.8
WEIGHTS_FILE = Path(__file__).with_name("retrieval.json")


def load_weights(path: Path = WEIGHTS_FILE) -> dict[str, dict[str, float]]:
    """Fitted dense weights: embedding model name -> question script ('zh', 'en') -> weight."""
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
    return data.get("dense_weight", {}) if data.get("format") == 1 else {}


def _other_language_seats(k: int) -> int:
    return 0 if k < 3 else 1 if k < 8 else 2


def rrf(rankings: list[tuple[list[str], float]], k: int = 60) -> dict[str, float]:
    """Weighted reciprocal-rank fusion: id -> sum(weight / (k + rank)).

    >>> sorted(rrf([(["a", "b"], 1.0), (["b", "c"], 1.0)]).items())[0][0]
    'a'
    """
    fused: dict[str, float] = {}
    for ids, weight in rankings:
        for rank, cid in enumerate(ids, start=1):
            fused[cid] = fused.get(cid, 0.0) + weight / (k + rank)
    return fused


@dataclass
class Candidates:
    """The ranked lists a question gets before fusion (chunk ids, best first)."""
    dense: list[tuple[StoredChunk, float]]
    lexical: list[tuple[str, float]]
    translated: list[tuple[str, float]]   # the lexical index searched with dictionary translations
    dense_weight: float                   # how far the dense list is trusted for this question


class HybridRetriever:
    """A `rag.protocols.Retriever`: dense, lexical and translated lists, fused."""

    def __init__(self, store: VectorStore, lexical: LexicalIndex, embedder: Embedder,
                 dictionary: Dictionary | None = None, candidates: int = 40, rrf_k: int = 60,
                 dense_weights: dict[str, float] | None = None):
        self.store = store
        self.lexical = lexical
        self.embedder = embedder
        self.dictionary = dictionary or Dictionary()
        self.candidates = candidates
        self.rrf_k = rrf_k
        # script -> weight fitted for this embedding model (none: its known-token ratio)
        self.dense_weights = load_weights().get(embedder.name, {}) if dense_weights is None else dense_weights

    def dense_weight(self, norm: str) -> float:
        fitted = self.dense_weights.get("zh" if has_cjk(norm) else "en")
        return fitted if fitted is not None else self.embedder.known_token_ratio(norm)

    def gather(self, norm: str) -> Candidates:
        """The three ranked lists for a normalised question."""
        dense = self.store.query(self.embedder.embed_query(norm), self.candidates)
        lexical = self.lexical.search(lexical_tokens(norm), self.candidates)
        # dictionary translations rank on their own list, so articles in the other language
        # are not drowned by partial matches in the question's language
        extra = self.dictionary.expand_query(norm)
        translated = self.lexical.search(extra, self.candidates) if extra else []
        return Candidates(dense, lexical, translated, self.dense_weight(norm))

    def fuse(self, c: Candidates, k: int) -> tuple[list[str], dict[str, float]]:
        """The top k chunk ids and the fused score of every candidate."""
        fused = rrf([([s.id for s, _ in c.dense], c.dense_weight), ([cid for cid, _ in c.lexical], 1.0),
                     ([cid for cid, _ in c.translated], TRANSLATED_WEIGHT)], self.rrf_k)
        top = sorted(fused, key=lambda cid: -fused[cid])[:k]
        # the other language's best match keeps a seat: its passages rank only on the
        # translated list, so fusion alone would let the question's language fill every seat
        seats = [cid for cid, _ in c.translated[:_other_language_seats(k)] if cid not in top]
        if seats and len(top) >= k:
            top = top[:k - len(seats)] + seats
        elif seats:
            top = (top + seats)[:k]
        return top, fused

    def search(self, question: str, k: int) -> list[Hit]:
        norm = normalize(question)
        if not norm:
            return []
        c = self.gather(norm)
        top, fused = self.fuse(c, k)
        chunks: dict[str, StoredChunk] = {s.id: s for s, _ in c.dense}
        missing = [cid for cid in top if cid not in chunks]
        chunks.update(self.store.get(missing))
        dense_rank = {s.id: r for r, (s, _) in enumerate(c.dense, start=1)}
        lex_rank = {cid: r for r, (cid, _) in enumerate(c.lexical, start=1)}
        hits = []
        for cid in top:
            chunk = chunks.get(cid)
            if chunk is None:  # the lexical cache named a chunk Chroma no longer has
                continue
            m = chunk.meta
            hits.append(Hit(chunk_id=cid, source=m.source, title=m.title, date=m.date, text=chunk.text,
                            score=round(fused[cid], 6), lang=m.lang, dense_rank=dense_rank.get(cid),
                            lexical_rank=lex_rank.get(cid)))
        return hits
