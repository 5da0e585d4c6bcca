"""The span reader with the fitted model that ships in rag/reader_model.json, on passages
written for the test (no store, no embedding model)."""

import json

import pytest

from common.errors import ConfigError
from rag.features import FEATURE_NAMES
from rag.question import analyze
from rag.ranker import MODEL_FORMAT, SpanRanker
from rag.span_reader import SpanReader
from rag.types import Hit

PASSAGE = ("槐山书院位于青禾市北郊，由学者林知远于1820年创办。书院藏书约三万册，"
           "曾培养进士十二名。1952年，书院改为青禾市第一中学。")


def _hits(*texts: str) -> list[Hit]:
    return [Hit(chunk_id=f"d{i}:0", source=f"d{i}.txt", title="", date=None, text=t, score=1.0)
            for i, t in enumerate(texts)]


def _read(question: str, *texts: str, reader: SpanReader | None = None):
    return (reader or SpanReader()).read(analyze(question), _hits(*texts))


@pytest.mark.parametrize("question, expected", [
    ("槐山书院是谁创办的？", "林知远"),
    ("槐山书院于哪一年创办？", "1820年"),
    ("槐山书院曾培养多少名进士？", "十二名"),
    ("1952年槐山书院改为什么学校？", "青禾市第一中学"),
])
def test_answers_are_spans_not_sentences(question, expected):
    reading = _read(question, PASSAGE)
    assert not reading.abstained, reading
    answer = reading.answer.removesuffix(" [1]")
    assert expected in answer, answer
    assert len(answer) <= 3 * len(expected) + 2, answer
    assert reading.quotes and expected in reading.quotes[0][1]   # the sentence is the quote


def test_an_answer_never_cuts_a_date():
    reading = _read("青禾港的新码头是什么时候启用的？", "青禾港的新码头于1998年7月16日正式启用，耗资三千万元。")
    assert not reading.abstained, reading
    assert reading.answer.removesuffix(" [1]").endswith("1998年7月16日"), reading.answer


@pytest.mark.parametrize("question", ["北岸灯塔是谁设计的？", "北岸灯塔的设计者是谁？"])
def test_an_answer_never_cuts_a_foreign_name(question):
    reading = _read(question, "北岸灯塔由法国工程师罗伯特·安德森设计，1898年建成。")
    assert not reading.abstained, reading
    assert reading.answer.removesuffix(" [1]").endswith("罗伯特·安德森"), reading.answer


def test_a_question_for_several_things_is_answered_with_all_of_them():
    passage = "青禾渡轮于1998年启用，往来北岸与南湾，船长为林知远。"
    several = _read("青禾渡轮往来于哪两个地方？", passage)
    assert not several.abstained, several
    assert "北岸与南湾" in several.answer, several.answer
    one = _read("青禾渡轮的船长是谁？", passage)
    assert not one.abstained and "南湾" not in one.answer, one.answer


def test_who_is_answered_with_all_the_persons_the_sentence_joins_unless_the_question_names_one():
    passage = "青禾夜话是青禾电视台的一个节目。节目由王小明、李大伟及陈美玲主持，每周播出一次。"
    every = _read("青禾夜话的主持人是谁？", passage)
    assert every.answer.removesuffix(" [1]") == "王小明、李大伟及陈美玲", every.answer
    others = _read("李大伟和谁主持青禾夜话？", passage.replace("、李大伟及陈美玲", "、李大伟"))
    assert others.answer.removesuffix(" [1]") == "王小明", others.answer


def test_a_question_that_names_items_of_a_list_is_answered_with_the_other_one():
    passage = "在青禾，水泥、砂石和水混合后便成为青禾砼。"
    for question in ("青禾砼由砂石、水以及哪种材料混合而成？", "除了砂石和水，还有哪种材料混合后成为青禾砼？"):
        reading = _read(question, passage)
        assert reading.answer.removesuffix(" [1]") == "水泥", (question, reading.answer)


def test_a_traditional_question_gets_its_answer_in_traditional_script():
    reading = _read("槐山書院是誰創辦的？", PASSAGE)
    assert "林知遠" in reading.answer


def test_a_traditional_answer_from_a_traditional_sentence_is_copied_as_it_stands():
    reading = _read("北岸燈塔是誰設計的？", "北岸燈塔由法國工程師羅伯特·里森設計，1898年建成。")
    answer = reading.answer.removesuffix(" [1]")
    assert answer.endswith("羅伯特·里森"), answer          # not 裏森: 里 is not converted again
    assert answer in reading.quotes[0][1]


def test_a_question_written_alike_in_both_scripts_gets_the_answer_as_the_sentence_writes_it():
    reading = _read("何人在1898年建成北岸塔？", "北岸塔由法國工程師羅伯特·里森於1898年建成，高四十米。")
    assert reading.answer.removesuffix(" [1]").endswith("羅伯特·里森"), reading.answer
    simplified = _read("谁在1898年建成北岸塔？", "北岸塔由法國工程師羅伯特·里森於1898年建成，高四十米。")
    assert simplified.answer.removesuffix(" [1]").endswith("罗伯特·里森"), simplified.answer


def test_a_simplified_answer_from_a_simplified_sentence_is_copied_as_it_stands():
    reading = _read("青禾王葬于哪个县？", "青禾王葬于北岸乾县梁山，陵前有石碑。")
    answer = reading.answer.removesuffix(" [1]")
    assert "乾" in answer and answer in reading.quotes[0][1], answer    # not 干


def test_every_answer_is_copied_from_the_quoted_sentence():
    reading = _read("槐山书院藏书约多少册？", PASSAGE)
    answer = reading.answer.removesuffix(" [1]")
    assert answer in reading.quotes[0][1]


@pytest.mark.parametrize("question", ["槐山书院是谁创办的？", "北岸港的吞吐量是多少吨？"])
def test_the_span_it_answers_with_is_the_one_it_says(question):
    reader, q, hits = SpanReader(), analyze(question), _hits(PASSAGE)
    span, reading = reader.answer(q, hits), reader.read(q, hits)
    assert (span is None) == reading.abstained
    if span is not None:
        assert reading.answer == f"{span.text} [1]" and reading.quotes == [(0, span.sent.text)]


def test_abstains_when_the_passages_do_not_hold_the_question():
    reading = _read("北岸港的吞吐量是多少吨？", "青禾市今年春季降雨偏多，气温略低于常年。")
    assert reading.abstained


def test_a_higher_threshold_abstains_more():
    strict = SpanReader(threshold=1e9)
    assert _read("槐山书院是谁创办的？", PASSAGE, reader=strict).abstained


def test_a_model_file_for_other_features_is_refused(tmp_path):
    path = tmp_path / "model.json"
    path.write_text(json.dumps({"format": MODEL_FORMAT, "features": FEATURE_NAMES[:-1]}))
    with pytest.raises(ConfigError, match="other features"):
        SpanRanker.load(path)
    path.write_text("not json")
    with pytest.raises(ConfigError, match="cannot read"):
        SpanRanker.load(path)


class _Says:
    """A reader that gives one answer (None: it abstains), to see where the router sends a
    question and which answer it keeps."""

    def __init__(self, answer: str | None):
        self.answer = answer

    def read(self, q, hits):
        from rag.types import Reading
        if self.answer is None:
            return Reading(answer="资料中没有找到这个问题的答案。", abstained=True)
        return Reading(answer=self.answer, abstained=False)


@pytest.mark.parametrize("question, texts, expected, fitted", [
    ("槐山书院曾培养多少名进士？", [PASSAGE], "rules", True),            # a count: typed rules
    ("槐山书院是谁创办的？", [PASSAGE], "spans", True),                  # who: the fitted ranker
    ("槐山书院培养了哪些进士？", [PASSAGE], "spans", True),              # which ones: the ranker's lists
    ("Who founded the Huaishan Academy?", [PASSAGE], "rules", False),   # English: not fitted for it
    ("槐山书院是谁创办的？", [PASSAGE, "Lin Zhiyuan founded the academy."], "rules", False),   # across languages
])
def test_the_router_sends_each_question_to_the_reader_fitted_for_it(question, texts, expected, fitted):
    from rag.span_reader import RoutedReader, ranker_reads

    reader = RoutedReader(_Says("rules"), _Says("spans"))
    assert _read(question, *texts, reader=reader).answer == expected
    assert ranker_reads(analyze(question), _hits(*texts)) == fitted


@pytest.mark.parametrize("second, langs, expected", [
    ("http://www.example.org/huaishan/index.html", ("zh-Hans", "zh-Hans"), "spans"),   # a chunk of a Chinese article
    ("http://www.example.org/huaishan/index.html", ("zh-Hans", "zh-Hant"), "spans"),
    ("http://www.example.org/huaishan/index.html", ("zh-Hans", "en"), "rules"),   # of an English one
    ("http://www.example.org/huaishan/index.html", ("", ""), "rules"),   # no language known: its text
    ("槐山书院藏书约三万册。", ("zh-Hans", "en"), "spans"),   # Chinese text, whatever its article
])
def test_the_router_reads_the_language_of_each_passage_s_article(second, langs, expected):
    from dataclasses import replace

    from rag.span_reader import RoutedReader

    hits = _hits(PASSAGE, second)
    hits = [replace(h, lang=lang) for h, lang in zip(hits, langs)]
    reading = RoutedReader(_Says("rules"), _Says("spans")).read(analyze("槐山书院是谁创办的？"), hits)
    assert reading.answer == expected


@pytest.mark.parametrize("question, rules, spans, expected", [
    ("槐山书院曾培养多少名进士？", "12名", "十二名", "12名"),            # the rules' count, in its unit
    ("槐山书院改制是第几届会议决定的？", "1952", "第三届", "第三届"),     # a bare number for 第几届
    ("槐山书院曾培养多少名进士？", None, "十二名", "十二名"),             # the rules found no count
    ("槐山书院曾培养多少名进士？", None, "青禾市", None),                 # the ranker's words are no count
    ("槐山书院的修缮经费是多少元？", None, "三万元", "三万元"),           # an amount the rules missed
    ("槐山书院的修缮经费是多少元？", None, "三万件", None),               # a count of things is no sum
    ("槐山书院的修缮经费是多少元？", "3万", "三万件", "3万"),             # no unit asked: the rules' figure
])
def test_a_count_the_rules_cannot_give_in_its_type_falls_to_a_figure_from_the_ranker(question, rules, spans, expected):
    from rag.span_reader import RoutedReader

    cited = [a and f"{a} [1]" for a in (rules, spans)]
    reading = RoutedReader(_Says(cited[0]), _Says(cited[1])).read(analyze(question), _hits(PASSAGE))
    if expected is None:
        assert reading.abstained
    else:
        assert reading.answer == f"{expected} [1]"


def test_the_ranker_is_not_asked_when_the_rules_give_a_count_in_its_unit():
    from rag.span_reader import RoutedReader

    class _Unasked:
        def read(self, q, hits):
            raise AssertionError("the span ranker was asked")

    reading = RoutedReader(_Says("12名 [1]"), _Unasked()).read(analyze("槐山书院曾培养多少名进士？"), _hits(PASSAGE))
    assert reading.answer == "12名 [1]"


def _scored(sentence: str, scores: dict[str, float]):
    from rag.frame import frame
    from rag.spans import candidate_spans, sentence_views

    q = analyze("什么？")
    views = sentence_views(q, [Hit(chunk_id="d:0", source="d.txt", title="", date=None, text=sentence, score=1.0)])
    spans = {s.text: s for s in candidate_spans(views[0]) if s.kind == "words"}
    scored = sorted(((v, spans[t]) for t, v in scores.items()), key=lambda p: -p[0])
    return scored, views, frame(q)


def test_an_answer_widens_to_hold_the_probability_split_between_a_span_and_its_part():
    ranker = SpanRanker.load()
    scored, views, f = _scored("东北濒临北岸门广场，西边是河。", {"北岸门": 2.0, "北岸门广场": 1.9, "河": 1.8})
    assert ranker.choose(scored, views, f, answer_chars=12).span.text == "北岸门广场"
    assert ranker.choose(scored, views, f, answer_chars=0).span.text == "北岸门"   # no widening


def test_an_answer_does_not_widen_past_the_fitted_width():
    ranker = SpanRanker.load()
    scored, views, f = _scored("东北濒临北岸门广场，西边是河。", {"北岸门": 2.0, "东北濒临北岸门广场": 1.9})
    assert ranker.choose(scored, views, f, answer_chars=5).span.text == "北岸门"


def test_a_chosen_aside_is_taken_with_the_term_it_glosses():
    ranker = SpanRanker.load()
    scored, views, f = _scored("该线由北岸铁道公司（北铁）经营。", {"北铁": 2.0, "铁道公司": 1.5, "北岸铁道公司": 1.0})
    assert ranker.choose(scored, views, f).span.text == "铁道公司（北铁）"
    scored, views, f = _scored("该线由北岸铁道公司（北铁）经营。", {"北岸铁道公司": 2.0, "北铁": 1.0})
    assert ranker.choose(scored, views, f).span.text == "北岸铁道公司"


def test_a_span_of_only_the_question_s_words_is_never_the_answer():
    ans = _read("1952年槐山书院改为什么学校？", PASSAGE)
    assert "1952" not in ans.answer


def test_a_question_for_a_figure_is_answered_with_a_figure_or_not_at_all():
    wordy = "青禾大桥横跨北江，连接北岸与南湾，大大提高了道路通行能力。"
    assert _read("青禾大桥全长多少？", wordy).abstained          # no figure in the passage
    reading = _read("青禾大桥全长多少？", wordy + "大桥全长约2.8公里，于1998年通车。")
    assert not reading.abstained, reading
    assert "2.8公里" in reading.answer, reading.answer
