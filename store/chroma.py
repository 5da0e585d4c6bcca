"""The Chroma collection: the source of truth for chunks, their embeddings and metadata.

Layout of a store directory:
    <store>/chroma/    Chroma's persistent files (embedded client)
    <store>/lexical/   the BM25 cache, rebuilt from Chroma whenever it is missing or stale
    <store>/writer.lock, open.lock   one writer at a time; one process opening the files at a time

With a Chroma server (`url`, from RAG_CHROMA_URL or --chroma-url) the chunks live in the
server's collection `collection` and the store directory holds only this machine's caches:
several processes, on one machine or many, can serve one collection, each with its own cache.

The collection's metadata records the format version, the embedding model and dimension,
and a generation counter bumped on every write; opening with another model is an error.
Chroma's own embedding function is never attached (it would download a model): every add
and query passes vectors computed by our embedder.
"""

from __future__ import annotations

import time
from pathlib import Path

import numpy as np
from typing import Iterator
from urllib.parse import urlsplit

from common import offline  # noqa: F401
from common.errors import ConfigError, ModelMismatchError, StoreError
from store.lock import opening
from store.schema import ChunkMeta, StoredChunk, complete

__all__ = ["ChunkStore", "FORMAT_VERSION", "COLLECTION"]

FORMAT_VERSION = 1
COLLECTION = "news_articles"


class ChunkStore:
    """A `store.protocols.VectorStore` over one Chroma collection in `<root>/chroma`."""

    def __init__(self, root: Path, model_name: str, dim: int, url: str = "", collection: str = COLLECTION):
        self.root = Path(root)
        self.model_name = model_name
        self.dim = dim
        self.url = url.strip()
        self.name = collection
        try:
            if self.url:
                self.client = self._server_client()
                self.collection = self._open_collection()
            else:
                with opening(self.root):
                    self.client = self._embedded_client()
                    self.collection = self._open_collection()
        except (ConfigError, StoreError):
            raise
        except OSError as exc:
            raise StoreError(f"cannot open store {self.where} ({exc.strerror})",
                             hint="check the --store path and its permissions") from None
        except Exception as exc:   # the server refused the collection (its name, its permissions)
            if not self.url:
                raise
            raise StoreError(f"the Chroma server at {self.url} refused collection {collection!r}: {_first_line(exc)}",
                             hint="check RAG_CHROMA_COLLECTION (3-63 characters: letters, digits, . _ -)") from None
        self._check()
        from llama_index.vector_stores.chroma import ChromaVectorStore

        self.vector_store = ChromaVectorStore(chroma_collection=self.collection)

    def _open_collection(self, attempts: int = 5):
        """The collection, created on first use. Two processes opening a new store at once
        race to create it: the loser's get-or-create fails as a duplicate (or meets the
        other's open transaction), and then the collection is there to be read."""
        from chromadb.errors import UniqueConstraintError

        for attempt in range(attempts):
            try:
                return self.client.get_or_create_collection(
                    self.name,
                    embedding_function=None,
                    configuration={"hnsw": {"space": "cosine"}},
                    metadata={"format": FORMAT_VERSION, "embed_model": self.model_name,
                              "embed_dim": self.dim, "generation": 0},
                )
            except UniqueConstraintError:
                return self.client.get_collection(self.name, embedding_function=None)
            except Exception as exc:
                if attempt == attempts - 1 or not _transient(exc):
                    raise
                time.sleep(0.2 * (attempt + 1))

    @property
    def where(self) -> str:
        """The store as users name it: its directory, or the server and collection."""
        return f"{self.url} (collection {self.name})" if self.url else str(self.root)

    def _embedded_client(self):
        import chromadb
        from chromadb.config import Settings as ChromaSettings

        try:
            (self.root / "chroma").mkdir(parents=True, exist_ok=True)
            return chromadb.PersistentClient(path=str(self.root / "chroma"),
                                             settings=ChromaSettings(anonymized_telemetry=False, allow_reset=False))
        except OSError as exc:
            raise StoreError(f"cannot open store {self.root} ({exc.strerror})",
                             hint="check the --store path and its permissions") from None

    def _server_client(self):
        import chromadb
        from chromadb.config import Settings as ChromaSettings

        parts = urlsplit(self.url if "://" in self.url else f"http://{self.url}")
        if parts.scheme not in ("http", "https") or not parts.hostname:
            raise ConfigError(f"RAG_CHROMA_URL={self.url!r} is not an http(s)://host:port address",
                              hint="for example http://127.0.0.1:8000")
        try:
            return chromadb.HttpClient(host=parts.hostname, port=parts.port or (443 if parts.scheme == "https" else 8000),
                                       ssl=parts.scheme == "https",
                                       settings=ChromaSettings(anonymized_telemetry=False))
        except Exception as exc:   # chromadb checks the server when the client is made
            raise StoreError(f"cannot reach the Chroma server at {self.url}: {_first_line(exc)}",
                             hint="start one with `chroma run --path DIR --host 127.0.0.1 --port 8000`, "
                                  "or fix RAG_CHROMA_URL / --chroma-url") from None

    def _check(self) -> None:
        meta = self.collection.metadata or {}
        if meta.get("format") != FORMAT_VERSION:
            raise StoreError(f"store {self.where} has format {meta.get('format')!r}, this version reads {FORMAT_VERSION}",
                             hint="re-ingest into a new --store")
        if meta.get("embed_model") != self.model_name or meta.get("embed_dim") != self.dim:
            raise ModelMismatchError(
                f"store {self.where} was built with embedding model {meta.get('embed_model')!r} "
                f"(dim {meta.get('embed_dim')}), not {self.model_name!r} (dim {self.dim})",
                hint=f"use --embed-model {meta.get('embed_model')} (RAG_EMBED_MODEL), or a new --store",
            )

    # -- bookkeeping -------------------------------------------------------------------------
    def _metadata(self) -> dict:
        """The collection's metadata as stored now: another process may have written since
        this one opened it, and the collection object keeps the metadata it was opened with."""
        return dict(self.client.get_collection(self.name, embedding_function=None).metadata or {})

    @property
    def generation(self) -> int:
        return int(self._metadata().get("generation", 0))

    def bump_generation(self) -> int:
        meta = self._metadata()
        meta["generation"] = int(meta.get("generation", 0)) + 1
        meta["updated"] = time.time()
        self.collection.modify(metadata=meta)
        return meta["generation"]

    def count(self) -> int:
        return self.collection.count()

    # -- writes ------------------------------------------------------------------------------
    def upsert(self, ids: list[str], texts: list[str], embeddings: list[list[float]],
               metas: list[ChunkMeta]) -> None:
        from llama_index.core.schema import NodeRelationship, RelatedNodeInfo, TextNode
        from llama_index.core.vector_stores.utils import node_to_metadata_dict

        metadatas = []
        for cid, text, meta in zip(ids, texts, metas):
            node = TextNode(id_=cid, text=text, metadata=meta.to_metadata(),
                            relationships={NodeRelationship.SOURCE: RelatedNodeInfo(node_id=meta.doc_id)})
            md = node_to_metadata_dict(node, remove_text=True, flat_metadata=True)
            metadatas.append({k: ("" if v is None else v) for k, v in md.items()})
        step = 2000
        for i in range(0, len(ids), step):
            self.collection.upsert(ids=ids[i:i + step], documents=texts[i:i + step],
                                   embeddings=embeddings[i:i + step], metadatas=metadatas[i:i + step])

    def delete_ids(self, ids: list[str]) -> None:
        for i in range(0, len(ids), 2000):
            self.collection.delete(ids=ids[i:i + 2000])

    # -- reads -------------------------------------------------------------------------------
    def doc_states(self, doc_ids: list[str]) -> dict[str, tuple[str | None, list[str]]]:
        """(content hash, chunk ids) of each stored document, in one query (absent ones are left
        out). The hash is None when the document is not stored whole (`schema.complete`: an
        interrupted ingest, replace or remove) or one of its chunks has no vector, so that such
        a document is written again instead of being reported unchanged."""
        out: dict[str, tuple[str | None, list[str]]] = {}
        if not doc_ids:
            return out
        where = {"doc_id": {"$in": list(doc_ids)}}
        try:
            got = self.collection.get(where=where, include=["metadatas", "embeddings"])
            vectors = got["embeddings"]
        except Exception:   # a chunk without its vector: find which documents, one at a time
            got, vectors = self.collection.get(where=where, include=["metadatas"]), None
        metas: dict[str, list[ChunkMeta]] = {}
        ids: dict[str, list[str]] = {}
        bad: set[str] = set()
        for k, (cid, raw) in enumerate(zip(got["ids"], got["metadatas"])):
            meta = ChunkMeta.from_metadata(raw)
            metas.setdefault(meta.doc_id, []).append(meta)
            ids.setdefault(meta.doc_id, []).append(cid)
            if vectors is not None and not self._usable(vectors[k]):
                bad.add(meta.doc_id)
        if vectors is None:
            bad = {d for d in ids if self.missing_vectors(ids[d])}
        for doc_id, group in metas.items():
            whole = complete(group) and doc_id not in bad
            out[doc_id] = (group[0].doc_hash or None if whole else None, ids[doc_id])
        return out

    def _usable(self, vector) -> bool:
        return vector is not None and len(vector) == self.dim and bool(np.all(np.isfinite(vector)))

    def missing_vectors(self, ids: list[str]) -> list[str]:
        """Those of `ids` whose vector cannot be read (or is not a vector of this store's size)."""
        if not ids:
            return []
        try:
            got = self.collection.get(ids=ids, include=["embeddings"])
        except Exception:
            if len(ids) == 1:
                return list(ids)
            half = len(ids) // 2
            return self.missing_vectors(ids[:half]) + self.missing_vectors(ids[half:])
        have = {i for i, v in zip(got["ids"], got["embeddings"]) if self._usable(v)}
        return [i for i in ids if i not in have]

    def ids_for_source(self, source: str) -> list[str]:
        return list(self.collection.get(where={"source": source}, include=[])["ids"])

    def ids_for_file(self, file: str) -> list[str]:
        return list(self.collection.get(where={"file": file}, include=[])["ids"])

    def get(self, ids: list[str]) -> dict[str, StoredChunk]:
        if not ids:
            return {}
        got = self.collection.get(ids=ids, include=["documents", "metadatas"])
        return {i: StoredChunk(i, d or "", ChunkMeta.from_metadata(m)) for i, d, m in
                zip(got["ids"], got["documents"], got["metadatas"])}

    def query(self, embedding: list[float], n: int) -> list[tuple[StoredChunk, float]]:
        """Nearest chunks by cosine similarity, through llama-index's ChromaVectorStore."""
        from llama_index.core.vector_stores.types import VectorStoreQuery

        total = self.count()
        if total == 0:
            return []
        res = self.vector_store.query(VectorStoreQuery(query_embedding=embedding,
                                                       similarity_top_k=min(n, total)))
        out = []
        for node, sim in zip(res.nodes, res.similarities or []):
            out.append((StoredChunk(node.node_id, node.get_content(), ChunkMeta.from_metadata(node.metadata)),
                        float(sim)))
        return out

    def iter_all(self, batch: int = 5000, include_text: bool = True) -> Iterator[StoredChunk]:
        include = ["documents", "metadatas"] if include_text else ["metadatas"]
        offset = 0
        while True:
            got = self.collection.get(include=include, limit=batch, offset=offset)
            if not got["ids"]:
                return
            docs = got.get("documents") or [""] * len(got["ids"])
            for i, d, m in zip(got["ids"], docs, got["metadatas"]):
                yield StoredChunk(i, d or "", ChunkMeta.from_metadata(m))
            offset += len(got["ids"])

    def documents(self) -> list[dict]:
        """One row per document: source, title, date, lang, chunks."""
        rows: dict[str, dict] = {}
        for c in self.iter_all(include_text=False):
            m = c.meta
            row = rows.setdefault(m.source, {"source": m.source, "title": m.title or None,
                                             "date": m.date, "lang": m.lang, "chunks": 0})
            row["chunks"] += 1
        return sorted(rows.values(), key=lambda r: r["source"] or "")


def _first_line(exc: Exception) -> str:
    text = str(exc).strip().splitlines()
    return text[0][:200] if text else type(exc).__name__


def _transient(exc: Exception) -> bool:
    """An error another process's concurrent first write explains, worth one more try."""
    text = str(exc).lower()
    return "already exists" in text or "database is locked" in text or "unique constraint" in text
