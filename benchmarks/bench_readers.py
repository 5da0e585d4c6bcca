"""Answer latency of each offline reader on one open set's store (retrieval included).

    python benchmarks/bench_readers.py                     # cmrc2018, the first 200 val questions
    python benchmarks/bench_readers.py --set drcd --n 300
    python benchmarks/bench_readers.py --readers routed --n 500   # one reader, its own process state

Uses the store that eval_open.py builds in benchmarks/out/open/<set>-store (ingests it when
missing). Each reader answers the same questions once after one warm-up question.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--devsets", type=Path, default=ROOT.parent / "shared" / "devsets")
    parser.add_argument("--set", default="cmrc2018")
    parser.add_argument("--n", type=int, default=200)
    parser.add_argument("--work", type=Path, default=ROOT / "benchmarks" / "out" / "open")
    parser.add_argument("--readers", nargs="+", choices=["rules", "spans", "routed"], default=["rules", "spans", "routed"],
                        help="readers to time, in this order (a later one finds the passages already tagged)")
    args = parser.parse_args(argv)

    from rag import Assistant
    from rag.evaluate import load_questions

    questions = [q["question"] for q in load_questions(args.devsets / args.set / "val.jsonl")][:args.n]
    print("| reader | questions | p50 ms | p95 ms | mean ms |")
    print("| --- | --- | --- | --- | --- |")
    for reader in args.readers:
        assistant = Assistant(store=args.work / f"{args.set}-store", auto_ingest=False, progress=False,
                              offline_reader=reader)
        if assistant.store.count() == 0:
            assistant.ingest([args.devsets / args.set / "corpus.jsonl"])
        assistant.ask(questions[0])
        times = []
        for q in questions:
            t0 = time.perf_counter()
            assistant.ask(q)
            times.append((time.perf_counter() - t0) * 1000)
        times.sort()
        p95 = times[min(len(times) - 1, int(0.95 * len(times)))]
        print(f"| {reader} | {len(times)} | {statistics.median(times):.1f} | {p95:.1f} | {statistics.fmean(times):.1f} |")
    return 0


if __name__ == "__main__":
    sys.exit(main())
