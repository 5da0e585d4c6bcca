"""The open evaluation sets (../shared/devsets: CMRC 2018, simplified; DRCD, traditional): every
paragraph is an article of one pool, every question is answered from the whole pool.

    python benchmarks/eval_open.py                      # val split of both sets, one table
    python benchmarks/eval_open.py --split dev --sets cmrc2018

Each set's corpus is ingested into <work>/<set>-store, which is kept: a later run re-ingests only
what changed (or all of it, when what is indexed changed). Each run
writes the usual evaluation files to <work>/<set>-<split>/ and a table to stdout. Tune on dev;
read val only to check that a change generalises.
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

COLUMNS = [("questions", "n"), ("accuracy", "accuracy"), ("concise_accuracy", "concise"),
           ("citation_accuracy", "cited"), ("hit@5", "hit@5"), ("abstention_recall", "abstain-recall"),
           ("abstention_precision", "abstain-precision")]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    add_open_set_arguments(parser)
    parser.add_argument("--split", default="val", choices=["dev", "val"])
    parser.add_argument("--out", type=Path, help="also write the figures here as JSON")
    parser.add_argument("--reader", choices=["routed", "spans", "rules"], default=None,
                        help="the offline reader (default: RAG_OFFLINE_READER, else routed)")
    args = parser.parse_args(argv)

    from rag import Assistant
    from rag.evaluate import run_eval

    rows = {}
    for name in args.sets:
        folder = args.devsets / name
        if not (folder / "corpus.jsonl").is_file():
            print(f"eval_open: no {folder / 'corpus.jsonl'} (give --devsets, the folder of the open sets)",
                  file=sys.stderr)
            return 2
        assistant = Assistant(store=args.work / f"{name}-store", auto_ingest=False, progress=False,
                              offline_reader=args.reader)
        # incremental: unchanged articles are skipped, and a change to what is indexed re-indexes them
        t0 = time.perf_counter()
        report = assistant.ingest([folder / "corpus.jsonl"])
        if report.ingested or report.skipped:
            print(f"{name}: {report.summary()} in {time.perf_counter() - t0:.0f} s", file=sys.stderr)
        summary = run_eval(assistant, folder / f"{args.split}.jsonl",
                           args.work / f"{name}-{args.split}-{assistant.settings.offline_reader}",
                           progress=sys.stderr.isatty())
        rows[name] = summary
    print(f"| set ({args.split}) | " + " | ".join(label for _, label in COLUMNS) + " | p50 ms |")
    print("| --- " * (len(COLUMNS) + 2) + "|")
    for name, s in rows.items():
        cells = ["-" if s.get(key) is None else f"{s[key]:.3f}" if isinstance(s[key], float) else str(s[key])
                 for key, _ in COLUMNS]
        print(f"| {name} | " + " | ".join(cells) + f" | {s['latency_ms']['p50']} |")
    if args.out:
        args.out.write_text(json.dumps({"split": args.split, "reader": assistant.settings.offline_reader, "sets": rows}, ensure_ascii=False, indent=2))
    return 0


if __name__ == "__main__":
    sys.exit(main())
