"""Would a model of the answer's edges help? Measures one on the open sets; the reader does not use it.

The span ranker scores every candidate alone, and a chosen answer is sometimes a noun phrase cut
at an edge ("师范学堂" of "三江师范学堂"). This script tries the obvious remedy: a logistic model,
one per side, of "the word just outside the answer belongs to it", grown one word at a time
while the model says so (at most four words a side, never across punctuation other than 、).
Features of a step: the coarse part-of-speech group (`rag.features.pos_group`) of the word
outside, of the edge word and of the word beyond, the pairs edge|outside and outside|beyond,
whether the word outside is a question word, a function character, a coordinator or a
quotation mark, its length, the answer's length, the words taken so far and the question's
answer type. Labels come from the expected answer's word boundaries in the chosen sentence
(questions whose expected answer overlaps the chosen one).

It prints, for the span reader's confident answers: where they stand against the expected
answers (right, cut inside the expected one, too long, from a sentence that does not hold it,
another span of its sentence); then, out of fold on dev (5 folds by question),
then fitted on all of dev and read on val, per threshold on the model's probability, how many
answers change and how many become right / stop being right under the concise measure and
under exact match (the answer is one of the expected ones). The concise measure accepts any
answer under 24 characters that holds the expected one, so it rewards taking more; exact
match tells whether the edges are the annotators'.

    .venv/bin/python benchmarks/try_edge_model.py            # about 11 minutes on two cores

It reads the retrieved passages cached by `fit_reader.py` (built on first use).
"""

from __future__ import annotations

import argparse
import math
import random
import sys
from collections import Counter
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from benchmarks.fit_reader import retrieved  # noqa: E402
from benchmarks.opensets import add_open_set_arguments  # noqa: E402
from rag.features import pos_group  # noqa: E402

MAX_STEPS = 4
FOLDS = 5
_FUNCTION = set("的了是为在于被把将与和及之也都就还所有等")
_COORDINATORS = {"、", "和", "与", "及", "以及", "或", "跟"}
_MARKS = set("《》“”「」『』\"()（）")

_reader = None


def _init() -> None:
    global _reader
    from rag.span_reader import SpanReader
    _reader = SpanReader()


def _chosen(row) -> dict | None:
    """The span reader's confident answer to one question, with its sentence's words."""
    from rag.frame import frame
    from rag.span_reader import RULE_KINDS, ranker_reads

    item, q, hits = row
    if item.get("unanswerable") or q.kind in RULE_KINDS or not ranker_reads(q, hits):
        return None
    span = _reader.answer(q, hits)
    if span is None:
        return None
    v = span.sent
    return {"item": item, "text": v.text, "norm": v.norm, "said": list(v.said), "i": span.i, "j": span.j,
            "words": [(w.text, w.flag, w.start, w.end) for w in v.words], "type": frame(q).answer_type}


def _stops(word) -> bool:
    return word[1] == "x" and word[0] != "、"


def _expected(r: dict) -> list[str]:
    """The expected answers, folded, without the punctuation at their edges (as the scorer reads them)."""
    from rag.evaluate import expected_text
    from text.normalize import fold
    return [fold(expected_text(g)) for alt in r["item"].get("answers", [])
            for g in (alt if isinstance(alt, list) else [alt]) if isinstance(g, str) and g.strip()]


def _expected_words(r: dict) -> tuple[int, int] | None:
    """Word range of the expected answer that overlaps the chosen one most, in its sentence."""
    ws = r["words"]
    start, end = ws[r["i"]][2], ws[r["j"] - 1][3]
    at = {p: k for k, w in enumerate(ws) for p in range(w[2], w[3])}
    best = None
    for g in _expected(r):
        k = r["norm"].find(g)
        while k >= 0:
            overlap = min(end, k + len(g)) - max(start, k)
            if overlap > 0 and k in at and k + len(g) - 1 in at:
                key = overlap / max(end - start, len(g))
                if best is None or key > best[0]:
                    best = (key, at[k], at[k + len(g) - 1] + 1)
            k = r["norm"].find(g, k + 1)
    return None if best is None else best[1:]


def features(r: dict, side: str, k: int, steps: int, chars: int) -> dict:
    """One step: take the word outside the edge at `k` (left: words[k-1]; right: words[k])?"""
    ws = r["words"]
    if side == "L":
        out, edge, beyond, at = ws[k - 1], ws[k], ws[k - 2] if k >= 2 else None, k - 1
    else:
        out, edge, beyond, at = ws[k], ws[k - 1], ws[k + 1] if k + 1 < len(ws) else None, k
    o, e, b = pos_group(out[1]), pos_group(edge[1]), pos_group(beyond[1]) if beyond else "end"
    return {f"out={o}": 1, f"edge={e}": 1, f"beyond={b}": 1, f"edge|out={e}|{o}": 1, f"out|beyond={o}|{b}": 1,
            "question_word": float(r["said"][at]), "out_chars": min(len(out[0]), 4) / 4,
            "function": float(len(out[0]) == 1 and out[0] in _FUNCTION), "coordinator": float(out[0] in _COORDINATORS),
            "mark": float(out[0] in _MARKS), "chars": math.log1p(chars), "steps": float(steps), f"type={r['type']}": 1}


def _text(r: dict, i: int, j: int) -> str:
    """The sentence's words i to j (one past the last), as written."""
    return r["text"][r["words"][i][2]:r["words"][j - 1][3]]


def _steps(r: dict, side: str):
    """The steps a side may grow from the chosen answer's edges: (edge index, steps taken, answer length)."""
    ws, i, j = r["words"], r["i"], r["j"]
    k = i if side == "L" else j
    for steps in range(MAX_STEPS):
        if (side == "L" and (k == 0 or _stops(ws[k - 1]))) or (side == "R" and (k >= len(ws) or _stops(ws[k]))):
            return
        chars = ws[j - 1][3] - ws[k][2] if side == "L" else ws[k - 1][3] - ws[i][2]
        yield k, steps, chars
        k += -1 if side == "L" else 1


def training_rows(r: dict) -> list[tuple[str, dict, int]]:
    expected = _expected_words(r)
    if expected is None:
        return []
    gi, gj = expected
    rows = []
    for side in "LR":
        for k, steps, chars in _steps(r, side):
            label = int(gi < k) if side == "L" else int(gj > k)
            rows.append((side, features(r, side, k, steps, chars), label))
            if not label:
                break
    return rows


def fit(records: list[dict], c: float):
    from sklearn.feature_extraction import DictVectorizer
    from sklearn.linear_model import LogisticRegression
    rows = [row for r in records for row in training_rows(r)]
    vec = DictVectorizer().fit([x for _, x, _ in rows])
    models = {side: LogisticRegression(C=c, max_iter=2000).fit(
        vec.transform([x for s, x, _ in rows if s == side]), [y for s, _, y in rows if s == side]) for side in "LR"}
    return vec, models


def step_probabilities(r: dict, vec, models, floor: float) -> dict[str, list[float]]:
    """Per side, the model's probability of each step from the chosen answer's edges (as
    `training_rows` reads them), up to the first under `floor`."""
    out = {}
    for side in "LR":
        out[side] = []
        for k, steps, chars in _steps(r, side):
            out[side].append(models[side].predict_proba(vec.transform([features(r, side, k, steps, chars)]))[0, 1])
            if out[side][-1] < floor:
                break
    return out


def grown(r: dict, vec, models, threshold: float, probabilities: dict | None = None) -> str:
    """The answer grown a word at a time on each side while the model says so (`probabilities`:
    `step_probabilities` read down to this threshold or lower, when the caller has them)."""
    probabilities = probabilities or step_probabilities(r, vec, models, threshold)
    taken = {side: next((n for n, p in enumerate(ps) if p < threshold), len(ps)) for side, ps in probabilities.items()}
    return _text(r, r["i"] - taken["L"], r["j"] + taken["R"])


def tally(records: list[dict], vec, models, thresholds, counts: dict) -> None:
    from rag.evaluate import score_answer
    from text.normalize import fold

    def concise(r, text):
        return score_answer(r["item"], {"answer": text + " [1]", "abstained": False, "citations": []})["concise"]

    for r in records:
        before = _text(r, r["i"], r["j"])
        expected = _expected(r)
        was, was_exact = concise(r, before), fold(before) in expected
        probabilities = step_probabilities(r, vec, models, min(thresholds))
        for t in thresholds:
            after = grown(r, vec, models, t, probabilities)
            now, exact = concise(r, after), fold(after) in expected
            c = counts.setdefault(t, Counter())
            c["answers"] += 1
            c["changed"] += after != before
            c["concise +"] += now and not was
            c["concise -"] += was and not now
            c["exact +"] += exact and not was_exact
            c["exact -"] += was_exact and not exact


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    add_open_set_arguments(parser)
    parser.add_argument("--thresholds", type=float, nargs="+", default=[0.3, 0.4, 0.5])
    parser.add_argument("--c", type=float, default=1.0, help="inverse L2 strength of the logistic models")
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--refresh", action="store_true", help="retrieve again rather than read the cache")
    args = parser.parse_args(argv)

    chosen = {}
    for split in ("dev", "val"):
        for name in args.sets:
            rows = retrieved(name, split, args.devsets, args.work, args.refresh)
            with ProcessPoolExecutor(args.workers, initializer=_init) as pool:
                chosen[name, split] = [r for r in pool.map(_chosen, rows, chunksize=20) if r]
            print(f"{name} {split}: {len(chosen[name, split])} confident span answers", file=sys.stderr)

    print("| set | split | answers | " + " | ".join(_KINDS) + " |")
    print("| --- | --- | --- |" + " --- |" * len(_KINDS))
    for (name, split), records in chosen.items():
        c = breakdown(records)
        print(f"| {name} | {split} | {len(records)} | " + " | ".join(f"{c[k]} ({c[k] / len(records):.3f})" for k in _KINDS) + " |")
    print()

    dev = [r for name in args.sets for r in chosen[name, "dev"]]
    random.Random(0).shuffle(dev)
    folds = {id(r): k % FOLDS for k, r in enumerate(dev)}
    print("| set | split | threshold | answers | changed | concise + | concise - | exact + | exact - |")
    print("| --- | --- | --- | --- | --- | --- | --- | --- | --- |")
    for name in args.sets:
        counts: dict = {}
        for f in range(FOLDS):
            vec, models = fit([r for r in dev if folds[id(r)] != f], args.c)
            tally([r for r in chosen[name, "dev"] if folds[id(r)] == f], vec, models, args.thresholds, counts)
        _print(name, "dev (out of fold)", counts)
    vec, models = fit(dev, args.c)
    for name in args.sets:
        counts = {}
        tally(chosen[name, "val"], vec, models, args.thresholds, counts)
        _print(name, "val", counts)
    return 0


def breakdown(records: list[dict]) -> Counter:
    """Where the confident answers stand against the expected ones: right (concise), cut inside
    the expected one, holding it but too long, in a sentence that does not hold it, or another
    span of the sentence that does."""
    from rag.evaluate import score_answer
    from text.normalize import fold
    c: Counter = Counter()
    for r in records:
        answer = fold(_text(r, r["i"], r["j"]))
        expected = _expected(r)
        if score_answer(r["item"], {"answer": answer + " [1]", "abstained": False, "citations": []})["concise"]:
            c["right"] += 1
        elif not any(g in r["norm"] for g in expected):
            c["sentence without it"] += 1
        elif any(answer in g for g in expected):
            c["cut inside it"] += 1
        elif any(g in answer for g in expected):
            c["holds it, too long"] += 1
        else:
            c["other span of its sentence"] += 1
    return c


_KINDS = ("right", "cut inside it", "holds it, too long", "sentence without it", "other span of its sentence")


def _print(name: str, split: str, counts: dict) -> None:
    for t, c in sorted(counts.items()):
        print(f"| {name} | {split} | {t} | {c['answers']} | {c['changed']} | {c['concise +']} | {c['concise -']} "
              f"| {c['exact +']} | {c['exact -']} |")


if __name__ == "__main__":
    sys.exit(main())
