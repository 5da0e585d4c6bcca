"""Hybrid retrieval: `rag.retrieve.rrf` and `HybridRetriever` over real Chroma in a temporary
directory, the BM25 cache and the test embedder (no model). Articles are written for the test."""

from __future__ import annotations

import pytest

from rag import retrieve
from rag.crosslingual import Dictionary
from rag.retrieve import TRANSLATED_WEIGHT, HybridRetriever, rrf
from rag.types import Hit
from tests.fakes import HashEmbedder
from text.normalize import normalize
from text.tokenize import lexical_tokens


# -- rrf -------------------------------------------------------------------------------------

def test_rrf_ranks_start_at_one():
    assert rrf([(["a", "b"], 1.0)], k=60) == {"a": pytest.approx(1 / 61), "b": pytest.approx(1 / 62)}


def test_rrf_sums_over_lists_with_weights():
    fused = rrf([(["a", "b"], 1.0), (["b", "c"], 0.5)], k=10)
    assert fused["a"] == pytest.approx(1 / 11)
    assert fused["b"] == pytest.approx(1 / 12 + 0.5 / 11)
    assert fused["c"] == pytest.approx(0.5 / 12)
    assert max(fused, key=fused.get) == "b"               # found by both lists


def test_rrf_weight_decides_between_lists():
    heavy_first = rrf([(["x"], 1.0), (["y"], 0.8)])
    assert heavy_first["x"] > heavy_first["y"]
    flipped = rrf([(["x"], 0.8), (["y"], 1.0)])
    assert flipped["y"] > flipped["x"]


def test_rrf_mirrored_lists_tie():
    fused = rrf([(["a", "b"], 1.0), (["b", "a"], 1.0)], k=60)
    assert fused["a"] == pytest.approx(fused["b"])


def test_rrf_zero_weight_list_adds_nothing():
    fused = rrf([(["a", "b"], 0.0), (["b"], 1.0)], k=60)
    assert fused == {"a": 0.0, "b": pytest.approx(1 / 61)}


def test_rrf_k_flattens_the_ranking():
    steep = rrf([(["a", "b"], 1.0)], k=1)
    flat = rrf([(["a", "b"], 1.0)], k=1000)
    assert steep["a"] / steep["b"] > flat["a"] / flat["b"] > 1.0


def test_rrf_of_nothing_is_empty():
    assert rrf([]) == {} and rrf([([], 1.0)]) == {}


# -- HybridRetriever over a real store -------------------------------------------------------

TRADITIONAL = ("松嶺市圖書館擴建工程竣工\n"
               "松嶺市新建圖書館三座，館藏圖書達到八十萬冊。\n"
               "市民憑身份證可以免費借閱，閱覽室全天開放。\n")
SIMPLIFIED = {
    "tea.txt": "河谷镇茶叶出口创新高\n河谷镇今年茶叶出口总额增长两成，主要销往东南亚。\n",
    "lake.txt": "鹿鸣湖景区游船码头开放\n鹿鸣湖景区新建游船码头一座，可停靠游船二十艘。\n",
}
ENGLISH_TOPICS = ["reading room", "book fair", "membership cards", "opening hours", "annual budget",
                  "volunteer staff", "garden courtyard", "children's corner", "music collection", "study desks"]


def english_article(i: int, topic: str) -> str:
    return (f"Quarry Bay library news {i}\n"
            f"The Quarry Bay public library announced changes to its {topic} this week. "
            f"Library visitors welcomed the library plan for the {topic}.\n")


# one pair where the lists disagree: the embedder (which hashes stop words too) favours the
# wordy article, BM25 (which drops them) the short one that repeats the rare word
DISAGREE = {
    "wordy.txt": "Is it in there?\nIt is in the hangar that it is kept, and it is there that it was seen.\n",
    "zeppelin.txt": "Zeppelin rides\nZeppelin rides over Quarry Bay.\n",
}
DISAGREE_QUESTION = "Is it the zeppelin that is in the hangar?"


class RatioEmbedder(HashEmbedder):
    """The same vectors, claiming to know a fixed share of every question's tokens."""

    def __init__(self, ratio: float):
        super().__init__()
        self.ratio = ratio

    def known_token_ratio(self, text: str) -> float:
        return self.ratio


@pytest.fixture(scope="module")
def dictionary() -> Dictionary:
    return Dictionary()   # no cache dir: parsed once per process, shared with the other unit tests


@pytest.fixture(scope="module")
def corpus(tmp_path_factory):
    """An Assistant's store, lexical index and embedder after ingesting the articles above."""
    from rag import Assistant

    root = tmp_path_factory.mktemp("retrieve")
    folder = root / "articles"
    folder.mkdir()
    (folder / "library_tw.txt").write_text(TRADITIONAL, encoding="utf-8")
    for name, text in SIMPLIFIED.items():
        (folder / name).write_text(text, encoding="utf-8")
    for i, topic in enumerate(ENGLISH_TOPICS):
        (folder / f"en{i:02d}.txt").write_text(english_article(i, topic), encoding="utf-8")
    for name, text in DISAGREE.items():
        (folder / name).write_text(text, encoding="utf-8")
    with pytest.MonkeyPatch.context() as mp:   # module scope: set up before the per-test env guard
        import os

        for name in [n for n in os.environ if n.startswith("RAG_")]:
            mp.delenv(name)
        a = Assistant(store=root / "store", embedder=HashEmbedder(), auto_ingest=False, progress=False)
        report = a.ingest([folder])
    assert report.ok and len(report.ingested) == 1 + len(SIMPLIFIED) + len(ENGLISH_TOPICS) + len(DISAGREE)
    assert a.store.count() == len(a.lexical) == len(report.ingested)   # one chunk per article
    return a


@pytest.fixture
def retriever(corpus, dictionary) -> HybridRetriever:
    return HybridRetriever(corpus.store, corpus.lexical, corpus.embedder, dictionary)


def test_simplified_question_finds_the_traditional_article(retriever):
    hits = retriever.search("松岭市新建了几座图书馆?", 3)
    top = hits[0]
    assert top.source == "library_tw.txt" and top.lang == "zh-Hant"
    assert "圖書館" in top.text                       # shown in its own script
    assert top.lexical_rank == 1 and top.dense_rank is not None
    assert top.title == "松嶺市圖書館擴建工程竣工"


def test_traditional_question_finds_the_simplified_article(retriever):
    hits = retriever.search("河谷鎮茶葉出口增長多少?", 3)
    assert hits[0].source == "tea.txt" and "茶叶" in hits[0].text


def test_hits_are_ordered_and_scored_by_fusion(retriever):
    hits = retriever.search("Quarry Bay library opening hours", 5)
    assert len(hits) == 5 and len({h.chunk_id for h in hits}) == 5
    scores = [h.score for h in hits]
    assert scores == sorted(scores, reverse=True)
    assert hits[0].source == "en03.txt"              # the one about opening hours
    for h in hits:
        assert isinstance(h, Hit) and h.score > 0 and h.chunk_id.endswith(":00000") and h.text


def test_english_question_keeps_one_seat_for_a_chinese_article(retriever, dictionary, monkeypatch):
    question = "How many new libraries were built?"
    norm = normalize(question)
    translated = retriever.lexical.search(dictionary.expand_query(norm), retriever.candidates)
    assert translated and translated[0][0] in retriever.store.ids_for_source("library_tw.txt")

    hits = retriever.search(question, 5)
    assert len(hits) == 5
    chinese = [h for h in hits if h.lang.startswith("zh")]
    assert [h.source for h in chinese] == ["library_tw.txt"]   # exactly one seat, the translated list's best
    assert hits[-1] is chinese[0]                               # it takes the last place
    assert chinese[0].lexical_rank is None                      # it is not on the question's own list
    assert sum(h.lang == "en" for h in hits) == 4

    # without the seat, the English articles fill every place
    monkeypatch.setattr(retrieve, "_other_language_seats", lambda k: 0)
    assert all(h.lang == "en" for h in retriever.search(question, 5))


@pytest.mark.parametrize("k,seats", [(1, 0), (2, 0), (3, 1), (7, 1), (8, 2), (20, 2)])
def test_seats_for_the_other_language(k, seats):
    assert retrieve._other_language_seats(k) == seats


def test_few_places_keep_no_seat(retriever):
    hits = retriever.search("How many new libraries were built?", 2)
    assert len(hits) == 2 and all(h.lang == "en" for h in hits)


@pytest.mark.parametrize("ratio", [1.0, 0.5, 0.0])
def test_dense_weight_is_the_embedders_known_token_ratio(corpus, dictionary, ratio):
    question = "Quarry Bay library opening hours"
    norm = normalize(question)
    embedder = RatioEmbedder(ratio)
    dense = [c.id for c, _ in corpus.store.query(embedder.embed_query(norm), 40)]
    lexical = [cid for cid, _ in corpus.lexical.search(lexical_tokens(norm), 40)]
    translated = [cid for cid, _ in corpus.lexical.search(dictionary.expand_query(norm), 40)]
    expected = rrf([(dense, ratio), (lexical, 1.0), (translated, TRANSLATED_WEIGHT)])

    hits = HybridRetriever(corpus.store, corpus.lexical, embedder, dictionary).search(question, 6)
    assert len(hits) == 6
    for h in hits:
        assert h.score == pytest.approx(expected[h.chunk_id], abs=2e-6)
        assert h.dense_rank == dense.index(h.chunk_id) + 1


def test_with_no_known_tokens_the_ranking_follows_bm25(corpus, dictionary):
    norm = normalize(DISAGREE_QUESTION)
    lexical = corpus.lexical.search(lexical_tokens(norm), 40)
    by_source = {cid: corpus.store.get([cid])[cid].meta.source for cid, _ in lexical}
    assert [by_source[cid] for cid, _ in lexical[:2]] == ["zeppelin.txt", "wordy.txt"]

    seeing = HybridRetriever(corpus.store, corpus.lexical, RatioEmbedder(1.0), dictionary).search(DISAGREE_QUESTION, 3)
    assert seeing[0].source == "wordy.txt" and seeing[0].dense_rank == 1     # the dense list decides

    blind = HybridRetriever(corpus.store, corpus.lexical, RatioEmbedder(0.0), dictionary).search(DISAGREE_QUESTION, 3)
    assert [h.source for h in blind[:2]] == ["zeppelin.txt", "wordy.txt"]    # BM25 decides
    assert [h.lexical_rank for h in blind[:2]] == [1, 2]
    assert blind[0].score == pytest.approx(1 / 61, abs=2e-6)


def test_empty_question_finds_nothing(retriever):
    assert retriever.search("", 5) == []
    assert retriever.search(" \u3000\n ", 5) == []


def test_assistant_search_uses_the_retriever(corpus, retriever, monkeypatch):
    monkeypatch.setattr(corpus, "retriever", retriever)
    hits = corpus.search("松岭市新建了几座图书馆?", k=2)
    assert len(hits) == 2 and hits[0].source == "library_tw.txt"
    assert len(corpus.search("松岭市新建了几座图书馆?")) == corpus.settings.top_k


def test_a_fitted_weight_for_the_script_replaces_the_ratio(corpus, dictionary):
    blind_for_chinese = HybridRetriever(corpus.store, corpus.lexical, RatioEmbedder(1.0), dictionary,
                                        dense_weights={"zh": 0.0})
    assert blind_for_chinese.dense_weight("松岭市 图书馆") == 0.0
    assert blind_for_chinese.dense_weight("quarry bay library") == 1.0   # no weight fitted for English


def test_fitted_weights_are_read_per_model(tmp_path):
    from rag.retrieve import load_weights

    path = tmp_path / "retrieval.json"
    path.write_text('{"format": 1, "dense_weight": {"some/model": {"zh": 0.2}}}', encoding="utf-8")
    assert load_weights(path) == {"some/model": {"zh": 0.2}}
    path.write_text('{"format": 99, "dense_weight": {"some/model": {"zh": 0.2}}}', encoding="utf-8")
    assert load_weights(path) == {}                       # another format is not read
    assert load_weights(tmp_path / "missing.json") == {}
