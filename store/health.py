"""Checking a store, and repairing what can be repaired: `rag verify [--repair]`.

What is checked, over every chunk in Chroma:
  - the chunk has text and readable metadata (a source, a document id, a content hash);
  - it has a vector of the store's dimension (two writers at once once left chunks without one);
  - its document is stored whole (`schema.complete`): one version, every chunk present, which an
    ingest, replace or remove cut short (kill -9, a full disk) does not leave;
  - the lexical index holds exactly Chroma's chunks, at Chroma's generation.

Repairs (`repair=True`, under the writer lock):
  - a missing vector is computed again from the chunk's own text and title (nothing is lost);
  - a chunk without text or metadata, and every chunk of an incomplete document, is deleted: an
    interrupted remove is finished, an interrupted ingest rolled back to "not stored", and the
    next `rag ingest` of those files stores them whole (the report names their sources);
  - the lexical index is rebuilt from Chroma (one segment).
"""

from __future__ import annotations

from dataclasses import dataclass, field

from store.protocols import Embedder
from store.schema import ChunkMeta, complete

__all__ = ["Health", "check_store"]


@dataclass
class Health:
    chunks: int = 0
    documents: int = 0
    unreadable_chunks: list[str] = field(default_factory=list)
    missing_vectors: list[str] = field(default_factory=list)
    incomplete_documents: list[str] = field(default_factory=list)   # their sources
    lexical_missing: int = 0      # chunks in Chroma the lexical index does not hold
    lexical_extra: int = 0        # ids the lexical index holds that Chroma does not
    lexical_stale: bool = False   # it reflects another generation
    repaired: dict[str, int] = field(default_factory=dict)

    @property
    def problems(self) -> int:
        return (len(self.unreadable_chunks) + len(self.missing_vectors) + len(self.incomplete_documents)
                + self.lexical_missing + self.lexical_extra + int(self.lexical_stale))

    def summary(self) -> str:
        lines = [f"{self.chunks} chunks in {self.documents} documents: {self.problems} problems"]
        if self.unreadable_chunks:
            lines.append(f"  {len(self.unreadable_chunks)} chunks without text or metadata")
        if self.missing_vectors:
            lines.append(f"  {len(self.missing_vectors)} chunks without a vector")
        if self.incomplete_documents:
            shown = ", ".join(self.incomplete_documents[:5]) + (" ..." if len(self.incomplete_documents) > 5 else "")
            lines.append(f"  {len(self.incomplete_documents)} documents not stored whole (a write was cut short): "
                         f"{shown}")
        if self.lexical_missing or self.lexical_extra or self.lexical_stale:
            lines.append(f"  lexical index: {self.lexical_missing} chunks missing, {self.lexical_extra} extra"
                         + (", another generation" if self.lexical_stale else ""))
        for what, n in self.repaired.items():
            lines.append(f"  repaired: {what}: {n}")
        if self.repaired.get("incomplete documents removed"):
            lines.append("  ingest those documents' files again to store them whole")
        return "\n".join(lines)


def check_store(store, lexical, embedder: Embedder | None = None, repair: bool = False,
                batch: int = 2000) -> Health:
    """Check every chunk of `store` and the `lexical` index against it (see the module notes);
    with `repair`, fix what can be fixed (`embedder` recomputes missing vectors)."""

    health = Health()
    docs: dict[str, list[ChunkMeta]] = {}
    doc_ids: dict[str, list[str]] = {}
    for chunk in store.iter_all(batch=batch):
        health.chunks += 1
        m = chunk.meta
        if not chunk.text.strip() or not (m.source and m.doc_id and m.doc_hash):
            health.unreadable_chunks.append(chunk.id)
            continue
        docs.setdefault(m.doc_id, []).append(m)
        doc_ids.setdefault(m.doc_id, []).append(chunk.id)
    ids = [cid for group in doc_ids.values() for cid in group]
    for i in range(0, len(ids), batch):
        health.missing_vectors.extend(store.missing_vectors(ids[i:i + batch]))
    incomplete = [d for d, metas in docs.items() if not complete(metas)]
    health.documents = len(docs)
    health.incomplete_documents = sorted(docs[d][0].source for d in incomplete)

    stored = set(ids) | set(health.unreadable_chunks)
    indexed = set(lexical.ids)
    health.lexical_missing = len(stored - indexed)
    health.lexical_extra = len(indexed - stored)
    health.lexical_stale = lexical.generation != store.generation
    if not repair or not health.problems:
        return health

    doomed = list(health.unreadable_chunks) + [cid for d in incomplete for cid in doc_ids[d]]
    if doomed:
        store.delete_ids(doomed)
        health.repaired["chunks deleted"] = len(doomed)
        health.repaired["incomplete documents removed"] = len(incomplete)
    gone = set(doomed)
    revive = [cid for cid in health.missing_vectors if cid not in gone]
    if revive and embedder is not None:
        stored_chunks = store.get(revive)
        for i in range(0, len(revive), 256):
            part = [stored_chunks[c] for c in revive[i:i + 256] if c in stored_chunks]
            vectors = embedder.embed_texts([c.indexed() for c in part])
            store.upsert([c.id for c in part], [c.text for c in part], vectors, [c.meta for c in part])
        health.repaired["vectors recomputed"] = len(revive)
    generation = store.bump_generation() if doomed or revive else store.generation
    lexical.rebuild(((c.id, c.indexed()) for c in store.iter_all(batch=batch)), generation)
    health.repaired["lexical index rebuilt"] = len(lexical)
    return health
