"""Each cleaning rule of `ingest.clean`, on noisy text written for the test.

Every site, place, company, person and figure below is invented. The bundled sample
articles are checked separately, as a corpus regression, in `test_clean_samples.py`.
"""

import pytest

from ingest.clean import clean_text, strip_ruby

ARTICLE_ZH = [
    "岚汀市新建三座社区图书馆",
    "发布时间：2031-03-02 09:15 来源：星砾日报 责任编辑：苏默",
    "岚汀市文化局近日表示，全市今年新建三座社区图书馆，总投资约1864万元。",
    "新馆每周开放六天，预计每年接待读者12.7万人次。",
    "文化局负责人说，明年还将在云杉县试点流动图书车。",
]


def lines(text: str) -> list[str]:
    return text.split("\n")


# --- ruby / pinyin annotations ---------------------------------------------------------

def test_pinyin_with_tone_marks_or_numbers_is_removed():
    assert strip_ruby("嵐(lán)汀(tīng)市 發(fā)佈 长(chang2)桥 绿(lǜ)洲") == "嵐汀市 發佈 长桥 绿洲"
    # full-width parentheses and padding spaces inside them
    assert strip_ruby("岚（lán）汀( tīng )") == "岚汀"


def test_plain_latin_in_parentheses_is_not_an_annotation():
    text = "岚汀(Lanting) 星砾(xingli)电子 人均收入(美元) 型号(ABC) Kit(ā)"
    assert strip_ruby(text) == text


def test_clean_text_strips_ruby_in_the_article():
    raw = "岚汀市发(fā)布图书馆新规。\n新规自下(xià)月起施行。"
    assert clean_text(raw) == "岚汀市发布图书馆新规。\n新规自下月起施行。"


def test_accented_or_numbered_latin_word_is_not_an_annotation():
    text = "岚汀新开一家咖啡馆(café)，点单系统升级到新版本(v2)。"
    assert strip_ruby(text) == text


# --- control characters ----------------------------------------------------------------

def test_control_and_zero_width_characters_are_removed_and_line_ends_unified():
    raw = "岚汀\x00市\u200b图书\ufeff馆\x07开馆。\r\n馆内\x1f藏书\x7f丰\x0b富。\r第三\tline here."
    assert clean_text(raw) == "岚汀市图书馆开馆。\n馆内藏书丰富。\n第三\tline here."


def test_c1_control_characters_are_removed():
    assert clean_text("岚汀市\x85图书馆\x9d开馆。") == "岚汀市图书馆开馆。"


# --- chrome before the article ---------------------------------------------------------

def test_site_header_and_navigation_crumbs_are_removed():
    raw = "\n".join(["星砾日报", "首页", "-- 天气", "本地新闻", "联系我们", *ARTICLE_ZH])
    assert clean_text(raw) == "\n".join(ARTICLE_ZH)


def test_byline_with_date_after_the_title_is_kept():
    text = clean_text("\n".join(["星砾日报", *ARTICLE_ZH]))
    assert lines(text)[0] == ARTICLE_ZH[0]
    assert lines(text)[1] == "发布时间：2031-03-02 09:15 来源：星砾日报 责任编辑：苏默"


def test_header_skip_stops_at_the_first_line_that_reads_as_text():
    # a title longer than six characters ends the header even without punctuation
    raw = "星砾日报\n岚汀市图书馆周末延时开放\n读者可在晚间借还图书。"
    assert clean_text(raw) == "岚汀市图书馆周末延时开放\n读者可在晚间借还图书。"


# --- footer: copyright and contact block -----------------------------------------------

def test_footer_copyright_and_contact_block_are_removed():
    footer = [
        "星砾日报版权所有，未经授权不得转载",
        "友情链接",
        "联系我们",
        "电话：0999-1234-5678",
        "传真：0999-1234-5679",
        "地址：岚汀市雾松路88号",
        "邮箱：news@xingli.example",
        "Copyright © 2031 Xingli Daily. All rights reserved.",
        "岚ICP备20310001号",
        "返回顶部",
    ]
    assert clean_text("\n".join([*ARTICLE_ZH, *footer])) == "\n".join(ARTICLE_ZH)


def test_traditional_footer_is_removed_and_the_article_keeps_its_script():
    article = ["嵐汀市圖書館新館開放", "嵐汀市文化局表示，新館藏書約四十萬冊。", "館方將舉辦系列閱讀講座。"]
    footer = ["星礫日報版權所有，未經授權不得轉載", "聯絡我們", "電話：(嵐汀)0999-8765", "地址：嵐汀市霧松路88號"]
    assert clean_text("\n".join([*article, *footer])) == "\n".join(article)


# --- stock tickers ---------------------------------------------------------------------

def test_stock_ticker_lines_are_removed():
    ticker = ["- 股票名称 最新价 涨跌幅", "- 星砾电子 12.34 +1.25%", "- 远帆重工 8.76 -0.42%"]
    assert clean_text("\n".join([*ARTICLE_ZH, *ticker])) == "\n".join(ARTICLE_ZH)


def test_traditional_stock_ticker_header_is_removed_wherever_it_is():
    raw = "\n".join([*ARTICLE_ZH[:3], "股票名稱 最新價 漲跌幅", *ARTICLE_ZH[3:]])
    assert clean_text(raw) == "\n".join(ARTICLE_ZH)


# --- the tail of unrelated headlines and teasers ---------------------------------------

def test_unrelated_headlines_after_the_article_are_removed():
    tail = ["云杉县举办春季花卉展 游客人数创新高", "远帆重工与海外客户签约", "北湖公园完成改造 周末免费开放"]
    assert clean_text("\n".join([*ARTICLE_ZH, *tail])) == "\n".join(ARTICLE_ZH)


def test_truncated_teasers_are_removed_even_when_long():
    tail = [
        "星砾电子发布新款平板电脑，售价较上一代下调，首批产品将于下月在岚汀市各大商场同步开售，预计...",
        "远帆重工与海外客户签约 订单金额达...",
        "雾松港三号码头改造工程完工 岚汀日报记者苏默报道 港口管理部门日前宣布三号码头改造工程正式完工投用 "
        "新码头可同时停靠四艘货轮 年吞吐能力大幅提升",
        "北湖公园完成改造…",
    ]
    assert len(tail[2]) > 60  # long, but without an end mark among teasers
    assert clean_text("\n".join([*ARTICLE_ZH, *tail])) == "\n".join(ARTICLE_ZH)


def test_a_real_final_sentence_and_final_byline_are_kept():
    short_last = [*ARTICLE_ZH, "开馆仪式定于周六举行。"]
    assert clean_text("\n".join(short_last)) == "\n".join(short_last)
    # a byline in parentheses after the last sentence does not hide its end mark
    with_byline = [*ARTICLE_ZH[:-1], ARTICLE_ZH[-1] + "（记者 苏默 林小舟）"]
    assert clean_text("\n".join(with_byline)) == "\n".join(with_byline)
    teasers = ["云杉县举办春季花卉展 游客人数创新高", "远帆重工与海外客户签约 订单金额达..."]
    assert clean_text("\n".join([*with_byline, *teasers])) == "\n".join(with_byline)


def test_a_long_final_paragraph_without_end_mark_is_kept_outside_teaser_mode():
    last = ("岚汀市文化局同时提醒读者新馆开放首周实行预约入馆，读者可通过官方公众号或服务热线"
            "提前预约参观时段和借阅服务，周末开放时间另行通知")
    assert len(last) >= 60
    assert clean_text("\n".join([*ARTICLE_ZH, last])) == "\n".join([*ARTICLE_ZH, last])


def test_subheadings_and_lists_inside_the_article_are_kept():
    article = [
        "岚汀市公布年度创新企业名单。",
        "获奖企业",
        "星砾电子",
        "远帆重工",
        "三家企业将各获奖金五十万元。",
    ]
    assert clean_text("\n".join(article)) == "\n".join(article)


# --- repeated lines --------------------------------------------------------------------

def test_repeated_title_and_editor_line_are_kept_once():
    title, byline, p1, p2, p3 = ARTICLE_ZH
    raw = "\n".join([title, "", title, byline, p1, "编辑：苏默", p2, "编辑：苏默", p3])
    assert clean_text(raw) == "\n".join([title, byline, p1, "编辑：苏默", p2, p3])


def test_a_repeated_long_paragraph_is_not_deduplicated():
    para = "岚汀市文化局表示，" + "新馆将提供自助借还、儿童阅览和数字资源服务，" * 10 + "欢迎市民前往。"
    assert len(para) >= 200
    assert clean_text(f"{para}\n{para}") == f"{para}\n{para}"


# --- text that needs no cleaning -------------------------------------------------------

ARTICLE_EN = """Port Calloway opens its first solar ferry
2031-05-12 09:30

The city of Port Calloway launched a solar-powered ferry on Monday, officials said.
The vessel, built by Larkspur Marine Co., Ltd., carries 140 passengers (about 12 tonnes).
Mr. Ode Varn, the harbour master, said: "Our harbour is quieter already."
The second ferry is due in 2032, according to Larkspur Marine Co., Ltd."""


def test_english_article_is_left_untouched():
    expected = "\n".join(ln for ln in ARTICLE_EN.split("\n") if ln)
    assert clean_text(ARTICLE_EN) == expected


def test_clean_article_passes_through_unchanged():
    text = "\n".join(ARTICLE_ZH)
    assert clean_text(text) == text
    assert clean_text("  " + text.replace("\n", "  \n\n  ") + "\n\n") == text


# --- nothing but chrome ----------------------------------------------------------------

@pytest.mark.parametrize("raw", [
    "",
    " \n\t\n ",
    "\x00\u200b\ufeff",
    "星砾日报\n首页\n-- 天气\n联系我们\n电话：0999-1234\n星砾日报版权所有",
    "Copyright © 2031 Xingli Daily. All rights reserved.",
    "首页\n返回顶部\n关闭",
])
def test_text_that_is_only_chrome_cleans_to_nothing(raw):
    assert clean_text(raw) == ""


def test_only_unpunctuated_site_lines_leave_the_last_one():
    # the header skip keeps at least one line and the tail is never the whole text,
    # so a page of short site names comes out as its last line
    assert clean_text("星砾日报\n本地频道") == "本地频道"
    assert clean_text("星砾日报\n本地频道\n云杉县新闻") == "云杉县新闻"


def test_a_single_short_line_is_kept():
    assert clean_text("岚汀市图书馆开馆") == "岚汀市图书馆开馆"


# --- known bugs ------------------------------------------------------------------------

@pytest.mark.parametrize("sentence", [
    "The dispute turned on who held the copyright to the 1998 recording.",
    "警方称，嫌疑人未经授权进入了图书馆的借阅系统。",
    "读者如有疑问，可以通过服务热线联系我们的工作人员。",
])
def test_article_sentence_mentioning_copyright_or_contact_is_kept(sentence):
    article = [ARTICLE_ZH[0], ARTICLE_ZH[2], sentence, ARTICLE_ZH[3]]
    assert clean_text("\n".join(article)) == "\n".join(article)


def test_byline_on_its_own_last_line_is_kept():
    article = [*ARTICLE_ZH, "（记者 苏默 林小舟）"]
    assert clean_text("\n".join(article)) == "\n".join(article)


def test_final_quote_ending_in_an_ellipsis_is_kept():
    article = [*ARTICLE_ZH, "馆长最后说：“我们明年还会再来……”"]
    assert clean_text("\n".join(article)) == "\n".join(article)
