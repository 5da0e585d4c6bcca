"""Candidate spans and the question's frame, on text written for the test."""

import pytest

from rag.frame import frame
from rag.question import analyze
from rag.spans import (MAX_WORDS, Span, aside_contents, candidate_spans, coordinated_persons, glossed_term, joins_items,
                       listed_sibling,
                       sentence_views,
                       whole_answer, whole_aside, whole_enumeration, whole_figures,
                       whole_head, whole_list, whole_names, whole_quotation, with_era, word_runs, says_nothing)
from rag.types import Hit


def _views(question: str, *texts: str):
    hits = [Hit(chunk_id=f"d{i}:0", source=f"d{i}.txt", title="", date=None, text=t, score=1.0)
            for i, t in enumerate(texts)]
    return sentence_views(analyze(question), hits)


def test_sentences_are_ranked_by_how_much_of_the_question_they_hold():
    views = _views("槐山书院由谁创办？", "青禾市有很多河流。林知远于1820年创办了槐山书院。")
    assert views[0].text.startswith("林知远")
    assert views[0].coverage > views[1].coverage
    assert [v.rank for v in views] == [0, 1]


def test_a_question_word_the_sentence_cuts_into_several_words_is_met_by_each_of_them():
    # the question keeps 后军 whole; the sentence is cut 北岸 | 后 | 军
    view = _views("北岸后军由谁带领？", "周临所部为北岸前军，林知远所部万人为北岸后军。")[0]
    words = [w.text for w in view.words]
    back = words.index("后")
    assert words[back + 1] == "军"
    assert view.match[back] > 0 and view.match[back + 1] > 0
    assert view.said[back] and view.said[back + 1]
    front = words.index("前")       # 前军 is no word of the question
    assert view.match[front] == 0 and view.match[front + 1] == 0 and not view.said[front + 1]


def test_a_run_of_words_meets_a_term_only_from_word_edge_to_word_edge():
    words = [w for w in _views("谁？", "林知远所部为北岸后军。")[0].words]
    norm = "林知远所部为北岸后军。"
    cut = [w.text for w in words]
    assert cut[cut.index("后"):cut.index("后") + 2] == ["后", "军"]
    assert [len(r) for r in word_runs(words, norm, ("后军",))] == [2]
    assert word_runs(words, norm, ("岸后",)) == []      # starts inside 北岸
    assert word_runs(words, norm, ("后",)) == []         # one character is one word or none
    assert word_runs(words, norm, ("北岸",)) == []       # one whole word is met as a word


def test_word_runs_stay_inside_a_clause():
    view = _views("什么？", "北岸大学位于青禾市，创办于1820年。")[0]
    texts = {s.text for s in candidate_spans(view) if s.kind == "words"}
    assert "北岸大学" in texts and "1820年" in texts
    assert not any("，" in t for t in texts)
    assert all(len([w for w in s.sent.words[s.i:s.j] if not w.is_punct]) <= MAX_WORDS
               for s in candidate_spans(view) if s.kind == "words")


def test_spans_never_start_or_end_with_a_particle():
    view = _views("什么？", "他把书交给了老师的学生。")[0]
    for s in candidate_spans(view):
        assert s.text[0] not in "的了把" and s.text[-1] not in "的了把", s.text


@pytest.mark.parametrize("cut, whole", [
    ("1998年7", "1998年7月16日"),      # a date cut inside
    ("1998年7月", "1998年7月16日"),    # a date cut before its day
    ("16日", "1998年7月16日"),         # and after its year
    ("3000", "3000平方米"),            # a number cut from its unit
    ("5", "5:30"),                     # a clock time
    ("北岸码头", "北岸码头"),          # no figure: unchanged
    ("面积达3000平方米", "面积达3000平方米"),
])
def test_an_answer_that_cuts_a_figure_is_widened_to_the_whole_figure(cut, whole):
    view = _views("什么？", "北岸码头于1998年7月16日启用，面积达3000平方米，每天5:30开放。")[0]
    assert _cut(view, cut).text == cut
    assert whole_figures(_cut(view, cut)).text == whole


@pytest.mark.parametrize("cut, whole", [
    ("8", "8号线"),                    # a line number: jieba takes 号线 for one word
    ("19世纪", "19世纪80年代"),        # a decade of a century
    ("80", "19世纪80年代"),
    ("3", "3年级"),                    # a school year
    ("2010年", "2010年"),              # 年 is the unit already: the place after it is not
    ("H7N", "H7N9"),                   # a code of letters and digits
    ("350", "A350"),
])
def test_a_figure_goes_on_into_a_unit_cut_as_a_word_of_its_own_and_a_code_is_whole(cut, whole):
    view = _views("什么？", "青禾地铁8号线在19世纪80年代只有3年级学生乘坐，2010年日本来的游客更多，"
                          "H7N9流感后北岸航空订购了A350客机。")[0]
    assert _cut(view, cut).text == cut
    assert whole_figures(_cut(view, cut)).text == whole


@pytest.mark.parametrize("sign", ["℃", "°c", "%", "％", "‰", "°"])
def test_a_unit_sign_after_a_figure_is_part_of_it(sign):
    view = _views("什么？", f"青禾湖的水温常年保持在23~28{sign}，湖心岛高出水面12{sign}。")[0]
    texts = {s.text for s in candidate_spans(view)}
    assert f"23~28{sign}" in texts and f"12{sign}" in texts
    assert all(whole_figures(s).text != "12" for s in candidate_spans(view))   # the figure is never cut from its sign


def test_a_sign_that_is_no_unit_stays_out_of_the_figure():
    view = _views("什么？", "北岸码头建于1998年（青禾县）——见《县志》12-13页。")[0]
    assert whole_figures(_cut(view, "1998年")).text == "1998年"
    assert all(not s.text.endswith(("）", "—", "》")) for s in candidate_spans(view) if s.kind == "words")


@pytest.mark.parametrize("cut, whole", [
    ("2009年9月16日", "2009年9月16日至23日"),   # a date cut from the end of its range
    ("23日", "2009年9月16日至23日"),            # and from its start
    ("4", "4～6次"),                            # a count
    ("7", "7-1"),                               # a score
    ("1998年", "1998年"),                       # 到 before a place: no range
    ("青禾－北岸", "青禾－北岸"),               # a dash between names: no range
    ("2001年", "2001年"),                       # 到 a verb between figures of two units
    ("2010年", "2010年"),
    ("1271年", "1271年"),                       # 至元 is an era name, not a range
    ("1969年", "1969年至1970年间"),             # the second end's unit goes on (年间)
])
def test_an_answer_that_cuts_a_range_of_figures_is_widened_to_the_whole_range(cut, whole):
    sentence = ("赛事于2009年9月16日至23日举行，每年办4～6次，决赛以7-1获胜，1998年到北岸，青禾－北岸线开通，"
                "他2001年到3所大学任教，2010年到30岁才成婚，1271年至元八年建城，1969年至1970年间修路。")
    view = _views("什么？", sentence)[0]
    assert _cut(view, cut).text == cut
    assert whole_figures(_cut(view, cut)).text == whole


@pytest.mark.parametrize("cut, whole", [
    ("为15厘米", "15厘米"),                       # a copula before a figure
    ("为G7", "G7"),                               # before a code
    ("为杭州", "杭州"),                           # before one name
    ("于杭州", "于杭州"),                         # 于 is a surname too: kept before a name
    ("为渔民提供天气预报", "为渔民提供天气预报"),  # a clause keeps it
    ("15厘米", "15厘米"),                         # no copula: unchanged
    ("于谦", "于谦"),                             # 于 is a surname too
])
def test_an_answer_does_not_open_with_a_copula_before_a_figure_or_a_name(cut, whole):
    view = _views("什么？", "青禾渡的船长平均为15厘米，编号为G7，迁于杭州，后改名为杭州，长年为渔民提供天气预报，守将（于谦）战死。")[0]
    assert _cut(view, cut).text == cut
    assert whole_answer(_cut(view, cut)).text == whole


def _cut(view, text: str) -> Span:
    """The span of `view` whose words are exactly `text`."""
    start = view.text.index(text)
    i = next(k for k, w in enumerate(view.words) if w.start == start)
    j = next(k for k, w in enumerate(view.words) if w.end == start + len(text)) + 1
    return Span(view, i, j)


def test_a_candidate_may_end_on_zhi_but_not_on_a_particle():
    # 之 ends many a name of the classical kind (徐超之, the courtesy name 修之); 的 ends none
    view = _views("谁？", "青禾县令的祖父名叫徐超之，字修之。")[0]
    texts = {s.text for s in candidate_spans(view)}
    assert {"徐超之", "修之"} <= texts
    assert not any(t.endswith("的") for t in texts)


@pytest.mark.parametrize("cut, whole", [
    ("1884年就", "1884年"),          # 就 modifies 有人提出, left out of the span
    ("林知远则", "林知远"),
    ("院长林知远则", "院长林知远"),
    ("反复不定", "反复不定"),        # 不定 ends its clause: it is the predicate
    ("莱特那·维特莫", "莱特那·维特莫"),   # jieba tags 莫 of a foreign name an adverb
    ("第11届", "第11届"),            # and 届 before a noun
])
def test_an_answer_drops_an_adverb_at_its_end_when_it_leaves_out_what_the_adverb_modifies(cut, whole):
    view = _views("谁？", "书院1884年就有人提出修建，院长林知远则是北岸人，其性情反复不定。"
                        "1896年由莱特那·维特莫在北岸建立诊所，他获得了第11届新人奖。")
    line = next(v for v in view if cut in v.text)
    assert whole_answer(_cut(line, cut)).text == whole


@pytest.mark.parametrize("cut, whole", [
    ("1998年7月16日", "1998年7月16日上午10点30分"),    # a part of the day and a clock time
    ("1961年8月12日", "1961年8月12日晚上"),            # a part of the day alone
    ("8月20日", "8月20日9时"),                          # a clock time alone
    ("2005年7月", "2005年7月"),                         # a month holds no time of day
    ("青禾港", "青禾港"),
])
def test_a_date_takes_the_time_of_day_written_after_it(cut, whole):
    views = _views("什么时候？", "青禾港新码头于1998年7月16日上午10点30分启用。",
                   "青禾港于1961年8月12日晚上封港，8月20日9时重开，2005年7月扩建。")
    view = next(v for v in views if cut in v.text)
    assert whole_answer(_cut(view, cut)).text == whole


@pytest.mark.parametrize("cut, whole", [
    ("罗伯特", "罗伯特·安德森"),              # a given name alone
    ("安德森", "罗伯特·安德森"),              # a family name alone
    ("罗伯特·安德森", "罗伯特·安德森"),        # whole: unchanged
    ("化学家", "化学家"),                    # no interpunct at its edges: unchanged
    ("玛丽", "玛丽·简·沃森"),                # three parts
])
def test_an_answer_that_cuts_a_foreign_name_is_widened_to_the_whole_name(cut, whole):
    view = _views("什么？", "化学家罗伯特·安德森最早提出此说，他的学生玛丽·简·沃森加以证实。")[0]
    assert whole_names(_cut(view, cut)).text == whole


@pytest.mark.parametrize("cut, whole", [
    ("正当程序", "「正当程序」"),            # all the quotation encloses: the marks come with it
    ("江南才女", "“江南才女”"),
    ("才女", "才女"),                        # a part of a quotation: unchanged
    ("北岸的风", "北岸的风"),                # a title's marks are its candidate's, not added here
    ("今北陵省", "今北陵省"),                # an aside in brackets is no quotation
])
def test_a_quoted_term_keeps_its_quotation_marks(cut, whole):
    view = _views("什么？", "她把这称为「正当程序」，人称“江南才女”，著有《北岸的风》，生于榆州（今北陵省）。")[0]
    assert whole_quotation(_cut(view, cut)).text == whole


@pytest.mark.parametrize("cut, whole", [
    ("北岸", "北岸与南湾"),                  # the first item of two
    ("南湾", "北岸与南湾"),                  # the last
    ("七时", "七时、九时及十一时"),          # three items, two kinds of separator
    ("埃及", "柬埔寨、埃及及泰国"),          # the middle one
    ("渡轮", "渡轮"),                        # no coordinator at its edges: unchanged
])
def test_an_item_of_a_list_is_widened_to_the_whole_list(cut, whole):
    view = _views("哪些？", "渡轮往来北岸与南湾，每日七时、九时及十一时开出，在柬埔寨、埃及及泰国靠岸。")[0]
    assert whole_list(_cut(view, cut)).text == whole


@pytest.mark.parametrize("sentence, cut, whole", [
    ("船长安东·维萨里尔在岸上。", "安东·维萨里", "安东·维萨里尔"),       # a lone character cut off its end
    ("船长安东·维萨里尔在岸上。", "维萨里", "安东·维萨里尔"),
    ("建筑师费利佩·奥萨里从北岸来。", "费利佩·奥", "费利佩·奥萨里"),    # a name-tagged word
    ("市长约翰·史密斯说渡口将重开。", "约翰·史密斯", "约翰·史密斯"),    # a verb goes on with the sentence
    ("市长约翰·史密斯又到渡口。", "约翰·史密斯", "约翰·史密斯"),        # so does an adverb
    ("乐手马克·本奇后来到了北岸。", "马克·本", "马克·本奇"),            # a character tagged a verb that is a sound of names
    ("渡桥由工程师彼得·理察德设计。", "彼得·理察", "彼得·理察德"),      # one tagged a place (德)
    ("市长约翰·史密斯写了公告。", "约翰·史密斯", "约翰·史密斯"),        # a verb that is none (写 0.00)
    ("船长约翰·史密斯拉着缆绳。", "约翰·史密斯", "约翰·史密斯"),        # a sound of names (拉 0.35) that takes 着
    ("船长安东·维萨里尔在岸上。", "岸上", "岸上"),                      # nothing pulled in from the left
])
def test_the_last_part_of_a_foreign_name_is_taken_whole(sentence, cut, whole):
    view = _views("谁？", sentence)[0]
    assert whole_names(_cut(view, cut)).text == whole


@pytest.mark.parametrize("sentence, cut, whole", [
    ("北岸渡口由兹沃雷特设计。", "沃雷特", "兹沃雷特"),            # a sound of a name left alone before it
    ("行政中心在西布里奇顿。", "布里奇顿", "西布里奇顿"),
    ("他后来住在卡斯特勒。", "卡斯特", "卡斯特勒"),                 # and after it
    ("林远之父苏云峰是盐商。", "苏云峰", "苏云峰"),                 # 父 is a word of the sentence
    ("市长史密斯又到渡口。", "史密斯", "史密斯"),                   # so is 又
    ("她的票数比特朗普高。", "特朗普", "特朗普"),                   # 比 a preposition (0.13)
    ("他比约翰逊多三票。", "约翰逊", "约翰逊"),                     # 多 a numeral (0.09)
])
def test_a_character_jieba_leaves_alone_beside_a_name_goes_with_it_when_it_is_a_sound_of_names(sentence, cut, whole):
    view = _views("谁？", sentence)[0]
    assert whole_names(_cut(view, cut)).text == whole


def test_a_span_joins_items_with_a_coordinator_inside_one_clause():
    view = _views("哪些？", "她出版了《古榕》、《山茶》，与北岸书局合作，又写了青禾渡与南湾港。")[0]
    assert joins_items(_cut(view, "《古榕》、《山茶》")) and joins_items(_cut(view, "青禾渡与南湾港"))
    assert not joins_items(_cut(view, "《古榕》")) and not joins_items(_cut(view, "《山茶》，与北岸书局"))
    assert not joins_items(_cut(view, "与北岸书局"))                  # a coordinator at its edge joins nothing


def test_an_item_is_widened_to_the_best_ranked_list_that_holds_it():
    view = _views("哪些？", "她出版了《古榕》、《山茶》，又写了青禾渡与南湾港的故事。")[0]
    ranked = [_cut(view, "青禾渡与南湾"), _cut(view, "青禾渡与南湾港"), _cut(view, "《古榕》、《山茶》"),
              _cut(view, "出版了《古榕》、《山茶》")]
    assert whole_enumeration(_cut(view, "《古榕》"), ranked).text == "《古榕》、《山茶》"
    assert whole_enumeration(_cut(view, "南湾港"), ranked).text == "青禾渡与南湾港"     # the one holding it
    assert whole_enumeration(_cut(view, "南湾港"), ranked[::-1]).text == "青禾渡与南湾港"
    assert whole_enumeration(_cut(view, "青禾渡"), ranked).text == "青禾渡与南湾"     # the best, as ranked
    assert whole_enumeration(_cut(view, "青禾渡"), []).text == whole_list(_cut(view, "青禾渡")).text   # none ranked
    assert whole_enumeration(_cut(view, "故事"), ranked).text == "故事"


def test_who_is_answered_with_every_person_the_sentence_joins_when_the_question_names_none():
    view = _views("青禾夜话的主持人是谁？", "青禾夜话由王小明、李大伟及陈美玲主持。")[0]
    ranked = [_cut(view, "王小明、李大伟"), _cut(view, "王小明、李大伟及陈美玲"), _cut(view, "由王小明")]
    one = _cut(view, "王小明")
    assert coordinated_persons(one, ranked, "青禾夜话的主持人是谁？").text == "王小明、李大伟及陈美玲"
    assert coordinated_persons(one, ranked[:1], "青禾夜话的主持人是谁？").text == "王小明、李大伟"    # as ranked
    # the question names one of them: it asks for the others
    assert coordinated_persons(one, ranked, "李大伟和谁主持青禾夜话？").text == "王小明"
    assert coordinated_persons(one, [], "青禾夜话的主持人是谁？").text == "王小明"


def test_a_question_that_names_items_of_a_list_is_answered_with_the_other_item():
    question = "砂石、水以及哪种材料混合后变成砼？"
    view = _views(question, "砼是由水泥、砂石和水按比例配置而成的复合材料。")[0]
    first, item = _cut(view, "复合材料"), _cut(view, "水泥")
    assert listed_sibling(first, [first, _cut(view, "比例"), item], question).text == "水泥"
    assert listed_sibling(first, [first, _cut(view, "比例"), item], question, within=2) is first   # too far down
    # an item the question names is no answer, nor part of an item ("粉末" of "水泥粉末")
    assert listed_sibling(first, [_cut(view, "砂石"), first], question) is first
    powder = _views(question, "砼是由水泥粉末、砂石和水配置而成。")[0]
    assert listed_sibling(first, [_cut(powder, "粉末"), _cut(powder, "水泥粉末")], question).text == "水泥粉末"


def test_the_ranker_s_own_cut_of_the_other_item_stays():
    question = "香港站以及哪一个站设有登机服务？"
    view = _views(question, "香港站及九龙站更设有登机服务。")[0]
    station = _cut(view, "九龙站")          # 站 is tagged a verb, so the item alone is 九龙
    assert listed_sibling(station, [station, _cut(view, "九龙")], question) is station
    both = _cut(view, "香港站及九龙站")       # a list that holds the item is not that item
    assert listed_sibling(both, [both, _cut(view, "九龙")], question).text == "九龙"


def test_another_item_is_taken_only_beside_an_item_the_question_lists():
    view = _views("北岸县和哪个县北接青禾市？", "北岸县和南湾县北接青禾市。")[0]
    first, item = _cut(view, "青禾市"), _cut(view, "南湾县")
    assert listed_sibling(first, [first, item], "北岸县和哪个县北接青禾市？").text == "南湾县"
    # 与 of "与哪个城市相邻" means "with": the question sets 北岸县 in no list
    assert listed_sibling(first, [first, item], "北岸县的北边与哪个城市相邻？") is first


def test_an_item_set_off_by_commas_is_no_clause_and_a_date_is_no_item_beside_a_place():
    question = "除了北岸，还有哪里设有码头？"
    view = _views(question, "码头设在北岸，修建于清代，南湾也有码头。")[0]
    first = _cut(view, "南湾")
    assert listed_sibling(first, [_cut(view, "修建于清代"), first], question) is first
    dated = _views("青禾线连通北岸以及哪里？", "青禾线连通北岸，1990年起又连通南湾。")[0]
    first = _cut(dated, "南湾")
    assert listed_sibling(first, [_cut(dated, "1990年"), first], "青禾线连通北岸以及哪里？") is first
    listed = _views("城墙坚固，不透水以及哪种特性为人称道？", "青石坚固，耐久，不透水等特性为人称道。")[0]
    first = _cut(listed, "青石")
    assert listed_sibling(first, [first, _cut(listed, "耐久")], "城墙坚固，不透水以及哪种特性为人称道？").text == "耐久"


def test_who_is_not_widened_to_a_list_that_holds_more_than_names():
    view = _views("节目由谁合办？", "节目由王小明和上海电视台合办。")[0]
    one = _cut(view, "王小明")
    assert coordinated_persons(one, [_cut(view, "王小明和上海电视台")], "节目由谁合办？").text == "王小明"


def test_a_list_that_cuts_an_item_is_widened_to_the_whole_item():
    view = _views("哪些？", "她出版了《古榕》、《山茶》和《北岸》，又写了青禾渡与南湾港的故事。")[0]
    cut = _cut(view, "青禾渡与南湾")
    assert whole_enumeration(cut, [_cut(view, "青禾渡与南湾港")]).text == "青禾渡与南湾港"
    two = _cut(view, "《古榕》、《山茶》")
    assert whole_enumeration(two, [_cut(view, "《古榕》、《山茶》和《北岸》")]).text == "《古榕》、《山茶》和《北岸》"
    assert whole_enumeration(two, []).text == "《古榕》、《山茶》"


def test_widening_reads_only_candidates_of_the_span_s_own_sentence():
    views = _views("哪些？", "她出版了《古榕》、《山茶》。", "她出版了《古榕》、《山茶》和《北岸》。")
    first = next(v for v in views if "北岸" not in v.text)
    other = next(v for v in views if "北岸" in v.text)
    item = _cut(first, "《古榕》")
    assert whole_enumeration(item, [_cut(other, "《古榕》、《山茶》和《北岸》")]).text == whole_list(item).text
    aside = _views("什么？", "该线由北岸铁道公司（北铁）经营。", "铁道公司的名称很长。")
    line = next(v for v in aside if "北铁" in v.text)
    elsewhere = next(v for v in aside if "北铁" not in v.text)
    assert glossed_term(_cut(line, "北铁"), [_cut(elsewhere, "铁道公司")]).text == "北铁"


def test_an_aside_stays_as_it_is_when_the_question_names_the_term():
    view = _views("北岸铁道公司的简称是什么？", "该线由北岸铁道公司（北铁）经营。")[0]
    assert glossed_term(_cut(view, "北铁"), [_cut(view, "由北岸铁道公司")]).text == "北铁"
    partly = _views("该线由哪一铁道公司经营？", "该线由北岸铁道公司（北铁）经营。")[0]     # names it in part
    assert glossed_term(_cut(partly, "北铁"), [_cut(partly, "北岸铁道公司")]).text == "北岸铁道公司（北铁）"


def test_a_whole_list_stops_at_a_comma():
    view = _views("哪些？", "渡轮往来北岸，与南湾相望。")[0]
    assert whole_list(_cut(view, "北岸")).text == "北岸"


@pytest.mark.parametrize("cut, whole", [
    ("榆州", "榆州（今北陵省）"),              # a place with its name today
    ("天和初年", "天和初年(1681年)"),          # a reign year with its calendar year
    ("青禾渡", "青禾渡（Qinghe Ferry）"),      # a name with its name in another language
    ("今北陵省", "今北陵省"),                  # inside the aside: unchanged
    ("北岸", "北岸"),                          # no aside after it: unchanged
    ("南湾", "南湾"),                          # an aside too long to be a gloss
])
def test_an_answer_keeps_the_short_aside_that_follows_it(cut, whole):
    view = _views("什么？", "她生于榆州（今北陵省），天和初年(1681年)迁居青禾渡（Qinghe Ferry），"
                            "往来北岸与南湾（一处由三条河流交汇冲积而成的狭长沙洲地带）。")[0]
    assert whole_aside(_cut(view, cut)).text == whole


@pytest.mark.parametrize("cut, asked, whole", [
    ("青禾港务", ("委员会",), "青禾港务委员会"),            # the noun asked for follows the answer
    ("青禾", ("港务", "委员会"), "青禾港务委员会"),          # the whole phrase asked for
    ("青禾港务", ("港务", "委员会"), "青禾港务委员会"),      # its last words
    ("青禾港务委员会", ("委员会",), "青禾港务委员会"),      # already named: unchanged
    ("青禾港务", ("组织",), "青禾港务"),                    # another noun follows: unchanged
    ("青禾港务", (), "青禾港务"),                           # no noun asked for: unchanged
    ("北岸", ("委员会",), "北岸"),                          # a comma between: unchanged
])
def test_an_answer_to_which_x_takes_the_x_that_follows_it(cut, asked, whole):
    view = _views("哪个委员会？", "青禾港务委员会由北岸，委员会管理。")[0]
    assert whole_head(_cut(view, cut), asked).text == whole


def test_an_aside_that_is_not_closed_in_its_clause_is_left_out():
    view = _views("什么？", "她生于榆州（今北陵省，后迁青禾渡）。")[0]
    assert whole_aside(_cut(view, "榆州")).text == "榆州"


def test_a_span_that_is_all_an_aside_holds_is_taken_with_the_term_it_glosses():
    view = _views("什么？", "该线由北岸铁道公司（北铁）经营，于崇宁二年（1103年）通车。")[0]
    ranked = [_cut(view, "北铁"), _cut(view, "铁道公司"), _cut(view, "北岸铁道公司"), _cut(view, "崇宁二年")]
    assert aside_contents(ranked[0]) and not aside_contents(ranked[2])
    assert glossed_term(ranked[0], ranked).text == "铁道公司（北铁）"          # the best-ranked term before it
    assert glossed_term(ranked[0], ranked[:1] + ranked[2:]).text == "北岸铁道公司（北铁）"
    assert glossed_term(_cut(view, "1103年"), ranked).text == "崇宁二年（1103年）"
    assert glossed_term(_cut(view, "1103年"), ranked[:3]).text == "1103年"  # no term ranked: as it is
    assert glossed_term(ranked[2], ranked) is ranked[2]                        # not in an aside


def test_a_whole_answer_joins_neither_figures_across_a_comma_nor_names_across_a_space():
    view = _views("什么？", "青禾港于1998年启用， 罗伯特 · 安德森任首任港长。")[0]
    assert whole_answer(_cut(view, "1998年")).text == "1998年"
    assert whole_answer(_cut(view, "罗伯特")).text == "罗伯特"


@pytest.mark.parametrize("cut, whole", [
    ("北岸学派", "「北岸学派」理论"),           # the quoted term, its marks, then the noun asked for
    ("「北岸学派」", "「北岸学派」理论"),
    ("青禾渡", "青禾渡（Qinghe Ferry）"),     # no noun asked for after it: its aside only
])
def test_a_whole_answer_takes_the_noun_asked_for_after_the_closing_mark(cut, whole):
    view = _views("什么理论？", "她提出了「北岸学派」理论，后迁居青禾渡（Qinghe Ferry）。")[0]
    assert whole_answer(_cut(view, cut), ("理论",)).text == whole


@pytest.mark.parametrize("sentence", ["北岸鲷（学名：），又称青禾鲷。", '北岸鲷（学名：""），又称青禾鲷。'])
def test_an_aside_whose_label_has_lost_its_name_gives_no_candidate(sentence):
    # the name after 学名 is not in the text: neither the label nor the empty aside answers
    texts = {s.text for s in candidate_spans(_views("北岸鲷又叫什么？", sentence)[0])}
    assert "青禾鲷" in texts
    assert not any(t.strip('：:"（）()') in ("学名", "") for t in texts)


def test_an_aside_that_names_something_after_its_label_is_a_candidate_but_not_its_label():
    texts = {s.text for s in candidate_spans(_views("北岸鲷的学名是什么？", "北岸鲷（学名：Lutjanus），又称青禾鲷。")[0])}
    assert "Lutjanus" in texts and "学名：Lutjanus" in texts
    assert "学名" not in texts and "学名：" not in texts     # the label names the kind of gloss


def test_every_label_of_an_aside_is_read_as_a_label():
    # two glosses, the second one lost: the first still names something, and neither label answers
    texts = {s.text for s in candidate_spans(_views("北岸鲷的学名是什么？", "北岸鲷（学名：Lutjanus，英文：），又称青禾鲷。")[0])}
    assert "Lutjanus" in texts
    assert not {"学名", "英文", "英文："} & texts
    # words before a label are no label ("1952年" of "（1952年，英文：Beian）")
    texts = {s.text for s in candidate_spans(_views("什么？", "北岸中学（1952年，英文：Beian）位于青禾市。")[0])}
    assert "1952年" in texts and "Beian" in texts and "英文" not in texts


def test_marks_say_nothing_when_they_hold_only_punctuation_or_a_bare_label():
    words = lambda text: _views("什么？", text)[0].words
    assert says_nothing(words("学名：")[:2]) and says_nothing(words('""'))
    assert not says_nothing(words("学名：Lutjanus")) and not says_nothing(words("青禾鲷"))
    assert says_nothing(words("学名：，英文：")) and not says_nothing(words("学名：Lutjanus，英文："))


def test_titles_and_quotations_are_whole_candidates():
    view = _views("什么？", "她写了《北岸的风》，人称「江南才女」。")[0]
    quoted = {s.text for s in candidate_spans(view) if s.kind == "quoted"}
    assert "《北岸的风》" in quoted and "江南才女" in quoted


def test_an_enumeration_is_one_candidate():
    view = _views("哪些？", "获奖的有甲钢厂、乙纺织厂和丙化工厂。")[0]
    lists = {s.text for s in candidate_spans(view) if s.kind == "list"}
    assert "甲钢厂、乙纺织厂和丙化工厂" in lists


def test_english_enumeration():
    view = _views("Which firms won?", "The winners were Alder Mills, Birch Works and Cedar Labs.")[0]
    lists = {s.text for s in candidate_spans(view) if s.kind == "list"}
    assert "Alder Mills, Birch Works and Cedar Labs" in lists


def test_clause_runs_cover_one_to_three_clauses():
    view = _views("为什么？", "因为连日暴雨，河水上涨，大桥被迫关闭，车辆绕行。")[0]
    clauses = {s.text for s in candidate_spans(view) if s.kind == "clause"}
    assert "因为连日暴雨，河水上涨" in clauses
    assert "因为连日暴雨，河水上涨，大桥被迫关闭" in clauses
    assert "因为连日暴雨，河水上涨，大桥被迫关闭，车辆绕行" not in clauses


def test_span_text_is_copied_from_the_sentence_in_its_own_script():
    view = _views("什麼？", "北岸大學位於青禾市。")[0]
    assert "北岸大學" in {s.text for s in candidate_spans(view)}


@pytest.mark.parametrize("question, answer_type, left, right, head", [
    ("林知远创办了什么？", "other", ("林知远", "创办"), (), ""),
    ("谁创办了北京大学？", "person", (), ("创办", "北京大学"), ""),
    ("他毕业于哪所大学？", "org", ("毕业",), ("大学",), "大学"),
    ("北京大学在哪里？", "place", ("北京大学",), (), ""),
    ("全区有多少家企业获奖？", "count", ("全区",), ("企业", "获奖"), "企业"),
])
def test_frame_finds_the_words_around_the_question_word(question, answer_type, left, right, head):
    f = frame(analyze(question))
    assert f.answer_type == answer_type
    assert f.left[-len(left):] == left if left else f.left == ()
    assert f.right[:len(right)] == right
    assert f.head == head


def test_frame_reads_years_and_ordinals_in_both_languages():
    f = frame(analyze("第六届青禾市质量奖2023年有多少家企业获奖？"))
    assert f.years == (2023,) and f.ordinals == (6,) and f.classifier == "家"
    g = frame(analyze("Who won the 8th Riverton prize in 2021?"))
    assert g.years == (2021,) and g.ordinals == (8,) and g.answer_type == "person"


def test_sentence_views_know_their_place_and_whether_their_passage_leads_its_article():
    q = analyze("青禾站是什么？")
    hits = [Hit(chunk_id="a:0", source="a.txt", title="", date=None, text="青禾站是车站。它在东部。", score=1.0),
            Hit(chunk_id="b:2", source="b.txt", title="", date=None, text="青禾站有出口。", score=0.5)]
    views = {v.text: v for v in sentence_views(q, hits)}
    assert (views["青禾站是车站。"].index, views["青禾站是车站。"].lead) == (0, True)
    assert (views["它在东部。"].index, views["它在东部。"].lead) == (1, True)
    assert (views["青禾站有出口。"].index, views["青禾站有出口。"].lead) == (0, False)


@pytest.mark.parametrize("cut, era, said", [
    ("16年", "民国", "民国16年"),          # the calendar the question names, right before the figure
    ("16年", "", "16年"),                  # none asked
    ("1927年", "民国", "1927年"),          # not written right before this figure
    ("青禾县", "民国", "青禾县"),          # no figure
])
def test_a_year_is_given_in_the_calendar_the_question_asks_in(cut, era, said):
    view = _views("什么？", "青禾县于民国16年（1927年）设立。")[0]
    assert with_era(_cut(view, cut), era).text == said
