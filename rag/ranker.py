"""The span ranker: a scorer of candidates over `rag.features`, fitted on open data, and an
abstention model of the chance that the chosen answer is right (small boosted trees, or two
logistic models: do the passages hold an answer; is the answer right when they do).

The scorer is either boosted trees (LightGBM, fitted as a per-question ranker) or a linear
conditional logit. Its trees or weights, the feature scaling, the answer width and the
abstention model live in `reader_model.json` beside this file, written by
`benchmarks/fit_reader.py` (which prints the dev and val figures they give). The file carries a
format number and the feature names it was fitted with; a file of another format or with other
features is refused with a clear error, never half-used.

    ranker = SpanRanker.load()
    scored = ranker.rank(frame, views)     # [(score, span)], best first
    choice = ranker.choose(scored, views, frame)
    ranker.confident(choice)               # False: abstain
"""

from __future__ import annotations

import json
import math
import re
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from common.errors import ConfigError
from rag.features import FEATURE_NAMES, SpanContext, feature_vector
from rag.frame import NAMES_PERIOD, Frame, bigram_recall, names_found, sentence_bigram_recall, term_coverage, title_run, unmatched_run
from rag.rerank import CONTEXT_FEATURES, RERANK_TOP, context_rows
from rag.spans import NUMERALS, SentenceView, Span, candidate_spans, glossed_term, in_a_list
from text.numbers import find_quantities, same_figure

__all__ = ["SpanRanker", "Abstainer", "Answerable", "ANSWERABLE_FEATURES", "Choice", "MODEL_FILE", "MODEL_FORMAT", "TOP_SENTENCES", "ABSTAIN_FEATURES",
           "candidate_rows", "of_the_asked_type", "states_only_given_figures", "FIGURE_TYPES"]

MODEL_FILE = Path(__file__).with_name("reader_model.json")
FIGURE_TYPES = ("count", "amount", "percent", "number")    # answer types that are figures
_NUMERAL = re.compile(f"[{NUMERALS}半]")    # 两成, 半年
_MODEL_KEYS = {"rerank_features", "rerank", "bag"}    # written only when the model has them
MODEL_FORMAT = 3
TOP_SENTENCES = 9     # sentences whose spans are scored, by coverage


ABSTAIN_FEATURES = ["best_score", "answer_mass", "margin", "sentence_coverage", "top_coverage",
                    "sentence_bigrams", "candidates",
                    # how much of the question the answer's passage, and all the passages, hold
                    "passage_coverage", "passage_rarest", "passage_bigrams", "passage_names",
                    "pool_coverage", "pool_bigrams", "pool_names",
                    # the longest run of the question's characters the passage / all passages never hold
                    "passage_unmatched", "pool_unmatched",
                    # the longest run of the answer's passage's title / of any passage's title the question holds
                    "passage_title", "pool_title"]
# of those, what tells whether the retrieved passages hold an answer at all (a question about an
# article that is not in the store names things none of them mention)
ANSWERABLE_FEATURES = ["top_coverage", "passage_coverage", "passage_unmatched", "pool_coverage", "pool_bigrams",
                       "pool_names", "pool_unmatched", "pool_title"]
_ANSWERABLE_COLUMNS = [ABSTAIN_FEATURES.index(n) for n in ANSWERABLE_FEATURES]


def _load_trees(text: str, n_features: int, what: str):
    """A LightGBM model from its text, refused unless it reads `n_features` features."""
    import lightgbm

    booster = lightgbm.Booster(model_str=text)
    if booster.num_feature() != n_features:
        raise ConfigError(f"the reader model's {what} read {booster.num_feature()} features, not {n_features}",
                          hint="refit it with `python benchmarks/fit_reader.py --write`")
    return booster


def _logistic(x, mean, scale, coef, intercept: float) -> float:
    z = intercept + sum(w * (v - m) / s for v, m, s, w in zip(x, mean, scale, coef))
    return 1.0 / (1.0 + math.exp(-max(-50.0, min(50.0, z))))


def of_the_asked_type(span: Span, frame: Frame) -> bool:
    """The span may answer the question as its type asks: for a figure asked with 多少, 几 or
    how many (how much, what share, how long) only a span holding a numeral ("3.5米", "两成",
    "半年") that is not only a figure the question states; "道路通行能力" says no figure for
    全长多少. For the year, decade, month or century asked with 哪一年, 何年, 几月 or 几世纪
    (`Frame.asked_period`), only a span that names one (`NAMES_PERIOD`): "9月2日" and "同年10月"
    do not say which year. Any span may answer other questions."""
    if frame.asked_period and not NAMES_PERIOD[frame.asked_period].search(span.norm):
        return False
    return (frame.answer_type not in FIGURE_TYPES or frame.wh_class != "how_many"
            or (bool(_NUMERAL.search(span.norm)) and not states_only_given_figures(span, frame)))


def states_only_given_figures(span: Span, frame: Frame) -> bool:
    """Every figure of the span is one the question states, in the same unit: "4位" is no answer
    to "4位获奖者中有几位是校友" (a question does not ask for what it gives), but "4个" may answer
    "2009年4月改制为几个区"."""
    if not frame.figures:
        return False
    found = find_quantities(span.norm)
    return bool(found) and all(any(same_figure(x, given) for given in frame.figures) for x in found)


@dataclass
class Answerable:
    """A logistic model of whether the retrieved passages hold the answer, from
    ANSWERABLE_FEATURES."""
    mean: list[float]
    scale: list[float]
    coef: list[float]
    intercept: float

    def probability(self, x: list[float]) -> float:
        return _logistic([x[k] for k in _ANSWERABLE_COLUMNS], self.mean, self.scale, self.coef, self.intercept)


@dataclass
class Abstainer:
    """The chance that the chosen answer is right, from ABSTAIN_FEATURES; below `threshold`
    the reader says it does not know.

    Either boosted trees (`trees`, LightGBM binary, as text) of "the answer is right", or a
    logistic model of it being right when the passages hold an answer, times the chance that
    they hold one (`answerable`, when fitted)."""
    mean: list[float]
    scale: list[float]
    coef: list[float]
    intercept: float
    threshold: float
    answerable: Answerable | None = None
    trees: str = ""

    def __post_init__(self):
        self._booster = _load_trees(self.trees, len(ABSTAIN_FEATURES), "abstention trees") if self.trees else None

    def probability(self, x: list[float]) -> float:
        if self._booster is not None:
            return float(self._booster.predict(np.asarray([x], dtype=np.float64), num_threads=1)[0])
        p = _logistic(x, self.mean, self.scale, self.coef, self.intercept)
        return p * self.answerable.probability(x) if self.answerable else p


def candidate_rows(frame: Frame, views: list[SentenceView], top: int = TOP_SENTENCES) -> tuple[list[Span], list[list[float]]]:
    """The candidates of the best `top` sentences (views ranked best first) and their feature rows."""
    if not views:
        return [], []
    best = views[0].coverage
    spans = [span for view in views[:top] for span in candidate_spans(view)]
    return spans, [feature_vector(SpanContext(frame, span, best)) for span in spans]


@dataclass
class Choice:
    span: Span
    score: float          # the span's own score
    features: list[float]  # ABSTAIN_FEATURES (the probability the answer holds is the second)
    ranked: list[Span] = field(default_factory=list)   # every candidate, best first

    @property
    def supported(self) -> bool:
        """Its passage holds at least one of the question's terms (an answer from a passage
        that shares nothing with the question is a guess, whatever the scores say)."""
        f = dict(zip(ABSTAIN_FEATURES, self.features))
        return f["passage_coverage"] > 0 or f["sentence_coverage"] > 0 or f["top_coverage"] > 0


def _mean_ranking(rankings: list[list[tuple[float, Span]]]) -> list[tuple[float, Span]]:
    """The spans of several rankings of the same candidates, by their mean score, best first
    (ties in the first ranking's order)."""
    total: dict[int, float] = {}
    for ranking in rankings:
        for value, span in ranking:
            total[id(span)] = total.get(id(span), 0.0) + value
    n = len(rankings)
    mean = [(total[id(span)] / n, span) for _, span in rankings[0]]
    return sorted(mean, key=lambda pair: -pair[0])


@dataclass
class SpanRanker:
    mean: list[float]
    scale: list[float]
    coef: list[float]
    answer_chars: int = 0                 # an answer may widen to hold more of the probability, up to this
    abstainer: Abstainer | None = None
    trees: str = ""                       # a LightGBM model as text; empty: the linear weights score
    rerank: str = ""                      # LightGBM trees that score the first RERANK_TOP again (`rag.rerank`)
    bag: list[tuple[str, str]] = field(default_factory=list)   # more (trees, rerank) pairs: the score is the mean

    @classmethod
    def load(cls, path: Path = MODEL_FILE) -> "SpanRanker":
        try:
            data = json.loads(Path(path).read_text(encoding="utf-8"))
        except (OSError, ValueError) as exc:
            raise ConfigError(f"cannot read the reader model {path}: {exc}",
                              hint="refit it with `python benchmarks/fit_reader.py --write`") from exc
        if data.get("format") != MODEL_FORMAT or data.get("features") != FEATURE_NAMES \
                or data.get("abstain", {}).get("features") != ABSTAIN_FEATURES:
            raise ConfigError(f"the reader model {path} was fitted for other features (format {data.get('format')})",
                              hint="refit it with `python benchmarks/fit_reader.py --write`")
        a = data["abstain"]
        b = a.get("answerable")
        if b and b.get("features") != ANSWERABLE_FEATURES:
            raise ConfigError(f"the reader model {path} was fitted for other answerability features",
                              hint="refit it with `python benchmarks/fit_reader.py --write`")
        if data.get("rerank") and data.get("rerank_features") != CONTEXT_FEATURES:
            raise ConfigError(f"the reader model {path} was fitted for other second-look features",
                              hint="refit it with `python benchmarks/fit_reader.py --write`")
        answerable = Answerable(b["mean"], b["scale"], b["coef"], float(b["intercept"])) if b else None
        return cls(data["mean"], data["scale"], data["coef"], int(data["answer_chars"]),
                   Abstainer(a["mean"], a["scale"], a["coef"], float(a["intercept"]), float(a["threshold"]), answerable,
                             trees="\n".join(a.get("trees", []))),
                   trees="\n".join(data.get("trees", [])), rerank="\n".join(data.get("rerank", [])),
                   bag=[("\n".join(b["trees"]), "\n".join(b.get("rerank", []))) for b in data.get("bag", [])])

    def to_json(self, **extra) -> str:
        a = self.abstainer
        abstain = {"features": ABSTAIN_FEATURES, "mean": a.mean, "scale": a.scale, "coef": a.coef,
                   "intercept": a.intercept, "threshold": a.threshold} if a else {}
        if a and a.answerable:
            b = a.answerable
            abstain["answerable"] = {"features": ANSWERABLE_FEATURES, "mean": b.mean, "scale": b.scale,
                                     "coef": b.coef, "intercept": b.intercept}
        if a and a.trees:
            abstain["trees"] = a.trees.splitlines()
        second = {"rerank_features": CONTEXT_FEATURES, "rerank": self.rerank.splitlines()} if self.rerank else {}
        bag = {"bag": [{"trees": t.splitlines(), "rerank": r.splitlines()} for t, r in self.bag]} if self.bag else {}
        model = {"format": MODEL_FORMAT, "features": FEATURE_NAMES, "mean": self.mean, "scale": self.scale,
                 "coef": self.coef, "answer_chars": self.answer_chars, "abstain": abstain,
                 "trees": self.trees.splitlines(), **second, **bag}
        taken = sorted(set(extra) & (set(model) | _MODEL_KEYS))
        if taken:
            raise ValueError(f"{', '.join(taken)}: the model's own keys, not for what it was fitted with")
        return json.dumps({**model, **extra}, ensure_ascii=False, indent=1)

    def __post_init__(self):
        self._booster = self._second = None
        if self.rerank:
            self._second = _load_trees(self.rerank, len(FEATURE_NAMES) + len(CONTEXT_FEATURES), "second-look trees")
        if self.bag and not self.trees:
            raise ConfigError("the reader model has a bag of trees but no trees of its own",
                              hint="refit it with `python benchmarks/fit_reader.py --write`")
        self._members = [SpanRanker(self.mean, self.scale, self.coef, trees=t, rerank=r) for t, r in self.bag]
        if self.trees:
            self._booster = _load_trees(self.trees, len(FEATURE_NAMES), "trees")
            return
        coef = np.asarray(self.coef, dtype=np.float64) / np.asarray(self.scale, dtype=np.float64)
        self._w = coef                                   # weights on the raw features
        self._b = -float(coef @ np.asarray(self.mean, dtype=np.float64))

    def scores(self, rows) -> np.ndarray:
        """Scores (log-odds-like, up to a constant per question) of feature rows (lists or a matrix)."""
        if len(rows) == 0:
            return np.zeros(0)
        x = np.asarray(rows, dtype=np.float64)
        if self._booster is not None:
            return self._booster.predict(x, num_threads=1)
        return x @ self._w + self._b

    def rank(self, frame: Frame, views: list[SentenceView], top: int = TOP_SENTENCES) -> list[tuple[float, Span]]:
        """Every candidate of the best `top` sentences with its score, best first; a candidate
        made only of the question's own words is never an answer."""
        spans, rows = candidate_rows(frame, views, top)
        return self.ranked(spans, rows)

    def ranked(self, spans: list[Span], rows) -> list[tuple[float, Span]]:
        """The spans with their scores, best first (ties in their order), without those made
        only of the question's own words. With second-look trees, the first RERANK_TOP are
        scored again among each other (`rag.rerank`) and the rest follow, below them."""
        if self._members:
            return _mean_ranking([self._ranked_alone(spans, rows)] + [m.ranked(spans, rows) for m in self._members])
        return self._ranked_alone(spans, rows)

    def _ranked_alone(self, spans: list[Span], rows) -> list[tuple[float, Span]]:
        values = self.scores(rows)
        order = np.argsort(-values, kind="stable")
        kept = [k for k in order if not spans[k].only_question_words]
        if self._second is None or not kept:
            return [(float(values[k]), spans[k]) for k in kept]
        return self.second_look(values[kept], [spans[k] for k in kept], np.asarray(rows, dtype=np.float64)[kept])

    def second_look(self, values: np.ndarray, spans: list[Span], x: np.ndarray) -> list[tuple[float, Span]]:
        """Spans ranked by their first `values` (best first), their feature rows `x`: the first
        RERANK_TOP ranked again by the second-look trees; the others keep their order, below."""
        top = min(RERANK_TOP, len(spans))
        second = values[:top] + self._second.predict(np.hstack([x[:top], np.asarray(context_rows(values, spans, top))]),
                                                     num_threads=1)
        order = np.argsort(-second, kind="stable")
        floor = float(second.min()) - 10.0
        return [(float(second[k]), spans[k]) for k in order] + \
            [(floor + float(values[k] - values[top]), spans[k]) for k in range(top, len(spans))]

    def choose(self, scored: list[tuple[float, Span]], views: list[SentenceView], frame: Frame,
               answer_chars: int | None = None, widen_from: int = 30) -> Choice | None:
        """The answer: of the best `widen_from` candidates the question may take, the one that
        holds the most of the model's probability (its own and that of the candidates inside it),
        no longer than `answer_chars` unless it is the first of them; the shorter one on a tie.

        Widening takes "北岸门广场" over "北岸门" when the model is split between the two. A span
        that is all an aside holds is taken with the term the aside glosses (`glossed_term`).
        The question may take the candidates of the type it asks (`of_the_asked_type`: a figure
        for how many), and none when no candidate is; of those, a question that asks for several
        things (哪些, 哪两个) takes the ones among the `widen_from` best that are a list or an item
        of one (`in_a_list`), when any is. The model's probability, and so the abstention's
        features, are read over all candidates: an answer below a better-scored one of another
        type is less sure."""
        allowed = [k for k in range(len(scored)) if of_the_asked_type(scored[k][1], frame)]
        if not allowed:
            return None
        if frame.several:
            listed = [k for k in allowed[:widen_from] if in_a_list(scored[k][1])]
            allowed = listed or allowed
        limit = self.answer_chars if answer_chars is None else answer_chars
        values = np.array([v for v, _ in scored])
        p = np.exp(values - values.max())
        p /= p.sum()
        keep = [k for k in range(len(scored)) if p[k] > 1e-4][:400]
        first = allowed[0]
        best_k, best_mass = first, float(p[first])
        for k in allowed[:widen_from]:
            span = scored[k][1]
            if k != first and len(span.text) > limit:
                continue
            mass = sum(float(p[m]) for m in keep
                       if scored[m][1].sent is span.sent and span.start <= scored[m][1].start
                       and scored[m][1].end <= span.end)
            if mass > best_mass + 1e-9 or (abs(mass - best_mass) <= 1e-9 and len(span.text) < len(scored[best_k][1].text)):
                best_k, best_mass = k, mass
        ranked = [s for _, s in scored]
        span = glossed_term(scored[best_k][1], ranked)
        second = scored[1][0] if len(scored) > 1 else scored[0][0] - 10.0
        passage = "\n".join(v.norm for v in views if v.hit == span.sent.hit)
        pool = "\n".join(v.norm for v in views)
        passage_cov, rarest = term_coverage(frame.terms, passage)
        features = [scored[0][0], best_mass, scored[0][0] - second, span.sent.coverage,
                    views[0].coverage if views else 0.0, sentence_bigram_recall(frame.bigrams, span.sent.norm),
                    math.log1p(len(scored)),
                    passage_cov, float(rarest), bigram_recall(frame.bigrams, passage), names_found(frame.names, passage),
                    term_coverage(frame.terms, pool)[0], bigram_recall(frame.bigrams, pool), names_found(frame.names, pool),
                    float(min(8, unmatched_run(frame.rest, span.sent.passage))),
                    float(min(8, unmatched_run(frame.rest, "\n".join(dict.fromkeys(v.passage for v in views))))),
                    float(min(8, title_run(frame.rest, span.sent.title))),
                    float(min(8, max(title_run(frame.rest, t) for t in {v.title for v in views})))]
        return Choice(span, scored[best_k][0], features, ranked)

    def confident(self, choice: Choice, threshold: float | None = None) -> bool:
        if not choice.supported:
            return False
        if self.abstainer is None:
            return True
        t = self.abstainer.threshold if threshold is None else threshold
        return self.abstainer.probability(choice.features) >= t
