"""Incremental ingest into real Chroma in a temporary directory, with the test embedder, on
articles written for the test."""

import json
import shutil

import pytest

from common.errors import InputError, ModelMismatchError
from rag import Assistant
from text.normalize import normalize
from text.tokenize import lexical_tokens

ARTICLES = {
    "a_harbor.txt": "临海市质量奖揭晓\n发布时间：2023-05-06\n临海市共有七家企业获得第三届临海市质量奖。"
                    "其中两家为港区企业。奖励资金共计420万元。",
    "b_valley.txt": "Riverton Quality Award\n2022-11-02\nRiverton gave its quality award to 12 enterprises. "
                    "The city paid 3.5 million yuan in incentives.",
    "c_hills.txt": "山城區標準化獎勵公布\n山城區共有九個標準化項目獲得獎勵，獎勵資金共計88萬元。",
}


@pytest.fixture
def corpus(write_articles):
    return write_articles(ARTICLES)


def test_reingest_unchanged_is_a_noop(unit, corpus):
    first = unit.ingest([corpus])
    assert len(first.ingested) == 3 and first.chunks_added >= 3
    count = unit.store.count()
    calls = unit.embedder.calls
    again = unit.ingest([corpus])
    assert again.ingested == [] and len(again.unchanged) == 3
    assert again.chunks_added == 0 and unit.store.count() == count
    assert unit.embedder.calls == calls   # nothing was encoded again


def test_changed_file_replaces_its_chunks(unit, corpus):
    unit.ingest([corpus])
    target = corpus / "a_harbor.txt"
    target.write_text("临海市质量奖今年新增评审。共有十一家单位获奖。", encoding="utf-8")
    report = unit.ingest([corpus])
    assert report.ingested == ["a_harbor.txt"] and len(report.unchanged) == 2
    assert len(unit.store.ids_for_source("a_harbor.txt")) == 1
    # the lexical index follows: the old text is gone, the new one is found
    assert all("420万元" not in h.text for h in unit.search("临海市 奖励资金", 10))
    assert "十一家" in unit.search("临海市质量奖共有几家单位获奖", 1)[0].text


def test_remove_deletes_a_document(unit, corpus):
    unit.ingest([corpus])
    removed, missing = unit.remove(["a_harbor.txt", "nope.txt"])
    assert removed == ["a_harbor.txt"] and missing == ["nope.txt"]
    assert unit.store.ids_for_source("a_harbor.txt") == []
    assert all(h.source != "a_harbor.txt" for h in unit.search("临海市 奖励资金", 10))


def test_no_chunk_is_duplicated(unit, corpus):
    unit.ingest([corpus, corpus / "a_harbor.txt"])
    ids = [c.id for c in unit.store.iter_all(include_text=False)]
    assert len(ids) == len(set(ids))
    assert {c.meta.source for c in unit.store.iter_all(include_text=False)} == set(ARTICLES)


def test_metadata_is_stored_per_chunk(unit, corpus):
    unit.ingest([corpus])
    docs = {r["source"]: r for r in unit.documents()}
    assert docs["a_harbor.txt"]["date"] == "2023-05-06" and docs["a_harbor.txt"]["lang"] == "zh-Hans"
    assert docs["b_valley.txt"]["lang"] == "en" and docs["c_hills.txt"]["lang"] == "zh-Hant"
    assert docs["b_valley.txt"]["title"] == "Riverton Quality Award"


def test_bad_inputs_are_skipped_and_the_rest_ingested(unit, tmp_path):
    d = tmp_path / "mixed"
    d.mkdir()
    (d / "good.txt").write_text("临海市质量奖评审结果公布。共有五家单位获奖。", encoding="utf-8")
    (d / "empty.txt").write_bytes(b"")
    (d / "image.txt").write_bytes(b"\x89PNG\r\n\x1a\n\x00\x00" + bytes(range(200)))
    (d / "notes.pdf").write_bytes(b"%PDF-1.4")
    (d / "big5.txt").write_bytes("山城市級計量標準達到350項。".encode("big5"))
    lines = [json.dumps({"text": "Riverton won 8 awards.", "title": "A"}), "{not json", json.dumps({"title": "no text"}),
             json.dumps({"text": "Lakeside issued 103 standards.", "date": "2024-09-04"})]
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


def test_removing_a_jsonl_file_removes_its_articles(unit, tmp_path):
    feed = tmp_path / "feed.jsonl"
    feed.write_text("\n".join(json.dumps({"id": k, "text": f"Article {k} about harbor cranes."})
                              for k in ("x", "y")) + "\n", encoding="utf-8")
    unit.ingest([feed])
    removed, _ = unit.remove(["feed.jsonl"])
    assert removed == ["feed.jsonl"] and unit.store.count() == 0 and len(unit.lexical) == 0


def test_missing_path_is_a_clear_error(unit, tmp_path):
    with pytest.raises(InputError, match="no such file"):
        unit.ingest([tmp_path / "missing"])


def test_store_refuses_another_model(unit, hash_embedder):
    from store.chroma import ChunkStore

    unit.store.count()
    with pytest.raises(ModelMismatchError, match=hash_embedder.name):
        ChunkStore(unit.settings.store, "some/other-model", 768)


def test_lexical_cache_is_rebuilt_when_missing(unit, corpus):
    unit.ingest([corpus])
    store = unit.settings.store
    shutil.rmtree(store / "lexical")
    again = Assistant(store=store, embedder=unit.embedder, progress=False, auto_ingest=False)
    hits = again.search("山城区标准化奖励资金共计多少", 3)
    assert hits and hits[0].source == "c_hills.txt"
    assert (store / "lexical" / "meta.json").exists()


def test_lexical_cache_of_another_generation_is_rebuilt(unit, corpus):
    unit.ingest([corpus])
    unit.store.bump_generation()   # as if another process had written
    again = Assistant(store=unit.settings.store, embedder=unit.embedder, progress=False, auto_ingest=False)
    assert again.lexical.generation == unit.store.generation and len(again.lexical) == unit.store.count()


@pytest.mark.slow
def test_metadata_of_the_samples(assistant):
    docs = {r["source"]: r for r in assistant.documents()}
    assert docs["000_259afd6deae00c3b.txt"]["date"] == "2022-08-04 13:48"
    assert docs["001_ac2c011cea2464d6.txt"]["date"] == "2014-09-16 09:36:02"
    assert docs["002_4d24ab1c87042fe2.txt"]["date"] == "2024-09-04 16:23:42"
    assert docs["000_259afd6deae00c3b.txt"]["lang"] == "en"
    assert docs["002_4d24ab1c87042fe2.txt"]["lang"] == "zh-Hant"
    assert docs["004_6995150513352f8e.txt"]["lang"] == "zh-Hans"


def test_hostile_paths_are_skipped_with_a_reason_and_the_rest_ingested(unit, tmp_path):
    import os

    d = tmp_path / "hostile"
    d.mkdir()
    (d / "good.txt").write_text("临海市质量奖评审结果公布。共有五家单位获奖。", encoding="utf-8")
    (d / "loop1").symlink_to("loop2")
    (d / "loop2").symlink_to("loop1")
    os.mkfifo(d / "pipe.txt")
    lines = ['{"id": "bad\\ud800", "text": "北岸港新增泊位7个。"}', "[" * 50_000 + "]" * 50_000,
             json.dumps({"id": "fine", "text": "Lakeside issued 103 standards."})]
    (d / "feed.jsonl").write_text("\n".join(lines) + "\n", encoding="utf-8")
    report = unit.ingest([d, d / "loop1"])
    reasons = {s.where: s.reason for s in report.skipped}
    assert set(reasons) == {"loop1", "loop2", "pipe.txt", "feed.jsonl:1", "feed.jsonl:2"}, reasons
    assert sorted(report.ingested) == ["feed.jsonl#fine", "good.txt"]
    # the store is sound afterwards: the same run again changes nothing and asks still work
    again = unit.ingest([d])
    assert sorted(again.unchanged) == ["feed.jsonl#fine", "good.txt"] and not again.ingested
    assert unit.search("临海市质量奖")[0].source == "good.txt"


def test_two_files_of_one_name_in_two_folders_are_two_documents(unit, write_articles):
    one = write_articles({"report.txt": "临海市质量奖评审结果公布。共有五家单位获奖。"}, "one")
    two = write_articles({"report.txt": "河谷镇茶叶出口创下新高，达三千吨。"}, "two")
    report = unit.ingest([one, two])
    assert sorted(report.ingested) == [f"{one}/report.txt", f"{two}/report.txt"] and not report.skipped
    assert len(unit.documents()) == 2


def test_a_chunk_deep_in_an_article_is_found_by_the_article_s_title(tmp_path, hash_embedder):
    filler = "它常在清晨觅食。" * 12
    lines = [
        {"id": "a", "title": "银鳞鱼", "text": "银鳞鱼是一种淡水鱼。" + filler + "体长可达60公分。"},
        {"id": "b", "title": "金鳍鱼", "text": "金鳍鱼是一种海鱼。" + filler + "成鱼体长可达35公分，体长随水温而变。"},
    ]
    path = tmp_path / "fish.jsonl"
    path.write_text("\n".join(json.dumps(x, ensure_ascii=False) for x in lines), encoding="utf-8")
    assistant = Assistant(store=tmp_path / "store", embedder=hash_embedder, progress=False,
                          auto_ingest=False, chunk_tokens=24)
    assistant.ingest([path])
    assert assistant.store.count() >= 4   # each article is cut into several chunks
    top = assistant.search("银鳞鱼的体长是多少？", 1)[0]
    assert top.title == "银鳞鱼" and "60公分" in top.text and "银鳞鱼" not in top.text
    # the lexical index rebuilt from Chroma reads the titles too
    shutil.rmtree(tmp_path / "store" / "lexical")
    again = Assistant(store=tmp_path / "store", embedder=hash_embedder, progress=False, auto_ingest=False)
    again.search("银鳞鱼的体长是多少？", 1)   # loads, finds the cache missing, rebuilds it
    (best, _), = again.lexical.search(lexical_tokens(normalize("银鳞鱼的体长是多少？")), 1)
    assert "60公分" in again.store.get([best])[best].text


def test_a_change_of_what_is_indexed_re_indexes_every_document_on_the_next_ingest(unit, corpus, monkeypatch):
    import ingest.pipeline

    unit.ingest([corpus])
    count = unit.store.count()
    monkeypatch.setattr(ingest.pipeline, "INDEXED_AS", "text only")
    again = unit.ingest([corpus])
    assert len(again.ingested) == 3 and again.unchanged == []
    assert unit.store.count() == count   # replaced, not duplicated
