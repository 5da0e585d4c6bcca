"""Fit the span ranker's weights and abstention threshold on the open sets' dev split, and print
what they give on dev and (to check they generalise) on val.

    python benchmarks/fit_reader.py              # fit, print dev and val figures
    python benchmarks/fit_reader.py --write      # also save rag/reader_model.json

Each question is retrieved once through the real assistant (the stores of eval_open.py in
benchmarks/out/open are reused) and cached; candidates and features are then built from the
retrieved passages exactly as the reader builds them. The scorer is LightGBM lambdarank trees
(or, with --scorer linear, a conditional logit), fitted per dev question to rank the candidates
that hold the expected answer above a seeded sample of the others. Five fold models, each
fitted without a fifth of the dev questions, score those questions as unseen: a second look
(`rag.rerank`) is fitted on their best candidates (as many trees as five held-out folds of them
say), and the rest is fitted on the answers they choose: the answer width (how far an answer
may widen to hold more of the probability), and the abstention model, small boosted trees of
P(the answer is right) (or, with --abstainer logistic,
P(the question has an answer in the pool) x P(the answer is right | it has one)). Its threshold
is where dev's concise accuracy, abstentions included, is highest among the thresholds that
abstain on at least --min-abstained of the unanswerable questions, with --margin-se standard
errors to spare; the trees' threshold is chosen on what fold trees say of unseen dev questions.
With --bag the model also keeps the five fold pipelines (first and second-look trees), and a
candidate's score is the mean of all six.
"""

from __future__ import annotations

import argparse
import json
import pickle
import random
import sys
import time
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from benchmarks.opensets import add_open_set_arguments  # noqa: E402

NEGATIVES_PER_QUESTION = 300
FOLDS = 5                             # dev folds for out-of-fold first scores
SECOND_LOOK_ROUNDS = 400              # most second-look trees tried
WIDTHS = (0, 8, 12, 16, 20, 24, 32)   # answer widths tried on dev (0: the best candidate as it is)


def retrieved(name: str, split: str, devsets: Path, work: Path, refresh: bool) -> list[tuple[dict, object, list]]:
    """(question item, analysed Question, hits) for every question of a split, cached."""
    cache = work / f"{name}-{split}.retrieved.pkl"
    if cache.is_file() and not refresh:
        return pickle.loads(cache.read_bytes())
    from rag import Assistant
    from rag.evaluate import load_questions

    from rag.reader import ExtractiveReader

    folder = devsets / name
    # only retrieval is used here: the rules reader stands in, so no fitted model is needed
    assistant = Assistant(store=work / f"{name}-store", auto_ingest=False, progress=False,
                          reader=ExtractiveReader())
    report = assistant.ingest([folder / "corpus.jsonl"])   # incremental: unchanged articles are skipped
    if report.ingested or report.skipped:
        print(f"{name}: {report.summary()}", file=sys.stderr)
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


def relevance(span_norm: str, gold: list[str]) -> int:
    """How well the span answers: 3 it is the expected answer, 2 it holds it and is not much
    longer, 1 it is most of it (a cut answer, wrong as it stands), 0 none of these."""
    s = " ".join(span_norm.split())
    best = 0
    for g in gold:
        if s == g:
            return 3
        if g in s and len(s) <= 1.5 * len(g) + 1:
            best = max(best, 2)
        elif s in g and len(s) >= 0.7 * len(g):
            best = max(best, 1)
    return best


def _question_rows(row):
    """(item, q, hits, features as a float32 matrix, spans, `relevance` of each span as an int
    array, every sentence view best first), the candidates built as the reader builds them."""
    from rag.frame import frame
    from rag.ranker import candidate_rows
    from rag.spans import sentence_views

    item, q, hits = row
    gold = golds(item)
    views = sentence_views(q, hits)
    spans, rows = candidate_rows(frame(q), views)
    X = np.asarray(rows, dtype=np.float32).reshape(len(spans), -1)
    grade = np.asarray([relevance(span.norm, gold) if gold else 0 for span in spans], dtype=np.int8)
    return item, q, hits, X, spans, grade, views


def labels(grade, cut_positive: bool = True):
    """Which candidates hold the answer, for the ranker: any relevance above 0 (the expected
    answer, a span holding it and not much longer, or most of it). With `cut_positive` False,
    a span cut inside the answer (relevance 1) is a negative, as wrong as one far longer."""
    return grade >= (1 if cut_positive else 2)


def build(rows, rng: random.Random | None, workers: int = 2, graded: bool = False, cut_positive: bool = True):
    """Per question: `_question_rows`; with rng, the sampled training rows (X, y, and the
    question each row belongs to). y is 1 for the candidates `labels` counts as holding the
    answer, or their `relevance` when `graded` (0 for the rest)."""
    import multiprocessing

    if workers > 1:
        with multiprocessing.get_context("fork").Pool(workers) as pool:
            per_question = pool.map(_question_rows, rows, chunksize=16)
    else:
        per_question = [_question_rows(r) for r in rows]
    X, y, group = [], [], []
    for index, (item, q, hits, Xq, spans, grade, _) in enumerate(per_question):
        positive = labels(grade, cut_positive)
        if rng is None or not golds(item) or not positive.any():
            continue
        pos = np.flatnonzero(positive).tolist()
        neg = np.flatnonzero(~positive).tolist()
        neg = rng.sample(neg, min(len(neg), NEGATIVES_PER_QUESTION))
        rows = pos + neg
        rng.shuffle(rows)    # a ranker's ties must not favour the rows that come first
        X.append(Xq[rows])
        y.extend(int(grade[k]) * int(positive[k]) if graded else int(positive[k]) for k in rows)
        group.extend([index] * len(rows))
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


TREE_PARAMS = dict(objective="lambdarank", num_leaves=31, min_data_in_leaf=100, learning_rate=0.05,
                   feature_fraction=0.8, bagging_fraction=0.8, bagging_freq=1, lambda_l2=1.0,
                   lambdarank_truncation_level=20, metric="ndcg", eval_at=[1, 3], verbose=-1, num_threads=2,
                   seed=13, deterministic=True, force_row_wise=True)


def fit_trees(X, y, group, rounds: int = 2000, hold_every: int = 5, params: dict | None = None,
              init=None, folds: int = 0) -> tuple[str, int]:
    """A LightGBM ranker (lambdarank: per question, candidates that hold the answer above the
    rest). The number of trees is chosen by early stopping on every `hold_every`-th dev
    question held out, or, with `folds`, where the mean top-1 NDCG of `folds` held-out folds
    of questions peaks (`rounds_by_folds`); the trees are then grown again on all of dev.
    Returns (model text, trees)."""
    import lightgbm as lgb

    starts = np.flatnonzero(np.r_[True, group[1:] != group[:-1]])
    sizes = np.diff(np.r_[starts, len(y)])
    params = {**TREE_PARAMS, **(params or {})}
    if folds:
        best = rounds_by_folds(X, y, sizes, params, init, folds, rounds)
    else:
        fit, held = _held_out(X, y, sizes, init, np.arange(len(sizes)) % hold_every == 0)
        probe = lgb.train(params, fit, rounds, valid_sets=[held], callbacks=[lgb.early_stopping(50, verbose=False)])
        best = max(1, probe.best_iteration)
    booster = lgb.train(params, lgb.Dataset(X, y, group=sizes.tolist(), init_score=init), best)
    return booster.model_to_string(), best


def rounds_by_folds(X, y, sizes, params: dict, init, folds: int, rounds: int) -> int:
    """The number of trees where the top-1 NDCG of held-out questions, averaged over `folds`
    folds (question k in fold k % folds), is highest: one held-out fifth alone is a noisy
    judge, and can stop a model at its first tree."""
    import lightgbm as lgb

    curves = []
    for f in range(folds):
        fit, held = _held_out(X, y, sizes, init, np.arange(len(sizes)) % folds == f)
        history: dict = {}
        lgb.train({**params, "eval_at": [1]}, fit, rounds, valid_sets=[held], valid_names=["held"],
                  callbacks=[lgb.record_evaluation(history)])
        curves.append(history["held"]["ndcg@1"])
    return int(np.argmax(np.mean(curves, axis=0))) + 1


def _held_out(X, y, sizes, init, held_questions):
    """(the LightGBM dataset of the questions not held out, that of the held-out ones): rows
    `X`, `y` in runs of `sizes` per question, `held_questions` a mask over the questions, and
    `init` the first scores the rows start from (or None)."""
    import lightgbm as lgb

    sizes = np.asarray(sizes)
    held = np.repeat(held_questions, sizes)
    part = (lambda mask: None) if init is None else (lambda mask: init[mask])
    return (lgb.Dataset(X[~held], y[~held], group=sizes[~held_questions].tolist(), init_score=part(~held)),
            lgb.Dataset(X[held], y[held], group=sizes[held_questions].tolist(), init_score=part(held)))


ABSTAIN_TREE_PARAMS = dict(objective="binary", num_leaves=3, min_data_in_leaf=50, learning_rate=0.05, verbose=-1,
                           num_threads=2, seed=13, deterministic=True, force_row_wise=True)
ABSTAIN_ROUNDS = 200


def fit_abstention_trees(A, right, rounds: int = ABSTAIN_ROUNDS) -> str:
    """Small boosted trees (three leaves each) of P(the chosen answer is right) from its
    ABSTAIN_FEATURES rows `A`; an answer to an unanswerable question is never right."""
    import lightgbm as lgb

    return lgb.train(ABSTAIN_TREE_PARAMS, lgb.Dataset(np.asarray(A, dtype=np.float64), np.asarray(right, dtype=int)),
                     rounds).model_to_string()


def gain_shares(model: str, names: list[str]) -> list[tuple[str, float]]:
    """Each feature's share of a LightGBM model's total gain, largest first."""
    import lightgbm as lgb

    gains = lgb.Booster(model_str=model).feature_importance("gain")
    return sorted(zip(names, (gains / max(gains.sum(), 1e-9)).tolist()), key=lambda p: -p[1])


def out_of_fold_probabilities(A, right, index, folds: int = FOLDS, rounds: int = ABSTAIN_ROUNDS) -> np.ndarray:
    """P(right) of each row from abstention trees fitted without its fold (the dev question's
    `index` modulo `folds`, as in `fold_models`): what the shipped trees would say of questions
    they have not seen, for choosing the threshold."""
    import lightgbm as lgb

    A = np.asarray(A, dtype=np.float64)
    right = np.asarray(right, dtype=int)
    fold = np.asarray(index) % folds
    out = np.zeros(len(A))
    for f in range(folds):
        booster = lgb.Booster(model_str=fit_abstention_trees(A[fold != f], right[fold != f], rounds))
        out[fold == f] = booster.predict(A[fold == f])
    return out


def abstention_threshold(conf, min_abstained: float, margin_se: float = 1.75) -> tuple[float, float]:
    """The threshold (on a 0.005 grid) with the best concise accuracy on `conf` (outcomes) among
    those whose share of unanswerable questions abstained on, less `margin_se` standard errors
    of that share, is at least `min_abstained`; the best one whatever it abstains on when none
    is. Returns (threshold, the share it must reach)."""
    n = max(1, sum(r[4] for r in conf))
    need = min(1.0, min_abstained + margin_se * (min_abstained * (1 - min_abstained) / n) ** 0.5)
    grid = [k / 200 for k in range(0, 200)]
    best = max(grid, key=lambda t: figures(conf, t)["concise_accuracy"])
    allowed = [t for t in grid if figures(conf, t)["unanswerable_abstained"] >= need] or [best]
    return max(allowed, key=lambda t: figures(conf, t)["concise_accuracy"]), need


def fold_models(X, y, group, rounds: int, params: dict, folds: int = FOLDS, init=None) -> list[str]:
    """Scorers of `rounds` trees, the f-th fitted without the dev questions whose index
    (`group`, each training row's index in `dev`) is f modulo `folds`: what they say of those
    questions is what the shipped scorer says of questions it has not seen. `init`: each row's
    starting score (the first score, for second looks)."""
    import lightgbm as lgb

    params = {**TREE_PARAMS, **params}
    fold = group % folds
    out = []
    for f in range(folds):
        keep = fold != f
        out.append(lgb.train(params, lgb.Dataset(X[keep], y[keep], group=_run_sizes(group[keep]),
                                                 init_score=None if init is None else init[keep]),
                             rounds).model_to_string())
        print(f"  fold {f + 1} of {folds} fitted", file=sys.stderr)
    return out


def fit_second_look(firsts: list[str], dev, params: dict, cut_positive: bool = True) -> tuple[str, int, list[str]]:
    """Trees over a candidate's features and `rag.rerank.context_rows` that add to its first
    score, fitted on the first scorer's best RERANK_TOP candidates of each dev question, as
    scored by the fold model that did not see it (`fold_models`): the second trees learn how far
    a first score can be trusted on questions it has not seen. Returns (model text, trees, fold
    models): the f-th fold model has as many trees, fitted without the questions of fold f, so
    that dev's answers can be read wholly out of fold."""
    import lightgbm as lgb

    from rag.rerank import RERANK_TOP, context_rows

    X2, y2, g2, init = [], [], [], []
    for f, model in enumerate(firsts):
        first = lgb.Booster(model_str=model)
        for index in range(f, len(dev), len(firsts)):
            item, _, _, Xq, spans, grade, _ = dev[index]
            if not golds(item) or not len(spans):
                continue
            values = first.predict(Xq, num_threads=2)
            kept = [k for k in np.argsort(-values, kind="stable") if not spans[k].only_question_words]
            top = kept[:RERANK_TOP]
            positive = labels(grade[top], cut_positive)
            if not positive.any():
                continue          # nothing to rank above the rest
            context = context_rows(values[kept], [spans[k] for k in kept], RERANK_TOP)
            X2.append(np.hstack([Xq[top], np.asarray(context, dtype=np.float32)]))
            y2.extend(positive.astype(int).tolist())
            init.extend(values[top])
            g2.extend([index] * len(top))
    X2, y2, g2 = np.concatenate(X2).astype(np.float64), np.asarray(y2), np.asarray(g2)
    init = np.asarray(init, dtype=np.float64)
    # the second trees add to the first score: they learn where it is wrong, from where it starts
    model, rounds = fit_trees(X2, y2, g2, rounds=SECOND_LOOK_ROUNDS, params=params, init=init, folds=FOLDS)
    return model, rounds, fold_models(X2, y2, g2, rounds, params, len(firsts), init=init)


def _run_sizes(group) -> list[int]:
    starts = np.flatnonzero(np.r_[True, group[1:] != group[:-1]])
    return np.diff(np.r_[starts, len(group)]).tolist()


def _tree_param(text: str) -> tuple[str, object]:
    """"num_leaves=15" -> ("num_leaves", 15); a value that is not a number stays text."""
    key, sep, value = text.partition("=")
    if not sep or not key:
        raise SystemExit(f"--tree-param {text!r}: write it as KEY=VALUE, e.g. num_leaves=15")
    for kind in (int, float):
        try:
            return key, kind(value)
        except ValueError:
            pass
    return key, value


def choices(ranker, per_question, answer_chars: int, start: int = 0):
    """Per question: (item, q, hits, its Frame, Choice or None), the answer the reader would give.
    `ranker` may be a list of fold rankers: question k (`start` + its index) is read by the
    (k mod n)-th."""
    from rag.frame import frame

    rankers = ranker if isinstance(ranker, list) else [ranker]
    out = []
    for k, (item, q, hits, Xq, spans, _, views) in enumerate(per_question, start):
        ranker = rankers[k % len(rankers)]
        scored = ranker.ranked(spans, Xq) if spans and (q.keywords or q.translated) else []
        f = frame(q)
        out.append((item, q, hits, f, ranker.choose(scored, views, f, answer_chars=answer_chars) if scored else None))
    return out


def outcomes(chosen, tight: bool = False):
    """Per question: (the answer's score, correct if answered, concise if answered, cited right, unanswerable, kind).

    `tight`: concise means at most three times the expected span, with no allowance for short
    answers (what the answer width is fitted with, so that it widens only where that pays)."""
    from rag.evaluate import CONCISE_FACTOR, expected_length, score_answer
    from rag.span_reader import _say, answer_span

    out = []
    for item, q, hits, f, choice in chosen:
        unanswerable = bool(item.get("unanswerable"))
        kind = item.get("kind", "")
        if choice is None:
            out.append((float("-inf"), False, False, False, unanswerable, kind))
            continue
        span = answer_span(q, f, choice.span, choice.ranked)    # what the reader says
        ans = {"answer": f"{_say(q, span.text, span.sent.text)} [1]", "abstained": False,
               "citations": [{"source": hits[span.sent.hit].source}]}
        s = score_answer(item, ans)
        if tight and s["concise"]:
            s["concise"] = len(span.text) <= CONCISE_FACTOR * (expected_length(item) or len(span.text))
        out.append((choice.score, s["correct"], s["concise"], bool(s["cited_ok"]), unanswerable, kind))
    return out


def with_confidence(chosen, scored, abstain):
    """`outcomes` of `chosen` with the abstention model's P(right) in place of each answer's score."""
    return [(abstain.probability(c.features), *o[1:]) if c else o for (*_, c), o in zip(chosen, scored)]


def figures(results, threshold: float) -> dict:
    n = len(results)
    answerable = [r for r in results if not r[4]]
    unanswerable = [r for r in results if r[4]]
    correct = concise = 0
    for score, ok, short, _, un, _ in results:
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
            "answerable_abstained": round(sum(r[0] < threshold for r in answerable) / max(len(answerable), 1), 4),
            "concise_by_kind": {k: round(sum(r[2] and r[0] >= threshold for r in results if r[5] == k)
                                        / max(1, sum(r[5] == k for r in results)), 3)
                                for k in sorted({r[5] for r in results}) if k != "unanswerable"}}


def oracle(per_question) -> float:
    answerable = [row[5] for row in per_question if not row[0].get("unanswerable")]
    return round(sum(bool((p >= 2).any()) for p in answerable) / max(len(answerable), 1), 4)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    add_open_set_arguments(parser)
    parser.add_argument("--refresh", action="store_true", help="retrieve again instead of using the cache")
    parser.add_argument("--limit", type=int, help="only the first N questions of each split (a quick check)")
    parser.add_argument("--l2", type=float, default=1.0, help="L2 penalty on the weights")
    parser.add_argument("--factored", action=argparse.BooleanOptionalAction, default=True,
                        help="abstain on P(the passages hold an answer) x P(right | they do), two logistic models "
                             "(--no-factored: one model of P(right))")
    parser.add_argument("--scorer", choices=["trees", "linear"], default="trees",
                        help="boosted trees (LightGBM lambdarank) or the linear conditional logit")
    parser.add_argument("--graded", action=argparse.BooleanOptionalAction, default=False,
                        help="rank by graded relevance: the expected answer, above a span holding it, above "
                             "one cut inside it (--no-graded: all three alike)")
    parser.add_argument("--cut-positive", action=argparse.BooleanOptionalAction, default=True,
                        help="count a span cut inside the expected answer (most of it) as holding it, as the "
                             "shipped trees do (--no-cut-positive: a negative, as wrong as a span far longer)")
    parser.add_argument("--tree-param", action="append", default=[], metavar="KEY=VALUE",
                        help="override one of TREE_PARAMS (e.g. num_leaves=15); repeatable")
    parser.add_argument("--second-look", action=argparse.BooleanOptionalAction, default=True,
                        help="also fit trees that rank the first scorer's best candidates again, reading how it "
                             "scored the spans inside, around and repeating each (rag.rerank)")
    parser.add_argument("--out-of-fold", action=argparse.BooleanOptionalAction, default=True,
                        help="fit the answer width and the abstention models on dev answers chosen by fold models "
                             "(first and second-look trees) that did not see the question (as val and users' "
                             "questions are), and report dev so")
    parser.add_argument("--bag", action=argparse.BooleanOptionalAction, default=False,
                        help="score candidates by the mean of the trees and the fold trees (first and second look), "
                             "all saved in the model")
    parser.add_argument("--min-abstained", type=float, default=0.8, metavar="SHARE",
                        help="the abstention threshold with the best dev concise accuracy among those that abstain "
                             "on at least SHARE of dev's unanswerable questions (default 0.8, what the reader must "
                             "abstain on; 0: the best concise accuracy whatever it abstains on)")
    parser.add_argument("--abstainer", choices=["trees", "logistic"], default="trees",
                        help="P(the answer is right) by small boosted trees, their threshold chosen on what they "
                             "say of dev questions they did not see (default), or by logistic models (see --factored)")
    parser.add_argument("--margin-se", type=float, default=1.75, metavar="K",
                        help="ask dev's share of unanswerable questions abstained on to clear --min-abstained by K "
                             "standard errors of that share, so that unseen questions clear it too (default 1.75: "
                             "with 1, a threshold chosen on drcd dev abstained on 0.787 of drcd val's)")
    parser.add_argument("--write", action="store_true", help="save the model to rag/reader_model.json")
    parser.add_argument("--model-out", type=Path, help="save the model here instead (a trial that leaves the shipped one)")
    parser.add_argument("--dump-choices", type=Path,
                        help="save each question's abstention features and outcome (a pickle) to try other "
                             "abstention models on")
    parser.add_argument("--abstain-only", action="store_true",
                        help="keep the span ranker and answer width of rag/reader_model.json; refit only the abstention model")
    args = parser.parse_args(argv)

    import numpy as np
    from rag.features import FEATURE_NAMES
    from rag.ranker import ABSTAIN_FEATURES, ANSWERABLE_FEATURES, MODEL_FILE, Abstainer, Answerable, SpanRanker

    t0 = time.perf_counter()
    rng = random.Random(13)
    data = {}
    X, y, group = [], [], []     # group: the question's index in `dev` below
    offset, dev_start = 0, {}
    for name in args.sets:
        for split in ("dev", "val"):
            rows = retrieved(name, split, args.devsets, args.work, args.refresh)[:args.limit]
            per_question, Xs, ys, gs = build(rows, rng if split == "dev" else None, graded=args.graded,
                                             cut_positive=args.cut_positive)
            data[(name, split)] = per_question
            X += Xs
            y += ys
            group += [g + offset for g in gs]
            dev_start.setdefault(name, offset)
            offset += len(per_question) if split == "dev" else 0
            print(f"{name} {split}: {len(rows)} questions, candidates holding the answer for "
                  f"{oracle(per_question):.3f} of the answerable ({time.perf_counter() - t0:.0f} s)", file=sys.stderr)
    dev = [pq for name in args.sets for pq in data[(name, "dev")]]
    judge = None      # who chooses dev's answers for the width and abstention fits: fold rankers or the ranker
    if args.abstain_only:
        kept = json.loads(MODEL_FILE.read_text(encoding="utf-8"))
        if kept.get("features") != FEATURE_NAMES:
            parser.error(f"{MODEL_FILE} was fitted for other span features: refit it whole")
        ranker = SpanRanker(kept["mean"], kept["scale"], kept["coef"], int(kept["answer_chars"]),
                            trees="\n".join(kept.get("trees", [])), rerank="\n".join(kept.get("rerank", [])))
        args.l2 = kept.get("l2", args.l2)
        args.scorer = "trees" if kept.get("trees") else "linear"
        judge = ranker
    else:
        X = np.concatenate(X).astype(np.float64)
        y = np.asarray(y)
        mean = X.mean(axis=0)
        scale = X.std(axis=0)
        scale[scale == 0] = 1.0
        if args.scorer == "trees":
            params = dict(_tree_param(t) for t in args.tree_param)
            trees, rounds = fit_trees(X, y, np.asarray(group), params=params)
            print(f"{rounds} trees", file=sys.stderr)
            second, seconds = "", []
            if args.second_look or args.out_of_fold or args.bag:
                firsts = fold_models(X, y, np.asarray(group), rounds, params)
                if args.second_look:
                    second, second_rounds, seconds = fit_second_look(firsts, dev, params, args.cut_positive)
                    print(f"second look: {second_rounds} trees ({time.perf_counter() - t0:.0f} s)", file=sys.stderr)
                if args.out_of_fold:
                    # fold f's questions are read by the first and second trees that did not see them
                    judge = [SpanRanker(mean.tolist(), scale.tolist(), [0.0] * X.shape[1], trees=m,
                                        rerank=seconds[f] if seconds else "")
                             for f, m in enumerate(firsts)]
            ranker = SpanRanker(mean.tolist(), scale.tolist(), [0.0] * X.shape[1], trees=trees, rerank=second,
                                bag=list(zip(firsts, seconds or [""] * len(firsts))) if args.bag else [])
            judge = judge or ranker
        else:
            coef = fit_listwise((X - mean) / scale, y, np.asarray(group), args.l2)
            ranker = SpanRanker(mean.tolist(), scale.tolist(), coef.tolist())
            judge = ranker
        print(f"fitted on {len(y)} rows ({int((y > 0).sum())} positive) in {time.perf_counter() - t0:.0f} s", file=sys.stderr)
        widths = {w: figures(outcomes(choices(judge, dev, w), tight=True), float("-inf"))["concise_accuracy"]
                  for w in WIDTHS}
        ranker.answer_chars = max(WIDTHS, key=lambda w: (widths[w], -w))
        print("answer width on dev (concise within 3x the expected span, never abstaining): "
              + ", ".join(f"{w}: {v:.3f}" for w, v in widths.items()), file=sys.stderr)

    # abstention: a logistic model of "the chosen answer is right", its threshold chosen on dev
    from sklearn.linear_model import LogisticRegression

    if isinstance(judge, list):
        for r in judge:
            r.answer_chars = ranker.answer_chars
    dev_choices = choices(judge, dev, ranker.answer_chars)
    dev_out = outcomes(dev_choices)
    answered = [(k, c, r) for k, (r, (*_, c)) in enumerate(zip(dev_out, dev_choices)) if c is not None]
    A = np.asarray([c.features for _, c, _ in answered])
    holds = np.asarray([not r[4] for *_, r in answered])           # the question is not marked unanswerable
    right = np.asarray([r[2] for *_, r in answered])                # the answer is concise and right
    a_mean, a_scale = A.mean(axis=0), A.std(axis=0)
    a_scale[a_scale == 0] = 1.0
    if args.abstainer == "trees":
        # what the trees say of dev questions they did not see chooses the threshold
        abstainer = Abstainer(a_mean.tolist(), a_scale.tolist(), [0.0] * A.shape[1], 0.0, 0.0,
                              trees=fit_abstention_trees(A, right & holds))
        index = [k for k, *_ in answered]
        unseen = dict(zip(index, out_of_fold_probabilities(A, right & holds, index).tolist()))
        dev_conf = [(unseen[k], *r[1:]) if k in unseen else r for k, r in enumerate(dev_out)]
    else:
        Z = (A - a_mean) / a_scale
        if args.factored:
            # P(right) = P(the passages hold an answer) x P(right | they do)
            lr = LogisticRegression(max_iter=1000).fit(Z[holds], right[holds])
            cols = [ABSTAIN_FEATURES.index(n) for n in ANSWERABLE_FEATURES]
            lr_holds = LogisticRegression(max_iter=1000).fit(Z[:, cols], holds)
            answerable = Answerable(a_mean[cols].tolist(), a_scale[cols].tolist(), lr_holds.coef_[0].tolist(),
                                    float(lr_holds.intercept_[0]))
        else:
            lr = LogisticRegression(max_iter=1000).fit(Z, right & holds)
            answerable = None
        abstainer = Abstainer(a_mean.tolist(), a_scale.tolist(), lr.coef_[0].tolist(), float(lr.intercept_[0]), 0.0,
                              answerable)
        dev_conf = with_confidence(dev_choices, dev_out, abstainer)
    abstainer.threshold, need = abstention_threshold(dev_conf, args.min_abstained, args.margin_se)
    at = figures(dev_conf, abstainer.threshold)
    print(f"threshold {abstainer.threshold:.3f}: dev unanswerable abstained {at['unanswerable_abstained']:.3f} "
          f"(at least {need:.3f} asked), dev concise {at['concise_accuracy']:.3f}"
          + (" (abstention probabilities out of fold)" if args.abstainer == "trees" else ""), file=sys.stderr)
    ranker.abstainer = abstainer
    threshold = abstainer.threshold

    report, dumped = {}, {}
    print("| set | split | questions | accuracy | concise | cited | unanswerable abstained | answerable abstained |")
    print("| --- " * 8 + "|")
    for name in args.sets:
        for split in ("dev", "val"):
            if split == "dev":      # the answers the judge chose above, scored as the threshold saw them
                part = slice(dev_start[name], dev_start[name] + len(data[(name, split)]))
                chosen, plain, scored = dev_choices[part], dev_out[part], dev_conf[part]
            else:
                chosen = choices(ranker, data[(name, split)], ranker.answer_chars)
                plain = outcomes(chosen)
                scored = with_confidence(chosen, plain, abstainer)
            fig = figures(scored, threshold)
            report[f"{name}/{split}"] = fig
            dumped[f"{name}/{split}"] = [(c.features if c else None, o) for (*_, c), o in zip(chosen, plain)]
            print(f"| {name} | {split} | {fig['questions']} | {fig['accuracy']:.3f} | {fig['concise_accuracy']:.3f} | "
                  f"{fig['cited']:.3f} | {fig['unanswerable_abstained']:.3f} | {fig['answerable_abstained']:.3f} |")
            print(f"  concise by kind: {fig['concise_by_kind']}")
    if abstainer.trees:
        weights = ", ".join(f"{n} {g:.3f}" for n, g in gain_shares(abstainer.trees, ABSTAIN_FEATURES))
        print(f"answer width {ranker.answer_chars}, abstention threshold {threshold:.3f}, shares of the abstention "
              f"trees' gain: {weights}")
    else:
        print(f"answer width {ranker.answer_chars}, abstention threshold {threshold:.3f}, abstention weights "
              + ", ".join(f"{n} {w:+.2f}" for n, w in zip(ABSTAIN_FEATURES, abstainer.coef))
              + ("; answerability weights " + ", ".join(f"{n} {w:+.2f}" for n, w in
                                                        zip(ANSWERABLE_FEATURES, abstainer.answerable.coef))
                 if abstainer.answerable else ""))
    if ranker.trees:
        top = gain_shares(ranker.trees, FEATURE_NAMES)[:15]
        print("largest shares of the trees' gain: " + ", ".join(f"{n} {g:.3f}" for n, g in top))
    else:
        weights = sorted(zip(FEATURE_NAMES, ranker.coef), key=lambda p: -abs(p[1]))[:15]
        print("largest weights: " + ", ".join(f"{n} {w:+.2f}" for n, w in weights))
    if args.dump_choices:
        args.dump_choices.write_bytes(pickle.dumps(dumped))
    if args.write or args.model_out:
        (args.model_out or MODEL_FILE).write_text(ranker.to_json(fitted_on=[f"{n}/dev.jsonl" for n in args.sets], scorer=args.scorer,
                                             graded=args.graded, cut_positive=args.cut_positive, bagged=bool(ranker.bag), second_look=bool(ranker.rerank), out_of_fold=args.out_of_fold,
                                             min_abstained=args.min_abstained, margin_se=args.margin_se, abstainer=args.abstainer, tree_params=dict(_tree_param(t) for t in args.tree_param),
                                             l2=args.l2, figures=report) + "\n", encoding="utf-8")
        print(f"wrote {args.model_out or MODEL_FILE}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
