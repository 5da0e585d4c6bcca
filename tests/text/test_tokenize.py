"""Lexical tokens for the BM25 index (`text.tokenize`), on text written for the test."""

import pytest

from text.normalize import normalize
from text.tokenize import STOP_WORDS, lexical_tokens, stem, word_tokens


def bigrams(run: str) -> list[str]:
    return [run[i:i + 2] for i in range(len(run) - 1)]


def test_lexical_tokens_are_jieba_words_then_cjk_bigrams():
    run = "汀蔻湾渔港扩建完成"
    assert lexical_tokens(run) == ["汀蔻湾", "渔港", "扩建", "完成", *bigrams(run)]


def test_single_character_words_are_left_to_the_bigrams():
    toks = lexical_tokens("岚汀县图书馆开馆")
    assert toks == ["图书馆", "开馆", *bigrams("岚汀县图书馆开馆")]
    assert "县" not in toks and "县" in word_tokens("岚汀县图书馆开馆")


def test_an_unknown_invented_name_still_matches_through_bigrams():
    article = lexical_tokens(normalize("岚汀县有几座图书馆"))
    question = lexical_tokens(normalize("岚汀在哪里"))
    assert "岚汀" not in word_tokens("岚汀县有几座图书馆")   # jieba does not know the name
    assert "岚汀" in set(article) & set(question)


def test_traditional_and_simplified_give_the_same_tokens_after_normalize():
    assert lexical_tokens(normalize("嵐汀縣圖書館開館")) == lexical_tokens(normalize("岚汀县图书馆开馆"))


def test_numbers_are_kept_whole():
    toks = lexical_tokens(normalize("投资１２.５亿元，2031年完工，藏书 460 万册"))
    assert "12.5" in toks and "2031" in toks and "460" in toks
    assert not {"12", "5", "１２", "203", "031"} & set(toks)
    assert word_tokens("12.5 0.75") == ["12.5", "0.75"]


def test_english_words_are_stemmed_for_plurals_and_possessives():
    norm = normalize("The Library's Libraries, Companies' Awards, Boxes and Classes")
    assert norm == "the library's libraries, companies' awards, boxes and classes"
    assert lexical_tokens(norm) == ["library", "library", "company", "award", "box", "class"]


@pytest.mark.parametrize("word,stemmed", [
    ("enterprises", "enterprise"), ("companies", "company"), ("award's", "award"),
    ("ferries", "ferry"), ("passes", "pass"), ("taxes", "tax"), ("benches", "bench"), ("dishes", "dish"),
    ("glass", "glass"), ("news", "news"), ("status", "status"), ("analysis", "analysis"),
    ("bus", "bus"), ("its", "its"), ("ties", "tie"), ("books", "book"),
])
def test_stem(word, stemmed):
    assert stem(word) == stemmed


def test_tokens_are_read_from_normalised_text():
    # the functions expect `normalize` output: full-width and upper case are folded first
    assert lexical_tokens(normalize("ＬＩＢＲＡＲＹ Ｂｏｏｋｓ")) == ["library", "book"]


def test_stop_words_are_dropped_from_words_but_not_from_bigrams():
    norm = normalize("关于图书馆的开放时间 and the hours")
    assert "关于" in STOP_WORDS and "the" in STOP_WORDS
    words = word_tokens(norm)
    assert words == ["图书馆", "开放", "时间", "hour"]
    lexical = lexical_tokens(norm)
    assert lexical.count("关于") == 1 and "于图" in lexical   # bigrams of the whole run
    assert "the" not in lexical and "and" not in lexical


def test_word_tokens_have_no_bigrams():
    norm = normalize("汀蔻湾渔港扩建完成，投资１２.５亿元")
    words = word_tokens(norm)
    assert words == ["汀蔻湾", "渔港", "扩建", "完成", "投资", "12.5", "亿元"]
    assert not {"汀蔻", "蔻湾", "湾渔", "港扩"} & set(words)


def test_long_runs_give_the_same_tokens_as_short_ones():
    run = "岚汀县图书馆" + "藏书丰富读者众多" * 9
    assert len(run) >= 64
    toks = lexical_tokens(run)
    assert toks[-len(run) + 1:] == bigrams(run)
    assert toks[:5] == ["图书馆", "藏书", "丰富", "读者", "众多"]


def test_no_token_is_longer_than_the_bound_however_long_the_run():
    from text.tokenize import MAX_TOKEN, lexical_tokens, word_tokens

    line = "x" * 100_000 + " 12345678901234567890123456789012345678901234567890"
    for tokens in (lexical_tokens(line), word_tokens(line)):
        assert max(len(t) for t in tokens) == MAX_TOKEN
        assert "".join(t for t in tokens if t.startswith("x")) == "x" * 100_000   # cut, not dropped


def test_a_long_chinese_run_is_segmented_in_windows_with_the_same_words_as_short_text():
    from text.tokenize import SEGMENT_WINDOW, word_tokens

    sentence = "北岸港务集团完成码头改造"
    run = sentence * (3 * SEGMENT_WINDOW // len(sentence))
    words = word_tokens(run)
    assert "码头" in words and "改造" in words
    assert sum(len(w) for w in words) >= 0.9 * len(run)   # every window was segmented
