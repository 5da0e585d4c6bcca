"""Answer backends: who writes the answer from the retrieved passages.

    ExtractiveBackend  the offline reader (rag.reader) quotes the answer; the default
    ModelBackend       a language model (rag.llm) writes it, and the extractive answer stands
                       in when the model fails or states a figure no passage holds

Both satisfy `rag.protocols.AnswerBackend`, and every answer of either is checked by
`rag.verify` before it is returned, so `verified` means the same everywhere.
"""

from __future__ import annotations

from typing import Iterator

from rag.llm import LLMError, ModelClient
from rag.prompt import build_messages
from rag.protocols import Reader
from rag.question import Question
from rag.reader import says_not_found
from rag.types import Answer, Citation, Final, Hit, Reading, StreamEvent, TextDelta
from rag.verify import verify_answer

__all__ = ["ExtractiveBackend", "ModelBackend", "VERIFY_POLICIES"]

VERIFY_POLICIES = ("fallback", "flag")


class ExtractiveBackend:
    """Answers with the reader's quoted span; needs no model."""

    name = "extractive"

    def __init__(self, reader: Reader):
        self.reader = reader

    def extract(self, q: Question, hits: list[Hit]) -> Answer:
        reading = self.reader.read(q, hits)
        return _from_reading(q.text, hits, reading)

    def answer(self, question: Question, hits: list[Hit]) -> Iterator[StreamEvent]:
        ans = self.extract(question, hits)
        yield TextDelta(ans.answer)
        yield Final(ans)


class ModelBackend:
    """A language model writes the answer; verification decides whether it is shown.

    `verify="fallback"`: an answer stating a figure that no passage holds is replaced by the
    extractive one, with a warning; `verify="flag"` keeps it, marked `verified=False`."""

    def __init__(self, client: ModelClient, fallback: ExtractiveBackend, verify: str = "fallback"):
        if verify not in VERIFY_POLICIES:
            raise ValueError(f"verify must be one of {VERIFY_POLICIES}, not {verify!r}")
        self.client = client
        self.fallback = fallback
        self.verify = verify
        self.name = client.name

    def answer(self, question: Question, hits: list[Hit]) -> Iterator[StreamEvent]:
        extractive = self.fallback.extract(question, hits)
        if not hits:
            yield TextDelta(extractive.answer)
            yield Final(extractive)
            return
        parts: list[str] = []
        try:
            for delta in self.client.stream(build_messages(question.text, hits, question.lang)):
                parts.append(delta)
                yield TextDelta(delta)
        except LLMError as exc:
            extractive.warnings.append(f"{exc}; showing the extractive answer")
            yield Final(extractive)
            return
        yield Final(self._checked(question.text, hits, "".join(parts).strip(), extractive))

    def _checked(self, question: str, hits: list[Hit], text: str, extractive: Answer) -> Answer:
        name = self.name
        check = verify_answer(text, hits)
        warnings = []
        if check.invalid_citations:
            warnings.append(f"removed citation(s) {', '.join(f'[{n}]' for n in check.invalid_citations)}: "
                            f"there are only {len(hits)} sources")
        if says_not_found(text) and not check.cited:
            return Answer(question=question, answer=check.answer, abstained=True, backend=name,
                          invalid_citations=check.invalid_citations, warnings=warnings)
        if check.unsupported_numbers and self.verify == "fallback":
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
        citations = [_citation(n, hits[n - 1], check.quotes.get(n, "")) for n in check.cited]
        return Answer(question=question, answer=check.answer, abstained=False, citations=citations,
                      backend=name, verified=check.verified, unsupported_numbers=check.unsupported_numbers,
                      invalid_citations=check.invalid_citations, warnings=warnings)


def _citation(n: int, hit: Hit, quote: str) -> Citation:
    return Citation(n=n, source=hit.source, title=hit.title, date=hit.date, text=hit.text, quote=quote,
                    score=hit.score)


def _from_reading(question: str, hits: list[Hit], reading: Reading) -> Answer:
    cited = [hits[i] for i, _ in reading.quotes]
    citations = [_citation(n, h, quote) for n, (h, (_, quote)) in enumerate(zip(cited, reading.quotes), start=1)]
    check = verify_answer(reading.answer, cited) if not reading.abstained else None
    return Answer(question=question, answer=reading.answer, abstained=reading.abstained,
                  citations=citations, backend="extractive",
                  verified=True if check is None else check.verified,
                  unsupported_numbers=[] if check is None else check.unsupported_numbers)
