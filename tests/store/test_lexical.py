"""The BM25 cache beside Chroma: `store.lexical.BM25Index` in temporary directories.

Chunks are short synthetic texts (fictional towns); they are normalised and tokenised exactly
as the ingest pipeline does."""

from __future__ import annotations

import itertools
import json
import math
import tracemalloc

import pytest

from store import lexical as lexical_module
from store.lexical import BM25Index
from store.protocols import LexicalIndex
from text.normalize import normalize
from text.tokenize import lexical_tokens

CHUNKS = {
    "c1": "松岭市新建三座图书馆，馆藏图书八十万册。",
    "c2": "松岭市港口吞吐量增长两成。",
    "c3": "河谷镇茶叶出口创下新高。",
    "c4": "Maplefield opened a ferry pier for island commuters.",
}


def q(text: str) -> list[str]:
    return lexical_tokens(normalize(text))


def build(root, chunks=CHUNKS, generation=1) -> BM25Index:
    ix = BM25Index(root)
    ix.stage({cid: normalize(t) for cid, t in chunks.items()})
    ix.commit([], generation)
    return ix


@pytest.fixture
def ix(tmp_path):
    return build(tmp_path / "lexical")


def ids(results) -> list[str]:
    return [cid for cid, _ in results]


def test_it_is_a_lexical_index(ix):
    assert isinstance(ix, LexicalIndex)


def test_search_finds_the_right_chunk_first(ix):
    assert ids(ix.search(q("图书馆"), 3)) == ["c1"]
    assert ids(ix.search(q("茶叶出口"), 3))[0] == "c3"
    assert ids(ix.search(q("ferry piers"), 3)) == ["c4"]           # stemmed like the index
    both = ix.search(q("松岭市"), 4)
    assert set(ids(both)) == {"c1", "c2"} and all(score > 0 for _, score in both)
    assert len(ix) == 4 and ix.generation == 1


def test_search_ranks_by_score_and_respects_k(ix):
    results = ix.search(q("松岭市 港口 吞吐量"), 4)
    assert ids(results)[0] == "c2"
    scores = [s for _, s in results]
    assert scores == sorted(scores, reverse=True)
    assert len(ix.search(q("松岭市 港口"), 1)) == 1


def test_unknown_tokens_give_nothing(ix):
    assert ix.search(q("潜水艇"), 5) == []
    assert ix.search([], 5) == []


def test_removed_ids_are_gone(ix):
    ix.commit(["c1", "not-there"], 2)
    assert ix.search(q("图书馆"), 5) == []
    assert ids(ix.search(q("松岭市"), 5)) == ["c2"]
    assert sorted(ix.ids) == ["c2", "c3", "c4"] and ix.generation == 2
    assert ix.doc_freq("图书馆") == 0


def test_restaged_id_replaces_its_text(ix):
    ix.stage({"c3": normalize("河谷镇新建了滑雪场。")})
    ix.commit([], 2)
    assert ix.search(q("茶叶"), 5) == []
    assert ids(ix.search(q("滑雪场"), 5)) == ["c3"]
    assert len(ix) == 4


def test_rebuild_replaces_everything(ix):
    ix.rebuild(iter([("z1", normalize("Quarry lake swimming season opens")),
                     ("z2", normalize("河谷镇滑雪场开放"))]), 9)
    assert sorted(ix.ids) == ["z1", "z2"] and ix.generation == 9
    assert ix.search(q("图书馆"), 5) == [] and ix.search(q("ferry"), 5) == []
    assert ids(ix.search(q("swimming"), 5)) == ["z1"]
    assert ids(ix.search(q("滑雪场"), 5)) == ["z2"]


def test_rebuild_with_nothing_empties_the_index(ix, tmp_path):
    ix.rebuild([], 4)
    assert len(ix) == 0 and ix.search(q("图书馆"), 5) == [] and ix.doc_freq("图书馆") == 0
    again = BM25Index(tmp_path / "lexical")
    assert again.load() and len(again) == 0 and again.generation == 4


def test_doc_freq_counts_chunks_containing_a_token(ix):
    assert ix.doc_freq("松岭") == 2            # a bigram in c1 and c2
    assert ix.doc_freq("图书馆") == 1
    assert ix.doc_freq("ferry") == 1
    assert ix.doc_freq("潜水艇") == 0
    everywhere = build(ix.root.parent / "all", {f"d{i}": f"松岭市第{i}号公告" for i in range(5)})
    assert everywhere.doc_freq("松岭") == 5    # in every chunk: still counted (idf stays positive)


def test_save_and_load_round_trip(ix, tmp_path):
    before = {text: ix.search(q(text), 4) for text in ("松岭市", "图书馆", "ferry pier", "茶叶")}
    again = BM25Index(tmp_path / "lexical")
    assert again.load() is True
    assert again.generation == 1 and sorted(again.ids) == sorted(CHUNKS)
    after = {text: again.search(q(text), 4) for text in before}
    assert {t: ids(r) for t, r in after.items()} == {t: ids(r) for t, r in before.items()}
    for t in before:
        assert [s for _, s in after[t]] == pytest.approx([s for _, s in before[t]])
    assert again.doc_freq("松岭") == 2


def test_loaded_index_takes_updates(ix, tmp_path):
    again = BM25Index(tmp_path / "lexical")
    assert again.load()
    again.stage({"c5": normalize("鹿鸣湖游船码头开放。")})
    again.commit(["c2"], 2)
    third = BM25Index(tmp_path / "lexical")
    assert third.load() and third.generation == 2
    assert ids(third.search(q("游船码头"), 5)) == ["c5"]
    assert ids(third.search(q("图书馆"), 5)) == ["c1"]
    assert ids(third.search(q("港口"), 5)) == []


def test_missing_cache_does_not_load(tmp_path):
    ix = BM25Index(tmp_path / "nothing-here")
    assert ix.load() is False
    assert len(ix) == 0 and ix.search(q("图书馆"), 5) == [] and ix.doc_freq("图书馆") == 0


def test_cache_of_another_format_does_not_load(ix, tmp_path):
    meta_path = tmp_path / "lexical" / "meta.json"
    meta = json.loads(meta_path.read_text())
    assert meta["format"] == lexical_module.FORMAT
    meta_path.write_text(json.dumps({**meta, "format": lexical_module.FORMAT - 1}))
    assert BM25Index(tmp_path / "lexical").load() is False


def test_cache_with_a_wrong_count_does_not_load(ix, tmp_path):
    meta_path = tmp_path / "lexical" / "meta.json"
    meta = json.loads(meta_path.read_text())
    meta_path.write_text(json.dumps({**meta, "count": meta["count"] + 1}))
    assert BM25Index(tmp_path / "lexical").load() is False


def test_corrupt_cache_does_not_load(ix, tmp_path):
    (path,) = (tmp_path / "lexical").glob("seg-*.ids.json")
    path.write_text("[not json")
    assert BM25Index(tmp_path / "lexical").load() is False


def test_staged_but_uncommitted_tokens_are_not_searchable(ix):
    ix.stage({"c9": normalize("鹿鸣湖游船码头开放 zeppelin")})
    assert ix.search(q("鹿鸣湖"), 5) == []
    assert ix.search(["zeppelin"], 5) == []
    assert ix.doc_freq("zeppelin") == 0
    # known tokens still search as before, alongside the staged ones
    assert ids(ix.search(q("图书馆") + ["zeppelin"], 5)) == ["c1"]
    assert len(ix) == 4
    ix.commit([], 2)
    assert ids(ix.search(["zeppelin"], 5)) == ["c9"]


def test_very_long_token_saves_and_loads_in_little_memory(tmp_path):
    long_word = "a" * 100_000
    assert max(len(t) for t in q(long_word)) <= 32   # cut into pieces before it reaches the index
    words = ["".join(p) for p in itertools.islice(itertools.product("bcdfghjklm", repeat=4), 2000)]
    tracemalloc.start()
    try:
        ix = build(tmp_path / "lexical", {"long": f"prefix {long_word} suffix", "many": " ".join(words),
                                          "other": "unrelated filler words"})
        again = BM25Index(tmp_path / "lexical")
        assert again.load()
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    # a fixed-width vocabulary would need 2000 words x 100,000 chars x 4 bytes = 800 MB
    assert peak < 50 * 2**20
    on_disk = sum(f.stat().st_size for f in (tmp_path / "lexical").rglob("*") if f.is_file())
    assert on_disk < 5 * 2**20
    assert ids(again.search(q(long_word), 3)) == ["long"]
    assert ids(again.search(["suffix"], 3)) == ["long"]
    assert ids(again.search([words[1234]], 3)) == ["many"]
    assert ids(ix.search(q(long_word), 3)) == ["long"]


@pytest.mark.parametrize("damage", ["vocab-*.txt", "seg-*.indptr.npy", "seg-*.rows.npy", "seg-*.ids.json", "meta.json"])
def test_a_damaged_cache_does_not_load_and_leaves_an_empty_index(ix, tmp_path, damage):
    (path,) = (tmp_path / "lexical").glob(damage)
    path.write_bytes(path.read_bytes()[:20])   # truncated
    again = BM25Index(tmp_path / "lexical")
    assert again.load() is False
    assert len(again) == 0 and again.search(q("图书馆"), 3) == []


# -- segments ------------------------------------------------------------------------------
TOWNS = {f"t{i}": f"{town}镇{thing}项目第{i}期开工，投资{i}亿元。"
         for i, (town, thing) in enumerate(itertools.product(["松岭", "河谷", "鹿鸣", "石桥"], ["港口", "茶园", "码头"]))}


def bm25_by_hand(chunks: dict[str, str], tokens: list[str]) -> dict[str, float]:
    """BM25 (Lucene's idf, k1 1.5, b 0.75) written out over the chunks' tokens."""
    docs = {cid: lexical_tokens(normalize(t)) for cid, t in chunks.items()}
    n = len(docs)
    avgdl = sum(len(d) for d in docs.values()) / n
    scores = {}
    for cid, d in docs.items():
        s = 0.0
        for t in dict.fromkeys(tokens):
            tf = d.count(t)
            df = sum(t in other for other in docs.values())
            if tf:
                idf = math.log(1 + (n - df + 0.5) / (df + 0.5))
                s += idf * tf / (tf + 1.5 * (1 - 0.75 + 0.75 * len(d) / avgdl))
        if s > 0:
            scores[cid] = s
    return scores


def commit_one_by_one(root, chunks: dict[str, str]) -> BM25Index:
    ix = BM25Index(root)
    for g, (cid, text) in enumerate(chunks.items(), 1):
        ix.stage({cid: normalize(text)})
        ix.commit([], g)
    return ix


def test_scores_are_bm25_over_the_live_chunks_of_all_segments(tmp_path):
    long = "河谷镇茶园项目的长篇报道，" * 20
    ix = build(tmp_path / "lexical", {"t0": TOWNS["t0"], "t1": long, "t2": TOWNS["t2"]})
    for g, cid in enumerate(["t3", "t4"], 2):
        ix.stage({cid: normalize(TOWNS[cid])})
        ix.commit([], g)
    assert ix.segments == 3
    ix.commit(["t1"], 6)                     # a deletion in an old segment (a long chunk: avgdl moves)
    ix.stage({"t3": normalize("石桥镇新建滑雪场。"), "t9": normalize(TOWNS["t9"])})
    ix.commit([], 7)                                               # a replacement and an addition
    live = {"t0": TOWNS["t0"], "t2": TOWNS["t2"], "t3": "石桥镇新建滑雪场。", "t4": TOWNS["t4"], "t9": TOWNS["t9"]}
    assert sorted(ix.ids) == sorted(live)
    for text in ("松岭镇港口", "河谷镇茶园项目", "滑雪场", "投资", "第9期"):
        want = bm25_by_hand(live, q(text))
        got = dict(ix.search(q(text), 10))
        assert got.keys() == want.keys(), text
        assert [got[c] for c in want] == pytest.approx([want[c] for c in want], rel=1e-5), text
        assert ix.doc_freq(q(text)[0]) == sum(q(text)[0] in q(t) for t in live.values())


def test_a_commit_writes_one_new_segment_and_leaves_the_others_alone(tmp_path):
    root = tmp_path / "lexical"
    ix = build(root)
    before = {p.name: p.stat().st_ino for p in root.glob("seg-*")}
    ix.stage({"c5": normalize("鹿鸣湖游船码头开放。")})
    ix.commit([], 2)
    after = {p.name: p.stat().st_ino for p in root.glob("seg-*")}
    assert all(after[name] == inode for name, inode in before.items())     # not rewritten
    assert len({name.split(".")[0] for name in after}) == 2 and ix.segments == 2
    vocab, = root.glob("vocab-*.txt")
    assert vocab.read_text(encoding="utf-8").splitlines()[-1] in ix.vocab   # appended to


def test_too_many_segments_are_merged_and_answers_do_not_change(tmp_path):
    ix = commit_one_by_one(tmp_path / "lexical", TOWNS)
    assert len(TOWNS) > lexical_module.MAX_SEGMENTS >= ix.segments
    whole = build(tmp_path / "whole", TOWNS)
    for text in ("松岭镇港口", "码头", "第7期开工"):
        got, want = ix.search(q(text), 5), whole.search(q(text), 5)
        assert [s for _, s in got] == pytest.approx([s for _, s in want], rel=1e-5)
        assert set(ids(got)) == set(ids(want))
    # files of merged segments are gone: a long series of commits does not pile them up
    assert len({p.name.split(".")[0] for p in (tmp_path / "lexical").glob("seg-*")}) == ix.segments


def test_merge_drops_deleted_rows_into_one_segment(tmp_path):
    ix = commit_one_by_one(tmp_path / "lexical", dict(itertools.islice(TOWNS.items(), 4)))
    ix.commit(["t0", "t2"], 5)
    ix.merge()
    assert ix.segments == 1 and sorted(ix.ids) == ["t1", "t3"]
    again = BM25Index(tmp_path / "lexical")
    assert again.load() and again.segments == 1 and sorted(again.ids) == ["t1", "t3"]
    assert not list((tmp_path / "lexical").glob("*.del-*"))
    assert ids(again.search(q("河谷镇"), 5)) == ["t3"]


def test_another_process_follows_commits_reading_only_new_segments(tmp_path):
    writer = build(tmp_path / "lexical")
    reader = BM25Index(tmp_path / "lexical")
    assert reader.load()
    first = reader._segments[0]
    writer.stage({"c5": normalize("鹿鸣湖游船码头开放 zeppelin")})
    writer.commit(["c1"], 2)
    assert reader.load() and reader.generation == 2
    assert reader._segments[0].indptr is first.indptr             # the old segment was kept, not re-read
    assert ids(reader.search(["zeppelin"], 5)) == ["c5"]
    assert reader.search(q("图书馆"), 5) == []
    assert reader.search(q("港口"), 5) == writer.search(q("港口"), 5)


def test_a_vocabulary_file_of_an_unexpected_length_is_replaced_not_appended_to(tmp_path):
    root = tmp_path / "lexical"
    ix = build(root)
    vocab, = root.glob("vocab-*.txt")
    with open(vocab, "a", encoding="utf-8") as f:
        f.write("left-over-by-a-crash\n")                         # an append that never reached meta.json
    ix.stage({"c5": normalize("鹿鸣湖游船码头开放。")})
    ix.commit([], 2)
    again = BM25Index(root)
    assert again.load() and "left-over-by-a-crash" not in again.vocab
    assert ids(again.search(q("游船码头"), 5)) == ["c5"] and ids(again.search(q("图书馆"), 5)) == ["c1"]


def test_a_token_holding_a_line_break_is_not_indexed(tmp_path):
    ix = BM25Index(tmp_path / "lexical")
    assert len(ix._encode(["line\nbreak", "plain"])) == 1
    ix.stage({"a": normalize("plain words")})
    ix.commit([], 1)
    assert BM25Index(tmp_path / "lexical").load()
