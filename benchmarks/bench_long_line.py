"""Benchmark: text handling on one huge single-line article, to show it is linear in size.

    .venv/bin/python benchmarks/bench_long_line.py --out benchmarks/long_line.json

For English and Chinese text with no line break, at 1, 2 and 5 MB (--sizes), it times every
step an ingest runs before the embedding model: reading the file (`ingest.loaders.load_file`:
decoding, cleaning, title and date), sentence splitting, chunking (`ingest.chunk.chunk_article`,
with the bundled model's tokenizer counting tokens) and the lexical tokens of every chunk.
Linear means seconds per MB stay flat as the size grows. Results print as JSON.
"""

from __future__ import annotations

import argparse
import json
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

TEXTS = {
    "en": "The Maplefield pier opened to commuters in May. Mr. Lee of Harbour Co., Ltd. said 3.5 million "
          "yuan was paid, e.g. for the new ferry berths. ",
    "zh": "松岭市新建三座图书馆，馆藏图书八十万册；2024年全市共有七家企业获得质量奖，奖励资金共计420万元。",
}


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--sizes", type=float, nargs="+", default=[1, 2, 5], help="article sizes in MB")
    ap.add_argument("--out", type=Path)
    args = ap.parse_args()

    from ingest.chunk import chunk_article
    from ingest.loaders import Article, load_file
    from store.embed import BUNDLED_MODEL, SentenceEmbedder
    from text.sentences import split_sentences
    from text.tokenize import lexical_tokens

    embedder = SentenceEmbedder(BUNDLED_MODEL)
    rows = []
    with tempfile.TemporaryDirectory() as tmp:
        for lang, unit in TEXTS.items():
            for mb in args.sizes:
                size = int(mb * 2**20)
                text = unit * (size // len(unit.encode("utf-8")) + 1)
                path = Path(tmp) / f"{lang}.txt"
                path.write_text(text, encoding="utf-8")
                row = {"lang": lang, "mb": round(path.stat().st_size / 2**20, 2)}
                t = time.perf_counter()
                (article,) = [a for a in load_file(path, path.name, 64 * 2**20) if isinstance(a, Article)]
                row["load_clean_s"] = round(time.perf_counter() - t, 2)
                t = time.perf_counter()
                row["sentences"] = len(split_sentences(article.text))
                row["split_s"] = round(time.perf_counter() - t, 2)
                t = time.perf_counter()
                chunks = chunk_article(article.text, path.name, 200, embedder.count_tokens)
                row["chunks"] = len(chunks)
                row["chunk_s"] = round(time.perf_counter() - t, 2)
                t = time.perf_counter()
                row["tokens"] = sum(len(lexical_tokens(c.norm)) for c in chunks)
                row["tokenise_s"] = round(time.perf_counter() - t, 2)
                total = row["load_clean_s"] + row["split_s"] + row["chunk_s"] + row["tokenise_s"]
                row["total_s"] = round(total, 2)
                row["s_per_mb"] = round(total / row["mb"], 2)
                print(json.dumps(row), flush=True)
                rows.append(row)
    out = {"rows": rows}
    if args.out:
        args.out.write_text(json.dumps(out, indent=1) + "\n", encoding="utf-8")


if __name__ == "__main__":
    main()
