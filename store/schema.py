"""The metadata stored with every chunk, written and read in this one place.

Chroma keeps flat metadata (str, int, float, bool); `ChunkMeta.to_metadata` gives that form
and `ChunkMeta.from_metadata` reads it back, ignoring keys it does not know (llama-index adds
its own node bookkeeping beside ours).

>>> m = ChunkMeta(source="a/b.txt", doc_id="d1", doc_hash="h", title="T", date=None, lang="en")
>>> ChunkMeta.from_metadata({**m.to_metadata(), "_node_type": "TextNode"}) == m
True
>>> m.file, ChunkMeta(source="feed.jsonl#7", doc_id="d", doc_hash="h").file
('a/b.txt', 'feed.jsonl')
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, fields
from typing import Any, Mapping

__all__ = ["ChunkMeta", "StoredChunk", "complete", "indexed_text", "INDEXED_AS"]

INDEXED_AS = "title+text"   # what retrieval indexes for a chunk; in the content hash, so a change re-indexes


def indexed_text(norm: str, title: str | None) -> str:
    """What retrieval (lexical and dense) indexes for a chunk: its article's title, then its
    normalised text. A chunk deep in an article seldom names what the article is about ("体长可达
    60公分" under the title of the fish it measures); the title does. A chunk that opens with the
    title already is indexed as it is. Ingest, the lexical rebuild and the vector repair all
    index through here."""
    from text.normalize import normalize

    head = normalize(title or "").strip()
    if not head or norm.lstrip().startswith(head):
        return norm
    return f"{head}\n{norm}"


@dataclass(frozen=True)
class ChunkMeta:
    source: str                 # as ingested: path relative to the directory given (+ '#key' for JSONL)
    doc_id: str                 # hash of the source: every chunk of a document shares it
    doc_hash: str               # content hash of the document version the chunk came from
    title: str = ""
    date: str | None = None     # ISO date, when the article states one
    lang: str = ""              # zh-Hans | zh-Hant | en
    url: str | None = None
    chunk_index: int = 0        # position of the chunk in its document
    start: int = 0              # character offset of the chunk in the cleaned article
    chunks: int = 0             # how many chunks the document version has (0: not recorded)

    @property
    def file(self) -> str:
        """The file the document came from: a JSONL file holds many documents, each named
        `<file>.jsonl#<key>`; any other source is a file of its own (its path may hold '#')."""
        head, sep, _ = self.source.partition(".jsonl#")
        return head + ".jsonl" if sep else self.source

    def to_metadata(self) -> dict[str, Any]:
        """Flat metadata for Chroma: None becomes '' (Chroma keeps no nulls)."""
        out = {k: ("" if v is None else v) for k, v in asdict(self).items()}
        out["file"] = self.file
        return out

    @classmethod
    def from_metadata(cls, meta: Mapping[str, Any] | None) -> "ChunkMeta":
        meta = meta or {}
        values: dict[str, Any] = {}
        for f in fields(cls):
            v = meta.get(f.name)
            if f.name in ("date", "url"):
                values[f.name] = v or None
            elif f.name in ("chunk_index", "start", "chunks"):
                values[f.name] = int(v or 0)
            else:
                values[f.name] = str(v) if v is not None else ""
        return cls(**values)


@dataclass(frozen=True)
class StoredChunk:
    id: str
    text: str
    meta: ChunkMeta

    def indexed(self) -> str:
        """What retrieval indexes for this chunk, rebuilt from what Chroma stores."""
        from text.normalize import normalize

        return indexed_text(normalize(self.text), self.meta.title)


def complete(metas: list[ChunkMeta]) -> bool:
    """Whether the stored chunks of one document are a whole version of it: one content hash,
    and every position 0..n-1 present once, n being the count each chunk records (or, for
    chunks written before counts were recorded, the positions present). A write that was
    interrupted (ingest, replace, remove) leaves a document that is not complete."""
    if not metas or len({m.doc_hash for m in metas}) != 1:
        return False
    declared = {m.chunks for m in metas}
    if len(declared) != 1:
        return False
    n = declared.pop() or len(metas)
    return sorted(m.chunk_index for m in metas) == list(range(n))
