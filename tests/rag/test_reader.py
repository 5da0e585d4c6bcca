"""The extractive reader on hand-written passages (no store, no model)."""

import pytest

from rag.crosslingual import english_words
from rag.question import analyze
from rag.reader import ExtractiveReader
from rag.types import Hit


def _read(question: str, *texts: str):
    hits = [Hit(chunk_id=f"d{i}:00000", source=f"doc{i}.txt", title="", date=None, text=t, score=1.0)
            for i, t in enumerate(texts)]
    return ExtractiveReader().read(analyze(question), hits)


ZH = "截至目前，全省新增专利授权证书1250张，总数达48760张，获证企业达3120家。"
EN = ("At present, 64 firms in the province, including the 9 winners this year, have won the Premier's "
      "Service Prize, and 27 (group) firms have won the Chancellor's Service Prize, forming a cluster.")


@pytest.mark.parametrize("question, expected", [
    ("全省专利授权证书总数达多少张？", "48760"),      # the total clause borrows the subject before it
    ("全省新增专利授权证书多少张？", "1250"),
    ("获证企业有多少家？", "3120"),
])
def test_chinese_count_picks_the_clause_asked_about(question, expected):
    reading = _read(question, ZH)
    assert not reading.abstained
    assert reading.answer.startswith(expected), reading.answer


@pytest.mark.parametrize("question, expected", [
    ("How many firms have won the Chancellor's Service Prize?", "27"),   # "(group)" does not part number and noun
    ("How many firms have won the Premier's Service Prize?", "64"),      # the aside does not end the clause
])
def test_english_count_reads_past_asides(question, expected):
    reading = _read(question, EN)
    assert reading.answer.split()[0] == expected, reading.answer


def test_reader_abstains_when_the_asked_thing_is_absent():
    assert _read("How many hospitals have won the Premier's Service Prize?", EN).abstained
    assert _read("全省有多少家医院获得证书？", ZH).abstained


def test_every_number_answered_is_in_the_quote():
    for q in ["全省专利授权证书总数达多少张？", "How many firms have won the Chancellor's Service Prize?"]:
        reading = _read(q, ZH, EN)
        quote = reading.quotes[0][1]
        assert reading.answer.split()[0].rstrip("张") in quote


def test_english_words_for_dictionary_lookup():
    assert english_words("how many firms won the governor's award?") == \
        ["how", "many", "firms", "win", "the", "governor", "award"]
    assert "s" not in english_words("the city’s award")


def test_chinese_question_reads_an_english_passage():
    reading = _read("全省有多少家公司获得总理服务奖？", EN)
    assert not reading.abstained and reading.answer.startswith("64"), reading.answer


def test_english_ordinals_are_not_counts():
    reading = _read("How many firms won the award?", "The 8th award meeting was held; 41 firms won the award.")
    assert reading.answer.startswith("41"), reading.answer


TWO_FIGURES = "北岸港今年共有12家企业的37个项目获得技改补助，另有5家企业在申报中。"


def test_a_question_for_two_figures_gets_both_from_one_sentence():
    reading = _read("北岸港今年有多少家企业的多少个项目获得技改补助？", TWO_FIGURES)
    answer = reading.answer
    assert "12家" in answer and "37个" in answer, answer
    assert answer.index("12家") < answer.index("37个")
    assert all(part in reading.quotes[0][1] for part in ("12家", "37个"))


def test_an_english_question_for_two_figures_gets_both():
    text = "This year 12 companies won grants for 37 projects, and 5 companies are still applying."
    reading = _read("How many companies won grants and how many projects did they cover?", text)
    assert "12 companies" in reading.answer and "37 projects" in reading.answer, reading.answer


def test_a_second_figure_the_sentence_does_not_give_is_left_out():
    reading = _read("北岸港今年有多少家企业的多少个项目获得技改补助？", "北岸港今年共有12家企业获得技改补助。")
    assert "12家" in reading.answer and "个" not in reading.answer.replace("[1]", ""), reading.answer


def test_two_figure_questions_are_analysed_per_unit():
    from rag.question import analyze as analyse
    q = analyse("有多少家企业的多少个项目获奖？")
    assert q.classifier == "家" and q.more_counts == [("个", "")]
    e = analyse("How many firms and how many projects won?")
    assert e.count_noun == "firm" and e.more_counts == [("项个", "project")]


@pytest.mark.parametrize("question, sentence, expected", [
    # a traditional sentence's figure, asked in traditional: copied as it stands (not 兩億臺)
    ("青禾廠去年生產多少台機器？", "青禾廠去年共生產兩億台機器，銷往歐洲。", "兩億台"),
    # asked in simplified: converted
    ("青禾厂去年生产多少台机器？", "青禾廠去年共生產兩億台機器，銷往歐洲。", "两亿台"),
    # a simplified sentence asked in simplified: as it stands
    ("青禾厂去年生产多少台机器？", "青禾厂去年共生产两亿台机器，销往欧洲。", "两亿台"),
])
def test_a_figure_is_converted_only_when_its_sentence_is_in_the_other_script(question, sentence, expected):
    reading = _read(question, sentence)
    assert f"（{expected}）" in reading.answer, reading.answer


@pytest.mark.parametrize("question, expected", [
    ("青禾書院有幾個分院？", "4個（四個）"),     # the figure's unit as the sentence writes it
    ("青禾书院有几个分院？", "4个（四个）"),
])
def test_a_figure_in_words_is_given_in_digits_with_the_unit_in_the_question_s_script(question, expected):
    assert _read(question, "青禾書院共有四個分院。").answer == f"{expected} [1]"


@pytest.mark.parametrize("question, expected", [
    ("12家获奖企业中有几家是民营企业？", "5"),              # not the 12 the question gives
    ("How many of the 12 winning firms are private?", "5"),
    ("今年有多少家企业获奖？", "12"),                       # a question that gives none: as before
])
def test_a_count_is_never_the_figure_the_question_gives(question, expected):
    reading = _read(question, "今年共有12家企业获奖，其中5家是民营企业。",
                    "This year 12 firms won the award; 5 firms of them are private.")
    assert not reading.abstained and reading.answer.startswith(expected), reading.answer
