"""The Chroma collection behind `ChunkStore`: embedded Chroma in a temporary directory, vectors
from the test embedder, metadata as `ChunkMeta` both ways."""

from __future__ import annotations

import pytest

from common.errors import ModelMismatchError, StoreError
from store.chroma import ChunkStore
from store.protocols import VectorStore
from store.schema import ChunkMeta
from tests.fakes import HashEmbedder

TEXTS = {
    "d1:00000": ("临海市共有七家企业获奖。", ChunkMeta(source="a.txt", doc_id="d1", doc_hash="h1", title="临海",
                                                  date="2023-05-06", lang="zh-Hans")),
    "d1:00001": ("奖励资金共计420万元。", ChunkMeta(source="a.txt", doc_id="d1", doc_hash="h1", title="临海",
                                              date="2023-05-06", lang="zh-Hans", chunk_index=1, start=12)),
    "d2:00000": ("Riverton paid 3.5 million yuan.", ChunkMeta(source="feed.jsonl#7", doc_id="d2", doc_hash="h2",
                                                             lang="en", url="https://example.org/7")),
}


@pytest.fixture
def filled(tmp_path):
    emb = HashEmbedder()
    store = ChunkStore(tmp_path / "store", emb.name, emb.dim)
    ids = list(TEXTS)
    store.upsert(ids, [TEXTS[i][0] for i in ids], emb.embed_texts([TEXTS[i][0] for i in ids]),
                 [TEXTS[i][1] for i in ids])
    return store, emb


def test_it_is_a_vector_store(filled):
    assert isinstance(filled[0], VectorStore)


def test_metadata_comes_back_typed(filled):
    store, _ = filled
    got = store.get(["d1:00001", "d2:00000", "missing"])
    assert set(got) == {"d1:00001", "d2:00000"}
    assert got["d1:00001"].meta == TEXTS["d1:00001"][1] and got["d1:00001"].text == "奖励资金共计420万元。"
    assert got["d2:00000"].meta.date is None and got["d2:00000"].meta.file == "feed.jsonl"


def test_query_ranks_the_nearest_chunk_first(filled):
    store, emb = filled
    results = store.query(emb.embed_query("Riverton paid million yuan"), 2)
    assert results[0][0].id == "d2:00000" and results[0][1] >= results[1][1]
    assert results[0][0].meta.lang == "en"


def test_document_states_and_lookups(filled):
    store, _ = filled
    states = store.doc_states(["d1", "d2", "d9"])
    assert states["d1"][0] == "h1" and sorted(states["d1"][1]) == ["d1:00000", "d1:00001"]
    assert "d9" not in states
    assert sorted(store.ids_for_source("a.txt")) == ["d1:00000", "d1:00001"]
    assert store.ids_for_file("feed.jsonl") == ["d2:00000"]


def test_iteration_and_documents(filled):
    store, _ = filled
    assert sorted(c.id for c in store.iter_all(batch=2)) == sorted(TEXTS)
    rows = {r["source"]: r for r in store.documents()}
    assert rows["a.txt"]["chunks"] == 2 and rows["a.txt"]["date"] == "2023-05-06"
    assert rows["feed.jsonl#7"]["title"] is None


def test_writes_bump_the_generation_and_delete(filled):
    store, _ = filled
    before = store.generation
    assert store.bump_generation() == before + 1 == store.generation
    store.delete_ids(["d1:00000"])
    assert store.count() == 2


def test_another_model_or_format_is_refused(filled, tmp_path):
    store, emb = filled
    with pytest.raises(ModelMismatchError, match=emb.name):
        ChunkStore(tmp_path / "store", "other/model", emb.dim)
    meta = dict(store.collection.metadata)
    store.collection.modify(metadata={**meta, "format": 99})
    with pytest.raises(StoreError, match="format 99"):
        ChunkStore(tmp_path / "store", emb.name, emb.dim)


def test_a_document_not_stored_whole_has_no_state_hash(tmp_path):
    # an interrupted write leaves part of a document: the ingest then writes it again
    emb = HashEmbedder()
    store = ChunkStore(tmp_path / "store", emb.name, emb.dim)
    meta = ChunkMeta(source="a.txt", doc_id="d1", doc_hash="h1", chunks=3)
    texts = ["第一段。", "第二段。", "第三段。"]
    store.upsert([f"d1:{i:05d}" for i in range(3)], texts, emb.embed_texts(texts),
                 [ChunkMeta(**{**meta.__dict__, "chunk_index": i}) for i in range(3)])
    assert store.doc_states(["d1"])["d1"][0] == "h1"
    store.delete_ids(["d1:00002"])                                    # a remove cut short
    assert store.doc_states(["d1"])["d1"] == (None, ["d1:00000", "d1:00001"])
    store.upsert(["d1:00002"], ["新的第三段。"], emb.embed_texts(["新的第三段。"]),
                 [ChunkMeta(**{**meta.__dict__, "chunk_index": 2, "doc_hash": "h2"})])   # a replace cut short
    assert store.doc_states(["d1"])["d1"][0] is None


def test_missing_vectors_are_found(filled):
    store, _ = filled
    assert store.missing_vectors(["d1:00000", "d2:00000"]) == []
    assert store.missing_vectors(["not-stored"]) == ["not-stored"]
