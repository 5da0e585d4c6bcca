"""Benchmark: a million chunks in Chroma and the lexical index, and one-article updates.

    .venv/bin/python benchmarks/bench_million.py --corpus ../shared/corpora/xinhua --out benchmarks/million.json

Where the million chunks come from: the xinhua corpus, cleaned and chunked as the ingest
pipeline does (180-token chunks, about 110k real chunks), is the base.
  - Lexical index: every real chunk is tokenised once; the million rows are those token rows
    repeated (each copy under its own chunk id), so document frequencies scale with the copies
    and BM25 does the work it would on a corpus of that size.
  - Chroma: a sample of real chunks (--encode, default 4,000) is encoded with the bundled model;
    each of the million vectors is one of those plus Gaussian noise (sigma 0.01 per dimension,
    then re-normalised), stored with its real chunk text and metadata through `ChunkStore.upsert`.
Queries are sentences of the corpus with a number replaced by 多少 (as in bench_scale.py),
encoded with the same model.

What it reports (JSON; --out FILE also writes it):
  1. the lexical index at the real size: tokenising, building, adding one article (new
     segment, save) and removing one, another process following that commit, and a full
     rebuild for comparison;
  2. the same at a million rows, and a merge of all segments;
  3. Chroma at a million: load time and rate, dense query p50/p95 (through llama-index's
     ChromaVectorStore, as the retriever queries), lexical query p50/p95 over the same questions,
     opening the store and answering a first dense query in a fresh process;
  4. peak memory (RSS) of this process after each stage.
"""

from __future__ import annotations

import argparse
import json
import random
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "benchmarks"))

from bench_scale import peak_rss_mb, percentile, sample_questions, to_jsonl  # noqa: E402

FOLLOW = """
import sys, time
from store.lexical import BM25Index
ix = BM25Index(sys.argv[1])
assert ix.load()
print("loaded", flush=True)
while True:
    t = time.perf_counter()
    ix.load()
    if ix.generation == int(sys.argv[2]):
        print(time.perf_counter() - t)   # the load that read the new commit
        break
    time.sleep(0.01)
"""

ADD = """
import json, sys, time
t = time.perf_counter()
from store.lexical import BM25Index
ix = BM25Index(sys.argv[1])
assert ix.load()
loaded = time.perf_counter() - t
t = time.perf_counter()
from text.tokenize import lexical_tokens
lexical_tokens("松岭市")   # jieba loads its dictionary on first use: timed on its own
warm = time.perf_counter() - t
t = time.perf_counter()
ix.stage(json.loads(sys.argv[2]))
ix.commit([], ix.generation + 1)
print(json.dumps({"load_s": round(loaded, 3), "tokeniser_start_s": round(warm, 3),
                  "add_one_article_s": round(time.perf_counter() - t, 3)}))
"""

FRESH = """
import sys, time, json
t = time.perf_counter()
from store.chroma import ChunkStore
from store.embed import BUNDLED_MODEL, SentenceEmbedder
embedder = SentenceEmbedder(BUNDLED_MODEL)
store = ChunkStore(sys.argv[1], embedder.name, embedder.dim)
hits = store.query(embedder.embed_query(sys.argv[2]), 20)
print(json.dumps({"open_and_first_query_s": round(time.perf_counter() - t, 2), "count": store.count(),
                  "hits": len(hits)}))
"""


def ms(values: list[float]) -> dict:
    return {"p50_ms": round(percentile(values, 0.5) * 1000, 2), "p95_ms": round(percentile(values, 0.95) * 1000, 2)}


def timed(fn, *args):
    t = time.perf_counter()
    out = fn(*args)
    return time.perf_counter() - t, out


def real_chunks(jsonl_dir: Path, budget: int, count_tokens) -> list[tuple[str, str, str, str]]:
    """(chunk id, source, text, normalised text) of every chunk of the corpus."""
    from ingest.chunk import chunk_article
    from ingest.clean import clean_text

    out = []
    for path in sorted(jsonl_dir.glob("*.jsonl")):
        for line in path.read_text(encoding="utf-8").splitlines():
            row = json.loads(line)
            source = f"{path.name}#{row['id']}"
            for c in chunk_article(clean_text(row["text"]), source, budget, count_tokens):
                out.append((c.id, source, c.text, c.norm))
    return out


def lexical_updates(ix, held_out: list[list[tuple[str, str, str, str]]], generation: int) -> tuple[dict, int]:
    """Add each held-out article in a commit of its own, then remove it again, timing each."""
    adds, removes = [], []
    for article in held_out:
        generation += 1
        t = time.perf_counter()
        ix.stage({cid: norm for cid, _, _, norm in article})
        ix.commit([], generation)
        adds.append(time.perf_counter() - t)
    for article in held_out:
        generation += 1
        t = time.perf_counter()
        ix.commit([cid for cid, *_ in article], generation)
        removes.append(time.perf_counter() - t)
    return {"add_one_article": {**ms(adds), "max_ms": round(max(adds) * 1000, 2),
                                "chunks_per_article": round(statistics.mean(len(a) for a in held_out), 1)},
            "remove_one_article": {**ms(removes), "max_ms": round(max(removes) * 1000, 2)},
            "segments_after": ix.segments}, generation


def follow_time(root: Path, ix, article, generation: int) -> float:
    """Seconds another process, with the index loaded, takes to read one more commit."""
    proc = subprocess.Popen([sys.executable, "-c", FOLLOW, str(root), str(generation + 1)], cwd=ROOT,
                            stdout=subprocess.PIPE, text=True)
    assert proc.stdout.readline().strip() == "loaded"
    ix.stage({cid: norm for cid, _, _, norm in article})
    ix.commit([], generation + 1)
    out, _ = proc.communicate(timeout=600)
    return float(out.strip())


def fresh_add(root: Path, article) -> dict:
    """A new process (as `rag ingest one.txt` is): load the index, add one article, commit."""
    added = json.dumps({f"{cid}~fresh": norm for cid, _, _, norm in article}, ensure_ascii=False)
    out = subprocess.run([sys.executable, "-c", ADD, str(root), added], cwd=ROOT, capture_output=True,
                         text=True, timeout=600, check=True)
    return json.loads(out.stdout)


def query_times(fn, queries: list) -> dict:
    times = []
    for q in queries:
        t = time.perf_counter()
        fn(q)
        times.append(time.perf_counter() - t)
    return ms(times)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--corpus", type=Path, default=ROOT.parent / "shared" / "corpora" / "xinhua")
    ap.add_argument("--limit", type=int, help="read at most this many articles (a quick trial)")
    ap.add_argument("--chunks", type=int, default=1_000_000, help="rows in the large index and collection")
    ap.add_argument("--encode", type=int, default=4000, help="real chunks encoded as the vectors' base")
    ap.add_argument("--chunk-tokens", type=int, default=180)
    ap.add_argument("--queries", type=int, default=200)
    ap.add_argument("--held-out", type=int, default=20, help="articles added one at a time")
    ap.add_argument("--work", type=Path, help="where the stores are built (default: a temporary directory)")
    ap.add_argument("--skip-chroma", action="store_true")
    ap.add_argument("--seed", type=int, default=13)
    ap.add_argument("--out", type=Path)
    args = ap.parse_args()
    if not args.corpus.is_dir():
        sys.exit(f"corpus directory not found: {args.corpus} (give --corpus DIR with one-article-per-line .txt files)")

    import numpy as np

    from store.embed import BUNDLED_MODEL, SentenceEmbedder
    from store.lexical import BM25Index
    from text.normalize import normalize
    from text.tokenize import lexical_tokens

    rng = random.Random(args.seed)
    results: dict = {"corpus": str(args.corpus), "chunks_target": args.chunks}
    if args.work:
        args.work.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(dir=args.work) as tmp:
        tmp = Path(tmp)
        jsonl_dir = tmp / "corpus"
        jsonl_dir.mkdir()
        results["articles"] = to_jsonl(args.corpus, jsonl_dir, args.limit)
        embedder = SentenceEmbedder(BUNDLED_MODEL)
        budget = min(args.chunk_tokens, embedder.max_tokens - 8)
        seconds, chunks = timed(real_chunks, jsonl_dir, budget, embedder.count_tokens)
        by_source: dict[str, list] = {}
        for c in chunks:
            by_source.setdefault(c[1], []).append(c)
        held_out = [by_source.pop(s) for s in rng.sample(sorted(by_source), args.held_out)]
        base = [c for article in by_source.values() for c in article]
        results["real_chunks"] = len(base)
        results["clean_and_chunk_s"] = round(seconds, 1)
        questions = [q["question"] for q in sample_questions(jsonl_dir, args.queries, args.seed)]
        query_tokens = [lexical_tokens(normalize(q)) for q in questions]

        # 1. the lexical index at the real size
        root = tmp / "lexical-real"
        ix = BM25Index(root)
        t = time.perf_counter()
        for i in range(0, len(base), 2000):
            ix.stage({cid: norm for cid, _, _, norm in base[i:i + 2000]})
        tokenise = time.perf_counter() - t
        rows, words = dict(ix._pending), list(ix._words)   # token rows and vocabulary, replicated below
        commit, _ = timed(ix.commit, [], 1)
        real = {"chunks": len(ix), "tokenise_s": round(tokenise, 1), "build_and_save_s": round(commit, 2),
                "query": query_times(lambda toks: ix.search(toks, 50), query_tokens)}
        updates, generation = lexical_updates(ix, held_out, 1)
        real.update(updates)
        real["another_process_sees_a_commit_s"] = round(follow_time(root, ix, held_out[0], generation), 3)
        generation += 1
        real["new_process_adds_one_article"] = fresh_add(root, held_out[1])
        ix.load()
        generation = ix.generation
        rebuild_s, _ = timed(ix.rebuild, ((cid, norm) for cid, _, _, norm in base), generation + 1)
        real["full_rebuild_with_tokenising_s"] = round(rebuild_s, 1)
        real["peak_rss_mb"] = round(peak_rss_mb())
        results["lexical_real"] = real
        print(json.dumps({"lexical_real": real}, indent=1), flush=True)
        del ix

        # 2. the lexical index at a million rows
        root = tmp / "lexical-million"
        big = BM25Index(root)
        ids = list(rows)
        copies = {}
        for n in range(args.chunks):
            cid = ids[n % len(ids)]
            copies[cid if n < len(ids) else f"{cid}~{n // len(ids)}"] = rows[cid]
        big._words, big.vocab, big._pending = words, {w: i for i, w in enumerate(words)}, copies
        build_s, _ = timed(big.commit, [], 1)
        million = {"chunks": len(big), "build_and_save_s": round(build_s, 1),
                   "disk_mb": round(sum(f.stat().st_size for f in root.iterdir()) / 2**20),
                   "query": query_times(lambda toks: big.search(toks, 50), query_tokens)}
        updates, generation = lexical_updates(big, held_out, 1)
        million.update(updates)
        million["another_process_sees_a_commit_s"] = round(follow_time(root, big, held_out[0], generation), 3)
        million["new_process_adds_one_article"] = fresh_add(root, held_out[1])
        big.load()
        merge_s, _ = timed(big.merge)
        million["merge_all_segments_s"] = round(merge_s, 1)
        million["peak_rss_mb"] = round(peak_rss_mb())
        results["lexical_million"] = million
        print(json.dumps({"lexical_million": million}, indent=1), flush=True)
        del big, copies, rows, words

        # 3. Chroma at a million
        if not args.skip_chroma:
            from store.chroma import ChunkStore
            from store.schema import ChunkMeta

            sample = rng.sample(base, min(args.encode, len(base)))
            encode_s, vectors = timed(lambda: np.asarray(embedder.embed_texts([c[3] for c in sample]), dtype=np.float32))
            noise = np.random.default_rng(args.seed)
            store_dir = tmp / "store"
            store = ChunkStore(store_dir, embedder.name, embedder.dim)
            t = time.perf_counter()
            step = 10_000
            for start in range(0, args.chunks, step):
                n = min(step, args.chunks - start)
                pick = np.arange(start, start + n) % len(sample)
                vec = vectors[pick] + noise.normal(0, 0.01, (n, vectors.shape[1])).astype(np.float32)
                vec /= np.linalg.norm(vec, axis=1, keepdims=True)
                src = [base[(start + i) % len(base)] for i in range(n)]
                store.upsert([f"{c[0]}~{start + i}" for i, c in enumerate(src)], [c[2] for c in src], vec.tolist(),
                             [ChunkMeta(source=c[1], doc_id=c[1], doc_hash="h", lang="zh-Hans",
                                        chunk_index=start + i) for i, c in enumerate(src)])
                if (start // step) % 10 == 0:
                    print(f"chroma: {start + n:,} chunks, {time.perf_counter() - t:.0f} s", file=sys.stderr, flush=True)
            load_s = time.perf_counter() - t
            qvecs = [embedder.embed_query(q) for q in questions]
            chroma = {"chunks": store.count(), "encoded_base_vectors": len(sample), "encode_s": round(encode_s, 1),
                      "load_s": round(load_s), "load_rate_chunks_per_s": round(args.chunks / load_s),
                      "disk_mb": round(sum(f.stat().st_size for f in store_dir.rglob("*") if f.is_file()) / 2**20),
                      "dense_query_top20": query_times(lambda v: store.query(v, 20), qvecs),
                      "peak_rss_mb": round(peak_rss_mb())}
            del store
            fresh = subprocess.run([sys.executable, "-c", FRESH, str(store_dir), questions[0]], cwd=ROOT,
                                   capture_output=True, text=True, timeout=3600)
            chroma["fresh_process"] = json.loads(fresh.stdout.strip().splitlines()[-1]) if fresh.returncode == 0 \
                else fresh.stderr.strip().splitlines()[-1:]
            results["chroma_million"] = chroma
            print(json.dumps({"chroma_million": chroma}, indent=1), flush=True)

    text = json.dumps(results, ensure_ascii=False, indent=1)
    print(text)
    if args.out:
        args.out.write_text(text + "\n", encoding="utf-8")


if __name__ == "__main__":
    main()
