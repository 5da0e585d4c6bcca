"""Incremental ingest against embedded Chroma in a temp dir, with the test embedder."""

import json

import pytest

from rag import Assistant
from common.errors import InputError, ModelMismatchError


def test_reingest_unchanged_is_a_noop(unit, articles):
    first = unit.ingest([articles])
    assert len(first.ingested) == 5 and first.chunks_added > 0
    count = unit.store.count()
    again = unit.ingest([articles])
    assert again.ingested == [] and len(again.unchanged) == 5
    assert again.chunks_added == 0 and unit.store.count() == count


def test_changed_file_replaces_its_chunks(unit, articles):
    unit.ingest([articles])
    target = next(articles.glob("004*"))
    before = len(unit.store.ids_for_source(target.name))
    target.write_text("厦门市质量奖今年新增评审。共有九家单位获奖。", encoding="utf-8")
    report = unit.ingest([articles])
    assert report.ingested == [target.name] and len(report.unchanged) == 4
    ids = unit.store.ids_for_source(target.name)
    assert len(ids) == 1 < before
    assert report.chunks_removed == before - 1
    # the lexical index follows: the old text is gone, the new one is found
    hits = unit.search("湖里区标准化奖励资金", 10)
    assert all("293.87" not in h.text for h in hits)
    assert any("九家" in h.text for h in unit.search("厦门市质量奖共有几家单位获奖", 3))


def test_remove_deletes_a_document(unit, articles):
    unit.ingest([articles])
    removed, missing = unit.remove(["004_6995150513352f8e.txt", "nope.txt"])
    assert removed == ["004_6995150513352f8e.txt"] and missing == ["nope.txt"]
    assert unit.store.ids_for_source("004_6995150513352f8e.txt") == []
    assert all(h.source != "004_6995150513352f8e.txt" for h in unit.search("湖里区标准化奖励资金", 10))


def test_no_chunk_is_duplicated(unit, articles):
    unit.ingest([articles, articles / "000_259afd6deae00c3b.txt"])
    ids = [c.id for c in unit.store.iter_all(include_text=False)]
    assert len(ids) == len(set(ids))
    assert len({c.meta.source for c in unit.store.iter_all(include_text=False)}) == 5


def test_bad_inputs_are_skipped_and_the_rest_ingested(unit, tmp_path):
    d = tmp_path / "mixed"
    d.mkdir()
    (d / "good.txt").write_text("厦门市质量奖评审结果公布。共有五家单位获奖。", encoding="utf-8")
    (d / "empty.txt").write_bytes(b"")
    (d / "image.txt").write_bytes(b"\x89PNG\r\n\x1a\n\x00\x00" + bytes(range(200)))
    (d / "notes.pdf").write_bytes(b"%PDF-1.4")
    (d / "big5.txt").write_bytes("瀋陽市級計量標準達到350項。".encode("big5"))
    lines = [json.dumps({"text": "Dalian won 8 awards.", "title": "A"}), "{not json", json.dumps({"title": "no text"}),
             json.dumps({"text": "Shenyang issued 103 standards.", "date": "2024-09-04"})]
    (d / "feed.jsonl").write_text("\n".join(lines) + "\n", encoding="utf-8")
    report = unit.ingest([d])
    reasons = {s.where: s.reason for s in report.skipped}
    assert set(reasons) == {"empty.txt", "image.txt", "notes.pdf", "feed.jsonl:2", "feed.jsonl:3"}
    assert "empty" in reasons["empty.txt"] and "binary" in reasons["image.txt"]
    assert "unsupported" in reasons["notes.pdf"] and "JSON" in reasons["feed.jsonl:2"]
    assert "text" in reasons["feed.jsonl:3"]
    assert sorted(report.ingested) == ["big5.txt", "feed.jsonl#1", "feed.jsonl#4", "good.txt"]
    docs = {r["source"]: r for r in unit.documents()}
    assert docs["feed.jsonl#4"]["date"] == "2024-09-04"
    assert docs["big5.txt"]["lang"] == "zh-Hant"


def test_missing_path_is_a_clear_error(unit, tmp_path):
    with pytest.raises(InputError, match="no such file"):
        unit.ingest([tmp_path / "missing"])


@pytest.mark.slow
def test_metadata_of_the_samples(assistant):
    docs = {r["source"]: r for r in assistant.documents()}
    assert docs["000_259afd6deae00c3b.txt"]["date"] == "2022-08-04 13:48"
    assert docs["001_ac2c011cea2464d6.txt"]["date"] == "2014-09-16 09:36:02"
    assert docs["002_4d24ab1c87042fe2.txt"]["date"] == "2024-09-04 16:23:42"
    assert docs["000_259afd6deae00c3b.txt"]["lang"] == "en"
    assert docs["002_4d24ab1c87042fe2.txt"]["lang"] == "zh-Hant"
    assert docs["004_6995150513352f8e.txt"]["lang"] == "zh-Hans"


def test_store_refuses_another_model(unit, hash_embedder):
    from store.chroma import ChunkStore

    with pytest.raises(ModelMismatchError, match=hash_embedder.name):
        ChunkStore(unit.settings.store, "some/other-model", 768)


def test_lexical_cache_is_rebuilt_when_missing(unit, articles):
    import shutil

    unit.ingest([articles])
    store = unit.settings.store
    shutil.rmtree(store / "lexical")
    again = Assistant(store=store, embedder=unit.embedder, progress=False, auto_ingest=False)
    hits = again.search("湖里区标准化奖励资金共计多少", 3)
    assert hits and hits[0].source.startswith("004")
    assert (store / "lexical" / "meta.json").exists()
