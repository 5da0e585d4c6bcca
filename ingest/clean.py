"""Cleaning of web-scraped article text, before anything is indexed.

What it removes:
- ruby/pinyin annotations that conversion sites leave after Chinese characters
  (`質(zhì)量` -> `質量`);
- page chrome at the top (site names, navigation crumbs) and the bottom (editor lines,
  copyright, contact blocks, stock tickers);
- teaser tails: the run of unrelated headlines or truncated snippets after the article ends;
- control characters and repeated lines.

What it deliberately keeps: the article's own script (traditional stays traditional; the
indexing form is made by `normalize`), bylines with dates, and lists inside the article.
"""

from __future__ import annotations

import re

__all__ = ["clean_text", "strip_ruby"]

_TONED = "āáǎàēéěèīíǐìōóǒòūúǔùǖǘǚǜüńňǹḿ"
# A CJK character followed by a parenthesised pinyin syllable that carries a tone mark or number.
_RUBY_RE = re.compile(
    rf"([\u3400-\u9fff])[(（]\s*((?=[a-z{_TONED}]*[{_TONED}1-5])[a-z{_TONED}]{{1,7}}[1-5]?)\s*[)）]")
_CONTROL_RE = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\u200b-\u200f\ufeff]")
_TERMINAL = "。！？!?.;；…」』”\"'"
_ELLIPSIS_RE = re.compile(r"(\.{3,}|…+)\s*$")
_TRAILING_PAREN_RE = re.compile(r"\s*[(（][^()（）]{1,24}[)）]\s*$")
_CHROME_RE = re.compile(
    r"(版权所有|版權所有|copyright|all rights reserved|未经授权|未經授權|不得转载|不得轉載|"
    r"联系我们|聯絡我們|聯繫我們|友情链接|友情鏈接|icp备|icp證|icp证|^\s*-*\s*(天气|天氣)\s*$|"
    r"^\s*(电话|電話|传真|傳真|地址|邮箱|郵箱|e-?mail|tel|fax)\s*[:：]|"
    r"股票名称|股票名稱|最新价|最新價|涨跌幅|漲跌幅|^\s*(首页|首頁|返回顶部|返回頂部|分享到|打印|关闭|關閉)\s*$)",
    re.IGNORECASE)


# The shape of a pinyin syllable once its tone is taken off: an initial, a vowel cluster, and
# -n, -ng or -r (zhong, lüe, er). "café" or "v2" is no syllable, so its parenthesis stays.
_UNTONED = str.maketrans("āáǎàēéěèīíǐìōóǒòūúǔùǖǘǚǜńňǹḿ", "aaaaeeeeiiiioooouuuuüüüünnnm")
_SYLLABLE_RE = re.compile(r"(?:zh|ch|sh|[bpmfdtnlgkhjqxrzcsyw])?[aeiouü]+(?:ng|n|r)?[1-5]?|[nm]g?[1-5]?")


def _ruby(m: re.Match) -> str:
    syllable = m.group(2).translate(_UNTONED)
    return m.group(1) if _SYLLABLE_RE.fullmatch(syllable) else m.group(0)


def strip_ruby(text: str) -> str:
    """Drop pinyin annotations after Chinese characters.

    >>> strip_ruby("圖(tú)書館 開(kāi)放 杭州(Hangzhou) 咖啡馆(café)")
    '圖書館 開放 杭州(Hangzhou) 咖啡馆(café)'
    """
    return _RUBY_RE.sub(_ruby, text)


_BYLINE_RE = re.compile(r"[(（][^()（）]{1,24}[)）]")
_QUOTED_RE = re.compile(r"[“「『][^“”「」『』]*[”」』]\s*$")


def _ends_properly(line: str) -> bool:
    line = line.rstrip()
    if _BYLINE_RE.fullmatch(line):
        return True   # a parenthesised byline on its own line: （记者 苏默）
    if _QUOTED_RE.search(line) and line.rstrip("”」』 ").endswith(("……", "…", "...")):
        return True   # a quotation that trails off (……”) is whole, not a truncated teaser
    line = _TRAILING_PAREN_RE.sub("", line)
    line = line.rstrip("”’\"'」』)）]】 ")
    return bool(line) and line[-1] in _TERMINAL and not _ELLIPSIS_RE.search(line)


def _is_chrome(line: str) -> bool:
    return _CHROME_RE.search(line) is not None


_LEAD = " ©®()（）【】[]<>《》-—*·•|:："


def _is_body_chrome(line: str) -> bool:
    """Chrome inside the article body: a line that starts with a chrome phrase ("版权所有 …",
    "Copyright © …", "联系我们"), or a short one that is no sentence. An article sentence that
    merely mentions copyright or contacting someone is kept."""
    m = _CHROME_RE.search(line)
    if m is None:
        return False
    lead = len(line) - len(line.lstrip(_LEAD))
    return m.start() <= lead + 1 or (len(line) < 40 and not _ends_properly(line))


def _tail_start(lines: list[str]) -> int:
    """Index of the first line of the trailing chrome/teaser block (len(lines) if none)."""
    half = lines[len(lines) // 2:]
    teasers = sum(1 for ln in half if _ELLIPSIS_RE.search(ln))
    teaser_mode = teasers >= 2
    cut = len(lines)
    for i in range(len(lines) - 1, -1, -1):
        ln = lines[i]
        tail_like = (
            _is_chrome(ln)
            or _ELLIPSIS_RE.search(ln) is not None
            or (not _ends_properly(ln) and (len(ln) < 60 or teaser_mode))
        )
        if not tail_like:
            break
        cut = i
    # Never cut the whole text, and keep a lone final line without punctuation in short texts.
    if cut == 0:
        return len(lines)
    return cut


def _head_start(lines: list[str]) -> int:
    """Skip leading site names and navigation crumbs (short lines without punctuation)."""
    i = 0
    while i < len(lines) - 1 and (_is_chrome(lines[i]) or (len(lines[i]) <= 6 and not _ends_properly(lines[i]))):
        i += 1
    return i


def clean_text(text: str) -> str:
    """Return the article text with annotations and chrome removed, paragraphs kept as lines."""
    text = _CONTROL_RE.sub("", text.replace("\r\n", "\n").replace("\r", "\n"))
    text = strip_ruby(text)
    lines = [ln.strip() for ln in text.split("\n")]
    lines = [ln for ln in lines if ln]
    if not lines:
        return ""
    lines = lines[_head_start(lines):]
    lines = lines[:_tail_start(lines)]
    out: list[str] = []
    seen: set[str] = set()
    for ln in lines:
        if _is_body_chrome(ln) and len(ln) < 200:
            continue
        if ln in seen and len(ln) < 200:
            continue  # repeated title / editor line
        seen.add(ln)
        out.append(ln)
    return "\n".join(out)
