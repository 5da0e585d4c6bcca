"""Fit the span ranker's weights and abstention threshold on the open sets' dev split, and print
what they give on dev and (to check they generalise) on val.

    python benchmarks/fit_reader.py              # fit, print dev and val figures
    python benchmarks/fit_reader.py --write      # also save rag/reader_model.json

Each question is retrieved once through the real assistant (the stores of eval_open.py in
benchmarks/out/open are reused) and cached; candidates and features are then built from the
retrieved passages exactly as the reader builds them. The model is a conditional logit: for
each dev question, a softmax over its candidates (those that hold the expected answer and a
seeded sample of the others), fitted to put the probability on the ones that hold it. The threshold is the
score that maximises concise accuracy on dev, abstentions included.
"""

from __future__ import annotations

import argparse
import json
import pickle
import random
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

NEGATIVES_PER_QUESTION = 300


def retrieved(name: str, split: str, devsets: Path, work: Path, refresh: bool) -> list[tuple[dict, object, list]]:
    """(question item, analysed Question, hits) for every question of a split, cached."""
    cache = work / f"{name}-{split}.retrieved.pkl"
    if cache.is_file() and not refresh:
        return pickle.loads(cache.read_bytes())
    from rag import Assistant
    from rag.evaluate import load_questions

    folder = devsets / name
    assistant = Assistant(store=work / f"{name}-store", auto_ingest=False, progress=False)
    if assistant.store.count() == 0:
        print(f"{name}: {assistant.ingest([folder / 'corpus.jsonl']).summary()}", file=sys.stderr)
    rows = []
    for item in load_questions(folder / f"{split}.jsonl"):
        hits = assistant.search(item["question"], assistant.settings.top_k)
        rows.append((item, assistant.analyze(item["question"]), hits))
    work.mkdir(parents=True, exist_ok=True)
    cache.write_bytes(pickle.dumps(rows))
    return rows


def golds(item: dict) -> list[str]:
    from text.normalize import normalize

    return [normalize(str(a)) for group in item.get("answers", []) for a in group if str(a).strip()]


def is_positive(span_norm: str, gold: list[str]) -> bool:
    """The span is the expected answer, give or take a little: it holds it and is not much
    longer, or it is most of it."""
    s = " ".join(span_norm.split())
    for g in gold:
        if s == g or (g in s and len(s) <= 1.5 * len(g) + 1) or (s in g and len(s) >= 0.7 * len(g)):
            return True
    return False


def candidates(q, hits):
    """[(features, span)] for one question, as the reader builds them."""
    from rag.features import SpanContext, feature_vector
    from rag.frame import frame
    from rag.ranker import TOP_SENTENCES
    from rag.spans import candidate_spans, sentence_views

    views = sentence_views(q, hits)
    if not views:
        return []
    f = frame(q)
    best = views[0].coverage
    return [(feature_vector(SpanContext(f, span, best)), span)
            for view in views[:TOP_SENTENCES] for span in candidate_spans(view)]


def build(rows, rng: random.Random | None):
    """Per question: (item, hits, [(x, span, positive)]); with rng, the sampled training rows
    (X, y, and the question each row belongs to)."""
    per_question, X, y, group = [], [], [], []
    for item, q, hits in rows:
        gold = golds(item)
        cands = [(x, span, bool(gold) and is_positive(span.norm, gold)) for x, span in candidates(q, hits)]
        per_question.append((item, q, hits, cands))
        if rng is None or not gold:
            continue
        pos = [c for c in cands if c[2]]
        if not pos:
            continue
        neg = [c for c in cands if not c[2]]
        neg = rng.sample(neg, min(len(neg), NEGATIVES_PER_QUESTION))
        X.extend(x for x, _, _ in pos + neg)
        y.extend([1] * len(pos) + [0] * len(neg))
        group.extend([len(per_question)] * (len(pos) + len(neg)))
    return per_question, X, y, group


def fit_listwise(X, y, group, l2: float):
    """Weights of a conditional logit: per question, a softmax over its candidates, maximising
    the probability of the candidates that hold the answer (plus an L2 penalty)."""
    import numpy as np
    from scipy.optimize import minimize

    starts = np.flatnonzero(np.r_[True, group[1:] != group[:-1]])
    pos = y.astype(bool)

    def loss(w):
        z = X @ w
        zmax = np.maximum.reduceat(z, starts)
        e = np.exp(z - np.repeat(zmax, np.diff(np.r_[starts, len(z)])))
        total = np.add.reduceat(e, starts)
        good = np.add.reduceat(e * pos, starts)
        value = -np.sum(np.log(good) - np.log(total)) + l2 * w @ w
        reps = np.diff(np.r_[starts, len(z)])
        p_all = e / np.repeat(total, reps)
        p_pos = e * pos / np.repeat(good, reps)
        grad = X.T @ (p_all - p_pos) + 2 * l2 * w
        return value, grad

    result = minimize(loss, np.zeros(X.shape[1]), jac=True, method="L-BFGS-B", options={"maxiter": 500})
    return result.x


def outcomes(ranker, per_question):
    """Per question: (best score, correct if answered, concise if answered, cited right, unanswerable)."""
    from rag.evaluate import score_answer
    from rag.span_reader import _say

    out = []
    for item, q, hits, cands in per_question:
        unanswerable = bool(item.get("unanswerable"))
        if not cands:
            out.append((float("-inf"), False, False, False, unanswerable))
            continue
        values = ranker.scores([x for x, _, _ in cands])
        best = int(values.argmax())
        score, span = float(values[best]), cands[best][1]
        ans = {"answer": f"{_say(q, span.text)} [1]", "abstained": False,
               "citations": [{"source": hits[span.sent.hit].source}]}
        s = score_answer(item, ans)
        out.append((score, s["correct"], s["concise"], bool(s["cited_ok"]), unanswerable))
    return out


def figures(results, threshold: float) -> dict:
    n = len(results)
    answerable = [r for r in results if not r[4]]
    unanswerable = [r for r in results if r[4]]
    correct = concise = 0
    for score, ok, short, _, un in results:
        answered = score >= threshold
        if un:
            correct += not answered
            concise += not answered
        else:
            correct += answered and ok
            concise += answered and short
    return {"questions": n, "accuracy": round(correct / n, 4), "concise_accuracy": round(concise / n, 4),
            "cited": round(sum(r[0] >= threshold and r[3] for r in answerable) / max(len(answerable), 1), 4),
            "unanswerable_abstained": round(sum(r[0] < threshold for r in unanswerable) / max(len(unanswerable), 1), 4),
            "answerable_abstained": round(sum(r[0] < threshold for r in answerable) / max(len(answerable), 1), 4)}


def oracle(per_question) -> float:
    answerable = [c for item, _, _, c in per_question if not item.get("unanswerable")]
    return round(sum(any(p for _, _, p in c) for c in answerable) / max(len(answerable), 1), 4)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--devsets", type=Path, default=ROOT.parent / "shared" / "devsets")
    parser.add_argument("--sets", nargs="+", default=["cmrc2018", "drcd"])
    parser.add_argument("--work", type=Path, default=ROOT / "benchmarks" / "out" / "open")
    parser.add_argument("--refresh", action="store_true", help="retrieve again instead of using the cache")
    parser.add_argument("--l2", type=float, default=1.0, help="L2 penalty on the weights")
    parser.add_argument("--write", action="store_true", help="save the model to rag/reader_model.json")
    args = parser.parse_args(argv)

    import numpy as np
    from rag.features import FEATURE_NAMES
    from rag.ranker import MODEL_FILE, SpanRanker

    t0 = time.perf_counter()
    rng = random.Random(13)
    data = {}
    X, y, group = [], [], []
    for name in args.sets:
        for split in ("dev", "val"):
            rows = retrieved(name, split, args.devsets, args.work, args.refresh)
            per_question, Xs, ys, gs = build(rows, rng if split == "dev" else None)
            data[(name, split)] = per_question
            offset = (max(group) + 1) if group else 0
            X += Xs
            y += ys
            group += [g + offset for g in gs]
            print(f"{name} {split}: {len(rows)} questions, candidates holding the answer for "
                  f"{oracle(per_question):.3f} of the answerable ({time.perf_counter() - t0:.0f} s)", file=sys.stderr)
    X = np.asarray(X, dtype=np.float64)
    y = np.asarray(y)
    mean = X.mean(axis=0)
    scale = X.std(axis=0)
    scale[scale == 0] = 1.0
    coef = fit_listwise((X - mean) / scale, y, np.asarray(group), args.l2)
    ranker = SpanRanker(mean.tolist(), scale.tolist(), coef.tolist(), 0.0, 0.0)
    print(f"fitted on {len(y)} rows ({int(y.sum())} positive) in {time.perf_counter() - t0:.0f} s", file=sys.stderr)

    dev = [r for name in args.sets for r in outcomes(ranker, data[(name, "dev")])]
    grid = sorted({r[0] for r in dev if r[0] > float("-inf")})
    grid = [grid[k] for k in range(0, len(grid), max(1, len(grid) // 400))] + [float("-inf")]
    threshold = max(grid, key=lambda t: figures(dev, t)["concise_accuracy"])
    ranker.threshold = float(threshold)

    report = {}
    print(f"| set | split | questions | accuracy | concise | cited | unanswerable abstained | answerable abstained |")
    print("| --- " * 8 + "|")
    for name in args.sets:
        for split in ("dev", "val"):
            fig = figures(outcomes(ranker, data[(name, split)]), threshold)
            report[f"{name}/{split}"] = fig
            print(f"| {name} | {split} | {fig['questions']} | {fig['accuracy']:.3f} | {fig['concise_accuracy']:.3f} | "
                  f"{fig['cited']:.3f} | {fig['unanswerable_abstained']:.3f} | {fig['answerable_abstained']:.3f} |")
    print(f"threshold {threshold:.3f}")
    weights = sorted(zip(FEATURE_NAMES, ranker.coef), key=lambda p: -abs(p[1]))[:15]
    print("largest weights: " + ", ".join(f"{n} {w:+.2f}" for n, w in weights))
    if args.write:
        MODEL_FILE.write_text(ranker.to_json(fitted_on=[f"{n}/dev.jsonl" for n in args.sets], l2=args.l2,
                                             figures=report) + "\n", encoding="utf-8")
        print(f"wrote {MODEL_FILE}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
