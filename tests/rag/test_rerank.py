"""The second look's context features: how the first scorer judged the spans inside, around,
across and repeating a candidate."""

import math

import numpy as np
import pytest

from rag.question import analyze
from rag.rerank import CONTEXT_FEATURES, context_rows
from rag.spans import Span, sentence_views
from rag.types import Hit


def _views(*texts: str):
    q = analyze("青禾市的市花是什么？")
    hits = [Hit(chunk_id=f"d{k}:0", source=f"d{k}.txt", title="", date=None, text=t, score=1.0)
            for k, t in enumerate(texts)]
    return sentence_views(q, hits)


def _span(view, text: str) -> Span:
    """The span of `view` whose text is `text`, made from its words."""
    for i in range(len(view.words)):
        for j in range(i + 1, len(view.words) + 1):
            span = Span(view, i, j)
            if span.text == text:
                return span
    raise AssertionError(f"no span {text!r} in {view.text!r}")


def _row(rows, k, name):
    return rows[k][CONTEXT_FEATURES.index(name)]


def _spans():
    first, other = _views("青禾市的市花是白色紫藤。", "白色紫藤开在四月。")
    whole = _span(first, "白色紫藤")
    part = _span(first, "白色")
    across = _span(first, "是白色")
    again = _span(other, "白色紫藤")
    return whole, part, across, again


def test_mass_inside_and_around_a_span():
    whole, part, across, again = _spans()
    values = [2.0, 1.0, 0.0, -1.0]
    rows = context_rows(values, [whole, part, across, again])
    p = np.exp(values) / np.exp(values).sum()
    assert _row(rows, 0, "inside_mass") == pytest.approx(p[1])          # 白色 is inside 白色紫藤
    assert _row(rows, 1, "around_mass") == pytest.approx(p[0] + p[2])   # 白色紫藤 and 是白色 hold 白色
    assert _row(rows, 1, "inside_mass") == 0.0
    assert _row(rows, 0, "crossing_mass") == pytest.approx(p[2])        # 是白色 overlaps 白色紫藤, neither holds the other
    assert _row(rows, 1, "crossing_mass") == 0.0                        # 是白色 holds 白色


def test_the_same_text_in_another_passage_counts():
    whole, part, across, again = _spans()
    rows = context_rows([2.0, 1.0, 0.0, -1.0], [whole, part, across, again])
    p = np.exp([2.0, 1.0, 0.0, -1.0]) / np.exp([2.0, 1.0, 0.0, -1.0]).sum()
    assert _row(rows, 0, "same_text_mass") == pytest.approx(p[3])
    assert _row(rows, 0, "same_text_count") == pytest.approx(math.log1p(1))
    assert _row(rows, 1, "same_text_count") == 0.0
    assert _row(rows, 3, "passage_mass") == pytest.approx(p[3])         # alone in its passage
    assert _row(rows, 0, "sentence_mass") == pytest.approx(p[:3].sum())


def test_gaps_and_ranks_read_the_first_scores():
    whole, part, across, again = _spans()
    rows = context_rows([2.0, 1.0, 0.0, -1.0], [whole, part, across, again])
    assert _row(rows, 0, "first_gap") == 0.0 and _row(rows, 2, "first_gap") == -2.0
    assert _row(rows, 0, "first_rank") == 0.0 and _row(rows, 3, "first_rank") == pytest.approx(math.log(4))
    assert _row(rows, 1, "around_best_gap") == pytest.approx(1.0)       # 白色紫藤 scored 1 above 白色
    assert _row(rows, 0, "inside_best_gap") == pytest.approx(-1.0)
    assert _row(rows, 3, "inside_best_gap") == -10.0                    # nothing inside 白色紫藤 of the second passage


def test_only_the_first_top_are_described():
    spans = list(_spans())
    assert len(context_rows([3.0, 2.0, 1.0, 0.0], spans, top=2)) == 2
    assert all(len(r) == len(CONTEXT_FEATURES) for r in context_rows([3.0, 2.0, 1.0, 0.0], spans))
    assert context_rows([], []) == []
