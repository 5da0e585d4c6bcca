"""The question's slot and the evidence measures the abstention model reads (rag.frame)."""

import pytest

from rag.frame import frame, names_found, question_names, term_coverage, title_run, unmatched_run
from rag.question import analyze
from text.tagged import tag_words


def test_question_names_are_proper_nouns_and_unknown_words_never_question_words():
    names = question_names(tag_words("北岸港的钟望舒在哪一年获得了奖项？"))
    assert "钟望舒" in names            # unknown to the dictionary: a name
    assert not {"哪一年", "获得", "奖项"} & set(names)


def test_question_names_keep_capitalised_english_words_folded():
    names = question_names(tag_words("Who founded the Larkspur Guild?"))
    assert names == ("larkspur", "guild")


def test_a_traditional_question_names_what_its_simplified_form_names():
    assert frame(analyze("鍾望舒在哪一年獲獎？")).names == frame(analyze("钟望舒在哪一年获奖？")).names


def test_names_found_is_the_share_of_names_in_the_text():
    assert names_found(("钟望舒", "北岸港"), "钟望舒生于北岸港。") == 1.0
    assert names_found(("钟望舒", "北岸港"), "他生于北岸港。") == 0.5
    assert names_found((), "任何文字") == 1.0


def test_term_coverage_weighs_terms_and_says_whether_the_rarest_is_held():
    terms = ((("吞吐量",), 4.0), (("北岸港",), 6.0), (("今年",), 1.0))
    share, rarest = term_coverage(terms, "今年北岸港客流增加")
    assert abs(share - 7 / 11) < 1e-9 and rarest
    share, rarest = term_coverage(terms, "今年吞吐量增加")
    assert abs(share - 5 / 11) < 1e-9 and not rarest
    assert term_coverage(((("港口", "harbour"), 1.0),), "the harbour") == (1.0, True)


def test_frame_carries_the_question_terms_with_their_weights():
    q = analyze("北岸港的吞吐量是多少吨？", idf=lambda t: 2.0)
    f = frame(q)
    assert dict(f.terms) == q.keywords and all(w > 0 for _, w in f.terms)


def test_frame_keeps_the_text_on_either_side_of_the_question_word():
    f = frame(analyze("去年，青禾市的市花是哪种花？"))
    assert f.before == "青禾市的市花是"       # from the start of its clause
    assert f.after == "花"                    # up to the question mark
    g = frame(analyze("Who founded the Riverton club, and when?"))
    assert g.before == "" and g.after == "foundedtherivertonclub"


def test_how_big_and_how_long_are_question_words():
    f = frame(analyze("青禾湖的面积有多大？"))
    assert f.wh == "多大" and f.before == "青禾湖的面积有"
    assert frame(analyze("这座桥有多长？")).wh == "多长"


def test_many_followed_by_an_adjective_is_not_how_big():
    assert frame(analyze("哪所学校有许多大学生报名？")).wh.startswith("哪")
    assert frame(analyze("最多快递公司落户在什么地方？")).wh == "什么"


def test_unmatched_run_finds_a_name_the_text_never_mentions():
    rest = frame(analyze("槐山书院占地面积多大？")).rest
    assert unmatched_run(rest, "青禾中学占地面积40亩。") == 4          # 槐山书院
    assert unmatched_run(rest, "槐山书院占地面积40亩。") == 0
    # particles between matched pairs are not a name
    assert unmatched_run(frame(analyze("林知远的书院在哪里？")).rest, "林知远创办书院") == 0


def test_title_run_is_the_longest_stretch_of_a_title_the_question_names():
    rest = frame(analyze("槐山书院创办于哪一年？")).rest
    assert title_run(rest, "槐山书院") == 4
    assert title_run(rest, "槐山 书院") == 4              # spaces in a title do not break the run
    assert title_run(rest, "青禾山中学") == 1             # one character in common (山)
    assert title_run(rest, "") == 0
    assert title_run(frame(analyze("When did the Riverton club open?")).rest, "riverton club") == len("rivertonclub")


@pytest.mark.parametrize("question, wh_class", [
    ("青禾站是什么时候开通的？", "when"), ("青禾站哪一年开通？", "when"), ("青禾站是哪一個時期建成的？", "when"), ("When did the line open?", "when"),
    ("为什么青禾站改名？", "why"), ("Why was the station renamed?", "why"),
    ("青禾站在哪里？", "where"), ("谁设计了青禾站？", "who"), ("Who designed it?", "who"),
    ("青禾站有多少个出口？", "how_many"), ("How many exits does it have?", "how_many"),
    ("青禾站是怎么得名的？", "how"), ("青禾站属于哪个区？", "which"), ("青禾站的等级是什么？", "what"),
    ("青禾站是否仍在使用？", "whether"), ("青禾站。", "none"),
])
def test_question_word_class(question, wh_class):
    assert frame(analyze(question)).wh_class == wh_class


@pytest.mark.parametrize("question, asked", [
    ("哪一种组织都能加入青禾联盟？", ("组织",)),       # after a measure word, a noun jieba tags a verb
    ("哪一条位处青禾的河流最长？", ()),                  # but not a verb that goes on
    ("青禾湖在何地？", ()),                              # 何地, 哪国: the question word holds its noun
    ("北岸港属于哪个港务委员会？", ("港务", "委员会")),  # nouns that run to the mark
    ("什么动物大量捕食青蛙？", ("动物",)),              # the nouns stop where the clause goes on
    ("北岸港在哪一年启用？", ()),                        # the question word holds its noun
    ("什么是正当程序？", ()),                            # no noun after it
    ("Which committee met?", ()),                         # English: not read here
])
def test_the_noun_phrase_a_which_question_asks_about(question, asked):
    assert frame(analyze(question)).asked == asked


@pytest.mark.parametrize("question, before, wh_class", [
    ("青禾市最繁忙的港口为？", "青禾市最繁忙的港口为", "what"),   # no question word: the slot is where it stops
    ("青禾港的两个码头，一个是北岸码头，另一个是?", "另一个是", "what"),
    ("青禾港很繁忙吗？", "", "none"),                              # a yes-no question has no slot
    ("青禾港为何繁忙？", "青禾港", "why"),                          # a question word comes first
])
def test_a_question_with_no_question_word_asks_for_what_ends_it(question, before, wh_class):
    f = frame(analyze(question))
    assert (f.before, f.wh_class) == (before, wh_class)


@pytest.mark.parametrize("question, answer_type", [
    ("青禾湖在哪个国家？", "place"), ("青禾湖在哪一個國家？", "place"), ("青禾湖在哪一个城市？", "place"),
    ("哪一家公司修建了青禾桥？", "org"), ("哪一所大學最早成立？", "org"), ("哪所学校培养了他？", "org"),
    ("哪一位工程师设计了青禾桥？", "person"), ("哪一個人設計了青禾橋？", "person"), ("哪位设计的？", "person"),
    ("哪个人口最多？", "other"),                       # 人口 is no person
    ("青禾桥哪一年建成？", "date"),
])
def test_the_answer_type_reads_which_one_written_with_yi(question, answer_type):
    # Taiwan's questions write 哪一個 / 哪一位 / 哪一家 as often as 哪個
    assert frame(analyze(question)).answer_type == answer_type


@pytest.mark.parametrize("question, wh, wh_class", [
    ("青禾港的新灯塔被称为什么?", "什么", "what"),          # 称为|什么, not 为什么
    ("青禾港的灯塔成为什么的标志?", "什么", "what"),
    ("青禾港的灯塔为什么停用了?", "为什么", "why"),
    ("多伦多大学的新校区在哪里?", "哪里", "where"),         # 多伦多|大学 holds no 多大
    ("几内亚的青禾港建于何时?", "何时", "when"),             # 几内亚 holds no 几
    ("何鸿燊的船在哪一年下水?", "哪一年", "when"),           # nor does a name starting 何
    ("青禾港的灯塔有何用处?", "何", "what"),                  # jieba's word 有何 holds one
    ("青禾港的灯塔高度有多高?", "多高", "how_many"),
])
def test_the_question_word_is_read_on_whole_words(question, wh, wh_class):
    f = frame(analyze(question))
    assert (f.wh, f.wh_class) == (wh, wh_class)


@pytest.mark.parametrize("question, answer_type", [
    ("青禾港的渡轮由哪家公司经营?", "org"),          # one company, not a list of them
    ("青禾港最早的码头在哪个国家?", "place"),
    ("青禾港最早的码头是哪个?", "other"),
    ("哪些公司经营青禾港的渡轮?", "list"),
    ("青禾港有哪几座灯塔?", "list"),
    ("青禾港的渡轮往来于哪两个地方?", "list"),     # which two
    ("青禾港的渡輪往來於哪兩個地方?", "list"),
    ("青禾港的灯塔建于何年?", "date"),              # asks when, as 哪一年 does
    ("青禾港的灯塔建于什么时期?", "date"),
    ("青禾港的灯塔是什么时候建成的?", "date"),
    ("青禾港的防波堤有多长?", "number"),            # a measure, in whatever unit the passage has
    ("青禾港的渡轮到北岸要多久?", "number"),
    ("青禾港的码头占地多大?", "number"),
    ("青禾港的货运收入占全市产值的多少百分比?", "percent"),    # a share, though of money
    ("青禾港的渡轮乘客中游客占多少比例?", "percent"),
    ("青禾港的渡轮在市场的占有率达百分之几以上?", "percent"),
    ("哪一个码头的货运量占全港的百分之四十?", "other"),         # states a share, asks which
    ("青禾港以哪一种货物的比例最高?", "other"),
    ("青禾港的灯塔几乎照亮了哪个国家的海岸?", "place"),       # 几乎 (almost) asks nothing
])
def test_a_question_for_one_thing_is_typed_as_that_thing(question, answer_type):
    assert frame(analyze(question)).answer_type == answer_type


@pytest.mark.parametrize("question, several", [
    ("青禾渡轮往来于哪两个地方？", True),
    ("青禾渡轮由哪家公司经营？", False),
    ("Which two places does the Qinghe ferry link?", True),
    ("Which company runs the Qinghe ferry?", False),     # a list for the rules reader, one name asked
])
def test_the_frame_asks_for_several_things_only_when_the_question_says_so(question, several):
    assert frame(analyze(question)).several is several


@pytest.mark.parametrize("question, era", [
    ("青禾县在民國幾年設立？", "民国"),       # the calendar a year is asked in, read folded
    ("槐山书院在公元多少年创办？", "公元"),
    ("槐山书院创办几年了？", ""),             # a verb: how many years
    ("岩画可以追溯到多少年前？", ""),
    ("槐山书院哪一年创办？", ""),             # before 哪一年 stands the subject
    ("青禾县有几家书院？", ""),               # no year asked
])
def test_the_calendar_a_year_is_asked_in(question, era):
    assert frame(analyze(question)).era == era
