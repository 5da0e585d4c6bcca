"""Dataclasses at the library's boundary: what search and ask return."""

from __future__ import annotations

from dataclasses import asdict, dataclass, field

__all__ = ["Hit", "Citation", "Answer"]


@dataclass
class Hit:
    """A retrieved chunk."""
    chunk_id: str
    source: str
    title: str
    date: str | None
    text: str            # the chunk, original script
    score: float         # fused retrieval score (higher is better)
    lang: str = ""
    dense_rank: int | None = None
    lexical_rank: int | None = None

    def to_dict(self) -> dict:
        return asdict(self)


@dataclass
class Citation:
    n: int               # the [n] used in the answer text
    source: str
    title: str
    date: str | None
    text: str            # the whole chunk
    quote: str           # the sentence(s) that support the answer
    score: float

    def to_dict(self) -> dict:
        return asdict(self)


@dataclass
class Answer:
    question: str
    answer: str
    abstained: bool
    citations: list[Citation] = field(default_factory=list)
    timings_ms: dict[str, float] = field(default_factory=dict)

    def to_dict(self) -> dict:
        return {
            "question": self.question,
            "answer": self.answer,
            "abstained": self.abstained,
            "citations": [c.to_dict() for c in self.citations],
            "timings_ms": dict(self.timings_ms),
        }
