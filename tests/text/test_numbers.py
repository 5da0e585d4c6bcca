import pytest

from text.numbers import find_quantities, parse_chinese_numeral, values_in


@pytest.mark.parametrize("text,value", [
    ("4100万", 41_000_000), ("41 million yuan", 41_000_000), ("41000000", 41_000_000),
    ("293.87万元", 2_938_700), ("五家", 5), ("三千九百零九个", 3909), ("１２３家", 123),
    ("2.4 million tons", 2_400_000), ("1.5万余个", 15_000), ("3 billion", 3e9), ("98.75%", 98.75),
])
def test_values(text, value):
    assert values_in(text) == [pytest.approx(value)]


def test_words_that_contain_numerals_are_not_numbers():
    assert values_in("一方面，统一部署") == []
    assert values_in("PM2.5 浓度") == []


def test_ordinals_and_units():
    qs = find_quantities("第六届厦门市质量奖共有五家单位")
    assert [(q.value, q.ordinal, q.unit) for q in qs] == [(6, True, "届"), (5, False, "家")]


def test_citation_markers_are_not_numbers():
    assert values_in("41 million yuan [1]") == [41_000_000]


def test_chinese_numerals():
    assert parse_chinese_numeral("二十") == 20
    assert parse_chinese_numeral("两百零五") == 205


@pytest.mark.parametrize("text, value", [
    ("四万八千七百六十张", 48760), ("一万五千人", 15000), ("一亿二千万元", 1.2e8), ("两亿五千万", 2.5e8),
    ("three enterprises", 3), ("two million yuan", 2e6),
])
def test_compound_chinese_numerals_and_english_number_words(text, value):
    from text.numbers import find_quantities, same_value

    [q] = find_quantities(text, words=True)
    assert same_value(q.value, value), (text, q)


def test_english_number_words_need_a_noun():
    from text.numbers import find_quantities

    assert find_quantities("ten of them said so", words=True) == []
    assert find_quantities("three enterprises") == []   # the reader reads digits and Chinese numerals only
