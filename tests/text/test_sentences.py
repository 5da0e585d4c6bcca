"""Sentence splitting (`text.sentences.split_sentences`) on text written for the test."""

import pytest

from text.sentences import split_sentences


def texts(text: str) -> list[str]:
    return [s.text for s in split_sentences(text)]


def test_sentences_split_on_chinese_and_english_ends():
    got = texts("共有七家。其中两家！Larkspur Lamp Co., Ltd. won the award. Next one")
    assert got == ["共有七家。", "其中两家！", "Larkspur Lamp Co., Ltd. won the award.", "Next one"]


def test_each_chinese_end_mark_ends_a_sentence():
    assert texts("岚汀有三座新馆。真的吗？真的！馆内设有儿童区；还有咖啡角") == [
        "岚汀有三座新馆。", "真的吗？", "真的！", "馆内设有儿童区；", "还有咖啡角"]


def test_runs_of_end_marks_stay_together():
    assert texts("真的吗？！当然。Really?! Yes.") == ["真的吗？！", "当然。", "Really?!", "Yes."]


@pytest.mark.parametrize("text,expected", [
    ("他说：“明天见。”然后离开了。", ["他说：“明天见。”", "然后离开了。"]),
    ("馆长说「欢迎！」读者鼓掌。", ["馆长说「欢迎！」", "读者鼓掌。"]),
    ("（这是补充说明。）正文继续。", ["（这是补充说明。）", "正文继续。"]),
    ('He shouted "Stop!" Then he left.', ['He shouted "Stop!"', "Then he left."]),
])
def test_closing_quotes_and_brackets_stay_with_their_sentence(text, expected):
    assert texts(text) == expected


def test_english_period_inside_closing_quote_ends_the_sentence():
    assert texts('She said "We open at nine." Then she left.') == ['She said "We open at nine."',
                                                                  "Then she left."]


def test_title_abbreviations_do_not_end_a_sentence():
    assert texts("Mr. Ode met Ms. Varn and Dr. Lin at the St. Calloway library. They talked.") == [
        "Mr. Ode met Ms. Varn and Dr. Lin at the St. Calloway library.", "They talked."]


def test_single_letter_initials_do_not_end_a_sentence():
    assert texts("A. B. Varn spoke first. Then came the vote.") == [
        "A. B. Varn spoke first.", "Then came the vote."]


@pytest.mark.parametrize("text,expected", [
    # company endings followed by a lower-case word: the sentence goes on
    ("Larkspur Co., Ltd. and Birch Inc. signed a deal. It runs to 2033.",
     ["Larkspur Co., Ltd. and Birch Inc. signed a deal.", "It runs to 2033."]),
    ("Shares of Birch Corp. rose today.", ["Shares of Birch Corp. rose today."]),
    # followed by a capitalised word: a new sentence starts
    ("The contract went to Larkspur Co., Ltd. The deal closed in May.",
     ["The contract went to Larkspur Co., Ltd.", "The deal closed in May."]),
    ("Shares of Birch Inc. rose. Larkspur Ltd. fell.", ["Shares of Birch Inc. rose.", "Larkspur Ltd. fell."]),
])
def test_company_endings_end_a_sentence_only_before_a_capital(text, expected):
    assert texts(text) == expected


@pytest.mark.parametrize("text,expected", [
    ("Output rose 3.5 percent. Prices fell.", ["Output rose 3.5 percent.", "Prices fell."]),
    ("Sales hit $12.75 million in 2031. Costs fell.", ["Sales hit $12.75 million in 2031.", "Costs fell."]),
    ("票价为3.5元。下周调整。", ["票价为3.5元。", "下周调整。"]),
    ("Version 2.0.1 ships today.", ["Version 2.0.1 ships today."]),
])
def test_decimal_points_do_not_split(text, expected):
    assert texts(text) == expected


def test_ellipses_end_sentences():
    assert texts("Wait... what? 等等……好吧。还有…继续") == ["Wait...", "what?", "等等……", "好吧。", "还有…", "继续"]


def test_line_breaks_end_sentences_and_blank_lines_are_skipped():
    text = "第一段没有句号\n第二段也没有\n\n\n第三段。"
    got = split_sentences(text)
    assert [s.text for s in got] == ["第一段没有句号", "第二段也没有", "第三段。"]
    assert [(s.start, s.end) for s in got] == [(0, 7), (8, 14), (17, 21)]


def test_offsets_index_the_original_string():
    text = "  岚汀市新馆开放。  Mr. Ode said: “欢迎！” Then he left.\n\n 第二段…  结尾  "
    got = split_sentences(text)
    assert [s.text for s in got] == ["岚汀市新馆开放。", "Mr. Ode said: “欢迎！”", "Then he left.", "第二段…", "结尾"]
    for s in got:
        assert text[s.start:s.end] == s.text
    assert got[0].start == 2
    assert got[-1].end == len(text.rstrip())
    assert all(a.end <= b.start for a, b in zip(got, got[1:]))


@pytest.mark.parametrize("text", ["", "   ", "\n\n"])
def test_empty_text_has_no_sentences(text):
    assert split_sentences(text) == []


def test_the_word_before_a_period_is_read_from_a_bounded_window():
    long_word = "Supercalifragilisticexpialidocious" * 2          # longer than the window
    text = f"Ships came from {long_word}. Then Mr. Lee of Harbour Co., Ltd. said so. Next"
    assert [s.text for s in split_sentences(text)] == [
        f"Ships came from {long_word}.", "Then Mr. Lee of Harbour Co., Ltd. said so.", "Next"]
