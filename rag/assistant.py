"""`Assistant`: the one core behind the CLI, the Python API, evaluation and the UI.

    from rag import Assistant
    a = Assistant(store="./.rag")
    a.ingest(["data/"])
    answer = a.ask("湖里区标准化奖励资金共计多少?")
    print(answer.answer, answer.citations[0].quote)
"""

from __future__ import annotations

import math
import sys
import threading
import time
from pathlib import Path
from typing import Iterator

from rag import _offline  # noqa: F401
from rag.errors import InputError
from rag.question import analyze
from rag.reader import ExtractiveReader, Reader
from rag.settings import Settings
from rag.types import Answer, Citation, Hit
from rag.verify import verify_answer

__all__ = ["Assistant", "MAX_QUESTION_CHARS"]

MAX_QUESTION_CHARS = 2000


class Assistant:
    def __init__(self, store: str | Path | None = None, *, settings: Settings | None = None,
                 reader: Reader | None = None, llm_api_key: str | None = None, **overrides):
        base = settings or Settings.load()
        self.settings = base.replace(store=Path(store) if store is not None else None, **overrides)
        self.settings.validate()
        self.reader: Reader = reader or ExtractiveReader()
        self._lock = threading.RLock()
        self._embedder = None
        self._store = None
        self._lexical = None
        self._checked_corpus = False
        self._api_key = llm_api_key
        self._backend = None
        self._backend_ready = False

    # -- lazily opened parts -----------------------------------------------------------------
    @property
    def embedder(self):
        if self._embedder is None:
            from ingest.embed import Embedder

            self._embedder = Embedder.shared(self.settings.embed_model, self.settings.device,
                                             self.settings.embed_batch_size)
        return self._embedder

    @property
    def store(self):
        with self._lock:
            if self._store is None:
                from rag.store import ChunkStore

                self._store = ChunkStore(self.settings.store, self.embedder.name, self.embedder.dim)
            return self._store

    @property
    def lexical(self):
        with self._lock:
            if self._lexical is None:
                from rag.lexical import LexicalIndex

                lex = LexicalIndex(self.settings.store / "lexical")
                if not lex.load() or lex.generation != self.store.generation or len(lex) != self.store.count():
                    self._rebuild_lexical(lex)
                self._lexical = lex
            return self._lexical

    def _rebuild_lexical(self, lex) -> None:
        """Rebuild the BM25 cache from Chroma (the source of truth)."""
        from ingest.normalize import normalize
        from rag.lexical import LexicalIndex

        fresh = LexicalIndex(lex.root)
        batch: dict[str, str] = {}
        for chunk in self.store.iter_all():
            batch[chunk.id] = normalize(chunk.text)
            if len(batch) >= 2000:
                fresh.stage(batch)
                batch = {}
        fresh.stage(batch)
        fresh.commit([], self.store.generation)
        lex.__dict__.update(fresh.__dict__)

    # -- corpus ------------------------------------------------------------------------------
    def ingest(self, paths, progress: bool | None = None):
        """Ingest files/directories; returns an IngestReport (skips are listed, not raised)."""
        from ingest.pipeline import ingest_paths

        if isinstance(paths, (str, Path)):
            paths = [paths]
        with self._lock:
            self._checked_corpus = True
            return ingest_paths(paths, self.store, self.lexical, self.embedder,
                                chunk_tokens=self.settings.chunk_tokens, max_file_mb=self.settings.max_file_mb,
                                progress=self.settings.progress if progress is None else progress)

    def remove(self, sources) -> tuple[list[str], list[str]]:
        """Delete documents by source; returns (removed, not found)."""
        from ingest.pipeline import remove_sources

        if isinstance(sources, str):
            sources = [sources]
        with self._lock:
            return remove_sources(list(sources), self.store, self.lexical)

    def documents(self) -> list[dict]:
        return self.store.documents()

    def ensure_corpus(self) -> None:
        """Ingest the bundled corpus into an empty store on first use (when enabled)."""
        with self._lock:
            if self._checked_corpus:
                return
            self._checked_corpus = True
            if self.store.count() == 0 and self.settings.auto_ingest and Path(self.settings.corpus).is_dir():
                print(f"The store {self.settings.store} is empty: ingesting the bundled corpus "
                      f"{self.settings.corpus} (set RAG_AUTO_INGEST=0 to turn this off).", file=sys.stderr)
                self.ingest([self.settings.corpus], progress=False)

    # -- questions ---------------------------------------------------------------------------
    def _check_question(self, question: str) -> str:
        if not isinstance(question, str) or not question.strip():
            raise InputError("the question is empty", hint="ask a question, e.g. 'How many enterprises won?'")
        if len(question) > MAX_QUESTION_CHARS:
            raise InputError(f"the question is {len(question)} characters long (at most {MAX_QUESTION_CHARS})",
                             hint="shorten it to the question itself")
        return question.strip()

    def _retriever(self):
        from rag.retrieve import HybridRetriever

        return HybridRetriever(self.store, self.lexical, self.embedder,
                               candidates=self.settings.candidates, rrf_k=self.settings.rrf_k)

    def search(self, question: str, k: int | None = None) -> list[Hit]:
        question = self._check_question(question)
        self.ensure_corpus()
        with self._lock:
            return self._retriever().search(question, k or self.settings.top_k)

    def _idf(self):
        lex = self.lexical
        n = max(len(lex), 1)

        def idf(term: str) -> float:
            df = lex.doc_freq(term)
            return math.log(1 + n / (1 + df)) if df else math.log(1 + n)
        return idf

    @property
    def backend(self):
        """The language-model backend, or None when the extractive reader answers."""
        with self._lock:
            if not self._backend_ready:
                from rag.llm import make_backend

                s = self.settings
                self._backend = make_backend(s.llm, base_url=s.llm_base_url, model=s.llm_model,
                                             api_key=self._api_key, timeout=s.llm_timeout, retries=s.llm_retries)
                self._backend_ready = True
            return self._backend

    def ask(self, question: str, top_k: int | None = None, *, extractive: bool = False) -> Answer:
        """Answer a question; the same as the last item `ask_stream` yields."""
        answer = None
        for item in self.ask_stream(question, top_k, extractive=extractive):
            if isinstance(item, Answer):
                answer = item
        assert answer is not None
        return answer

    def ask_stream(self, question: str, top_k: int | None = None, *,
                   extractive: bool = False) -> Iterator[str | Answer]:
        """Yield the answer's text as it is written, then the verified `Answer`.

        With a language model the text is the model's reply as it streams; if verification
        then replaces it (a figure no passage holds) or the model fails, the final Answer says
        so in `warnings` and carries the extractive answer instead. `extractive=True` skips
        the configured model for this question."""
        question = self._check_question(question)
        backend = None if extractive else self.backend
        self.ensure_corpus()
        with self._lock:  # retrieval and reading see one state of the index; a model's reply does not hold it
            t0 = time.perf_counter()
            hits = self._retriever().search(question, top_k or self.settings.top_k)
            t1 = time.perf_counter()
            q = analyze(question, idf=self._idf())
            reading = self.reader.read(q, hits)
            extractive = self._extractive_answer(question, hits, reading)
        if backend is None or not hits:
            extractive.timings_ms = _timings(t0, t1)
            yield extractive.answer
            yield extractive
            return
        from rag.llm import LLMError
        from rag.prompt import build_messages

        parts: list[str] = []
        try:
            for delta in backend.stream(build_messages(question, hits, q.lang)):
                parts.append(delta)
                yield delta
        except LLMError as exc:
            extractive.warnings.append(f"{exc}; showing the extractive answer")
            extractive.timings_ms = _timings(t0, t1)
            yield extractive
            return
        answer = self._model_answer(question, hits, "".join(parts).strip(), backend.name, extractive)
        answer.timings_ms = _timings(t0, t1)
        yield answer

    def _extractive_answer(self, question: str, hits: list[Hit], reading) -> Answer:
        cited = [hits[i] for i, _ in reading.quotes]
        citations = [Citation(n=n, source=h.source, title=h.title, date=h.date, text=h.text, quote=quote,
                              score=h.score)
                     for n, (h, (_, quote)) in enumerate(zip(cited, reading.quotes), start=1)]
        check = verify_answer(reading.answer, cited) if not reading.abstained else None
        return Answer(question=question, answer=reading.answer, abstained=reading.abstained,
                      citations=citations, backend="extractive",
                      verified=True if check is None else check.verified,
                      unsupported_numbers=[] if check is None else check.unsupported_numbers)

    def _model_answer(self, question: str, hits: list[Hit], text: str, name: str, extractive: Answer) -> Answer:
        from rag.reader import says_not_found

        check = verify_answer(text, hits)
        warnings = []
        if check.invalid_citations:
            warnings.append(f"removed citation(s) {', '.join(f'[{n}]' for n in check.invalid_citations)}: "
                            f"there are only {len(hits)} sources")
        if says_not_found(text) and not check.cited:
            return Answer(question=question, answer=check.answer, abstained=True, backend=name,
                          invalid_citations=check.invalid_citations, warnings=warnings)
        if check.unsupported_numbers and self.settings.verify == "fallback":
            extractive.unsupported_numbers = check.unsupported_numbers
            extractive.invalid_citations = check.invalid_citations
            extractive.warnings = warnings + [
                f"the {name} answer stated {', '.join(check.unsupported_numbers)}, which no retrieved passage "
                "holds; showing the extractive answer"]
            return extractive
        if check.unsupported_numbers:
            warnings.append(f"not found in any source: {', '.join(check.unsupported_numbers)}")
        if not check.cited:
            warnings.append(f"the {name} answer cites no source")
        citations = [Citation(n=n, source=hits[n - 1].source, title=hits[n - 1].title, date=hits[n - 1].date,
                              text=hits[n - 1].text, quote=check.quotes.get(n, ""), score=hits[n - 1].score)
                     for n in check.cited]
        return Answer(question=question, answer=check.answer, abstained=False, citations=citations,
                      backend=name, verified=check.verified, unsupported_numbers=check.unsupported_numbers,
                      invalid_citations=check.invalid_citations, warnings=warnings)


def _timings(t0: float, t1: float) -> dict[str, float]:
    return {"retrieve": round((t1 - t0) * 1000, 2), "answer": round((time.perf_counter() - t1) * 1000, 2)}
