"""The seams of the storage layer: what the ingest pipeline, the retriever and the assistant
need from an embedding model, a vector store and a lexical index.

`store.embed.SentenceEmbedder`, `store.chroma.ChunkStore` and `store.lexical.BM25Index` are
the implementations; anything else that has these methods can be given to `rag.Assistant`
or `ingest.pipeline.ingest_paths` instead (the tests use a small deterministic embedder).
"""

from __future__ import annotations

from typing import Iterable, Iterator, Protocol, runtime_checkable

from store.schema import ChunkMeta, StoredChunk

__all__ = ["Embedder", "VectorStore", "LexicalIndex"]


@runtime_checkable
class Embedder(Protocol):
    name: str          # recorded in the store; a store refuses another model
    dim: int
    max_tokens: int    # the model's input limit in its own tokens

    def embed_texts(self, texts: list[str]) -> list[list[float]]: ...

    def embed_query(self, text: str) -> list[float]: ...

    def count_tokens(self, texts: list[str]) -> list[int]: ...

    def known_token_ratio(self, text: str) -> float:
        """Share of the text's tokens the model can read (weights the dense list in fusion)."""
        ...


@runtime_checkable
class VectorStore(Protocol):
    @property
    def generation(self) -> int:
        """A counter bumped by every write; caches derived from the store compare against it."""
        ...

    def bump_generation(self) -> int: ...

    def count(self) -> int: ...

    def upsert(self, ids: list[str], texts: list[str], embeddings: list[list[float]],
               metas: list[ChunkMeta]) -> None: ...

    def delete_ids(self, ids: list[str]) -> None: ...

    def doc_states(self, doc_ids: list[str]) -> dict[str, tuple[str | None, list[str]]]:
        """(content hash, chunk ids) per stored document; the hash is None unless the document
        is stored whole with every vector (so it is written again)."""
        ...

    def missing_vectors(self, ids: list[str]) -> list[str]: ...

    def ids_for_source(self, source: str) -> list[str]: ...

    def ids_for_file(self, file: str) -> list[str]: ...

    def get(self, ids: list[str]) -> dict[str, StoredChunk]: ...

    def query(self, embedding: list[float], n: int) -> list[tuple[StoredChunk, float]]: ...

    def iter_all(self, batch: int = 5000, include_text: bool = True) -> Iterator[StoredChunk]: ...

    def documents(self) -> list[dict]: ...


@runtime_checkable
class LexicalIndex(Protocol):
    generation: int | None   # the store generation the index reflects

    def __len__(self) -> int: ...

    @property
    def ids(self) -> list[str]:
        """The chunk ids indexed."""
        ...

    def search(self, tokens: list[str], k: int) -> list[tuple[str, float]]: ...

    def doc_freq(self, token: str) -> int: ...

    def load(self) -> bool:
        """Read the index as last saved (by this or another process); False when it cannot."""
        ...

    def stage(self, added: dict[str, str]) -> None:
        """Tokenise new or changed chunks (chunk id -> normalised text) for the next commit."""
        ...

    def commit(self, removed: Iterable[str], generation: int) -> None:
        """Apply the staged chunks and drop `removed`, recording the store's generation."""
        ...

    def merge(self) -> None:
        """Compact the index (one segment, no deleted rows)."""
        ...

    def rebuild(self, chunks: Iterable[tuple[str, str]], generation: int) -> None:
        """Replace the whole index with (chunk id, normalised text) pairs."""
        ...
