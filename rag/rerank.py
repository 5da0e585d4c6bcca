"""A second look at the best candidates: features of a candidate among the others, read from the
first scorer's ranking.

The first scorer judges each span alone. Whether a span is the answer also shows in how the
first scorer judged its neighbours: a span whose shorter parts all score well, or that a longer
span around it outscores, or whose text the other passages repeat, is more (or less) likely
the whole answer. The second scorer (`SpanRanker.rerank`) reads a candidate's own features
together with these, for the first `RERANK_TOP` candidates.

    rows = context_rows(values, spans, RERANK_TOP)   # values best first, spans in that order
"""

from __future__ import annotations

import math

import numpy as np

from rag.spans import Span

__all__ = ["CONTEXT_FEATURES", "RERANK_TOP", "context_rows"]

RERANK_TOP = 30
_NONE = -10.0      # a gap where no span of that relation exists

CONTEXT_FEATURES = [
    "first_gap",         # its first score minus the best first score (0 for the best)
    "first_rank",        # log(1 + its place in the first ranking)
    "mass",              # its share of the first scores' probability (softmax over all candidates)
    "inside_mass",       # the probability of the spans inside it (same sentence)
    "around_mass",       # the probability of the spans that hold it
    "crossing_mass",     # the probability of the spans that overlap it without either holding the other
    "same_text_mass",    # the probability of the same text elsewhere (other sentences or places)
    "same_text_count",   # log(1 + how many other candidates read the same)
    "inside_best_gap",   # the best score inside it minus its own (-10 when nothing is inside)
    "around_best_gap",   # the best score of a span holding it minus its own (-10 when none)
    "sentence_mass",     # the probability of its sentence's spans, its own included
    "passage_mass",      # the probability of its passage's spans, its own included
]


def context_rows(values, spans: list[Span], top: int = RERANK_TOP) -> list[list[float]]:
    """CONTEXT_FEATURES of the first `top` spans; `values` are the first scores of all `spans`,
    best first, and `spans` are in that order."""
    n = len(spans)
    if n == 0:
        return []
    values = np.asarray(values, dtype=np.float64)
    p = np.exp(values - values.max())
    p /= p.sum()
    sentence_ids: dict[int, int] = {}
    text_ids: dict[str, int] = {}
    sent = np.array([sentence_ids.setdefault(id(s.sent), len(sentence_ids)) for s in spans])
    hit = np.array([s.sent.hit for s in spans])
    start = np.array([s.start for s in spans])
    end = np.array([s.end for s in spans])
    text = np.array([text_ids.setdefault(" ".join(s.norm.split()), len(text_ids)) for s in spans])
    rows = []
    for k in range(min(top, n)):
        same_sent = sent == sent[k]
        inside = same_sent & (start >= start[k]) & (end <= end[k])
        around = same_sent & (start <= start[k]) & (end >= end[k])
        crossing = same_sent & (start < end[k]) & (end > start[k]) & ~inside & ~around
        same_text = text == text[k]
        for mask in (inside, around, same_text):
            mask[k] = False
        rows.append([
            float(values[k] - values[0]),
            math.log1p(k),
            float(p[k]),
            float(p[inside].sum()),
            float(p[around].sum()),
            float(p[crossing].sum()),
            float(p[same_text].sum()),
            math.log1p(int(same_text.sum())),
            _gap(values, inside, k),
            _gap(values, around, k),
            float(p[same_sent].sum()),
            float(p[hit == hit[k]].sum()),
        ])
    return rows


def _gap(values: np.ndarray, mask: np.ndarray, k: int) -> float:
    if not mask.any():
        return _NONE
    return float(max(_NONE, min(-_NONE, values[mask].max() - values[k])))
