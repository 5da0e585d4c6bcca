"""The one factory: the default components of an `Assistant`, built from settings.

    parts = build_components(settings)                      # all defaults
    parts = build_components(settings, embedder=my_model)   # any part given is used as is,
                                                            # and the parts built after it use it

Order: embedder -> vector store (records the embedder's name) -> lexical index (derived from
the vector store) -> retriever -> reader -> answer backend (extractive, or a language model
with the extractive answer as its fallback).
"""

from __future__ import annotations

import sys
import time
from dataclasses import dataclass
from pathlib import Path

from rag.backends import ExtractiveBackend, ModelBackend
from rag.crosslingual import Dictionary
from rag.llm import make_client
from rag.protocols import AnswerBackend, Reader, Retriever
from rag.reader import ExtractiveReader
from rag.retrieve import HybridRetriever
from rag.span_reader import RoutedReader, SpanReader
from rag.settings import Settings
from store.chroma import ChunkStore
from store.embed import SentenceEmbedder
from store.lexical import BM25Index
from store.protocols import Embedder, LexicalIndex, VectorStore

__all__ = ["Components", "build_components", "open_lexical", "sync_lexical"]

_CATCH_UP = 2.0   # seconds a reader waits for a writer to save the lexical index it committed


@dataclass
class Components:
    embedder: Embedder
    store: VectorStore
    lexical: LexicalIndex
    dictionary: Dictionary
    retriever: Retriever
    reader: Reader
    extractive: ExtractiveBackend   # the model-free answer: `ask(extractive=True)` and the fallback
    backend: AnswerBackend          # what answers by default


def build_components(settings: Settings, *, embedder: Embedder | None = None, store: VectorStore | None = None,
                     lexical: LexicalIndex | None = None, dictionary: Dictionary | None = None,
                     retriever: Retriever | None = None, reader: Reader | None = None,
                     backend: AnswerBackend | None = None) -> Components:
    s = settings
    embedder = embedder or SentenceEmbedder.shared(s.embed_model, s.device, s.embed_batch_size)
    store = store or ChunkStore(s.store, embedder.name, embedder.dim, url=s.chroma_url, collection=s.chroma_collection)
    lexical = lexical or open_lexical(s.store / "lexical", store)
    dictionary = dictionary or Dictionary(s.cache_dir)
    retriever = retriever or HybridRetriever(store, lexical, embedder, dictionary,
                                             candidates=s.candidates, rrf_k=s.rrf_k)
    if reader is None:
        reader = {"rules": ExtractiveReader, "spans": SpanReader,
                  "routed": lambda: RoutedReader(ExtractiveReader())}[s.offline_reader]()
    extractive = ExtractiveBackend(reader)
    if backend is None:
        client = make_client(s.llm, base_url=s.llm_base_url, model=s.llm_model,
                             api_key=s.llm_api_key.get_secret_value(), timeout=s.llm_timeout,
                             retries=s.llm_retries)
        backend = extractive if client is None else ModelBackend(client, extractive, s.verify)
    return Components(embedder, store, lexical, dictionary, retriever, reader, extractive, backend)


def open_lexical(root, store: VectorStore) -> BM25Index:
    """The BM25 cache in `root`, rebuilt from the store when missing or stale."""
    lex = BM25Index(root)
    if not lex.load():
        lex.generation = None
        if (Path(root) / "meta.json").exists():
            print(f"warning: the lexical index in {root} could not be read; rebuilding it from the store",
                  file=sys.stderr)
    sync_lexical(lex, store)
    return lex


def sync_lexical(lex: LexicalIndex, store: VectorStore) -> bool:
    """Rebuild the lexical index from the store (the source of truth) when it reflects another
    generation or another number of chunks (another process wrote to it); True when it changed."""
    generation = store.generation
    if lex.generation == generation and len(lex) == store.count():
        return False
    # the process that wrote saved its index: reading it is far cheaper than a rebuild. A
    # writer bumps the generation just before it saves, so an index one step behind is
    # given a moment to catch up.
    deadline = time.monotonic() + _CATCH_UP
    while True:
        if lex.load() and lex.generation == generation and len(lex) == store.count():
            return True
        behind = lex.generation is not None and lex.generation < generation
        if not behind or time.monotonic() >= deadline:
            break
        time.sleep(0.1)
        generation = store.generation
    lex.rebuild(((c.id, c.indexed()) for c in store.iter_all()), store.generation)
    return True
