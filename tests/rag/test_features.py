"""Each feature of a candidate span, on sentences written for the test (no store, no model)."""

import pytest

from rag import features as F
from rag.frame import frame
from rag.question import analyze
from rag.spans import candidate_spans, sentence_views
from rag.types import Hit


def _ctx(question: str, sentence: str, span_text: str, kind: str | None = None) -> F.SpanContext:
    q = analyze(question)
    hit = Hit(chunk_id="d:0", source="d.txt", title="", date=None, text=sentence, score=1.0)
    views = sentence_views(q, [hit])
    for view in views:
        for span in candidate_spans(view):
            if span.text == span_text and (kind is None or span.kind == kind):
                return F.SpanContext(frame(q), span, views[0].coverage)
    raise AssertionError(f"no candidate {span_text!r} in {[s.text for v in views for s in candidate_spans(v)]}")


SENT = "青禾市的市花是紫藤，由市议会于1998年选定。"


def test_repeats_question_is_high_for_the_question_s_own_words():
    assert F.repeats_question(_ctx("青禾市的市花是什么？", SENT, "市花")) == 1.0
    assert F.repeats_question(_ctx("青禾市的市花是什么？", SENT, "紫藤")) == 0.0


def test_near_left_decays_with_the_words_between():
    close = F.near_left(_ctx("青禾市的市花是什么？", SENT, "紫藤"))
    far = F.near_left(_ctx("青禾市的市花是什么？", SENT, "选定"))
    assert close > far


def test_near_right_sees_a_question_word_after_the_span():
    c = _ctx("谁选定了青禾市的市花？", "市议会选定了青禾市的市花。", "市议会")
    assert F.near_right(c) > 0.5
    assert F.near_left(c) == 0.0


def test_window_and_clause_coverage_count_question_words_around_the_span():
    near = _ctx("青禾市的市花是什么？", SENT, "紫藤")
    assert F.window_coverage(near) > 0
    assert F.clause_coverage(near) > 0
    other_clause = _ctx("青禾市的市花是什么？", SENT, "1998年")
    assert F.clause_coverage(other_clause) == 0.0


def test_left_context_is_the_word_before_the_question_word():
    c = _ctx("林知远创办了什么？", "林知远创办了槐山书院。", "槐山书院")
    assert F.left_context(c) == 1.0
    assert F.right_context(c) == 0.0
    assert F.left_context(_ctx("林知远创办了什么？", "林知远创办了槐山书院。", "林知远")) == 0.0


def test_right_context_is_the_word_after_the_question_word():
    c = _ctx("谁创办了槐山书院？", "林知远创办了槐山书院。", "林知远")
    assert F.right_context(c) == 1.0
    assert F.left_context(c) == 0.0


def test_ends_with_head_noun_asked_about():
    q = "他毕业于哪所大学？"
    assert F.ends_with_head(_ctx(q, "他毕业于北岸大学。", "北岸大学")) == 1.0
    assert F.ends_with_head(_ctx(q, "他毕业于北岸大学。", "毕业")) == 0.0


def test_clause_edges():
    c = _ctx("青禾市的市花是什么？", SENT, "紫藤")
    assert F.ends_clause(c) == 1.0
    assert F.starts_clause(c) == 0.0


@pytest.mark.parametrize("feature, sentence, span, expected", [
    (F.has_number, "共有14家企业获奖。", "14家", 1.0),
    (F.has_number, "共有十四家企业获奖。", "十四家", 1.0),
    (F.has_number, "共有企业获奖。", "企业", 0.0),
    (F.is_date, "大桥于1998年5月通车。", "1998年5月", 1.0),
    (F.is_date, "大桥于1998年5月通车。", "通车", 0.0),
    (F.is_money, "奖金共计30万元。", "30万元", 1.0),
    (F.is_money, "奖金共计30项。", "30项", 0.0),
    (F.is_percent, "增长了12%。", "12%", 1.0),
    (F.is_org, "他在北岸大学任教。", "北岸大学", 1.0),
    (F.is_org, "他在北岸任教。", "任教", 0.0),
])
def test_type_flags(feature, sentence, span, expected):
    assert feature(_ctx("有什么？", sentence, span)) == expected


def test_person_flag_for_a_chinese_name_and_a_capitalised_english_name():
    assert F.is_person(_ctx("谁说的？", "王小明说，大桥将于明年通车。", "王小明")) == 1.0
    assert F.is_person(_ctx("Who said it?", "Mary Stone said the bridge opens next year.", "Mary Stone")) == 1.0
    assert F.is_person(_ctx("Who said it?", "Mary Stone said the bridge opens next year.", "bridge")) == 0.0


def test_quoted_and_list_spans_are_flagged():
    assert F.is_quoted(_ctx("他写了哪本书？", "他写了《北岸的风》。", "《北岸的风》", "quoted")) == 1.0
    c = _ctx("哪些企业获奖？", "获奖企业有甲钢厂、乙纺织厂和丙化工厂。", "甲钢厂、乙纺织厂和丙化工厂", "list")
    assert F.is_list(c) == 1.0


def test_unit_matches_the_measure_word_asked_for():
    sentence = "全区有8家企业共20个项目获奖。"
    assert F.unit_matches(_ctx("全区有多少家企业获奖？", sentence, "8家")) == 1.0
    assert F.unit_matches(_ctx("全区有多少家企业获奖？", sentence, "20个")) == 0.0


def test_year_contradicts_a_figure_that_stands_with_another_year():
    sentence = "获奖企业从2019年的120家增加到2023年的180家。"
    q = "2023年获奖企业有多少家？"
    assert F.year_contradicts(_ctx(q, sentence, "120家")) == 1.0
    assert F.year_contradicts(_ctx(q, sentence, "180家")) == 0.0
    assert F.year_agrees(_ctx(q, sentence, "180家")) == 1.0
    assert F.year_contradicts(_ctx("获奖企业有多少家？", sentence, "120家")) == 0.0


def test_crosses_language_for_an_english_question_on_a_chinese_sentence():
    assert F.crosses_language(_ctx("How many firms won?", "共有14家企业获奖。", "14家")) == 1.0
    assert F.crosses_language(_ctx("有多少家企业获奖？", "共有14家企业获奖。", "14家")) == 0.0


def test_feature_vector_matches_the_names_and_crosses_only_the_asked_type():
    c = _ctx("全区有多少家企业获奖？", "全区有8家企业获奖。", "8家")
    x = F.feature_vector(c)
    assert len(x) == len(F.FEATURE_NAMES)
    named = dict(zip(F.FEATURE_NAMES, x))
    assert named["count*has_number"] == 1.0 and named["count*bias"] == 1.0
    assert named["person*has_number"] == 0.0 and named["date*bias"] == 0.0



def test_left_echo_counts_the_characters_the_sentence_repeats_before_the_span():
    sentence = "青禾市的市花是紫藤，由市议会于1998年选定。"
    right_place = _ctx("青禾市的市花是什么？", sentence, "紫藤")
    wrong_place = _ctx("青禾市的市花是什么？", sentence, "市议会")
    assert F.left_echo(right_place) == 7 / 8        # "青禾市的市花是" ends both
    assert F.left_echo(wrong_place) == 0.0
    assert F.right_echo(right_place) == 0.0         # nothing follows the question word


def test_left_echo_is_capped_at_eight_characters():
    c = _ctx("青禾市第一中学的校训是什么？", "青禾市第一中学的校训是求真，沿用至今。", "求真")
    assert F.left_echo(c) == 1.0


def test_right_echo_reads_the_question_after_its_question_word():
    c = _ctx("谁选定了紫藤？", "市议会选定了紫藤作为市花。", "市议会")
    assert F.right_echo(c) == 5 / 8                 # 选定了紫藤
    assert F.right_window_echo(c) == 1.0
    assert F.left_echo(c) == 0.0                    # nothing before the question word


def test_window_echo_forgives_words_between_but_not_a_long_gap():
    near = _ctx("谁选定了紫藤？", "市议会于1998年选定了紫藤。", "市议会")
    assert F.right_echo(near) == 0.0
    assert F.right_window_echo(near) == 1.0
    far = _ctx("谁选定了紫藤？", "市议会在一次持续了很久很久的全体会议之后选定了紫藤。", "市议会")
    assert F.right_window_echo(far) == 0.0


def test_echo_both_needs_both_sides():
    sentence = "市议会于1998年选定了市花。"
    inside = _ctx("市议会于哪一年选定了市花？", sentence, "1998年")
    assert F.left_window_echo(inside) == 1.0
    assert F.right_window_echo(inside) == 1.0
    assert F.echo_both(inside) == 1.0
    assert F.echo_both(_ctx("市议会于哪一年选定了市花？", sentence, "市议会")) == 0.0


def test_window_echo_ignores_spaces_in_the_sentence():
    spaced = _ctx("谁选定了紫藤？", "市议会 于 1998 年 选定 了 紫藤。", "市议会")
    assert F.right_window_echo(spaced) == 1.0


def test_an_apostrophe_inside_a_word_is_not_a_broken_quote():
    sentence = "The delegation from Xi'an arrived on Monday."
    assert F.broken_marks(_ctx("Who arrived on Monday?", sentence, "Xi'an")) == 0.0


def test_latin_share_counts_latin_letters_among_letters_and_digits():
    sentence = "紫藤（Wisteria sinensis）是青禾市的市花，1998年选定。"
    assert F.latin_share(_ctx("青禾市的市花是什么？", sentence, "Wisteria sinensis")) == 1.0
    assert F.latin_share(_ctx("青禾市的市花是什么？", sentence, "紫藤")) == 0.0
    assert F.latin_share(_ctx("青禾市的市花是什么？", sentence, "1998年")) == 0.0


def test_broken_marks_finds_spans_cut_through_a_quotation_or_on_a_loose_mark():
    sentence = "紫藤又名“朱藤”，学名：Wisteria，英文名'Chinese wisteria'。"
    assert F.broken_marks(_ctx("紫藤又名什么？", sentence, "朱藤")) == 0.0
    assert F.broken_marks(_ctx("紫藤又名什么？", sentence, "学名：Wisteria")) == 0.0
    cut = [s for v in sentence_views(analyze("紫藤又名什么？"), [Hit(chunk_id="d:0", source="d.txt", title="", date=None,
                                                                   text=sentence, score=1.0)])
           for s in candidate_spans(v) if s.text.startswith("英文名'") and not s.text.endswith("'")]
    assert cut, "a candidate that opens a quote and stops inside it"
    q = frame(analyze("紫藤又名什么？"))
    assert all(F.broken_marks(F.SpanContext(q, s, 1.0)) == 1.0 for s in cut)


def test_pos_group_folds_jieba_flags_into_coarse_groups():
    assert F.pos_group("nr") == "name" and F.pos_group("ns") == "name"
    assert F.pos_group("vn") == "noun" and F.pos_group("vd") == "verb" and F.pos_group("v") == "verb"
    assert F.pos_group("uj") == "particle" and F.pos_group("x") == "punct"
    assert F.pos_group("zz-unknown") == "other"


def test_edge_groups_read_the_words_at_and_around_the_span():
    c = _ctx("青禾市的市花是什么？", "青禾市的市花是紫藤。", "紫藤")
    groups = F.edge_groups(c)
    assert groups["before"] == "verb"          # 是
    assert groups["after"] == "punct"          # 。
    at_start = _ctx("青禾市的市花是什么？", "青禾市的市花是紫藤。", "青禾市")
    assert F.edge_groups(at_start)["before"] == "punct"   # the sentence's edge
    vector = F.edge_vector(c)
    assert len(vector) == len(F.EDGES) * len(F.POS_GROUPS)
    on = {f"{F.EDGES[k // len(F.POS_GROUPS)]}={F.POS_GROUPS[k % len(F.POS_GROUPS)]}"
          for k, v in enumerate(vector) if v}
    assert on == {f"{edge}={group}" for edge, group in groups.items()}
    assert "before=verb" in on and "after=punct" in on


def test_sentence_position_falls_with_the_sentence_s_place_in_its_passage():
    q = analyze("槐山书院是什么？")
    hit = Hit(chunk_id="d:0", source="d.txt", title="", date=None,
              text="槐山书院是一所私立学校。槐山书院有三百名学生。", score=1.0)
    views = {v.text: v for v in sentence_views(q, [hit])}
    first = F.SpanContext(frame(q), candidate_spans(views["槐山书院是一所私立学校。"])[0], 1.0)
    second = F.SpanContext(frame(q), candidate_spans(views["槐山书院有三百名学生。"])[0], 1.0)
    assert F.sentence_position(first) == 1.0 and F.sentence_position(second) == 0.5


def test_lead_passage_is_the_opening_chunk_of_an_article():
    q = analyze("槐山书院是什么？")
    spans = {}
    for chunk_id in ("d:0", "d:3"):
        hit = Hit(chunk_id=chunk_id, source="d.txt", title="", date=None, text="槐山书院是一所私立学校。", score=1.0)
        spans[chunk_id] = F.SpanContext(frame(q), candidate_spans(sentence_views(q, [hit])[0])[0], 1.0)
    assert F.lead_passage(spans["d:0"]) == 1.0 and F.lead_passage(spans["d:3"]) == 0.0


def test_slot_in_sentence_counts_the_words_next_to_the_question_word():
    question = "青禾站的车站等级是什么？"
    held = _ctx(question, "青禾站的车站等级为一等站。", "一等站")
    missed = _ctx(question, "青禾站位于青禾市东部。", "青禾市")
    assert F.slot_in_sentence(held) == 1.0
    assert F.slot_in_sentence(missed) < 0.5      # the subject alone, not 车站 or 等级
    assert F.slot_in_sentence(_ctx("青禾站。", "青禾站位于青禾市东部。", "青禾市")) == 0.0   # no question word


def test_slot_chars_near_meets_a_paraphrase_of_the_slot():
    question = "环氧丙醇有什么用途？"
    near = _ctx(question, "环氧丙醇主要用于制造树脂。", "制造树脂")
    far = _ctx(question, "环氧丙醇有刺激性，毒性较强。", "毒性")
    assert F.slot_chars_near(near) > 0     # 用 of 用途 stands before it
    assert F.slot_chars_near(far) < F.slot_chars_near(near)


def test_question_word_class_is_one_hot_in_the_vector():
    x = dict(zip(F.FEATURE_NAMES, F.feature_vector(_ctx("为什么青禾站改名？", "因为青禾站迁址，所以改名。", "青禾站迁址"))))
    assert x["wh=why"] == 1.0 and x["wh=what"] == 0.0
    assert sum(v for k, v in x.items() if k.startswith("wh=")) == 1.0

