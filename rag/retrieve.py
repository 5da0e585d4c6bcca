"""Hybrid retrieval: dense (Chroma) and lexical (BM25), fused by reciprocal rank.

The question is normalised exactly like the index. The dense list's weight in the fusion is
the share of question tokens the embedding model knows: a model that reads Chinese gets full
weight on a Chinese question, an English-only model (whose tokenizer maps most Chinese
characters to [UNK]) gets little, so its noise cannot push out the lexical matches.
"""

from __future__ import annotations

from rag.crosslingual import Dictionary
from rag.types import Hit
from store.protocols import Embedder, LexicalIndex, VectorStore
from store.schema import StoredChunk
from text.normalize import normalize
from text.tokenize import lexical_tokens

__all__ = ["HybridRetriever", "rrf", "TRANSLATED_WEIGHT"]

TRANSLATED_WEIGHT = 0.8


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


class HybridRetriever:
    """A `rag.protocols.Retriever`: dense, lexical and translated lists, fused."""

    def __init__(self, store: VectorStore, lexical: LexicalIndex, embedder: Embedder,
                 dictionary: Dictionary | None = None, candidates: int = 40, rrf_k: int = 60):
        self.store = store
        self.lexical = lexical
        self.embedder = embedder
        self.dictionary = dictionary or Dictionary()
        self.candidates = candidates
        self.rrf_k = rrf_k

    def search(self, question: str, k: int) -> list[Hit]:
        norm = normalize(question)
        if not norm:
            return []
        dense = self.store.query(self.embedder.embed_query(norm), self.candidates)
        lexical = self.lexical.search(lexical_tokens(norm), self.candidates)
        # dictionary translations rank on their own list, so articles in the other language
        # are not drowned by partial matches in the question's language
        extra = self.dictionary.expand_query(norm)
        translated = self.lexical.search(extra, self.candidates) if extra else []
        dense_weight = self.embedder.known_token_ratio(norm)
        fused = rrf([([c.id for c, _ in dense], dense_weight), ([cid for cid, _ in lexical], 1.0),
                     ([cid for cid, _ in translated], TRANSLATED_WEIGHT)], self.rrf_k)
        top = sorted(fused, key=lambda cid: -fused[cid])[:k]
        # the other language's best match keeps a seat: its passages rank only on the
        # translated list, so fusion alone would let the question's language fill every seat
        seats = [cid for cid, _ in translated[:_other_language_seats(k)] if cid not in top]
        if seats and len(top) >= k:
            top = top[:k - len(seats)] + seats
        elif seats:
            top = (top + seats)[:k]
        chunks: dict[str, StoredChunk] = {c.id: c for c, _ in dense}
        missing = [cid for cid in top if cid not in chunks]
        chunks.update(self.store.get(missing))
        dense_rank = {c.id: r for r, (c, _) in enumerate(dense, start=1)}
        lex_rank = {cid: r for r, (cid, _) in enumerate(lexical, start=1)}
        hits = []
        for cid in top:
            c = chunks.get(cid)
            if c is None:  # the lexical cache named a chunk Chroma no longer has
                continue
            m = c.meta
            hits.append(Hit(chunk_id=cid, source=m.source, title=m.title, date=m.date, text=c.text,
                            score=round(fused[cid], 6), lang=m.lang, dense_rank=dense_rank.get(cid),
                            lexical_rank=lex_rank.get(cid)))
        return hits
