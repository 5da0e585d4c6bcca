"""Article metadata read from the cleaned text: title and publish date.

The date is taken only where a page states when the article was published: a labelled
date (发布时间: / 發佈時間: / Published:) anywhere, or a full date-time in the first lines.
A date in the body ("2022年7月") is an event, not a publish date, and is not used.
"""

from __future__ import annotations

import re

__all__ = ["extract_title", "extract_date"]

_MONTHS = {m: i for i, m in enumerate(
    ["january", "february", "march", "april", "may", "june", "july", "august", "september",
     "october", "november", "december"], start=1)}

_LABEL = r"(?:发布时间|發布時間|發佈時間|发布日期|發布日期|时间|時間|日期|published|date|posted)\s*[:：]?\s*"
_YMD = r"(?P<y>(?:19|20)\d{2})\s*[-/.年]\s*(?P<m>\d{1,2})\s*[-/.月]\s*(?P<d>\d{1,2})\s*日?"
_HMS = r"(?:\s*(?P<H>\d{1,2})[:：](?P<M>\d{2})(?:[:：](?P<S>\d{2}))?)?"
_DATE_RE = re.compile(_YMD + _HMS)
_LABELLED_RE = re.compile(_LABEL + _YMD + _HMS, re.IGNORECASE)
_EN_DATE_RE = re.compile(
    r"\b(?P<mon>January|February|March|April|May|June|July|August|September|October|November|December)"
    r"\s+(?P<d>\d{1,2}),?\s+(?P<y>(?:19|20)\d{2})\b", re.IGNORECASE)


def _format(m: re.Match) -> str | None:
    y, mo, d = int(m.group("y")), int(m.group("m")), int(m.group("d"))
    if not (1 <= mo <= 12 and 1 <= d <= 31):
        return None
    out = f"{y:04d}-{mo:02d}-{d:02d}"
    if m.groupdict().get("H"):
        out += f" {int(m.group('H')):02d}:{m.group('M')}"
        if m.group("S"):
            out += f":{m.group('S')}"
    return out


def extract_date(text: str, head_lines: int = 6) -> str | None:
    """Publish date as 'YYYY-MM-DD' (plus ' HH:MM[:SS]' when the page gives the time).

    >>> extract_date("标题\\n- 發布時間:2014-09-16 09:36:02 來源:中國質量報")
    '2014-09-16 09:36:02'
    >>> extract_date("Title\\n2022-08-04 13:48\\n\\nBody")
    '2022-08-04 13:48'
    >>> extract_date("正文 2022年7月启动") is None
    True
    """
    for m in _LABELLED_RE.finditer(text[:3000]):
        if (found := _format(m)):
            return found
    head = "\n".join(text.splitlines()[:head_lines])
    for m in _DATE_RE.finditer(head):
        if (found := _format(m)):
            return found
    m = _EN_DATE_RE.search(head)
    if m:
        return f"{int(m.group('y')):04d}-{_MONTHS[m.group('mon').lower()]:02d}-{int(m.group('d')):02d}"
    return None


def extract_title(text: str, max_len: int = 80) -> str:
    """The first line when it reads like a headline, else the start of the first sentence."""
    first = next((ln.strip() for ln in text.splitlines() if ln.strip()), "")
    first = re.sub(r"^[#\-*\s]+", "", first)
    if len(first) <= max_len:
        return first
    sentence = re.split(r"(?<=[。！？!?])|(?<=\.)\s", first, maxsplit=1)[0]
    return sentence if len(sentence) <= max_len else sentence[: max_len - 1].rstrip() + "…"
