import pytest

from text.numbers import find_quantities, parse_chinese_numeral, same_figure, values_in


@pytest.mark.parametrize("text,value", [
    ("5200万", 52_000_000), ("52 million yuan", 52_000_000), ("52000000", 52_000_000),
    ("417.36万元", 4_173_600), ("七家", 7), ("三千八百零七个", 3807), ("１２３家", 123),
    ("3.6 million tons", 3_600_000), ("2.5万余个", 25_000), ("3 billion", 3e9), ("96.25%", 96.25),
])
def test_values(text, value):
    assert values_in(text) == [pytest.approx(value)]


def test_words_that_contain_numerals_are_not_numbers():
    assert values_in("一方面，统一部署") == []
    assert values_in("PM1.0 浓度") == []


def test_ordinals_and_units():
    qs = find_quantities("第九届岚汀市创新奖共有七家单位")
    assert [(q.value, q.ordinal, q.unit) for q in qs] == [(9, True, "届"), (7, False, "家")]


def test_citation_markers_are_not_numbers():
    assert values_in("52 million yuan [2]") == [52_000_000]


def test_chinese_numerals():
    assert parse_chinese_numeral("三十") == 30
    assert parse_chinese_numeral("两百零五") == 205


@pytest.mark.parametrize("text, value", [
    ("四万六千三百二十张", 46320), ("一万五千人", 15000), ("一亿二千万元", 1.2e8), ("两亿五千万", 2.5e8),
    ("four workshops", 4), ("two million yuan", 2e6),
])
def test_compound_chinese_numerals_and_english_number_words(text, value):
    from text.numbers import find_quantities, same_value

    [q] = find_quantities(text, words=True)
    assert same_value(q.value, value), (text, q)


def test_english_number_words_need_a_noun():
    from text.numbers import find_quantities

    assert find_quantities("ten of them said so", words=True) == []
    assert find_quantities("four workshops") == []   # the reader reads digits and Chinese numerals only


@pytest.mark.parametrize("a, b, same", [
    ("4位", "4位获奖者", True),            # the question's "4位" is the figure a sentence gives
    ("4位", "4个区", False),               # another measure word: another figure
    ("第4届", "4届", False),               # an ordinal is no count
    ("3 firms", "3 winning firms", True),  # English nouns after both
    ("3%", "3 firms", False),              # a sign is no noun
    ("3.5万元", "35000元", True),          # values compared with their scale
])
def test_same_figure_is_one_value_in_one_unit(a, b, same):
    assert same_figure(find_quantities(a)[0], find_quantities(b)[0]) is same
