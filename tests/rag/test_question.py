"""What a question asks for: `rag.question.analyze` on questions written for the test.

The questions are about fictional places and firms, except where the dictionary has to know
a place's name (桂林, 兰州, Guilin): then only the name is real, the facts are not. The real
CC-CEDICT dictionary is used, parsed once per process (shared with the other unit tests)."""

from __future__ import annotations

import pytest

from rag.crosslingual import Dictionary
from rag.frame import frame
from rag.question import EN_COUNT_CLASSIFIERS, Question, analyze


@pytest.fixture(scope="module")
def d() -> Dictionary:
    dictionary = Dictionary()
    assert dictionary.tables[0], "the dictionary did not load"
    return dictionary


def alternatives(terms) -> set[str]:
    return {alt for key in terms for alt in key}


# -- kinds -----------------------------------------------------------------------------------

@pytest.mark.parametrize("question,kind", [
    ("青禾市共有多少家企业获得质量奖?", "count"),
    ("青禾市有几个项目入选?", "count"),
    ("青禾市发放的补贴总额是多少?", "amount"),
    ("青禾市花了多少钱修建大桥?", "amount"),
    ("青禾市质量奖何时颁发?", "date"),
    ("青禾市质量奖是哪一年设立的?", "date"),
    ("哪些企业获得了青禾市质量奖?", "list"),
    ("哪几家企业获得了青禾市质量奖?", "list"),      # which ones, not how many
    ("青禾渡轮往来于哪两个地方?", "list"),          # which two: the two of them
    ("谁担任青禾市评审委员会主任?", "person"),
    ("青禾展馆面积有多少平方米?", "number"),
    ("青禾市工业产值占全市生产总值的多少百分比?", "number"),    # a share of money is no amount
    ("青禾市出口收入约占总收入的百分之多少?", "number"),
    ("青禾市的评选标准是什么?", "other"),
    ("青禾中学开设几何学课程的目的是什么?", "other"),    # 几 inside a word asks no number
    ("青禾公司在几内亚的工厂生产什么?", "other"),
    ("青禾大学的几何光学课程由哪个学院开设?", "other"),  # 几何 before a noun: geometry
    ("这几年青禾市发展最快的产业叫什么?", "other"),      # 这几年: these few years
    ("青禾港每隔几天才有一班渡轮，渡轮由什么公司经营?", "other"),
    ("青禾港近几届质量奖由谁颁发?", "person"),          # 近几届, 好几个: a few, not how many
    ("青禾港有好几个码头，其中最大的是哪个?", "list"),
    ("这件古董价值几何?", "number"),                    # 几何 at the end: how much
])
def test_kind_of_a_chinese_question(d, question, kind):
    q = analyze(question, dictionary=d)
    assert (q.lang, q.traditional, q.kind) == ("zh", False, kind)


@pytest.mark.parametrize("question,kind", [
    ("青禾市共有多少家企業獲得質量獎?", "count"),
    ("青禾市發放的補貼總額是多少?", "amount"),
    ("青禾市質量獎何時頒發?", "date"),
    ("哪些企業獲得了青禾市質量獎?", "list"),
    ("誰擔任青禾市評審委員會主任?", "person"),
])
def test_kind_of_a_traditional_chinese_question(d, question, kind):
    q = analyze(question, dictionary=d)
    assert (q.lang, q.traditional, q.kind) == ("zh", True, kind)
    assert q.text == question and q.norm != question      # analysed in the simplified form


def test_both_scripts_analyse_alike(d):
    simplified = analyze("青禾市共有多少家企业获得质量奖?", dictionary=d)
    traditional = analyze("青禾市共有多少家企業獲得質量獎?", dictionary=d)
    assert traditional.norm == simplified.norm
    for field in ("kind", "classifier", "focus", "keywords", "wants_total", "year_only", "several"):
        assert getattr(traditional, field) == getattr(simplified, field), field


@pytest.mark.parametrize("question,kind", [
    ("How many enterprises were honoured in Riverton?", "count"),
    ("How much prize money did each Riverton firm receive?", "amount"),
    ("What was the total amount of Riverton's incentives?", "amount"),
    ("When was the Riverton expo held?", "date"),
    ("In what year did Riverton open its port?", "date"),
    ("Which firms were named model enterprises in Riverton?", "list"),
    ("Who chairs the Riverton jury?", "person"),
    ("How large is the new Riverton exhibition hall?", "number"),
    ("What percentage of Riverton firms passed the audit?", "number"),
    ("Why did the Riverton council change the rules?", "other"),
])
def test_kind_of_an_english_question(d, question, kind):
    q = analyze(question, dictionary=d)
    assert (q.lang, q.traditional, q.kind) == ("en", False, kind)


@pytest.mark.parametrize("question", [
    "How much did the Riverton council spend on the bridge?",
    "How much did Riverton invest in the port?",
    "How much does the ferry pay its crews?",
])
def test_how_much_did_they_spend_asks_for_an_amount(d, question):
    assert analyze(question, dictionary=d).kind == "amount"


# -- classifiers and count nouns -------------------------------------------------------------

@pytest.mark.parametrize("question,classifier", [
    ("青禾市共有多少家企业获得质量奖?", "家"),
    ("青禾市有几个项目入选?", "个"),
    ("青禾市共有多少名专家参与评审?", "名"),
    ("青禾市制定了多少项标准?", "项"),
])
def test_chinese_count_classifier(d, question, classifier):
    q = analyze(question, dictionary=d)
    assert q.kind == "count" and q.classifier == classifier and q.count_noun == ""


def test_a_question_that_is_not_a_count_has_no_classifier(d):
    assert analyze("青禾市质量奖是哪一年设立的?", dictionary=d).classifier == ""
    assert analyze("青禾市用了多少年建成大桥?", dictionary=d).kind != "count"   # 多少年 is no count


@pytest.mark.parametrize("question,noun", [
    ("How many enterprises were honoured in Riverton?", "enterprise"),
    ("How many companies in Riverton passed the audit?", "company"),
    ("How many patents were filed by Riverton firms?", "patent"),
    ("How many Riverton hospitals were built?", "hospital"),
    ("How many solar panels were installed?", "panel"),
])
def test_english_count_noun_and_its_classifier(d, question, noun):
    q = analyze(question, dictionary=d)
    assert q.kind == "count" and q.count_noun == noun
    assert q.classifier == EN_COUNT_CLASSIFIERS.get(noun, "")
    assert noun in q.focus


def test_english_classifiers_of_some_nouns():
    assert EN_COUNT_CLASSIFIERS["enterprise"] == "家"
    assert "项" in EN_COUNT_CLASSIFIERS["standard"]
    assert "人" in EN_COUNT_CLASSIFIERS["people"]


@pytest.mark.parametrize("question,noun,classifier", [
    ("How many enterprises won the award?", "enterprise", "家"),
    ("How many people attended the Riverton fair?", "people", "人名位"),      # a plural without -s
    ("How many staff joined the new clinic?", "staff", None),
])
def test_english_count_noun_is_not_the_following_verb(d, question, noun, classifier):
    q = analyze(question, dictionary=d)
    assert q.count_noun == noun and (classifier is None or q.classifier == classifier)


def test_how_much_has_no_count_noun(d):
    q = analyze("How much prize money did each Riverton firm receive?", dictionary=d)
    assert q.count_noun == "" and q.classifier == ""
    assert q.focus[:2] == ["prize", "money"]


# -- year_only and wants_total ---------------------------------------------------------------

@pytest.mark.parametrize("question,year_only", [
    ("青禾市质量奖是哪一年设立的?", True),
    ("青禾市质量奖哪年设立?", True),
    ("青禾市质量奖何时颁发?", False),
    ("In what year did Riverton open its port?", True),
    ("Which year was the Riverton port opened?", True),
    ("When was the Riverton port opened?", False),
])
def test_year_only(d, question, year_only):
    q = analyze(question, dictionary=d)
    assert q.kind == "date" and q.year_only is year_only


@pytest.mark.parametrize("question,several", [
    ("青禾港往来于哪两个城市?", True),
    ("哪些企业获得了青禾市质量奖?", True),
    ("青禾港的两位创办人分别是谁?", True),
    ("青禾港是谁创办的?", False),
    ("青禾港有几个码头?", False),                 # how many is one figure
    ("青禾港的名单上有哪几家船厂?", True),
    ("青禾市质量奖的获奖名单是什么?", True),          # a roster asked for
    ("青禾港在百强港口名单中排名多少?", False),        # a roster named, a rank asked
    ("青禾港在哪一年入选百强港口名单?", False),
    ("青禾港的获奖名单为什么推迟公布?", False),
    ("青禾港的获奖名单是什么时候公布的?", False),
    ("青禾港的渡轮由哪家公司经营?", False),       # kind "list" for the rules, but one name
    ("青禾港最早的码头是哪个?", False),
    ("青禾港的灯塔有哪一座最高?", False),
    ("Which two cities does the Riverton ferry link?", True),
    ("Both founders of Riverton port were from where?", True),
    ("Who founded the Riverton port?", False),
])
def test_a_question_for_several_things(d, question, several):
    assert analyze(question, dictionary=d).several is several


@pytest.mark.parametrize("question", ["青禾市质量奖在什么年份设立?", "青禾市质量奖设立的年份是多少?"])
def test_a_question_for_the_year_is_a_date_question(d, question):
    q = analyze(question, dictionary=d)
    assert q.year_only and q.kind == "date"


@pytest.mark.parametrize("question,total", [
    ("青禾市共有多少家企业获奖?", True),
    ("青禾市累计发放补贴多少?", True),
    ("青禾市今年有多少家企业获奖?", False),
    ("How many patents were filed in Riverton in total?", True),
    ("How many patents were filed in Riverton altogether?", True),
    ("How many patents were filed in Riverton last year?", False),
])
def test_wants_total(d, question, total):
    assert analyze(question, dictionary=d).wants_total is total


# -- focus and keywords ----------------------------------------------------------------------

def test_chinese_focus_starts_with_the_counted_noun(d):
    q = analyze("青禾市共有多少家企业获得质量奖?", dictionary=d)
    assert q.focus[0] == "企业"
    assert "enterprise" in q.focus            # English equivalents follow the Chinese terms
    assert q.focus.index("enterprise") > q.focus.index("企业")


def test_chinese_focus_takes_the_word_before_the_question_word(d):
    q = analyze("青禾市发放的补贴总额是多少?", dictionary=d)
    assert q.kind == "amount" and q.focus[0] == "补贴"


def test_no_focus_without_a_question_word(d):
    assert analyze("哪些企业获得了青禾市质量奖?", dictionary=d).focus == []
    assert analyze("When was the Riverton expo held?", dictionary=d).focus == []


def test_english_focus_is_stemmed_and_has_no_stop_words(d):
    q = analyze("How many solar panels were installed in Riverton?", dictionary=d)
    assert q.focus[:2] == ["solar", "panel"]
    assert not {"were", "in", "riverton"} & set(q.focus)


def test_keywords_are_one_term_tuples_without_stop_or_question_words(d):
    q = analyze("青禾市共有多少家企业获得质量奖?", dictionary=d)
    assert q.keywords and all(isinstance(k, tuple) and len(k) == 1 for k in q.keywords)
    words = alternatives(q.keywords)
    assert {"企业", "获得", "质量奖"} <= words
    assert not {"多少", "的"} & words
    assert q.keywords[("企业",)] == 1.0
    assert q.keywords[("共有",)] == pytest.approx(0.3)     # a stop word: only as a bigram
    assert q.keywords[("质量",)] == pytest.approx(0.3)     # a bigram of a longer word weighs less
    en = analyze("How many patents were filed by Riverton firms?", dictionary=d)
    assert set(en.keywords) == {("patent",), ("filed",), ("riverton",), ("firm",)}


def test_own_names_hold_a_city_with_and_without_its_suffix(d):
    q = analyze("桂林市有几个项目入选?", dictionary=d)
    assert ("桂林市", "桂林") in q.own_names
    q2 = analyze("兰州共有多少名专家参与评审?", dictionary=d)
    assert ("兰州",) in q2.own_names
    assert analyze("青禾市有几个项目入选?", dictionary=d).own_names == set()   # an unknown town is no name


def test_chinese_question_about_a_city_gets_its_romanisation(d):
    q = analyze("桂林市有几个项目入选?", dictionary=d)
    assert "guilin" in alternatives(q.translated)
    assert any("guilin" in key for key in q.names)        # a passage in English must name it


def test_english_question_about_a_chinese_city_is_translated(d):
    q = analyze("How many enterprises in Guilin were honoured?", dictionary=d)
    assert q.lang == "en" and q.own_names == set()
    translated = alternatives(q.translated)
    assert "桂林" in translated and "企业" in translated
    assert any("桂林" in key for key in q.names)          # capitalised: a place the passage must name
    assert "企业" in q.focus                               # the counted noun in Chinese too


def test_a_lower_case_place_is_translated_but_not_required(d):
    q = analyze("how many enterprises in guilin were honoured?", dictionary=d)
    assert "桂林" in alternatives(q.translated)
    assert q.names == set()


def test_idf_weights_chinese_keywords_and_their_bigrams(d):
    idf = {"企业": 3.0, "桂林": 5.0}
    q = analyze("桂林市共有多少家企业获奖?", idf=lambda t: idf.get(t, 1.0), dictionary=d)
    assert q.keywords[("企业",)] == 3.0
    assert q.keywords[("桂林市",)] == 1.0
    assert q.keywords[("桂林",)] == pytest.approx(0.3 * 5.0)   # a bigram: 0.3 x its idf
    english = [key for key in q.translated if "enterprise" in key]
    assert english and q.translated[english[0]] == 3.0       # a translation weighs what its word does


def test_idf_weights_english_keywords_and_translations(d):
    idf = {"enterprise": 4.0, "桂林": 5.0}
    q = analyze("How many enterprises in Guilin were honoured?", idf=lambda t: idf.get(t, 1.0), dictionary=d)
    assert q.keywords[("enterprise",)] == 4.0 and q.keywords[("guilin",)] == 1.0
    guilin = [key for key in q.translated if key[0] == "桂林"]
    assert guilin and q.translated[guilin[0]] == 5.0          # weighted by its first alternative


def test_zero_idf_drops_a_keyword(d):
    q = analyze("How many patents were filed by Riverton firms?", idf=lambda t: 0.0 if t == "filed" else 1.0,
                dictionary=d)
    assert ("filed",) not in q.keywords and ("patent",) in q.keywords


def test_default_dictionary_and_result_type():
    q = analyze("How many enterprises were honoured in Riverton?")
    assert isinstance(q, Question) and q.kind == "count" and q.count_noun == "enterprise"


@pytest.mark.parametrize("question, wh, wh_class", [
    ("青禾港的吞吐量為甚麼下降?", "为什么", "why"),     # 甚麼, as written in Taiwan
    ("青禾港出口甚麼貨物?", "什么", "what"),
    ("青禾港出口什麼貨物?", "什么", "what"),
])
def test_taiwan_question_words_are_read_as_their_standard_form(d, question, wh, wh_class):
    q = analyze(question, dictionary=d)
    f = frame(q)
    assert (f.wh, f.wh_class) == (wh, wh_class)
    assert not any("甚" in "".join(alts) for alts in q.keywords)     # no term the passages will not hold


@pytest.mark.parametrize("question, spans", [
    ("青禾港的灯塔建在哪一个岛上?", ["哪一个"]),
    ("青禾港的灯塔是哪一年建成的?", ["哪一年"]),
    ("为什么青禾港的灯塔停用了?", ["为什么"]),
    ("青禾港的新灯塔被称为什么?", ["什么"]),               # 称为|什么
    ("青禾港务局简称为什么?", ["什么"]),                   # 简称|为什么 ending the question: called what
    ("青禾港务局简称为何?", ["何"]),
    ("青禾港务局简称为什么呢?", ["什么"]),
    ("青禾港的灯塔俗称为什么，又称为什么?", ["什么", "什么"]),
    ("青禾港这个名称为什么沿用至今?", ["为什么"]),          # a clause goes on after it: why
    ("青禾港有几个灯塔?", ["几个"]),
    ("青禾港的灯塔第几次翻修?", ["第几次"]),
    ("青禾港有多少家船厂?", ["多少", "家"]),                # 多少|家: the measure word goes with it
    ("青禾港的渔船都停在哪些地方?", ["哪些"]),             # 地方 is a word of its own
    ("几内亚的何鸿燊码头在多伦多大学旁边吗?", []),          # names and words that hold none
])
def test_question_words_are_read_on_whole_words(question, spans):
    from rag.question import question_word_spans

    norm = analyze(question).norm
    assert [norm[a:b] for a, b, _ in question_word_spans(norm)] == spans
