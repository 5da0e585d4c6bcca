"""Scoring one answer against an expected one, on items written for the test."""

from rag.evaluate import expected_length, score_answer


def _score(item: dict, answer: str, abstained: bool = False) -> dict:
    return score_answer(item, {"answer": answer, "abstained": abstained, "citations": []})


def test_the_punctuation_at_the_edges_of_an_expected_answer_is_not_asked_for():
    item = {"question": "青禾渡的渡船有什么用途？", "answers": [["运送稻米与木材。"]]}
    assert _score(item, "运送稻米与木材 [1]")["correct"]
    assert not _score(item, "运送稻米 [1]")["correct"]            # half of it is still wrong
    titled = {"question": "她写了哪篇散文？", "answers": [["《北岸的风》"]]}
    assert _score(titled, "北岸的风 [1]")["correct"]
    assert not _score(titled, "北岸 [1]")["correct"]


def test_a_sign_that_belongs_to_the_expected_answer_is_still_asked_for():
    item = {"question": "渡口的客流增长了多少？", "terms": [["45%"]]}
    assert _score(item, "45% [1]")["correct"]
    assert not _score(item, "45 [1]")["correct"]


def test_punctuation_inside_an_expected_answer_is_still_asked_for():
    item = {"question": "渡口有哪些船？", "answers": [["甲船、乙船"]]}
    assert _score(item, "甲船、乙船 [1]")["correct"]
    assert not _score(item, "甲船乙船 [1]")["correct"]


def test_an_answer_is_concise_within_three_times_the_expected_span_without_its_edge_marks():
    item = {"question": "渡口在哪？", "answers": [["青禾渡。"]]}
    assert expected_length(item) == 3
    assert _score(item, "青禾渡 [1]")["concise"]
    pasted = "据县志记载，这个渡口在青禾渡，往来的船只很多，每日有十余班。"
    scored = _score(item, pasted)
    assert scored["correct"] and not scored["concise"]


def test_citation_markers_do_not_count_towards_an_answer_s_length():
    item = {"question": "渡口在哪？", "answers": [["青禾渡"]]}
    said = "这个渡口在青禾渡，往来的船只每日有十余班"            # 20 characters: under 24, concise
    assert _score(item, said + " [1]")["concise"]
    for markers in (" [1, 2]", " 【1、2】", " [1]【2】"):
        assert len(said + markers) >= 24
        assert _score(item, said + markers)["concise"], markers
    assert not _score(item, said + "，渡船由县里统一管理 [1]")["concise"]     # 30 characters without its marker


def test_an_expected_span_is_compared_as_text_and_by_value_only_as_a_bare_figure_or_across_languages():
    code = {"question": "渡口公路的编号是什么？", "answers": [["G11"]]}
    assert _score(code, "G11 [1]")["correct"]                 # a name with digits, read as text
    assert not _score(code, "G110 [1]")["correct"]            # a figure in it is taken whole
    assert not _score(code, "G1 [1]")["correct"]
    assert not _score(code, "G11.5 [1]")["correct"]
    assert _score(code, "G11[1]")["correct"]                  # a marker after it ends the figure
    figure = {"question": "渡口有多少家商铺？", "answers": [["120家"]]}
    assert _score(figure, "120家 [1]")["correct"]
    assert _score(figure, "120 shops [1]")["correct"]         # in English: by its value
    assert not _score(figure, "1200家 [1]")["correct"]
    assert not _score(figure, "12家 [1]")["correct"]
    assert not _score(figure, "120 [1]")["correct"]           # the same language: the span's text
    decade = {"question": "渡口何时开通？", "answers": [["1970年代"]]}
    assert not _score(decade, "1970 [1]")["correct"] and not _score(decade, "1970年 [1]")["correct"]
    assert _score({"question": "渡口有多少家商铺？", "numbers": [120]}, "120 [1]")["correct"]   # numbers: by value
    one = {"question": "渡口有几处码头？", "answers": [["1", "1处"]]}
    assert not _score(one, "2处 [1]")["correct"]              # the citation marker holds no answer
    assert not _score({"question": "渡口有几家商铺？", "answers": [["3家"]]}, "2 shops [1, 3]")["correct"]
    assert not _score({"question": "渡口有几家商铺？", "numbers": [1]}, "2家 【1】")["correct"]
    bare = {"question": "渡口有多少家商铺？", "answers": [["1,200"], [45]]}
    assert _score(bare, "1200家，45% [1]")["correct"]         # a bare figure, or a number: by value
    assert _score({"question": "渡口是第几届？", "answers": [["第 26 届"]]}, "第26届 [1]")["correct"]   # spaces aside


def test_an_unanswerable_question_is_right_only_when_the_reader_abstains():
    item = {"question": "渡口何时关闭？", "unanswerable": True}
    assert _score(item, "无法回答", abstained=True)["correct"]
    assert not _score(item, "1999年 [1]")["correct"]
