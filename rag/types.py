"""Dataclasses at the library's boundary: what search, read and ask return, and the events
`Assistant.ask_stream` yields."""

from __future__ import annotations

from dataclasses import asdict, dataclass, field

__all__ = ["Hit", "Citation", "Answer", "Reading", "TextDelta", "Final", "StreamEvent"]


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
    backend: str = "extractive"          # which backend wrote the answer shown
    verified: bool = True                # every number shown is in a cited passage
    unsupported_numbers: list[str] = field(default_factory=list)  # figures a model stated that no passage holds
    invalid_citations: list[int] = field(default_factory=list)    # [n] markers with no source n, removed
    warnings: list[str] = field(default_factory=list)             # one line each: fallbacks, faults

    def to_dict(self) -> dict:
        return {
            "question": self.question,
            "answer": self.answer,
            "abstained": self.abstained,
            "citations": [c.to_dict() for c in self.citations],
            "timings_ms": dict(self.timings_ms),
            "backend": self.backend,
            "verified": self.verified,
            "unsupported_numbers": list(self.unsupported_numbers),
            "invalid_citations": list(self.invalid_citations),
            "warnings": list(self.warnings),
        }


@dataclass
class Reading:
    """What a reader found: the answer text with `[n]` markers, and for each n the passage
    (an index into the hits it was given) and the sentence quoted from it."""
    answer: str
    abstained: bool
    quotes: list[tuple[int, str]] = field(default_factory=list)   # (hit index, quoted sentence)


@dataclass(frozen=True)
class TextDelta:
    """A piece of the answer's text as it is written."""
    text: str


@dataclass(frozen=True)
class Final:
    """The last event of a stream: the verified answer (its text may differ from the deltas
    when verification replaced a model's answer)."""
    answer: Answer


StreamEvent = TextDelta | Final
