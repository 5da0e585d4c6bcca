"""Chunk metadata in its one flat form for Chroma: `store.schema.ChunkMeta` both ways."""

from __future__ import annotations

import dataclasses

import pytest

from store.schema import ChunkMeta, StoredChunk, complete

FULL = ChunkMeta(source="news/harbour.txt", doc_id="d1", doc_hash="h1", title="Maplefield pier opens",
                 date="2031-04-05 08:30", lang="en", url="https://example.invalid/pier", chunk_index=3, start=412)
BARE = ChunkMeta(source="青禾/公园.md", doc_id="d2", doc_hash="h2")


@pytest.mark.parametrize("meta", [FULL, BARE], ids=["full", "bare"])
def test_round_trip(meta):
    flat = meta.to_metadata()
    assert ChunkMeta.from_metadata(flat) == meta


def test_flat_form_has_no_nulls_and_only_chroma_types():
    flat = BARE.to_metadata()
    assert flat["date"] == "" and flat["url"] == ""
    assert all(isinstance(v, (str, int, float, bool)) for v in flat.values())
    back = ChunkMeta.from_metadata(flat)
    assert back.date is None and back.url is None and back.title == "" and back.lang == ""


def test_flat_form_names_every_field_and_the_file():
    flat = FULL.to_metadata()
    assert set(flat) == {f.name for f in dataclasses.fields(ChunkMeta)} | {"file"}
    assert flat["chunk_index"] == 3 and flat["start"] == 412 and flat["file"] == "news/harbour.txt"


@pytest.mark.parametrize("source,file", [
    ("news/harbour.txt", "news/harbour.txt"),
    ("feed.jsonl#k", "feed.jsonl"),
    ("feeds/feed.jsonl#42", "feeds/feed.jsonl"),
    ("feed.jsonl#https://example.invalid/a#part", "feed.jsonl"),   # a url key may hold a '#'
])
def test_file_of_a_source(source, file):
    meta = ChunkMeta(source=source, doc_id="d", doc_hash="h")
    assert meta.file == file
    assert meta.to_metadata()["file"] == file
    assert ChunkMeta.from_metadata(meta.to_metadata()).source == source


@pytest.mark.parametrize("source,file", [
    ("C#/notes.txt", "C#/notes.txt"),
    ("C#/feed.jsonl#7", "C#/feed.jsonl"),
])
def test_file_of_a_source_with_a_hash_in_its_path(source, file):
    assert ChunkMeta(source=source, doc_id="d", doc_hash="h").file == file


def test_unknown_keys_are_ignored():
    flat = {**FULL.to_metadata(), "_node_type": "TextNode", "_node_content": "{...}", "ref_doc_id": "x",
            "extra_number": 7}
    assert ChunkMeta.from_metadata(flat) == FULL


def test_missing_keys_take_defaults_and_types_are_restored():
    meta = ChunkMeta.from_metadata({"source": "a.txt", "doc_id": "d", "doc_hash": "h",
                                    "chunk_index": "2", "start": 17.0, "title": None})
    assert meta == ChunkMeta(source="a.txt", doc_id="d", doc_hash="h", chunk_index=2, start=17)
    assert isinstance(meta.chunk_index, int) and isinstance(meta.start, int)
    assert ChunkMeta.from_metadata(None) == ChunkMeta(source="", doc_id="", doc_hash="")


def test_metadata_is_immutable():
    with pytest.raises(dataclasses.FrozenInstanceError):
        FULL.title = "changed"   # type: ignore[misc]
    chunk = StoredChunk(id="d1:00003", text="The pier opened.", meta=FULL)
    assert chunk.meta.file == "news/harbour.txt"


def _version(n, hash_="h", recorded=True, positions=None):
    return [ChunkMeta(source="a.txt", doc_id="d", doc_hash=hash_, chunk_index=i, chunks=n if recorded else 0)
            for i in (range(n) if positions is None else positions)]


def test_a_whole_document_is_complete():
    assert complete(_version(3))
    assert complete(_version(2, recorded=False))          # written before counts were recorded


@pytest.mark.parametrize("metas", [
    _version(3, positions=[0, 1]),                          # the last chunk missing
    _version(3, positions=[0, 2]),                          # one in the middle
    _version(2, recorded=False, positions=[0, 2]),          # a gap, count not recorded
    _version(2) + [ChunkMeta(source="a.txt", doc_id="d", doc_hash="h", chunk_index=0, chunks=2)],   # twice
    _version(1, "old") + _version(2, "new", positions=[1]),   # half replaced
    [],
])
def test_an_interrupted_write_leaves_an_incomplete_document(metas):
    assert not complete(metas)


def test_the_index_reads_the_title_before_a_chunk_that_does_not_open_with_it():
    from store.schema import indexed_text

    assert indexed_text("体长可达60公分。", "银鳞鱼") == "银鳞鱼\n体长可达60公分。"
    assert indexed_text("银鳞鱼是一种淡水鱼。", "银鳞鱼") == "银鳞鱼是一种淡水鱼。"   # opens with it already
    assert indexed_text("体长可达60公分。", None) == "体长可达60公分。"
    assert indexed_text("体长可达60公分。", "  ") == "体长可达60公分。"
    assert indexed_text("the body is 60 cm long.", "Silver Fin") == "silver fin\nthe body is 60 cm long."
