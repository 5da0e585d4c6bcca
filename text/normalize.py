"""Text normalisation shared by indexing and querying.

The index and the question go through exactly the same function, so a simplified-Chinese
question matches a traditional-Chinese article and full-width digits match half-width ones.

`fold()` maps every input character to exactly one output character (same length), so a
position found in folded text is the same position in the original; `normalize()` also
collapses whitespace and is what gets embedded and tokenised.
"""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache

import opencc

__all__ = ["fold", "normalize", "to_simplified", "to_traditional", "is_traditional", "is_simplified", "written_traditional", "has_cjk",
           "detect_language", "CJK_RE"]

CJK_RE = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]")
_WS_RE = re.compile(r"\s+")


@lru_cache(maxsize=1)
def _t2s() -> opencc.OpenCC:
    return opencc.OpenCC("t2s")


@lru_cache(maxsize=1)
def _s2t() -> opencc.OpenCC:
    return opencc.OpenCC("s2t")


def to_simplified(text: str) -> str:
    return _t2s().convert(text)


def to_traditional(text: str) -> str:
    return _s2t().convert(text)


@lru_cache(maxsize=4096)
def _fold_char(ch: str) -> str:
    # NFKC turns full-width ASCII (ＡＢＣ１２３，：) into half-width; keep it only when it stays one char.
    n = unicodedata.normalize("NFKC", ch)
    if len(n) != 1:
        n = ch
    if n == "\u3000" or (n.isspace() and n not in "\n"):
        n = " "
    return n.lower()


def fold(text: str) -> str:
    """Length-preserving normalisation: half-width, lower case, simplified Chinese.

    >>> fold("質量ＡＢ１２")
    '质量ab12'
    """
    folded = "".join(_fold_char(c) for c in text)
    simplified = to_simplified(folded)
    if len(simplified) == len(folded):
        return simplified
    # A phrase conversion changed the length: convert char by char to keep positions aligned.
    out = []
    for c in folded:
        s = to_simplified(c)
        out.append(s if len(s) == 1 else c)
    return "".join(out)


def normalize(text: str) -> str:
    """The indexing form: `fold` plus collapsed whitespace.

    >>> normalize("圖書館  開放\\n時間")
    '图书馆 开放 时间'
    """
    return _WS_RE.sub(" ", fold(text)).strip()


def has_cjk(text: str) -> bool:
    return CJK_RE.search(text) is not None


def is_traditional(text: str) -> bool:
    """True when the text holds characters that exist only in traditional Chinese."""
    cjk = "".join(CJK_RE.findall(text))
    return bool(cjk) and _changed(cjk, to_simplified) >= max(1, len(cjk) // 50)


def is_simplified(text: str) -> bool:
    """True when the text holds characters written otherwise in traditional Chinese
    ("这个", but not "北京", which both scripts write alike).

    >>> is_simplified("这个渡口"), is_simplified("北京渡口"), is_simplified("這個渡口")
    (True, False, False)
    """
    return _changed("".join(CJK_RE.findall(text)), to_traditional) > 0


def written_traditional(text: str) -> bool:
    """True when more of the text's characters are written otherwise in simplified Chinese
    than in traditional: the script a sentence is written in, which one character both
    scripts use in names (乾县, 里森) does not decide.

    >>> written_traditional("青禾王葬于北岸乾县梁山"), written_traditional("戴維·里森創建了幾座天文台")
    (False, True)
    """
    cjk = "".join(CJK_RE.findall(text))
    return _changed(cjk, to_simplified) > _changed(cjk, to_traditional)


def _changed(cjk: str, convert) -> int:
    """How many of the characters `convert` (one script to the other) writes otherwise."""
    return sum(1 for a, b in zip(cjk, convert(cjk)) if a != b)


def detect_language(text: str) -> str:
    """'zh-Hans', 'zh-Hant' or 'en' (the fallback for anything without enough Chinese)."""
    sample = text[:5000]
    cjk = len(CJK_RE.findall(sample))
    latin = len(re.findall(r"[A-Za-z]", sample))
    if cjk and cjk >= latin / 4:
        return "zh-Hant" if is_traditional(sample) else "zh-Hans"
    return "en"
