"""Retrieval and the offline reader on the bundled corpus."""

import pytest

pytestmark = pytest.mark.slow

from common.errors import InputError


def test_simplified_question_finds_traditional_article(assistant):
    hits = assistant.search("沈阳市级计量标准达到多少项", 3)
    assert hits[0].source.startswith("002")
    assert "瀋陽" in hits[0].text or "計量" in hits[0].text  # shown in its own script


def test_traditional_question_finds_simplified_article(assistant):
    hits = assistant.search("湖里區標準化獎勵資金共計多少", 3)
    assert hits[0].source.startswith("004")


def test_answer_object_contract(assistant):
    ans = assistant.ask("湖里区标准化奖励资金共计多少?").to_dict()
    assert set(ans) == {"question", "answer", "abstained", "citations", "timings_ms", "backend", "verified",
                        "unsupported_numbers", "invalid_citations", "warnings"}
    assert ans["abstained"] is False and ans["backend"] == "extractive" and ans["verified"] is True
    assert ans["unsupported_numbers"] == [] and ans["invalid_citations"] == [] and ans["warnings"] == []
    assert "293.87万元" in ans["answer"] and "[1]" in ans["answer"]
    c = ans["citations"][0]
    assert set(c) == {"n", "source", "title", "date", "text", "quote", "score"}
    assert c["n"] == 1 and c["source"] == "004_6995150513352f8e.txt"
    assert "293.87万元" in c["quote"] and c["quote"] in c["text"]
    assert set(ans["timings_ms"]) == {"retrieve", "answer"}


def test_every_number_in_an_answer_is_in_its_quote(assistant):
    from text.numbers import same_value, values_in

    for q in ["How many enterprises have won the Governor's Quality Award?", "大连有多少个辽宁名牌？",
              "湖里区有几家企业获得第六届厦门市质量奖？", "天元区标准化奖励资金累计发放多少？"]:
        ans = assistant.ask(q)
        assert not ans.abstained
        quote_values = values_in(ans.citations[0].quote)
        for v in values_in(ans.answer):
            assert any(same_value(v, w) for w in quote_values), (q, ans.answer)


def test_english_amount(assistant):
    ans = assistant.ask("How much incentive money has Dalian handed out for the Mayor's Quality Award?")
    assert ans.answer.startswith("41 million yuan")


def test_abstains_when_the_corpus_does_not_say(assistant):
    for q in ["How many employees does Hengli Petrochemical have?", "厦门市质量奖的奖金是多少？"]:
        ans = assistant.ask(q)
        assert ans.abstained and ans.citations == []


def test_answers_in_the_question_script(assistant):
    simp = assistant.ask("2023年哪些企业荣获第二十届全国质量奖？")
    assert "沈鼓集团" in simp.answer and "興齊" not in simp.answer
    trad = assistant.ask("湖里區哪些企業獲得廈門市質量獎？")
    assert "億聯網絡" in trad.answer


@pytest.mark.parametrize("question", ["", "   ", "x" * 5000])
def test_bad_questions(assistant, question):
    with pytest.raises(InputError):
        assistant.ask(question)


def test_english_question_reaches_the_chinese_article(assistant):
    hits = assistant.search("How many enterprises in Huli District won the Xiamen Quality Award?", 5)
    assert any(h.source.startswith("004") for h in hits), [h.source for h in hits]


def test_streaming_ends_with_the_same_answer(assistant):
    from rag import Final, TextDelta

    events = list(assistant.ask_stream("湖里区标准化奖励资金共计多少?"))
    assert isinstance(events[-1], Final) and all(isinstance(e, TextDelta) for e in events[:-1])
    final = events[-1].answer
    assert "".join(e.text for e in events[:-1]) == final.answer
    assert final.to_dict() | {"timings_ms": None} == \
        assistant.ask("湖里区标准化奖励资金共计多少?").to_dict() | {"timings_ms": None}
