"""Incremental ingest into the store: unchanged documents are skipped by content hash,
changed ones replace their chunks, and nothing is ever stored twice.

Per document: hash the cleaned text with everything that shapes its chunks (model, chunk
size, format); equal to the stored hash -> nothing to do. Otherwise chunk, embed, upsert
under stable ids, then delete the old chunks the new version no longer has. The lexical
index is updated once at the end of the run.
"""

from __future__ import annotations

import sys
from collections import deque
from dataclasses import dataclass, field, replace

from ingest.chunk import Chunk, chunk_article, content_hash, doc_id_for
from ingest.loaders import Article, Skip, discover, load_file
from store.chroma import FORMAT_VERSION
from store.protocols import Embedder, LexicalIndex, VectorStore
from store.schema import INDEXED_AS, ChunkMeta, indexed_text

__all__ = ["IngestReport", "ingest_paths", "remove_sources"]

_FLUSH_AT = 1024   # chunks per encoding round: sorted by length, so batches pad little
_LOOKUP_AT = 64    # documents whose stored state is fetched in one query
_IN_FLIGHT = 2


@dataclass
class IngestReport:
    files: int = 0
    ingested: list[str] = field(default_factory=list)     # new or changed documents
    unchanged: list[str] = field(default_factory=list)
    skipped: list[Skip] = field(default_factory=list)
    chunks_added: int = 0
    chunks_removed: int = 0

    @property
    def ok(self) -> bool:
        return not self.skipped

    def summary(self) -> str:
        return (f"{self.files} files: {len(self.ingested)} documents ingested, {len(self.unchanged)} unchanged, "
                f"{len(self.skipped)} skipped; {self.chunks_added} chunks added, {self.chunks_removed} removed")

    def to_dict(self) -> dict:
        return {"files": self.files, "ingested": self.ingested, "unchanged": self.unchanged,
                "skipped": [{"where": s.where, "reason": s.reason} for s in self.skipped],
                "chunks_added": self.chunks_added, "chunks_removed": self.chunks_removed}


class _Batch:
    """Chunks waiting to be embedded and written, with the old ids they make stale.

    Three stages overlap: the calling thread loads and chunks documents, one thread embeds a
    batch, another writes the batch before it (Chroma upsert, stale deletes, BM25 tokenising).
    Writes keep their order; at most `_IN_FLIGHT` batches are held in memory.
    """

    def __init__(self, store: VectorStore, lexical: LexicalIndex, embedder: Embedder, report: IngestReport):
        from concurrent.futures import ThreadPoolExecutor

        self.store, self.lexical, self.embedder, self.report = store, lexical, embedder, report
        self.chunks: list[tuple[Chunk, ChunkMeta]] = []
        self.stale: list[str] = []
        self.removed: list[str] = []
        self._embedding = ThreadPoolExecutor(max_workers=1, thread_name_prefix="ingest-embed")
        self._writing = ThreadPoolExecutor(max_workers=1, thread_name_prefix="ingest-write",
                                           initializer=_lower_priority)
        self._in_flight: deque = deque()

    def add(self, chunks: list[Chunk], meta: ChunkMeta, old_ids: list[str]) -> None:
        self.chunks.extend((c, meta) for c in chunks)
        new = {c.id for c in chunks}
        self.stale.extend(i for i in old_ids if i not in new)
        if len(self.chunks) >= _FLUSH_AT:
            self.flush(wait=False)

    def flush(self, wait: bool = True) -> None:
        items, stale = self.chunks, self.stale
        self.chunks, self.stale = [], []
        if items or stale:
            # similar lengths batch together: less padding, faster encoding
            items.sort(key=lambda item: len(item[0].norm))
            texts = [indexed_text(c.norm, m.title) for c, m in items]
            vectors = self._embedding.submit(self.embedder.embed_texts, texts)
            self._in_flight.append(self._writing.submit(self._write, items, texts, vectors, stale))
        while self._in_flight and (wait or len(self._in_flight) >= _IN_FLIGHT):
            self._in_flight.popleft().result()  # re-raises a failed embed or write here

    def _write(self, items: list[tuple[Chunk, ChunkMeta]], texts: list[str], vectors, stale: list[str]) -> None:
        if items:
            self.store.upsert([c.id for c, _ in items], [c.text for c, _ in items], vectors.result(),
                              [replace(m, chunk_index=c.index, start=c.start) for c, m in items])
            self.lexical.stage({c.id: text for (c, _), text in zip(items, texts)})
            self.report.chunks_added += len(items)
        if stale:
            self.store.delete_ids(stale)
            self.removed.extend(stale)
            self.report.chunks_removed += len(stale)

    def close(self) -> None:
        """Finish what is in flight (also after an error, so nothing written is left unindexed)."""
        try:
            while self._in_flight:
                self._in_flight.popleft().result()
        finally:
            self._embedding.shutdown(wait=True)
            self._writing.shutdown(wait=True)

    @property
    def queued(self) -> int:
        return len(self.chunks)


def ingest_paths(paths, store: VectorStore, lexical: LexicalIndex, embedder: Embedder, *, chunk_tokens: int,
                 max_file_mb: float, progress: bool = True, log=None) -> IngestReport:
    """Ingest files and directories. Raises InputError only for a path that does not exist."""
    log = log or (lambda msg: print(msg, file=sys.stderr))
    files = discover(list(paths))
    seen_paths: set = set()
    report = IngestReport()
    batch = _Batch(store, lexical, embedder, report)
    budget = min(chunk_tokens, embedder.max_tokens - 8)
    from tqdm import tqdm

    sizes = [_size(path) for path, _ in files]
    bar = tqdm(total=sum(sizes), unit="B", unit_scale=True, unit_divisor=1024, desc="ingest",
               file=sys.stderr, dynamic_ncols=True, disable=not progress, delay=1.0, leave=False)
    seen_sources: set[str] = set()
    waiting: list[Article] = []
    try:
        for (path, source), size in zip(files, sizes):
            done = 0
            try:
                key = path.resolve()
            except (OSError, RuntimeError):   # a symlink loop: load_file says so
                key = path.absolute()
            if key in seen_paths:
                bar.update(size)
                continue
            seen_paths.add(key)
            report.files += 1
            for item in load_file(path, source, int(max_file_mb * 2**20)):
                if isinstance(item, Skip):
                    report.skipped.append(item)
                    bar.clear()
                    log(str(item))
                    continue
                step = min(item.nbytes, size - done)
                done += step
                bar.update(step)
                if item.source in seen_sources:
                    skip = Skip(item.source, "another article of this run has the same source name; "
                                             "the first was kept (give each a unique id or file name)")
                    report.skipped.append(skip)
                    log(str(skip))
                    continue
                seen_sources.add(item.source)
                waiting.append(item)
                if len(waiting) >= _LOOKUP_AT:
                    _ingest_articles(waiting, store, batch, embedder, budget, report)
                    waiting = []
                bar.set_postfix(docs=len(report.ingested) + len(report.unchanged),
                                chunks=report.chunks_added + batch.queued, refresh=False)
            bar.update(size - done)
        _ingest_articles(waiting, store, batch, embedder, budget, report)
        batch.flush()
    finally:
        batch.close()
        bar.close()
        if batch.removed or report.chunks_added:
            lexical.commit(batch.removed, store.bump_generation())
    return report


def _lower_priority() -> None:
    """Run the writer below the encoder's priority: on a machine with few cores its tokenising
    and Chroma writes then fill the encoder's idle moments instead of taking its cores.
    (On Linux a nice value belongs to the thread.)"""
    import os
    import threading

    try:
        os.setpriority(os.PRIO_PROCESS, threading.get_native_id(), 10)
    except (AttributeError, OSError):
        pass


def _size(path) -> int:
    try:
        return path.stat().st_size
    except OSError:
        return 0


def _ingest_articles(articles: list[Article], store: VectorStore, batch: _Batch, embedder: Embedder, budget: int,
                     report: IngestReport) -> None:
    """Chunk and queue new or changed documents; skip unchanged ones (one lookup for all)."""
    if not articles:
        return
    doc_ids = [doc_id_for(a.source) for a in articles]
    states = store.doc_states(doc_ids)
    for a, doc_id in zip(articles, doc_ids):
        digest = content_hash(str(FORMAT_VERSION), INDEXED_AS, embedder.name, str(budget), a.source, a.text,
                              a.title, a.date or "", a.url or "")
        old_hash, old_ids = states.get(doc_id, (None, []))
        if old_hash == digest:
            report.unchanged.append(a.source)
            continue
        chunks = chunk_article(a.text, a.source, budget, embedder.count_tokens)
        meta = ChunkMeta(source=a.source, doc_id=doc_id, doc_hash=digest, title=a.title, date=a.date,
                         lang=a.lang, url=a.url, chunks=len(chunks))
        batch.add(chunks, meta, old_ids)
        report.ingested.append(a.source)


def remove_sources(sources, store: VectorStore, lexical: LexicalIndex) -> tuple[list[str], list[str]]:
    """Delete documents by source (a JSONL file's name removes all its articles).

    Returns (removed sources, sources not found)."""
    removed, missing, ids = [], [], []
    for source in sources:
        found = store.ids_for_source(source) or store.ids_for_file(source)
        if found:
            ids.extend(found)
            removed.append(source)
        else:
            missing.append(source)
    if ids:
        store.delete_ids(ids)
        lexical.commit(ids, store.bump_generation())
    return removed, missing
