"""The span ranker: a logistic model over `rag.features`, with weights fitted on open data.

The weights, the feature scaling and the abstention threshold live in `reader_model.json`
beside this file, written by `benchmarks/fit_reader.py` (which prints the dev and val figures
they give). The file carries a format number and the feature names it was fitted with; a file
of another format or with other features is refused with a clear error, never half-used.

    ranker = SpanRanker.load()
    scored = ranker.rank(frame, views)     # [(score, span)], best first
"""

from __future__ import annotations

import json
import math
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from common.errors import ConfigError
from rag.features import FEATURE_NAMES, SpanContext, feature_vector
from rag.frame import Frame
from rag.spans import SentenceView, Span, candidate_spans

__all__ = ["SpanRanker", "MODEL_FILE", "MODEL_FORMAT", "TOP_SENTENCES"]

MODEL_FILE = Path(__file__).with_name("reader_model.json")
MODEL_FORMAT = 1
TOP_SENTENCES = 6     # sentences whose spans are scored, by coverage


@dataclass
class SpanRanker:
    mean: list[float]
    scale: list[float]
    coef: list[float]
    intercept: float
    threshold: float      # below this score the reader abstains (chosen on dev)

    @classmethod
    def load(cls, path: Path = MODEL_FILE) -> "SpanRanker":
        try:
            data = json.loads(Path(path).read_text(encoding="utf-8"))
        except (OSError, ValueError) as exc:
            raise ConfigError(f"cannot read the reader model {path}: {exc}",
                              hint="refit it with `python benchmarks/fit_reader.py --write`") from exc
        if data.get("format") != MODEL_FORMAT or data.get("features") != FEATURE_NAMES:
            raise ConfigError(f"the reader model {path} was fitted for other features (format {data.get('format')})",
                              hint="refit it with `python benchmarks/fit_reader.py --write`")
        return cls(data["mean"], data["scale"], data["coef"], float(data["intercept"]), float(data["threshold"]))

    def to_json(self, **extra) -> str:
        return json.dumps({"format": MODEL_FORMAT, "features": FEATURE_NAMES, "mean": self.mean, "scale": self.scale,
                           "coef": self.coef, "intercept": self.intercept, "threshold": self.threshold, **extra},
                          ensure_ascii=False, indent=1)

    def __post_init__(self):
        coef = np.asarray(self.coef, dtype=np.float64) / np.asarray(self.scale, dtype=np.float64)
        self._w = coef                                   # weights on the raw features
        self._b = self.intercept - float(coef @ np.asarray(self.mean, dtype=np.float64))

    def scores(self, rows: list[list[float]]) -> np.ndarray:
        """Scores (log-odds) of feature rows."""
        if not rows:
            return np.zeros(0)
        return np.asarray(rows, dtype=np.float64) @ self._w + self._b

    def score(self, x: list[float]) -> float:
        return float(self.scores([x])[0])

    def rank(self, frame: Frame, views: list[SentenceView], top: int = TOP_SENTENCES) -> list[tuple[float, Span]]:
        """Every candidate of the best `top` sentences with its score, best first."""
        if not views:
            return []
        best = views[0].coverage
        spans = [span for view in views[:top] for span in candidate_spans(view)]
        values = self.scores([feature_vector(SpanContext(frame, span, best)) for span in spans])
        order = np.argsort(-values, kind="stable")
        return [(float(values[k]), spans[k]) for k in order]


def probability(score: float) -> float:
    return 1.0 / (1.0 + math.exp(-score))
