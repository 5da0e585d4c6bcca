"""Fit the dense list's weight in retrieval fusion on the open sets' dev split, and show what
each weight gives on dev (and, to check it generalises, on val).

    python benchmarks/fit_retrieval.py                  # print hit@5 per weight, dev and val
    python benchmarks/fit_retrieval.py --write          # also save the fitted weight to rag/retrieval.json

Each question's three ranked lists (dense, BM25, dictionary translations) are gathered once;
fusion is then replayed for every weight, so the grid costs nothing more than one search per
question. The weight is fitted per embedding model and per script of the question ('zh' here:
the open sets are Chinese), on dev only; questions whose script has no fitted weight keep the
model's known-token ratio.
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from benchmarks.opensets import add_open_set_arguments  # noqa: E402

GRID = [0.0, 0.05, 0.1, 0.2, 0.3, 0.5, 0.75, 1.0]


def gather(assistant, questions: list[dict]) -> list[tuple[object, set[str]]]:
    """(candidates, expected document ids) for every answerable question that names its paragraph."""
    from ingest.chunk import doc_id_for
    from text.normalize import normalize

    out = []
    for q in questions:
        docs = q.get("docs") or []
        if q.get("unanswerable") or not docs:
            continue
        out.append((assistant.retriever.gather(normalize(q["question"])), {doc_id_for(d) for d in docs}))
    return out


def hit_rate(retriever, gathered, weight: float | None, k: int = 5) -> float:
    from dataclasses import replace

    hits = 0
    for cands, expected in gathered:
        c = cands if weight is None else replace(cands, dense_weight=weight)
        top, _ = retriever.fuse(c, k)
        hits += any(cid.split(":", 1)[0] in expected for cid in top)
    return hits / len(gathered)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    add_open_set_arguments(parser)
    parser.add_argument("--write", action="store_true", help="save the fitted weight to rag/retrieval.json")
    args = parser.parse_args(argv)

    from rag import Assistant
    from rag.retrieve import WEIGHTS_FILE, load_weights

    table: dict[str, dict[str, dict]] = {}
    model = None
    for name in args.sets:
        folder = args.devsets / name
        a = Assistant(store=args.work / f"{name}-store", auto_ingest=False, progress=False)
        model = a.embedder.name
        if a.store.count() == 0:
            a.ingest([folder / "corpus.jsonl"])
        for split in ("dev", "val"):
            questions = [json.loads(x) for x in (folder / f"{split}.jsonl").read_text("utf-8").splitlines() if x.strip()]
            t0 = time.perf_counter()
            gathered = gather(a, questions)
            print(f"{name} {split}: {len(gathered)} questions gathered in {time.perf_counter() - t0:.0f} s",
                  file=sys.stderr)
            row = {"ratio": hit_rate(a.retriever, gathered, None)}
            row.update({f"{w:g}": hit_rate(a.retriever, gathered, w) for w in GRID})
            table.setdefault(name, {})[split] = row

    columns = ["ratio"] + [f"{w:g}" for w in GRID]
    print("| set | split | " + " | ".join(f"w={c}" for c in columns) + " |")
    print("| --- " * (len(columns) + 2) + "|")
    for name, splits in table.items():
        for split, row in splits.items():
            print(f"| {name} | {split} | " + " | ".join(f"{row[c]:.3f}" for c in columns) + " |")

    # fitted on dev only: the weight with the best mean hit@5 over the sets (the smaller on a tie)
    mean_dev = {w: sum(table[n]["dev"][f"{w:g}"] for n in table) / len(table) for w in GRID}
    best = max(GRID, key=lambda w: (round(mean_dev[w], 4), -w))
    print(f"fitted dense weight for zh questions with {model}: {best:g} "
          f"(dev mean hit@5 {mean_dev[best]:.3f})")
    if args.write:
        weights = load_weights()
        weights.setdefault(model, {})["zh"] = best
        WEIGHTS_FILE.write_text(json.dumps({
            "format": 1,
            "about": "dense-list weight in retrieval fusion, per embedding model and question script, "
                     "fitted by benchmarks/fit_retrieval.py on the open sets' dev split",
            "dense_weight": weights,
            "dev_hit@5": {n: {c: round(table[n]["dev"][c], 4) for c in columns} for n in table},
        }, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
        print(f"wrote {WEIGHTS_FILE}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
