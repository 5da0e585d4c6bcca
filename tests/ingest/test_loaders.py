"""Reading articles from files: `ingest.loaders.load_file`, `discover` and `make_article`.

Every file is written for the test (fictional places and firms); nothing reads data/."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from common.errors import InputError
from ingest.loaders import Article, Skip, discover, load_file, make_article

MB = 2**20


def load(path: Path, source: str | None = None, max_bytes: int = MB) -> list[Article | Skip]:
    return list(load_file(path, source or path.name, max_bytes))


def only_article(items) -> Article:
    assert len(items) == 1 and isinstance(items[0], Article), items
    return items[0]


# -- HTML ------------------------------------------------------------------------------------

PAGE = """<!doctype html>
<html><head>
<title>青禾市质量奖揭晓 - 青禾新闻网</title>
<meta charset="utf-8">
<meta name="pubdate" content="2031-04-05T08:30:00+08:00">
<style>.banner { color: red } 样式文字</style>
<script>var tracker = "脚本里的文字";</script>
</head><body>
<nav>首页 导航栏文字</nav>
<p>青禾市今天公布了第九届质量奖名单，共有十二家企业获奖。</p>
<p>获奖企业将获得每家八十万元的奖励&amp;表彰。</p>
<noscript>请启用脚本</noscript>
<footer>页脚文字</footer>
</body></html>"""


def test_html_title_date_and_body(tmp_path):
    (tmp_path / "page.html").write_text(PAGE, encoding="utf-8")
    a = only_article(load(tmp_path / "page.html"))
    assert a.source == "page.html"
    assert a.title == "青禾市质量奖揭晓 - 青禾新闻网"          # from <title> (the page has no <h1>)
    assert a.date == "2031-04-05 08:30:00"                  # from <meta name="pubdate">
    assert a.lang == "zh-Hans"
    assert "共有十二家企业获奖" in a.text
    assert "八十万元的奖励&表彰" in a.text                    # entities decoded
    for hidden in ("脚本里的文字", "样式文字", "banner", "导航栏文字", "请启用脚本", "页脚文字"):
        assert hidden not in a.text
    assert a.nbytes == len(PAGE.encode("utf-8"))


def test_html_h1_is_preferred_over_title_and_paragraphs_become_lines(tmp_path):
    page = ("<html><head><title>站点名称</title></head><body>"
            "<h1>Maplefield opens a ferry pier</h1><div>The pier cost 4 million yuan.</div>"
            "<p>It opens on Monday.<br>Tickets are free.</p></body></html>")
    (tmp_path / "p.htm").write_text(page, encoding="utf-8")
    a = only_article(load(tmp_path / "p.htm"))
    assert a.title == "Maplefield opens a ferry pier"
    assert a.lang == "en"
    assert a.text.splitlines() == ["Maplefield opens a ferry pier", "The pier cost 4 million yuan.",
                                   "It opens on Monday.", "Tickets are free."]


@pytest.mark.parametrize("tag,expected", [
    ('<meta property="article:published_time" content="2030-11-12T10:00:00Z">', "2030-11-12 10:00:00"),
    ('<meta itemprop="datePublished" content="2030-01-09">', "2030-01-09"),
    ('<meta name="DATE" content="2029-07-30">', "2029-07-30"),
    ('<time datetime="2030-02-03">Feb 3</time>', "2030-02-03"),
])
def test_html_publish_date_from_markup(tmp_path, tag, expected):
    page = f"<html><head>{tag}</head><body><p>The Maplefield ferry pier opened to visitors.</p></body></html>"
    (tmp_path / "d.html").write_text(page, encoding="utf-8")
    assert only_article(load(tmp_path / "d.html")).date == expected


def test_html_without_date_markup_has_no_date(tmp_path):
    page = "<html><body><p>The Maplefield ferry pier opened to visitors in 2030.</p></body></html>"
    (tmp_path / "n.html").write_text(page, encoding="utf-8")
    assert only_article(load(tmp_path / "n.html")).date is None


def test_html_svg_icon_title_does_not_leak_into_the_page_title(tmp_path):
    page = ("<html><head><title>Maplefield Daily</title></head><body>"
            "<svg><title>search icon</title><path d='M0 0'/></svg>"
            "<p>The Maplefield ferry pier opened to visitors.</p></body></html>")
    (tmp_path / "s.html").write_text(page, encoding="utf-8")
    a = only_article(load(tmp_path / "s.html"))
    assert a.title == "Maplefield Daily"


def test_html_title_is_the_first_h1_only(tmp_path):
    page = ("<html><body><h1>Ferry pier opens</h1><p>The Maplefield ferry pier opened.</p>"
            "<h1>Related stories</h1><p>More about Maplefield harbour works.</p></body></html>")
    (tmp_path / "h.html").write_text(page, encoding="utf-8")
    assert only_article(load(tmp_path / "h.html")).title == "Ferry pier opens"


# -- Markdown --------------------------------------------------------------------------------

MARKDOWN = """# 蓝湾区品牌大会

**蓝湾区**召开了[品牌大会](http://example.invalid/meeting)，*二十*家企业参加，__三家__获奖。

![会场照片](http://example.invalid/photo.png)

```
print("代码块内容")
```

> 主办方表示明年继续举办。

`行内代码`说明。
"""


def test_markdown_marks_are_stripped(tmp_path):
    (tmp_path / "meeting.md").write_text(MARKDOWN, encoding="utf-8")
    a = only_article(load(tmp_path / "meeting.md"))
    assert a.title == "蓝湾区品牌大会"
    assert a.text.splitlines() == ["蓝湾区品牌大会", "蓝湾区召开了品牌大会，二十家企业参加，三家获奖。",
                                   "主办方表示明年继续举办。", "行内代码说明。"]
    for gone in ("#", "*", "_", "[", "](", "http", "会场照片", "代码块内容", ">", "`"):
        assert gone not in a.text


def test_markdown_suffix_is_case_insensitive(tmp_path):
    (tmp_path / "NOTE.Markdown").write_text("## Ferry news\n\nThe *Maplefield* pier opened.\n", encoding="utf-8")
    a = only_article(load(tmp_path / "NOTE.Markdown"))
    assert a.title == "Ferry news" and "The Maplefield pier opened." in a.text


def test_markdown_keeps_intraword_underscores(tmp_path):
    (tmp_path / "cfg.md").write_text("Set user_id and item_id in the _Maplefield_ config.\n", encoding="utf-8")
    text = only_article(load(tmp_path / "cfg.md")).text
    assert "user_id and item_id" in text and "the Maplefield config" in text   # emphasis still removed


# -- JSONL -----------------------------------------------------------------------------------

def write_jsonl(path: Path, lines: list) -> Path:
    out = b""
    for line in lines:
        if isinstance(line, bytes):
            out += line + b"\n"
        elif isinstance(line, str):
            out += line.encode("utf-8") + b"\n"
        else:
            out += json.dumps(line, ensure_ascii=False).encode("utf-8") + b"\n"
    path.write_bytes(out)
    return path


def test_jsonl_fields_and_keys(tmp_path):
    feed = write_jsonl(tmp_path / "feed.jsonl", [
        {"id": "m-1", "title": "Pier opens", "date": "2030-01-02", "url": "https://example.invalid/m-1",
         "text": "Maplefield opened its new ferry pier on Monday."},
        {"url": "https://example.invalid/only-url", "text": "Maplefield harbour dredging is finished."},
        {"text": "青禾市新建了两座公园。", "date": 20300105, "title": 42},
    ])
    first, second, third = load(feed)
    assert (first.source, first.title, first.date, first.url) == (
        "feed.jsonl#m-1", "Pier opens", "2030-01-02", "https://example.invalid/m-1")
    assert first.text == "Maplefield opened its new ferry pier on Monday." and first.lang == "en"
    assert second.source == "feed.jsonl#https://example.invalid/only-url"   # no id: the url is the key
    assert second.title == "Maplefield harbour dredging is finished."      # no title: taken from the text
    assert third.source == "feed.jsonl#3"                                  # neither: the line number
    assert third.title == "青禾市新建了两座公园。"                            # a non-string title is ignored
    assert third.date == "20300105" and third.url is None and third.lang == "zh-Hans"
    assert all(a.nbytes > 0 for a in (first, second, third))


def test_jsonl_duplicate_id_gets_its_line_number(tmp_path):
    feed = write_jsonl(tmp_path / "feed.jsonl", [
        {"id": "dup", "text": "Maplefield opened a ferry pier."},
        {"id": "other", "text": "Maplefield repaved the harbour road."},
        {"id": "dup", "text": "Maplefield planted a thousand trees."},
    ])
    items = load(feed)
    assert [a.source for a in items] == ["feed.jsonl#dup", "feed.jsonl#other", "feed.jsonl#3"]
    assert "thousand trees" in items[2].text


def test_jsonl_duplicate_id_never_repeats_a_source(tmp_path):
    feed = write_jsonl(tmp_path / "feed.jsonl", [
        {"id": "2", "text": "Maplefield opened a ferry pier."},
        {"id": "2", "text": "Maplefield planted a thousand trees."},
    ])
    sources = [a.source for a in load(feed)]
    assert len(sources) == 2 and len(set(sources)) == 2


def test_jsonl_bad_lines_are_skipped_with_file_and_line(tmp_path):
    feed = write_jsonl(tmp_path / "feed.jsonl", [
        {"id": "ok", "text": "Maplefield opened a ferry pier."},
        "{not json",
        [1, 2, 3],
        {"id": "blank", "text": "   "},
        {"id": "no-text", "title": "Only a title"},
        "",                                         # blank lines are not reported
        b'{"text": "bad \xff byte"}',
        {"id": "ok2", "text": "Maplefield planted a thousand trees."},
    ])
    items = load(feed, "news/feed.jsonl")
    skips = [i for i in items if isinstance(i, Skip)]
    assert [a.source for a in items if isinstance(a, Article)] == ["news/feed.jsonl#ok", "news/feed.jsonl#ok2"]
    assert [s.where for s in skips] == ["news/feed.jsonl:2", "news/feed.jsonl:3", "news/feed.jsonl:4",
                                        "news/feed.jsonl:5", "news/feed.jsonl:7"]
    reasons = [s.reason for s in skips]
    assert "not valid JSON" in reasons[0]
    assert "JSON object" in reasons[1]
    assert "text" in reasons[2] and "text" in reasons[3]
    assert "UTF-8" in reasons[4]
    assert str(skips[0]).startswith("skipped news/feed.jsonl:2: ") and "\n" not in str(skips[0])


def test_empty_jsonl_is_one_skip(tmp_path):
    feed = tmp_path / "empty.jsonl"
    feed.write_text("\n  \n", encoding="utf-8")
    (skip,) = load(feed)
    assert isinstance(skip, Skip) and skip.where == "empty.jsonl" and "empty" in skip.reason


# -- plain text in Chinese encodings ---------------------------------------------------------

SIMPLIFIED = ("银杉县举办第三届陶瓷文化节\n"
              "银杉县今年共有十八家陶瓷企业参加文化节，展出作品三百余件。\n"
              "主办方表示，明年将继续扩大规模，并邀请更多手工艺人参加。\n")
TRADITIONAL = ("銀杉縣舉辦第三屆陶瓷文化節\n"
               "銀杉縣今年共有十八家陶瓷企業參加文化節，展出作品三百餘件。\n"
               "主辦方表示，明年將繼續擴大規模，並邀請更多手工藝人參加。\n")


@pytest.mark.parametrize("text,encoding,lang", [
    (SIMPLIFIED, "gb18030", "zh-Hans"),
    (TRADITIONAL, "big5", "zh-Hant"),
], ids=["gb18030", "big5"])
def test_txt_in_chinese_encodings(tmp_path, text, encoding, lang):
    raw = text.encode(encoding)
    assert raw != text.encode("utf-8")
    (tmp_path / "a.txt").write_bytes(raw)
    a = only_article(load(tmp_path / "a.txt"))
    assert a.text == text.strip()              # decoded exactly, original script kept
    assert a.title == text.splitlines()[0]
    assert a.lang == lang and a.date is None and a.nbytes == len(raw)


def test_txt_date_from_a_labelled_line(tmp_path):
    (tmp_path / "b.txt").write_text("青禾市新建两座公园\n发布时间：2031-03-04 09:15\n青禾市新建了两座公园，面积共计十公顷。\n",
                                    encoding="utf-8")
    assert only_article(load(tmp_path / "b.txt")).date == "2031-03-04 09:15"


# -- files that are not read -----------------------------------------------------------------

@pytest.mark.parametrize("name,shown", [("report.pdf", "'.pdf'"), ("README", "'README'"), ("data.JSON", "'.json'")])
def test_unsupported_suffix_is_skipped_naming_it(tmp_path, name, shown):
    (tmp_path / name).write_text("Maplefield opened a ferry pier.", encoding="utf-8")
    (skip,) = load(tmp_path / name)
    assert isinstance(skip, Skip) and skip.where == name
    assert shown in skip.reason and ".txt" in skip.reason and ".jsonl" in skip.reason


def test_too_large_file_is_skipped_naming_the_limit(tmp_path):
    big = tmp_path / "big.txt"
    big.write_bytes(b"Maplefield opened a ferry pier. " * 70_000)   # about 2.1 MB
    (skip,) = load(big, max_bytes=2 * MB)
    assert isinstance(skip, Skip) and skip.where == "big.txt"
    assert "too large" in skip.reason and "> 2 MB" in skip.reason and "RAG_MAX_FILE_MB" in skip.reason


def test_file_at_the_limit_is_read(tmp_path):
    small = tmp_path / "small.txt"
    small.write_text("Maplefield opened a ferry pier.\nIt cost four million yuan.\n", encoding="utf-8")
    size = small.stat().st_size
    assert isinstance(only_article(load(small, max_bytes=size)), Article)
    (skip,) = load(small, max_bytes=size - 1)
    assert isinstance(skip, Skip) and "too large" in skip.reason


def test_too_large_file_reason_names_a_fractional_limit(tmp_path):
    big = tmp_path / "big.txt"
    big.write_text("Maplefield opened a ferry pier. " * 16_000, encoding="utf-8")   # about 0.5 MB
    (skip,) = load(big, max_bytes=int(0.4 * MB))
    assert "0.4 MB" in skip.reason


@pytest.mark.parametrize("data,reason", [(b"", "empty"), (b"\x00\x01\x02PK\x03\x04", "binary")])
def test_unreadable_text_is_a_skip_not_an_error(tmp_path, data, reason):
    (tmp_path / "x.txt").write_bytes(data)
    (skip,) = load(tmp_path / "x.txt")
    assert isinstance(skip, Skip) and reason in skip.reason


def test_text_that_cleans_to_nothing_is_skipped(tmp_path):
    (tmp_path / "chrome.html").write_text("<html><body><nav>首页</nav><script>x()</script></body></html>",
                                          encoding="utf-8")
    (skip,) = load(tmp_path / "chrome.html")
    assert isinstance(skip, Skip) and "no article text" in skip.reason


# -- discover --------------------------------------------------------------------------------

def test_discover_walks_directories_sorted_and_skips_hidden(tmp_path):
    root = tmp_path / "articles"
    (root / "sub").mkdir(parents=True)
    (root / ".git").mkdir()
    for rel in ["b.txt", "a.md", "sub/c.html", ".hidden.txt", ".git/config.txt", "sub/.draft.md"]:
        (root / rel).write_text("Maplefield opened a ferry pier.", encoding="utf-8")
    found = discover([root])
    assert [source for _, source in found] == ["a.md", "b.txt", "sub/c.html"]
    assert all(path.is_file() and path.relative_to(root).as_posix() == source for path, source in found)


def test_discover_takes_a_file_by_its_name(tmp_path):
    (tmp_path / "one.txt").write_text("Maplefield opened a ferry pier.", encoding="utf-8")
    assert discover([tmp_path / "one.txt"]) == [(tmp_path / "one.txt", "one.txt")]


def test_discover_raises_for_a_missing_path_before_any_work(tmp_path):
    (tmp_path / "one.txt").write_text("Maplefield opened a ferry pier.", encoding="utf-8")
    with pytest.raises(InputError, match="no-such-folder"):
        discover([tmp_path / "one.txt", tmp_path / "no-such-folder"])


# -- make_article ----------------------------------------------------------------------------

def test_make_article_fills_title_date_and_language():
    a = make_article("x/y.txt", "Maplefield ferry pier opens\nPublished: 2031-07-08\nThe pier opened on Monday.",
                     title="   ")
    assert a.source == "x/y.txt" and a.title == "Maplefield ferry pier opens"   # a blank title is replaced
    assert a.date == "2031-07-08" and a.lang == "en" and a.url is None


def test_make_article_keeps_given_values():
    a = make_article("f.jsonl#k", "青禾市新建了两座公园。", title=" 公园 ", date="2031-01-01",
                     url="https://example.invalid/k")
    assert (a.title, a.date, a.url, a.lang) == ("公园", "2031-01-01", "https://example.invalid/k", "zh-Hans")


def test_make_article_returns_none_for_blank_text():
    assert make_article("e.txt", "  \n\t\n ") is None


# -- inputs that are not articles: one skip each, naming the file (and line) and why -----------

def test_jsonl_line_with_a_lone_surrogate_is_skipped_and_the_next_read(tmp_path):
    path = tmp_path / "feed.jsonl"
    path.write_text('{"id": "x\\ud800", "text": "北岸港新增泊位7个。"}\n'
                    '{"id": "ok", "title": "\\udfff", "text": "青禾县种植茶叶560亩。"}\n'
                    '{"id": "good", "text": "河谷镇茶叶出口创下新高。"}\n', encoding="utf-8")
    items = load(path)
    skips = [i for i in items if isinstance(i, Skip)]
    assert [s.where for s in skips] == ["feed.jsonl:1", "feed.jsonl:2"]
    assert "'id'" in skips[0].reason and "'title'" in skips[1].reason and "surrogate" in skips[0].reason
    assert [i.source for i in items if isinstance(i, Article)] == ["feed.jsonl#good"]


def test_jsonl_line_nested_too_deeply_is_skipped(tmp_path):
    path = tmp_path / "deep.jsonl"
    path.write_text("[" * 100_000 + "]" * 100_000 + '\n{"id": "ok", "text": "河谷镇茶叶出口创下新高。"}\n')
    items = load(path)
    assert isinstance(items[0], Skip) and items[0].where == "deep.jsonl:1" and "nested" in items[0].reason
    assert only_article(items[1:]).source == "deep.jsonl#ok"


@pytest.mark.parametrize("page", [
    "<html><body><div><span></span></div></body></html>",
    "<html><body><script>var s = '北岸港新增泊位7个';</script><style>p {color: red}</style></body></html>",
])
def test_html_with_no_text_outside_scripts_is_skipped(tmp_path, page):
    path = tmp_path / "page.html"
    path.write_text(page)
    assert load(path) == [Skip("page.html", "no article text left after cleaning")]


def test_text_file_with_nul_bytes_is_skipped_as_binary(tmp_path):
    path = tmp_path / "nul.txt"
    path.write_bytes("北岸港\x00新增泊位7个。".encode())
    (skip,) = load(path)
    assert isinstance(skip, Skip) and "binary" in skip.reason


def test_a_fifo_is_skipped_never_opened(tmp_path):
    import os

    os.mkfifo(tmp_path / "pipe.txt")
    assert load(tmp_path / "pipe.txt") == [Skip("pipe.txt", "not a regular file (a FIFO); only regular files are read")]
    assert [s for _, s in discover([tmp_path])] == ["pipe.txt"]   # listed, for load_file to skip


def test_a_symlink_loop_is_one_skipped_path_in_a_folder_and_on_the_command_line(tmp_path):
    folder = tmp_path / "news"
    folder.mkdir()
    (folder / "a").symlink_to("b")
    (folder / "b").symlink_to("a")
    (folder / "good.txt").write_text("河谷镇茶叶出口创下新高。")
    found = discover([folder])
    assert [s for _, s in found] == ["a", "b", "good.txt"]
    assert load(folder / "a") == [Skip("a", "a symbolic link loop")]
    assert [s for _, s in discover([folder / "a", folder / "good.txt"])] == ["a", "good.txt"]


def test_same_names_in_two_folders_become_two_sources(tmp_path):
    for d in ("d1", "d2"):
        (tmp_path / d).mkdir()
        (tmp_path / d / "same.txt").write_text(f"{d}的文章。")
    (tmp_path / "d1" / "only.txt").write_text("唯一的文章。")
    by_folder = [s for _, s in discover([tmp_path / "d1", tmp_path / "d2"])]
    assert by_folder == ["only.txt", f"{tmp_path}/d1/same.txt", f"{tmp_path}/d2/same.txt"]
    by_file = [s for _, s in discover([tmp_path / "d1" / "same.txt", tmp_path / "d2" / "same.txt"])]
    assert by_file == [f"{tmp_path}/d1/same.txt", f"{tmp_path}/d2/same.txt"]
    # one file given twice is not a clash: it keeps its name
    assert {s for _, s in discover([tmp_path / "d1", tmp_path / "d1" / "same.txt"])} == {"only.txt", "same.txt"}
