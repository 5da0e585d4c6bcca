"""Benchmark on the bundled corpus: ingest time, query latency p50/p95, peak memory.

    .venv/bin/python benchmarks/bench_small.py
"""

from __future__ import annotations

import json
import resource
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))


def main() -> None:
    from rag import Assistant

    questions = [json.loads(x)["question"] for x in (ROOT / "eval_questions.jsonl").read_text().splitlines() if x.strip()]
    with tempfile.TemporaryDirectory() as tmp:
        t0 = time.perf_counter()
        a = Assistant(store=Path(tmp) / "store", progress=False, auto_ingest=False)   # loads the model
        load_s = time.perf_counter() - t0
        t0 = time.perf_counter()
        report = a.ingest([ROOT / "data"])
        ingest_s = time.perf_counter() - t0
        a.ask(questions[0])  # warm-up
        lat = []
        for _ in range(3):
            for q in questions:
                t = time.perf_counter()
                a.ask(q)
                lat.append((time.perf_counter() - t) * 1000)
        lat.sort()
        peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
        print(json.dumps({
            "model_load_s": round(load_s, 2),
            "ingest_s": round(ingest_s, 2), "documents": len(report.ingested), "chunks": report.chunks_added,
            "queries": len(lat), "latency_ms_p50": round(statistics.median(lat), 1),
            "latency_ms_p95": round(lat[int(len(lat) * 0.95) - 1], 1), "peak_rss_mb": round(peak_mb),
        }, indent=2))


if __name__ == "__main__":
    main()
