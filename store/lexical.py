"""The lexical index: BM25 over jieba words and CJK bigrams of the normalised text, in segments.

It is a cache beside Chroma, never the source of truth. A commit writes the chunks it adds as
one new segment and marks the chunks it replaces or removes deleted in the segments holding
them; the other segments are never rewritten, so adding one article to a store of 100k chunks
costs milliseconds, not a rebuild. When there are more than MAX_SEGMENTS segments the smallest
are merged into one (deleted rows dropped); `merge()` merges all of them. Queries read the
segments' postings for the question's tokens only: no query rebuilds or scans the corpus.

Scores are BM25 (Lucene's variant, k1 1.5, b 0.75), with document frequencies, the number of
chunks and their average length taken over the live chunks of all segments, so a segmented
index scores exactly as one index over the same chunks would.

On disk (`<store>/lexical/`), every file but meta.json written once and never changed:
    meta.json              format, generation, count, the vocabulary file and how much of it
                           is valid, the segments and their deletion masks (replaced atomically)
    vocab-<tag>.txt        the vocabulary, one token per line in token-id order; commits append
    seg-<tag>.<part>.npy   a segment's postings (the token ids it holds, sorted, and for each its
                           rows and frequencies: terms, indptr, rows, tfs) and its rows' lengths
    seg-<tag>.ids.json     its chunk ids
    seg-<tag>.del-<tag>.npy  which of its rows are deleted (written when a commit deletes some)
The vocabulary is a text file, so its size does not depend on the longest word.
"""

from __future__ import annotations

import json
import math
import os
import time
import uuid
from pathlib import Path
from typing import Iterable

import numpy as np

from text.tokenize import lexical_tokens

__all__ = ["BM25Index", "MAX_SEGMENTS"]

FORMAT = 3
K1, B = 1.5, 0.75
MAX_SEGMENTS = 8
_PARTS = ("terms", "indptr", "rows", "tfs", "lengths")
_ORPHAN_AGE = 600.0   # seconds: an unreferenced file older than this is left over from a crash


def _tag() -> str:
    return uuid.uuid4().hex[:12]


class _Segment:
    """Immutable postings of some chunks, plus the mask of those since deleted."""

    def __init__(self, name: str, ids: list[str], terms, indptr, rows, tfs, lengths, deleted=None, mask_file=None):
        self.name, self.ids = name, ids
        self.terms, self.indptr, self.rows, self.tfs, self.lengths = terms, indptr, rows, tfs, lengths
        self.deleted = np.zeros(len(ids), dtype=bool) if deleted is None else deleted
        self.mask_file = mask_file
        self._stats()

    def _stats(self) -> None:
        live = ~self.deleted
        self.live = int(np.count_nonzero(live))
        self.live_length = int(self.lengths[live].sum()) if self.live else 0

    @property
    def n_terms(self) -> int:
        """One more than the highest token id it holds."""
        return int(self.terms[-1]) + 1 if len(self.terms) else 0

    def postings(self, tid: int) -> tuple[np.ndarray, np.ndarray]:
        """Live rows holding token `tid`, and its frequency in each."""
        at = int(np.searchsorted(self.terms, tid))
        if at >= len(self.terms) or int(self.terms[at]) != tid:
            return _NO_ROWS, _NO_TFS
        lo, hi = int(self.indptr[at]), int(self.indptr[at + 1])
        rows, tfs = np.asarray(self.rows[lo:hi]), np.asarray(self.tfs[lo:hi])
        if self.live < len(self.ids):
            keep = ~self.deleted[rows]
            rows, tfs = rows[keep], tfs[keep]
        return rows, tfs

    def length_norm(self, avgdl: float) -> np.ndarray:
        """K1 * (1 - B + B * length / avgdl) per row, kept until the average length changes."""
        cached = getattr(self, "_norm", None)
        if cached is None or cached[0] != avgdl:
            lengths = np.asarray(self.lengths, dtype=np.float32)
            cached = self._norm = (avgdl, np.float32(K1) * ((1 - B) + B * lengths / np.float32(avgdl)))
        return cached[1]

    def delete(self, rows: list[int]) -> None:
        if not self.deleted.flags.writeable:
            self.deleted = self.deleted.copy()
        self.deleted[rows] = True
        self.mask_file = None   # to be written
        self._stats()

    def triples(self) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """(term, row, tf) of every live posting."""
        terms = np.repeat(np.asarray(self.terms, dtype=np.int64), np.diff(np.asarray(self.indptr)))
        rows, tfs = np.asarray(self.rows), np.asarray(self.tfs)
        keep = ~self.deleted[rows]
        return terms[keep], rows[keep], tfs[keep]


_NO_ROWS = np.zeros(0, dtype=np.int32)
_NO_TFS = np.zeros(0, dtype=np.float32)


def _build(ids: list[str], terms: np.ndarray, rows: np.ndarray, tfs: np.ndarray, lengths: np.ndarray) -> _Segment:
    """A segment from (term, row, tf) postings in any order. Only the tokens it holds are
    listed, so a segment of one article is small whatever the vocabulary's size."""
    order = np.lexsort((rows, terms))
    terms, rows, tfs = terms[order], rows[order], tfs[order]
    held, starts = np.unique(terms, return_index=True)
    indptr = np.append(starts, len(terms)).astype(np.int64)
    return _Segment(f"seg-{_tag()}", ids, held.astype(np.int32), indptr, rows.astype(np.int32),
                    tfs.astype(np.float32), lengths.astype(np.int32))


def _from_token_rows(ids: list[str], token_rows: list[np.ndarray]) -> _Segment:
    lengths = np.array([len(r) for r in token_rows], dtype=np.int64)
    tokens = np.concatenate(token_rows).astype(np.int64) if token_rows else np.zeros(0, dtype=np.int64)
    doc = np.repeat(np.arange(len(ids), dtype=np.int64), lengths)
    keys, tfs = np.unique(tokens * max(len(ids), 1) + doc, return_counts=True)
    n = max(len(ids), 1)
    # an empty chunk counts as one token long, as in bm25s, so the average length stays positive
    return _build(ids, keys // n, keys % n, tfs, np.maximum(lengths, 1))


class BM25Index:
    """A `store.protocols.LexicalIndex` kept in `root`."""

    def __init__(self, root: Path):
        self.root = Path(root)
        self.generation: int | None = None
        self.vocab: dict[str, int] = {}
        self._words: list[str] = []        # token id -> token
        self._segments: list[_Segment] = []
        self._where: dict[str, tuple[_Segment, int]] | None = None   # chunk id -> segment, row
        self._pending: dict[str, np.ndarray] = {}
        self._vocab_file: str | None = None
        self._vocab_saved = 0              # tokens of _words in the vocabulary file
        self._vocab_bytes = 0              # its valid length
        self._meta: dict | None = None     # as last loaded or saved

    # -- what is indexed ---------------------------------------------------------------------
    def __len__(self) -> int:
        return sum(s.live for s in self._segments)

    @property
    def ids(self) -> list[str]:
        """The chunk ids indexed (live)."""
        return [cid for s in self._segments for r, cid in enumerate(s.ids) if not s.deleted[r]]

    @property
    def segments(self) -> int:
        return len(self._segments)

    def _locations(self) -> dict[str, tuple[_Segment, int]]:
        if self._where is None:
            self._where = {cid: (s, r) for s in self._segments for r, cid in enumerate(s.ids) if not s.deleted[r]}
        return self._where

    # -- persistence -------------------------------------------------------------------------
    def load(self) -> bool:
        """Read the index as last saved (by this or another process); False when it is missing,
        of another format or damaged in any way (it is a cache: it is then rebuilt). Segments
        already loaded are kept, so following another process's commits reads only what is new."""
        for attempt in range(2):   # a writer may replace the files between reading meta and them
            try:
                meta = json.loads((self.root / "meta.json").read_text())
                if meta.get("format") != FORMAT:
                    self._reset()
                    return False
                self._load(meta)
                return len(self) == meta.get("count")
            except Exception:
                if attempt:
                    self._reset()
                    return False
                time.sleep(0.05)
        return False

    def _load(self, meta: dict) -> None:
        vocab_file, size, nbytes = meta["vocab"], int(meta["vocab_size"]), int(meta["vocab_bytes"])
        # the vocabulary file only grows: one this process has read is read on from where it stopped
        going_on = vocab_file == self._vocab_file and self._vocab_bytes <= nbytes and self._vocab_saved <= size
        base, start = (self._vocab_saved, self._vocab_bytes) if going_on else (0, 0)
        new_words: list[str] = []
        if nbytes > start:
            with open(self.root / vocab_file, "rb") as f:
                f.seek(start)
                data = f.read(nbytes - start)
            if len(data) != nbytes - start:
                raise ValueError("vocabulary file shorter than recorded")
            new_words = data.decode("utf-8", "surrogatepass").split("\n")[:-1]
        if base + len(new_words) != size:
            raise ValueError("vocabulary size differs from meta.json")
        known = {s.name: s for s in self._segments}
        segments = []
        for entry in meta["segments"]:
            seg = known.get(entry["name"])
            if seg is None:
                seg = self._read_segment(entry["name"])
            mask = entry.get("deleted")
            if mask != seg.mask_file:
                deleted = (np.load(self.root / mask, allow_pickle=False) if mask
                           else np.zeros(len(seg.ids), dtype=bool))
                if deleted.shape != (len(seg.ids),):
                    raise ValueError("deletion mask of the wrong length")
                seg = _Segment(seg.name, seg.ids, seg.terms, seg.indptr, seg.rows, seg.tfs, seg.lengths,
                               deleted, mask)
            if seg.n_terms > size:
                raise ValueError("segment refers to tokens beyond the vocabulary")
            segments.append(seg)
        self._segments, self._where, self._pending = segments, None, {}
        if going_on:
            for word in self._words[base:]:   # staged by a commit that never finished
                self.vocab.pop(word, None)
            del self._words[base:]
            self._words.extend(new_words)
            self.vocab.update(zip(new_words, range(base, size)))
        else:
            self._words, self.vocab = new_words, dict(zip(new_words, range(size)))
        self._vocab_file, self._vocab_saved, self._vocab_bytes = vocab_file, size, nbytes
        self.generation = meta.get("generation")
        self._meta = meta

    def _read_segment(self, name: str) -> _Segment:
        parts = [np.load(self.root / f"{name}.{p}.npy", mmap_mode="r", allow_pickle=False) for p in _PARTS]
        ids = json.loads((self.root / f"{name}.ids.json").read_text(encoding="utf-8", errors="surrogatepass"))
        terms, indptr, rows, tfs, lengths = parts
        if (len(lengths) != len(ids) or len(rows) != len(tfs) or len(indptr) != len(terms) + 1
                or int(indptr[-1]) != len(rows)):
            raise ValueError(f"segment {name} is inconsistent")
        return _Segment(name, ids, *parts)

    def _reset(self) -> None:
        self.__init__(self.root)

    def save(self) -> None:
        """Write what is not on disk yet (new segments, masks, vocabulary), then meta.json."""
        self.root.mkdir(parents=True, exist_ok=True)
        if self._vocab_saved < len(self._words) and _size(self.root / (self._vocab_file or "-")) != self._vocab_bytes:
            # a vocabulary file only ever grows by this process's appends: when it is not the
            # length this process saved (an interrupted commit, another process), start a new one
            self._vocab_file, self._vocab_saved, self._vocab_bytes = f"vocab-{_tag()}.txt", 0, 0
        if self._vocab_file is None:
            self._vocab_file = f"vocab-{_tag()}.txt"
        if self._vocab_saved < len(self._words):
            data = "".join(w + "\n" for w in self._words[self._vocab_saved:]).encode("utf-8", "surrogatepass")
            with open(self.root / self._vocab_file, "ab") as f:
                f.write(data)
                f.flush()
                os.fsync(f.fileno())
            self._vocab_saved, self._vocab_bytes = len(self._words), self._vocab_bytes + len(data)
        entries = []
        for seg in self._segments:
            if not (self.root / f"{seg.name}.ids.json").exists():
                for part in _PARTS:
                    np.save(self.root / f"{seg.name}.{part}.npy", np.asarray(getattr(seg, part)))
                (self.root / f"{seg.name}.ids.json").write_text(json.dumps(seg.ids), encoding="utf-8",
                                                                errors="surrogatepass")
            if seg.mask_file is None and seg.live < len(seg.ids):
                seg.mask_file = f"{seg.name}.del-{_tag()}.npy"
                np.save(self.root / seg.mask_file, seg.deleted)
            entries.append({"name": seg.name, "deleted": seg.mask_file if seg.live < len(seg.ids) else None})
        meta = {"format": FORMAT, "generation": self.generation, "count": len(self),
                "vocab": self._vocab_file, "vocab_size": self._vocab_saved, "vocab_bytes": self._vocab_bytes,
                "segments": entries}
        tmp = self.root / f"meta.json.{_tag()}"
        tmp.write_text(json.dumps(meta))
        os.replace(tmp, self.root / "meta.json")
        previous, self._meta = self._meta, meta
        self._clean(previous, meta)

    def _clean(self, previous: dict | None, meta: dict) -> None:
        """Delete the files the previous meta.json named and this one does not, and files left
        over by an interrupted commit. Files of the meta.json before are kept a moment for a
        process that is reading it (a process that has read them keeps them open)."""
        keep = _files(meta)
        obsolete = _files(previous) - keep if previous else set()
        now = time.time()
        for path in self.root.iterdir():
            name = path.name
            if name in keep or name == "meta.json":
                continue
            try:
                if name in obsolete or now - path.stat().st_mtime > _ORPHAN_AGE:
                    path.unlink()
            except OSError:
                pass

    # -- updates -----------------------------------------------------------------------------
    def _encode(self, tokens: list[str]) -> np.ndarray:
        vocab, words = self.vocab, self._words
        out = []
        for t in tokens:
            i = vocab.get(t)
            if i is None:
                if "\n" in t:   # the vocabulary file holds one token per line
                    continue
                i = vocab[t] = len(words)
                words.append(t)
            out.append(i)
        return np.array(out, dtype=np.int32)

    def stage(self, added: dict[str, str]) -> None:
        """Tokenise new or changed chunks (chunk id -> normalised text); `commit` applies them."""
        for cid, norm in added.items():
            self._pending[cid] = self._encode(lexical_tokens(norm))

    def commit(self, removed: Iterable[str], generation: int) -> None:
        """Mark `removed` and re-staged ids deleted, add the staged rows as a new segment, merge
        when there are too many segments, and save."""
        pending, self._pending = self._pending, {}
        where = self._locations()
        by_segment: dict[str, list[int]] = {}
        for cid in set(removed) | set(pending):
            found = where.pop(cid, None)
            if found:
                by_segment.setdefault(found[0].name, []).append(found[1])
        for seg in self._segments:
            if seg.name in by_segment:
                seg.delete(by_segment[seg.name])
        self._segments = [s for s in self._segments if s.live]
        if pending:
            seg = _from_token_rows(list(pending), list(pending.values()))
            self._segments.append(seg)
            where.update((cid, (seg, r)) for r, cid in enumerate(seg.ids))
        if len(self._segments) > MAX_SEGMENTS:
            small = sorted(self._segments, key=lambda s: s.live)[:len(self._segments) - MAX_SEGMENTS + 1]
            self._merge(small)
        self.generation = generation
        self.save()

    def merge(self) -> None:
        """Merge every segment into one, dropping deleted rows, and save."""
        if len(self._segments) > 1 or any(s.live < len(s.ids) for s in self._segments):
            self._merge(list(self._segments))
        self.save()

    def _merge(self, group: list[_Segment]) -> None:
        ids, terms, rows, tfs, lengths, base = [], [], [], [], [], 0
        for seg in group:
            live = np.flatnonzero(~seg.deleted)
            renumber = np.full(len(seg.ids), -1, dtype=np.int64)
            renumber[live] = np.arange(base, base + len(live))
            t, r, f = seg.triples()
            terms.append(t)
            rows.append(renumber[r])
            tfs.append(f)
            lengths.append(np.asarray(seg.lengths)[live])
            ids.extend(seg.ids[i] for i in live)
            base += len(live)
        merged = _build(ids, np.concatenate(terms), np.concatenate(rows), np.concatenate(tfs),
                        np.concatenate(lengths))
        names = {s.name for s in group}
        at = min(i for i, s in enumerate(self._segments) if s.name in names)
        rest = [s for s in self._segments if s.name not in names]
        self._segments = rest[:at] + [merged] + rest[at:]
        if self._where is not None:
            self._where.update((cid, (merged, r)) for r, cid in enumerate(merged.ids))

    def rebuild(self, chunks: Iterable[tuple[str, str]], generation: int) -> None:
        """Replace the whole index with (chunk id, normalised text) pairs, then save."""
        self._reset_content()
        batch: dict[str, str] = {}
        for cid, norm in chunks:
            batch[cid] = norm
            if len(batch) >= 2000:
                self.stage(batch)
                batch = {}
        self.stage(batch)
        self.commit([], generation)

    def _reset_content(self) -> None:
        meta = self._meta
        self._reset()
        self._meta = meta   # so that the files it names are cleaned up by the next save

    # -- queries -----------------------------------------------------------------------------
    def _stats(self) -> tuple[int, float]:
        n = len(self)
        return n, (sum(s.live_length for s in self._segments) / n if n else 1.0)

    def search(self, tokens: list[str], k: int) -> list[tuple[str, float]]:
        """Top-k (chunk id, BM25 score); tokens unknown to the index are ignored."""
        n, avgdl = self._stats()
        tids = [i for i in (self.vocab.get(t) for t in dict.fromkeys(tokens)) if i is not None]
        if not n or not tids or k <= 0:
            return []
        scores = [np.zeros(len(s.ids), dtype=np.float32) for s in self._segments]
        hit = False
        for tid in tids:
            postings = [s.postings(tid) for s in self._segments]
            df = sum(len(rows) for rows, _ in postings)
            if not df:
                continue
            hit = True
            idf = np.float32(math.log(1 + (n - df + 0.5) / (df + 0.5)))
            for seg, acc, (rows, tfs) in zip(self._segments, scores, postings):
                if len(rows):
                    acc[rows] += idf * (tfs / (seg.length_norm(avgdl)[rows] + tfs))
        if not hit:
            return []
        flat = np.concatenate(scores)
        k = min(k, len(flat))
        top = np.argpartition(-flat, k - 1)[:k]
        top = top[np.argsort(-flat[top], kind="stable")]
        starts = np.cumsum([0] + [len(s.ids) for s in self._segments])
        out = []
        for g in top:
            if flat[g] <= 0:
                break
            i = int(np.searchsorted(starts, g, side="right")) - 1
            out.append((self._segments[i].ids[g - starts[i]], float(flat[g])))
        return out

    def doc_freq(self, token: str) -> int:
        """How many chunks contain the token (for idf weights in the reader)."""
        i = self.vocab.get(token)
        if i is None:
            return 0
        return sum(len(s.postings(i)[0]) for s in self._segments)


def _size(path: Path) -> int:
    try:
        return path.stat().st_size
    except OSError:
        return -1


def _files(meta: dict | None) -> set[str]:
    if not meta:
        return set()
    names = {meta.get("vocab")}
    for entry in meta.get("segments", []):
        names.update(f"{entry['name']}.{p}.npy" for p in _PARTS)
        names.add(f"{entry['name']}.ids.json")
        if entry.get("deleted"):
            names.add(entry["deleted"])
    return {n for n in names if n}
