"""Benchmark at scale on a one-article-per-line news corpus (e.g. ../shared/corpora/xinhua).

    .venv/bin/python benchmarks/bench_scale.py --corpus ../shared/corpora/xinhua

What it measures, on the same machine in one process:
  1. the embedding model's raw encode rate (SentenceTransformer.encode on a sample of the
     corpus's own chunks, no store, no tokenising, no Chroma);
  2. ingest through the real pipeline (load JSONL, clean, chunk, embed, Chroma upsert, BM25):
     chunks/s, and that as a share of the raw rate; where the time went;
  3. query latency end to end (`Assistant.ask`, hybrid retrieval + extractive reader) on
     questions made from random corpus sentences (a number replaced by 多少) and on the
     evaluation set, with the bundled corpus ingested alongside as the needle;
  4. opening the store in a fresh process and answering a first question;
  5. peak memory (RSS) of the process.

The corpus lines look like `[ 2023-07-28 16：40 ] ，正文：text`; they are written to JSONL
(`text`, `date`, `id`) in a temporary directory and ingested from there like any user's file.
Results print as JSON; `--out FILE` also writes them.
"""

from __future__ import annotations

import argparse
import json
import random
import re
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

_PREFIX = re.compile(r"^\s*\[?\s*((?:\d{4}-)?\d{1,2}-\d{1,2})\s*(\d{1,2}[:：]\d{2})?\s*\]?\s*[，,]?\s*正文[:：]")
_NUMBER_CLAUSE = re.compile(r"[^，。；！？,;]*?(\d+(?:\.\d+)?)(万|亿)?(家|个|人|元|万元|亿元|项|次|名|吨|公里|件|所|台)[^，。；！？,;]*")


def to_jsonl(corpus: Path, out: Path, limit: int | None) -> int:
    """Write the corpus as JSONL files (one per input file); returns the number of articles."""
    n = 0
    for path in sorted(corpus.glob("*.txt")):
        rows = []
        for lineno, line in enumerate(path.read_text(encoding="utf-8", errors="replace").splitlines(), 1):
            if limit is not None and n >= limit:
                break
            m = _PREFIX.match(line)
            text = line[m.end():] if m else line
            if not text.strip():
                continue
            date = m.group(1) if m else None
            rows.append(json.dumps({"id": str(lineno), "text": text.strip(),
                                    "date": date if date and len(date) >= 8 else None}, ensure_ascii=False))
            n += 1
        if rows:
            (out / f"{path.stem}.jsonl").write_text("\n".join(rows) + "\n", encoding="utf-8")
    return n


def sample_questions(jsonl_dir: Path, count: int, seed: int) -> list[dict]:
    """Questions from random corpus sentences: a clause with a counted quantity, the number
    replaced by 多少. The article it came from is the expected citation."""
    rng = random.Random(seed)
    files = sorted(jsonl_dir.glob("*.jsonl"))
    out: list[dict] = []
    tries = 0
    while len(out) < count and tries < count * 50:
        tries += 1
        path = rng.choice(files)
        lines = path.read_text(encoding="utf-8").splitlines()
        row = json.loads(rng.choice(lines))
        clauses = [m for m in _NUMBER_CLAUSE.finditer(row["text"]) if 12 <= len(m.group(0)) <= 60]
        if not clauses:
            continue
        m = rng.choice(clauses)
        clause = m.group(0)
        a, b = m.start(1) - m.start(0), m.end(1) - m.start(0)
        question = clause[:a] + "多少" + clause[b:].replace(m.group(2) or "", "", 1) + "？"
        out.append({"question": question, "source": f"{path.name}#{row['id']}", "number": m.group(1)})
    return out


def percentile(values: list[float], p: float) -> float:
    s = sorted(values)
    return s[min(len(s) - 1, max(0, int(round(p * len(s))) - 1))]


def peak_rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--corpus", type=Path, default=ROOT.parent / "shared" / "corpora" / "xinhua")
    ap.add_argument("--store", type=Path, help="store directory (default: a temporary one)")
    ap.add_argument("--limit", type=int, help="ingest at most this many articles")
    ap.add_argument("--chunk-tokens", type=int, help="chunk size in model tokens (default: the setting, 200)")
    ap.add_argument("--raw-sample", type=int, default=300, help="articles whose chunks time the raw encode rate")
    ap.add_argument("--queries", type=int, default=200)
    ap.add_argument("--seed", type=int, default=13)
    ap.add_argument("--out", type=Path, help="also write the figures to this JSON file")
    args = ap.parse_args()
    if not args.corpus.is_dir():
        sys.exit(f"corpus directory not found: {args.corpus} (give --corpus DIR with one-article-per-line .txt files)")

    from ingest.chunk import chunk_article
    from ingest.clean import clean_text
    from rag import Assistant
    from rag.evaluate import load_questions, score_answer
    from ui.cli import short_switch_interval

    results: dict = {"corpus": str(args.corpus)}
    with tempfile.TemporaryDirectory() as tmp:
        tmp = Path(tmp)
        jsonl_dir = tmp / "corpus"
        jsonl_dir.mkdir()
        results["articles"] = to_jsonl(args.corpus, jsonl_dir, args.limit)
        store = args.store or tmp / "store"

        t0 = time.perf_counter()
        assistant = Assistant(store=store, auto_ingest=False, progress=True, chunk_tokens=args.chunk_tokens)
        embedder = assistant.embedder
        results["model_load_s"] = round(time.perf_counter() - t0, 2)
        budget = min(assistant.settings.chunk_tokens, embedder.max_tokens - 8)

        # 1. raw encode rate on the corpus's own chunks
        rng = random.Random(args.seed)
        rows = [json.loads(x) for p in sorted(jsonl_dir.glob("*.jsonl")) for x in p.read_text("utf-8").splitlines()]
        sample = rng.sample(rows, min(args.raw_sample, len(rows)))
        texts = [c.norm for r in sample for c in chunk_article(clean_text(r["text"]), "s", budget, embedder.count_tokens)]
        del rows
        # warm-up on the whole sample: the first pass over new sequence lengths is slower
        # (kernel selection, allocations) and would flatter the pipeline
        embedder.model.encode(texts, batch_size=embedder.batch_size)

        def raw_rate() -> float:
            t = time.perf_counter()
            embedder.model.encode(texts, batch_size=embedder.batch_size, normalize_embeddings=True)
            return len(texts) / (time.perf_counter() - t)

        before = raw_rate()
        print(json.dumps({"raw_chunks_per_s_before": round(before, 1)}), file=sys.stderr)

        # 2. ingest through the pipeline, timing the embedding calls inside it
        spent = {"embed": 0.0}
        original = embedder.embed_texts

        def timed(batch):
            t = time.perf_counter()
            try:
                return original(batch)
            finally:
                spent["embed"] += time.perf_counter() - t

        embedder.embed_texts = timed
        t0 = time.perf_counter()
        with short_switch_interval():   # as `rag ingest` does
            report = assistant.ingest([jsonl_dir, ROOT / "data"])
        ingest_s = time.perf_counter() - t0
        embedder.embed_texts = original
        rate = report.chunks_added / ingest_s
        # the machine's speed drifts over a long run: time the raw rate before and after
        after = raw_rate()
        results["raw_encode"] = {"chunks": len(texts), "chunks_per_s_before": round(before, 1),
                                 "chunks_per_s_after": round(after, 1), "chunks_per_s": round((before + after) / 2, 1)}
        results["ingest"] = {
            "documents": len(report.ingested), "chunks": report.chunks_added, "skipped": len(report.skipped),
            "seconds": round(ingest_s, 1), "chunks_per_s": round(rate, 1),
            "share_of_raw_rate": round(rate / results["raw_encode"]["chunks_per_s"], 3),
            "embedding_s": round(spent["embed"], 1), "other_s": round(ingest_s - spent["embed"], 1),
            "peak_rss_mb": round(peak_rss_mb()),
        }
        print(json.dumps(results["ingest"]), file=sys.stderr)

        # 3. queries
        made = sample_questions(jsonl_dir, args.queries, args.seed)
        assistant.ask("warm-up question 多少")
        lat, found = [], 0
        for q in made:
            t = time.perf_counter()
            ans = assistant.ask(q["question"])
            lat.append((time.perf_counter() - t) * 1000)
            found += any(c.source == q["source"] for c in ans.citations) or any(
                h.source == q["source"] for h in assistant.search(q["question"], 5))
        evals = load_questions(ROOT / "eval_questions.jsonl")
        eval_lat, correct = [], 0
        for q in evals:
            t = time.perf_counter()
            ans = assistant.ask(q["question"])
            eval_lat.append((time.perf_counter() - t) * 1000)
            correct += score_answer(q, ans.to_dict())["correct"]
        both = lat + eval_lat
        results["queries"] = {
            "count": len(both), "p50_ms": round(statistics.median(both), 1), "p95_ms": round(percentile(both, 0.95), 1),
            "corpus_questions": len(made), "corpus_source_in_top5": round(found / max(len(made), 1), 3),
            "eval_questions": len(evals), "eval_accuracy_among_distractors": round(correct / len(evals), 3),
            "eval_p50_ms": round(statistics.median(eval_lat), 1), "eval_p95_ms": round(percentile(eval_lat, 0.95), 1),
        }
        results["peak_rss_mb"] = round(peak_rss_mb())

        # 4. a fresh process opens the store and answers
        probe = ("import time,json;t=time.perf_counter();from rag import Assistant;"
                 f"a=Assistant(store={str(store)!r},auto_ingest=False);r=a.ask({made[0]['question']!r});"
                 "print(json.dumps({'open_and_first_answer_s':round(time.perf_counter()-t,2),"
                 "'peak_rss_mb':round(int(open('/proc/self/status').read().split('VmHWM:')[1].split()[0])/1024)}))")
        out = subprocess.run([sys.executable, "-c", probe], cwd=ROOT, capture_output=True, text=True)
        results["cold_start"] = json.loads(out.stdout) if out.returncode == 0 else {"error": out.stderr[-500:]}

    text = json.dumps(results, indent=2, ensure_ascii=False)
    print(text)
    if args.out:
        args.out.write_text(text + "\n", encoding="utf-8")


if __name__ == "__main__":
    main()
