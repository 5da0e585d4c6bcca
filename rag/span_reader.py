"""The offline reader: the best-scored span of the retrieved sentences, or an abstention.

Candidates (`rag.spans`) are scored by a model fitted on open data (`rag.ranker`); the answer
is the best span copied from its sentence (converted only when the sentence is in the other
script than the question), cited `[1]`, with its sentence as the quote; a figure it cuts at an
edge is taken whole ("1993年9" -> "1993年9月1日").
The answer may widen to a candidate that holds the best one and more of the model's
probability (up to a length fitted with it). When a second small model, fitted on the same
data, gives the answer too low a chance of being right, it says it does not know.
An English question answered from a Chinese sentence gets the figure in English as well
("8 (8家)").

What it does not do: arithmetic, paraphrase, or answers joined from two sentences.
"""

from __future__ import annotations

from collections.abc import Sequence

from rag.frame import Frame, frame
from rag.question import Question
from rag.ranker import SpanRanker
from rag.reader import ABSTAIN_TEXT, in_question_script
from rag.spans import (Span, asks_another_item, coordinated_persons, listed_sibling, sentence_views, whole_answer,
                       whole_enumeration, with_era)
from rag.types import Hit, Reading
from rag.verify import without_markers
from text.normalize import fold, has_cjk
from text.numbers import CLASSIFIERS, Quantity, find_quantities, format_value_en

__all__ = ["SpanReader", "RoutedReader", "RULE_KINDS", "ranker_reads", "in_asked_unit", "figure_of_kind", "answer_span"]

# Question kinds the hand-written rules read typed spans for (a count in the asked unit, an
# amount of money); every other question goes to the span ranker, dates and lists of names
# included (it reads them better on the open sets, and as well on the evaluation set).
RULE_KINDS = ("count", "amount")


class SpanReader:
    """A `rag.protocols.Reader`: deterministic, exact, its weights fitted on open data."""

    def __init__(self, ranker: SpanRanker | None = None, threshold: float | None = None):
        self.ranker = ranker or SpanRanker.load()
        self.threshold = threshold    # None: the one fitted with the model

    def read(self, q: Question, hits: list[Hit]) -> Reading:
        span = self.answer(q, hits)
        if span is None:
            return _abstain(q)
        return Reading(answer=f"{_say(q, span.text, span.sent.text)} [1]", abstained=False,
                       quotes=[(span.sent.hit, span.sent.text)])

    def answer(self, q: Question, hits: list[Hit]) -> Span | None:
        """The span the reader answers with, as it says it (`answer_span`), with its sentence
        (`span.sent`); None where it abstains."""
        if not hits or not (q.keywords or q.translated):
            return None
        views = sentence_views(q, hits)
        f = frame(q)
        choice = self.ranker.choose(self.ranker.rank(f, views), views, f)
        if choice is None or not self.ranker.confident(choice, self.threshold):
            return None
        return answer_span(q, f, choice.span, choice.ranked)


def answer_span(q: Question, f: Frame, span: Span, ranked: Sequence[Span] = ()) -> Span:
    """The chosen span as the reader says it: the whole list when several things are asked
    (as the ranker reads its edges, from `ranked`, the candidates best first), the other
    item of a list the question names items of (`rag.spans.listed_sibling`), the noun a
    "which X" question asks for, and made whole (`rag.spans.whole_answer`), with the calendar
    of a year the question asks in (`rag.spans.with_era`: 民国几年 -> "民国16年")."""
    question = fold(q.norm)
    if q.several:
        span = whole_enumeration(span, ranked)
    elif asks_another_item(question):
        span = listed_sibling(span, ranked, question)
    elif f.wh_class == "who":
        span = coordinated_persons(span, ranked, question)
    return with_era(whole_answer(span, f.asked), f.era)


class RoutedReader:
    """Counts and amounts by the typed rules of `rag.reader`; every other Chinese
    question on Chinese passages (who, what, when, where, why, which ones, other numbers) by the
    fitted span ranker. The ranker was fitted on Chinese questions over Chinese passages only, so English
    questions and questions read across languages stay with the rules, as do the figures of
    news articles, which the rules still read better (benchmarks/RESULTS.md has both).

    A count or amount the rules cannot give in its type (they abstain, or give a bare number
    where the question counts in a unit: "几届" answered "1580") goes to the span ranker, whose
    answer is taken when it is a figure of the asked kind (a count; an amount not counted in a
    classifier), and otherwise the rules' answer stands."""

    def __init__(self, rules, spans: SpanReader | None = None, rule_kinds: tuple[str, ...] = RULE_KINDS):
        self.rules = rules
        self.spans = spans or SpanReader()
        self.rule_kinds = rule_kinds

    def read(self, q: Question, hits: list[Hit]) -> Reading:
        if not ranker_reads(q, hits):
            return self.rules.read(q, hits)
        if q.kind not in self.rule_kinds:
            return self.spans.read(q, hits)
        ruled = self.rules.read(q, hits)
        if in_asked_unit(q, ruled):
            return ruled
        spanned = self.spans.read(q, hits)
        return spanned if figure_of_kind(q, spanned) else ruled


def ranker_reads(q: Question, hits: list[Hit]) -> bool:
    """The span ranker may read the question: a Chinese question over Chinese passages only
    (what it was fitted on)."""
    return q.lang == "zh" and bool(hits) and all(map(_chinese_passage, hits))


def _chinese_passage(hit: Hit) -> bool:
    """The passage is Chinese, or part of a Chinese article (the language detected over the
    whole article), so that a chunk of one with no Chinese in it (a URL, a list of references)
    does not send the question to the rules as one read across languages."""
    return hit.lang.startswith("zh") or has_cjk(hit.text)


def _figures(reading: Reading) -> list[Quantity]:
    return [] if reading.abstained else find_quantities(without_markers(reading.answer))


def in_asked_unit(q: Question, reading: Reading) -> bool:
    """The answer holds a figure, in a unit when the question counts in one ("几届": 3届, not 3)."""
    figures = _figures(reading)
    return bool(figures) and (not q.classifier or any(f.unit for f in figures))


def figure_of_kind(q: Question, reading: Reading) -> bool:
    """The answer holds a figure of the kind asked: any figure for a count, one not counted in a
    classifier (4个 is no sum of money) for an amount."""
    figures = _figures(reading)
    if q.kind == "amount":
        return any(not (f.unit and f.unit in CLASSIFIERS) for f in figures)
    return bool(figures)


def _say(q: Question, text: str, sentence: str = "") -> str:
    """The span as said to the asker: in the question's script (`in_question_script`); an
    English question gets a Chinese figure in English as well."""
    text = text.strip()
    if q.lang == "zh":
        return in_question_script(q, text, sentence)
    if has_cjk(text):
        quantities = find_quantities(text)
        if quantities:
            return f"{format_value_en(quantities[0])} ({text})"
    return text


def _abstain(q: Question) -> Reading:
    return Reading(answer=ABSTAIN_TEXT[q.lang], abstained=True)
