"""`Assistant`: the one core behind the CLI, the Python API, evaluation and the UI.

    from rag import Assistant
    a = Assistant(store="./.rag")
    a.ingest(["data/"])
    answer = a.ask("湖里区标准化奖励资金共计多少?")
    print(answer.answer, answer.citations[0].quote)

Its parts are injected: any of `embedder`, `vector_store`, `lexical`, `retriever`, `reader`
and `backend` may be given (see `rag.protocols` and `store.protocols`); the rest are built
from the settings by `rag.components.build_components`.
"""

from __future__ import annotations

import math
import sys
import threading
import time
from contextlib import contextmanager
from pathlib import Path
from typing import Iterator

from common.errors import ConfigError, InputError
from ingest.pipeline import IngestReport, ingest_paths, remove_sources
from rag.components import build_components, sync_lexical
from rag.corpus import bundled_corpus
from rag.protocols import AnswerBackend, Reader, Retriever
from rag.question import analyze
from rag.settings import Settings
from rag.types import Answer, Final, Hit, StreamEvent
from store.health import Health, check_store
from store.lock import WriterLock
from store.protocols import Embedder, LexicalIndex, VectorStore

__all__ = ["Assistant", "MAX_QUESTION_CHARS"]

MAX_QUESTION_CHARS = 2000


class Assistant:
    def __init__(self, store: str | Path | None = None, *, settings: Settings | None = None,
                 embedder: Embedder | None = None, vector_store: VectorStore | None = None,
                 lexical: LexicalIndex | None = None, retriever: Retriever | None = None,
                 reader: Reader | None = None, backend: AnswerBackend | None = None, **overrides):
        """`store` is the store directory; `overrides` are settings (`top_k=8`, `llm="openai"`,
        `llm_api_key=...`), applied over `settings` (default: `Settings.load()`, the environment)."""
        base = settings or Settings.load()
        self.settings = base.replace(store=Path(store) if store is not None else None, **overrides)
        parts = build_components(self.settings, embedder=embedder, store=vector_store, lexical=lexical,
                                 retriever=retriever, reader=reader, backend=backend)
        self.embedder = parts.embedder
        self.store = parts.store
        self.lexical = parts.lexical
        self.dictionary = parts.dictionary
        self.retriever = parts.retriever
        self.reader = parts.reader
        self.extractive = parts.extractive
        self.backend = parts.backend
        self._lock = threading.RLock()
        self._checked_corpus = False

    # -- corpus ------------------------------------------------------------------------------
    def ingest(self, paths, progress: bool | None = None) -> IngestReport:
        """Ingest files/directories; returns an IngestReport (skips are listed, not raised)."""
        if isinstance(paths, (str, Path)):
            paths = [paths]
        with self._writing():
            self._checked_corpus = True
            return ingest_paths(paths, self.store, self.lexical, self.embedder,
                                chunk_tokens=self.settings.chunk_tokens, max_file_mb=self.settings.max_file_mb,
                                progress=self.settings.progress if progress is None else progress)

    def remove(self, sources) -> tuple[list[str], list[str]]:
        """Delete documents by source; returns (removed, not found)."""
        if isinstance(sources, str):
            sources = [sources]
        with self._writing():
            return remove_sources(list(sources), self.store, self.lexical)

    def verify(self, repair: bool = False) -> Health:
        """Check every chunk, document and the lexical index (`store.health`); with `repair`,
        recompute missing vectors, finish or roll back writes that were cut short and rebuild
        the lexical index, holding the writer lock."""
        if not repair:
            with self._lock:
                return check_store(self.store, self.lexical, self.embedder)
        with self._writing():
            return check_store(self.store, self.lexical, self.embedder, repair=True)

    @contextmanager
    def _writing(self):
        """One writer at a time on the store (across processes, see `store.lock`); a write
        waits up to `lock_wait` seconds for another to finish, and sees its changes after."""
        with WriterLock(self.settings.store, wait=self.settings.lock_wait), self._lock:
            self.refresh()
            yield

    def refresh(self) -> bool:
        """Bring the lexical index up to the store's generation when another process (or
        another `Assistant`) wrote to it; True when it was rebuilt."""
        with self._lock:
            return sync_lexical(self.lexical, self.store)

    def documents(self) -> list[dict]:
        return self.store.documents()

    def ensure_corpus(self) -> None:
        """Ingest the bundled corpus into an empty store on first use (when enabled)."""
        with self._lock:
            if self._checked_corpus:
                return
            self._checked_corpus = True
            if self.store.count() or not self.settings.auto_ingest:
                return
            corpus = self.settings.corpus or bundled_corpus()
            if not Path(corpus).is_dir():
                raise ConfigError(f"RAG_CORPUS={corpus} is not a folder",
                                  hint="point RAG_CORPUS at a folder of articles, or set RAG_AUTO_INGEST=0")
            print(f"The store {self.settings.store} is empty: ingesting the bundled corpus "
                  f"{corpus} (set RAG_AUTO_INGEST=0 to turn this off).", file=sys.stderr)
            self.ingest([corpus], progress=False)

    # -- questions ---------------------------------------------------------------------------
    def _check_question(self, question: str) -> str:
        if not isinstance(question, str) or not question.strip():
            raise InputError("the question is empty", hint="ask a question, e.g. 'How many enterprises won?'")
        try:
            question.encode("utf-8")
        except UnicodeEncodeError as exc:   # bytes that were not UTF-8 (a terminal in another encoding)
            raise InputError(f"the question holds bytes that are not UTF-8 text (at character {exc.start + 1})",
                             hint="type it again, or set the terminal to UTF-8") from None
        if len(question) > MAX_QUESTION_CHARS:
            raise InputError(f"the question is {len(question)} characters long (at most {MAX_QUESTION_CHARS})",
                             hint="shorten it to the question itself")
        return question.strip()

    def search(self, question: str, k: int | None = None) -> list[Hit]:
        """The passages retrieved for a question, best first."""
        question = self._check_question(question)
        self.ensure_corpus()
        with self._lock:
            self.refresh()
            return self.retriever.search(question, k or self.settings.top_k)

    def _idf(self):
        lex = self.lexical
        n = max(len(lex), 1)

        def idf(term: str) -> float:
            df = lex.doc_freq(term)
            return math.log(1 + n / (1 + df)) if df else math.log(1 + n)
        return idf

    def analyze(self, question: str):
        """The question as the readers see it (`rag.question.Question`): its kind, terms with
        their weights in this store, and their translations."""
        return analyze(question, idf=self._idf(), dictionary=self.dictionary)

    def ask(self, question: str, top_k: int | None = None, *, extractive: bool = False) -> Answer:
        """Answer a question; the same Answer as the `Final` event of `ask_stream`."""
        answer = None
        for event in self.ask_stream(question, top_k, extractive=extractive):
            if isinstance(event, Final):
                answer = event.answer
        if answer is None:
            raise RuntimeError(f"the {self.backend.name} backend ended without a Final answer")
        return answer

    def ask_stream(self, question: str, top_k: int | None = None, *,
                   extractive: bool = False) -> Iterator[StreamEvent]:
        """Yield `TextDelta`s as the answer is written, then one `Final` with the verified Answer.

        With a language model the deltas are the model's reply as it streams; if verification
        then replaces it (a figure no passage holds) or the model fails, the final Answer says
        so in `warnings` and carries the extractive answer instead. `extractive=True` skips
        the configured model for this question."""
        question = self._check_question(question)
        backend = self.extractive if extractive else self.backend
        self.ensure_corpus()
        with self._lock:  # retrieval and analysis see one state of the index; writing the answer does not hold it
            t0 = time.perf_counter()
            self.refresh()   # another process may have written to the store since the last answer
            hits = self.retriever.search(question, top_k or self.settings.top_k)
            t1 = time.perf_counter()
            q = self.analyze(question)
        for event in backend.answer(q, hits):
            if isinstance(event, Final):
                event.answer.timings_ms = {"retrieve": round((t1 - t0) * 1000, 2),
                                           "answer": round((time.perf_counter() - t1) * 1000, 2)}
            yield event
