"""Normalisation and script handling (`text.normalize`) on text written for the test."""

import pytest

from text.normalize import (detect_language, fold, has_cjk, is_traditional, normalize, to_simplified,
                            to_traditional)


def test_fold_is_length_preserving_on_mixed_input():
    raw = "嵐汀縣圖書館ＡＢＣ　１２３，Ｎｅｗ\tBooks①㈱ﬁ\n"
    folded = fold(raw)
    assert len(folded) == len(raw)
    # traditional -> simplified, full-width -> half-width, upper -> lower; characters whose
    # compatibility form is longer than one character (㈱, ﬁ) are left as they are
    assert folded == "岚汀县图书馆abc 123,new books1㈱ﬁ\n"


def test_fold_positions_carry_over_to_the_original():
    raw = "岚汀市圖書館藏書ＡＢＣ號，共計４６０萬冊"
    folded = fold(raw)
    i = folded.index("460")
    assert raw[i:i + 3] == "４６０"
    j = folded.index("图书馆")
    assert raw[j:j + 3] == "圖書館"


def test_normalize_collapses_whitespace_and_strips():
    assert normalize("  嵐汀縣\t\t圖書館\n\n開館　 ＯＫ  ") == "岚汀县 图书馆 开馆 ok"
    assert normalize("ＡＢＣ　１２３") == "abc 123"
    assert normalize(" \n\t　") == ""


def test_traditional_and_simplified_normalise_alike():
    assert normalize("嵐汀縣圖書館開館") == normalize("岚汀县图书馆开馆") == "岚汀县图书馆开馆"


def test_script_conversion_round_trips_on_a_phrase():
    simplified = "岚汀县新建的图书馆将于下周开放"
    traditional = to_traditional(simplified)
    assert traditional == "嵐汀縣新建的圖書館將於下週開放"
    assert to_simplified(traditional) == simplified
    assert to_simplified("Port Calloway 2031") == "Port Calloway 2031"


@pytest.mark.parametrize("text,traditional,language", [
    ("岚汀县图书馆开馆", False, "zh-Hans"),
    ("嵐汀縣圖書館開館", True, "zh-Hant"),
    ("图书馆", False, "zh-Hans"),
    ("圖書館", True, "zh-Hant"),
    ("The Port Calloway library opened on Monday.", False, "en"),
    ("", False, "en"),
    ("2031-05-12 140", False, "en"),
    # Chinese with a few Latin letters is still Chinese
    ("岚汀县图书馆引进AI借阅机", False, "zh-Hans"),
    ("嵐汀縣圖書館引進AI借閱機", True, "zh-Hant"),
    # English with a traditional name in it: traditional characters, English text
    ("The Port Calloway library (圖書館) opened on Monday with many new books.", True, "en"),
])
def test_is_traditional_and_detect_language_on_short_texts(text, traditional, language):
    assert is_traditional(text) is traditional
    assert detect_language(text) == language


def test_a_single_traditional_character_in_a_long_simplified_text_is_not_traditional():
    text = "岚汀县图书馆开馆" * 13 + "館"        # 105 CJK characters, one of them traditional
    assert not is_traditional(text)
    assert is_traditional("岚汀县图书馆开" + "館")


def test_has_cjk():
    assert has_cjk("Port Calloway 图书馆")
    assert has_cjk("㐀")      # CJK extension A
    assert has_cjk("豈")      # CJK compatibility ideograph
    assert not has_cjk("")
    assert not has_cjk("ＡＢＣ１２３，")
    assert not has_cjk("ひらがな")
    assert not has_cjk("한국어")
