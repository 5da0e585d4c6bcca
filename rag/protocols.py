"""The seams of the answering side: what `Assistant` needs from a retriever, a reader and an
answer backend. The storage seams (embedder, vector store, lexical index) are in
`store.protocols`; `rag.components.build_components` makes the defaults from settings.
"""

from __future__ import annotations

from typing import Iterator, Protocol, runtime_checkable

from rag.question import Question
from rag.types import Hit, Reading, StreamEvent

__all__ = ["Retriever", "Reader", "AnswerBackend"]


@runtime_checkable
class Retriever(Protocol):
    def search(self, question: str, k: int) -> list[Hit]: ...


@runtime_checkable
class Reader(Protocol):
    def read(self, question: Question, hits: list[Hit]) -> Reading: ...


@runtime_checkable
class AnswerBackend(Protocol):
    """Writes the answer from the retrieved passages: the extractive reader or a language model."""

    name: str

    def answer(self, question: Question, hits: list[Hit]) -> Iterator[StreamEvent]:
        """Yield `TextDelta`s as the answer is written, then one `Final` with the verified Answer."""
        ...
