"""The lexical index: BM25 (bm25s) over jieba words and CJK bigrams of the normalised text.

It is a cache beside Chroma, never the source of truth. On disk (`<store>/lexical/`):
    meta.json      format version, the Chroma generation it reflects, chunk count
    ids.json       chunk id for each row
    tokens.npz     the token ids of every chunk (concatenated) with row offsets
    bm25/          the bm25s index (memory-mapped at query time) and, as its vocabulary, ours
                   (word -> token id, JSON: its size does not depend on the longest word)
Token ids are kept so that an update re-tokenises only new chunks; the BM25 matrix itself is
rebuilt from them (a few seconds at 100k chunks). Queries never rebuild or scan the corpus.
"""

from __future__ import annotations

import json
import shutil
from pathlib import Path
from typing import Iterable

import numpy as np

from text.tokenize import lexical_tokens

__all__ = ["BM25Index"]

FORMAT = 2


class BM25Index:
    """A `store.protocols.LexicalIndex` kept in `root`."""

    def __init__(self, root: Path):
        self.root = Path(root)
        self.generation: int | None = None
        self.ids: list[str] = []
        self.vocab: dict[str, int] = {}
        self._tok: np.ndarray = np.zeros(0, dtype=np.int32)   # concatenated token ids
        self._off: np.ndarray = np.zeros(1, dtype=np.int64)   # row offsets into _tok
        self._bm25 = None
        self._pending: dict[str, np.ndarray] = {}
        self._indexed = 0   # token ids below this are in the BM25 matrix (staged words are not yet)

    # -- persistence -------------------------------------------------------------------------
    def load(self) -> bool:
        """Load the cache; False when missing or of another format."""
        try:
            meta = json.loads((self.root / "meta.json").read_text())
            if meta.get("format") != FORMAT:
                return False
            self.ids = json.loads((self.root / "ids.json").read_text())
            with np.load(self.root / "tokens.npz", allow_pickle=False) as z:
                self._tok, self._off = z["tokens"], z["offsets"]
            self.generation = meta.get("generation")
            self._bm25 = None
            self.vocab = {}
            if self.ids:
                import bm25s

                self._bm25 = bm25s.BM25.load(str(self.root / "bm25"), mmap=True)
                self.vocab = self._bm25.vocab_dict
            self._indexed = len(self.vocab)
            return len(self.ids) == meta.get("count")
        except Exception:   # a cache: whatever is wrong with it (truncated, garbled), it is rebuilt
            self.ids, self.vocab, self._bm25, self.generation = [], {}, None, None
            self._tok, self._off, self._indexed = np.zeros(0, dtype=np.int32), np.zeros(1, dtype=np.int64), 0
            return False

    def save(self) -> None:
        tmp = self.root.with_name(self.root.name + ".tmp")
        shutil.rmtree(tmp, ignore_errors=True)
        tmp.mkdir(parents=True)
        np.savez(tmp / "tokens.npz", tokens=self._tok, offsets=self._off)
        (tmp / "ids.json").write_text(json.dumps(self.ids))
        if self._bm25 is not None:
            self._bm25.save(str(tmp / "bm25"))
        (tmp / "meta.json").write_text(json.dumps({"format": FORMAT, "generation": self.generation,
                                                   "count": len(self.ids)}))
        shutil.rmtree(self.root, ignore_errors=True)
        tmp.rename(self.root)
        if self.ids:
            self.load()  # switch to the memory-mapped copy

    # -- updates -----------------------------------------------------------------------------
    def _encode(self, tokens: list[str]) -> np.ndarray:
        vocab = self.vocab
        out = np.empty(len(tokens), dtype=np.int32)
        for j, t in enumerate(tokens):
            i = vocab.get(t)
            if i is None:
                i = vocab[t] = len(vocab)
            out[j] = i
        return out

    def stage(self, added: dict[str, str]) -> None:
        """Tokenise new or changed chunks (chunk id -> normalised text); `commit` applies them."""
        pending = self._pending
        for cid, norm in added.items():
            pending[cid] = self._encode(lexical_tokens(norm))

    def commit(self, removed: Iterable[str], generation: int) -> None:
        """Drop `removed` ids, add the staged rows, rebuild BM25 and save."""
        pending, self._pending = self._pending, {}
        drop = set(removed) | set(pending)
        keep_rows = [r for r, cid in enumerate(self.ids) if cid not in drop]
        rows = [self._tok[self._off[r]:self._off[r + 1]] for r in keep_rows]
        ids = [self.ids[r] for r in keep_rows]
        rows.extend(pending.values())
        ids.extend(pending.keys())
        self.ids = ids
        lengths = np.array([len(r) for r in rows], dtype=np.int64)
        self._off = np.concatenate([[0], np.cumsum(lengths)]).astype(np.int64)
        self._tok = np.concatenate(rows).astype(np.int32) if rows else np.zeros(0, dtype=np.int32)
        self.generation = generation
        self._rebuild()
        self.save()

    def rebuild(self, chunks: Iterable[tuple[str, str]], generation: int) -> None:
        """Replace the whole index with (chunk id, normalised text) pairs, then save."""
        self.ids, self.vocab, self._pending = [], {}, {}
        self._tok, self._off = np.zeros(0, dtype=np.int32), np.zeros(1, dtype=np.int64)
        batch: dict[str, str] = {}
        for cid, norm in chunks:
            batch[cid] = norm
            if len(batch) >= 2000:
                self.stage(batch)
                batch = {}
        self.stage(batch)
        self.commit([], generation)

    def _rebuild(self) -> None:
        self._bm25 = None
        if not self.ids:
            return
        import bm25s

        empty = self.vocab.setdefault("", len(self.vocab))
        corpus = []
        for r in range(len(self.ids)):
            row = self._tok[self._off[r]:self._off[r + 1]]
            corpus.append(row.tolist() if len(row) else [empty])
        bm25 = bm25s.BM25()
        # our vocabulary (word -> token id) is the index's: bm25s saves and loads it with the matrix
        bm25.index((corpus, self.vocab), show_progress=False, create_empty_token=False)
        self._bm25 = bm25
        self._indexed = len(self.vocab)

    # -- queries -----------------------------------------------------------------------------
    def search(self, tokens: list[str], k: int) -> list[tuple[str, float]]:
        """Top-k (chunk id, BM25 score); tokens unknown to the index are ignored."""
        if self._bm25 is None or not self.ids:
            return []
        tids = [i for i in (self.vocab.get(t) for t in dict.fromkeys(tokens)) if i is not None and i < self._indexed]
        if not tids:
            return []
        scores = self._bm25.get_scores_from_ids(tids)
        k = min(k, len(self.ids))
        top = np.argpartition(-scores, k - 1)[:k]
        top = top[np.argsort(-scores[top])]
        return [(self.ids[r], float(scores[r])) for r in top if scores[r] > 0]

    def doc_freq(self, token: str) -> int:
        """How many chunks contain the token (for idf weights in the reader)."""
        i = self.vocab.get(token)
        if i is None or i >= self._indexed or self._bm25 is None:
            return 0
        # every chunk holding the token scores above zero (BM25's idf and tf are positive)
        return int(np.count_nonzero(self._bm25.get_scores_from_ids([i])))

    def __len__(self) -> int:
        return len(self.ids)
