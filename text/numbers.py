"""Numbers as people write them in Chinese and English news, normalised to values.

    4100万 = 41 million = 41,000,000;  293.87万元 = 2,938,700;  五家 = 5;  三千九百零九 = 3909

`find_quantities` returns each number with its position and the unit or classifier that
follows it, which is what the reader matches against the question and what evaluation
compares answers by.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from text.normalize import fold

__all__ = ["Quantity", "find_quantities", "parse_chinese_numeral", "values_in", "same_value", "same_figure",
           "format_value_en", "CLASSIFIERS", "CURRENCY"]

_CN_DIGITS = {"零": 0, "〇": 0, "一": 1, "二": 2, "两": 2, "三": 3, "四": 4, "五": 5, "六": 6,
              "七": 7, "八": 8, "九": 9}
_CN_UNITS = {"十": 10, "百": 100, "千": 1000}
_SCALES = {"万亿": 1e12, "亿": 1e8, "万": 1e4, "千": 1e3, "百": 1e2,
           "thousand": 1e3, "million": 1e6, "billion": 1e9, "trillion": 1e12, "k": 1e3,
           "mn": 1e6, "bn": 1e9}
CURRENCY = ["元", "美元", "欧元", "港元", "港币", "人民币", "yuan", "rmb", "dollars", "dollar", "usd", "euros"]
CLASSIFIERS = "家个项名件张次位人所座条届批台套部种类款篇台辆艘年月天日岁倍级期吨户例只支枚份"

_ARABIC = r"\d+(?:,\d{3})*(?:\.\d+)?"
_CN_DIGITS_RE = "[零〇一二两三四五六七八九十百千]"
# 四万八千七百六十: 万 and 亿 inside a numeral; a trailing 万/亿 is read as the scale instead
_CN_NUM = rf"{_CN_DIGITS_RE}+(?:[万亿]{_CN_DIGITS_RE}+)*(?:点[零〇一二三四五六七八九]+)?"
_EN_WORDS = {"two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7, "eight": 8, "nine": 9, "ten": 10,
             "eleven": 11, "twelve": 12, "thirteen": 13, "fourteen": 14, "fifteen": 15, "sixteen": 16,
             "seventeen": 17, "eighteen": 18, "nineteen": 19, "twenty": 20, "thirty": 30, "forty": 40,
             "fifty": 50, "sixty": 60, "seventy": 70, "eighty": 80, "ninety": 90}
_FUNCTION_WORDS = {"of", "the", "and", "or", "to", "in", "on", "at", "for", "by", "with", "from", "a", "an",
                   "is", "are", "was", "were", "more", "times"}
_EN_NUM = r"\b(?:" + "|".join(sorted(_EN_WORDS, key=len, reverse=True)) + r")\b"
_SCALE = r"(?:\s*(?:万亿|亿|万|千(?![克米瓦])|thousand|million|billion|trillion|bn|mn)(?![a-z]))?"
_UNIT = (r"(?P<unit>%|％|" + "|".join(sorted((re.escape(c) for c in CURRENCY), key=len, reverse=True))
         + r"|余?多?[" + CLASSIFIERS + r"]|(?<=\s)[a-z]+)?")
_QTY_RE = re.compile(
    rf"(?P<ord>第)?(?P<num>{_ARABIC}|{_CN_NUM}|{_EN_NUM})(?P<scale>{_SCALE})\s*(?P<more>余|多|多万|余万)?\s*{_UNIT}",
    re.IGNORECASE)


_EN_ORDINAL = re.compile(r"(?:st|nd|rd|th)\b", re.IGNORECASE)


@dataclass(frozen=True)
class Quantity:
    value: float      # with the scale applied: 4100万 -> 41000000
    text: str         # as written, from the number through its unit
    start: int
    end: int
    unit: str         # the classifier, currency or English noun after the number ('' if none)
    ordinal: bool     # 第六届: an ordinal, not a count
    chinese: bool     # written in Chinese numerals

    @property
    def is_year(self) -> bool:
        return not self.chinese and self.value.is_integer() and 1900 <= self.value <= 2100 and \
            self.unit in ("", "年") and "," not in self.text


def parse_chinese_numeral(s: str) -> float | None:
    """Value of a Chinese numeral, or None.

    >>> [parse_chinese_numeral(x) for x in ["五", "十", "二十", "三千九百零九", "一点五", "四十"]]
    [5.0, 10.0, 20.0, 3909.0, 1.5, 40.0]
    """
    for big, factor in (("亿", 1e8), ("万", 1e4)):
        if big in s:
            high, low = s.split(big, 1)
            h = parse_chinese_numeral(high) if high else 1.0
            rest = parse_chinese_numeral(low) if low else 0.0
            if h is None or rest is None:
                return None
            # 四万八千 / 四万零八十 / 一万五 (= 15000: a bare last digit counts in the next unit down)
            if low and len(low) == 1 and low in _CN_DIGITS and not high.endswith("零"):
                rest *= factor / 10
            return h * factor + rest
    if "点" in s:
        whole, frac = s.split("点", 1)
        w = parse_chinese_numeral(whole) if whole else 0.0
        digits = "".join(str(_CN_DIGITS.get(c, "")) for c in frac)
        return None if w is None or not digits else float(f"{int(w)}.{digits}")
    total, current = 0, None
    for c in s:
        if c in _CN_DIGITS:
            current = _CN_DIGITS[c] if current is None else current * 10 + _CN_DIGITS[c]
        elif c in _CN_UNITS:
            total += (1 if current is None else current) * _CN_UNITS[c]
            current = None
        else:
            return None
    return float(total + (current or 0))


def find_quantities(text: str, words: bool = False) -> list[Quantity]:
    """All numbers in a text, with their units. Positions refer to `text` itself.

    `words=True` also reads English number words before a noun ("three enterprises"), which
    verification and scoring need; the reader leaves them out (an article's figures are digits,
    and "five enterprises" in passing is rarely the count asked about)."""
    folded = fold(text)  # same length: positions carry over
    out: list[Quantity] = []
    for m in _QTY_RE.finditer(folded):
        num = m.group("num")
        start = m.start("num")
        if start > 0 and (folded[start - 1].isalnum() and folded[start - 1].isascii()):
            continue  # part of a code such as "a3" or "PM2.5"
        unit = (m.group("unit") or "").strip()
        scale_word = m.group("scale").strip().lower()
        if num.lower() in _EN_WORDS:
            if not words or (not unit or unit in _FUNCTION_WORDS) and not scale_word:
                continue  # "three" counts only before a noun or scale: "three enterprises", "two million"
            value = float(_EN_WORDS[num.lower()]) * _SCALES.get(scale_word, 1.0)
            end = m.end("unit") if m.group("unit") else m.end()
            out.append(Quantity(value=value, text=text[start:end].strip(), start=start, end=end,
                                unit=unit, ordinal=False, chinese=False))
            continue
        chinese = not num[0].isdigit()
        if chinese:
            # Chinese numerals count only with a unit or scale (一方面, 统一 are words)
            if not unit and not scale_word:
                continue
            if len(num) == 1 and num == "一" and start > 0 and "\u4e00" <= folded[start - 1] <= "\u9fff" \
                    and folded[start - 1] not in "有共为是达约近获和及与了":
                continue  # 统一, 唯一, 之一: part of a word
            if scale_word in ("万", "亿", "万亿"):   # read with the numeral: 一亿二千万 = 1亿 + 2000万
                value, scale_word = parse_chinese_numeral(num + scale_word), ""
            else:
                value = parse_chinese_numeral(num)
            if value is None:
                continue
        else:
            value = float(num.replace(",", ""))
        if scale_word:
            value *= _SCALES.get(scale_word, 1.0)
        if m.group("more") and "万" in m.group("more"):
            value *= 1e4
        end = m.end("unit") if m.group("unit") else m.end()
        english_ordinal = not chinese and _EN_ORDINAL.match(folded, m.end("num")) is not None
        out.append(Quantity(value=value, text=text[start:end].strip(), start=start, end=end,
                            unit=unit.lstrip("余多"), ordinal=bool(m.group("ord")) or english_ordinal,
                            chinese=chinese))
    return out


def values_in(text: str) -> list[float]:
    """Every number value in a text (citation markers like [1] are ignored)."""
    text = re.sub(r"\[\d+\]", " ", text)
    return [q.value for q in find_quantities(text, words=True)]


def same_value(a: float, b: float) -> bool:
    return abs(a - b) <= 1e-6 * max(1.0, abs(a), abs(b))


def same_figure(a: Quantity, b: Quantity) -> bool:
    """The two are one figure: the same value, both ordinals or neither, in the same measure
    word, or each with an English noun after it ("12 winning firms" states the 12 of "12 firms").

    >>> one = lambda text: find_quantities(text)[0]
    >>> same_figure(one("4位"), one("4位获奖者")), same_figure(one("4个"), one("4位")), same_figure(one("第4届"), one("4届"))
    (True, False, False)
    >>> same_figure(one("12 firms"), one("12 winning firms")), same_figure(one("12%"), one("12 firms"))
    (True, False)
    """
    return a.value == b.value and a.ordinal == b.ordinal and (
        a.unit == b.unit or (_english_noun(a.unit) and _english_noun(b.unit)))


def _english_noun(unit: str) -> bool:
    return unit.isascii() and unit.isalpha()


def format_value_en(q: Quantity) -> str:
    """An English rendering of a Chinese-written quantity: 293.87万元 -> '2.9387 million yuan'."""
    v = q.value
    unit = q.unit
    money = unit in ("元", "人民币")
    if v >= 1e9 and v % 1e7 == 0 or v >= 1e9:
        num = f"{v / 1e9:.6g} billion"
    elif v >= 1e6:
        num = f"{v / 1e6:.6g} million"
    else:
        num = f"{v:,.6g}" if v >= 1e4 else f"{v:g}"
    if money:
        return f"{num} yuan"
    if unit in ("%", "％"):
        return f"{num}%"
    return num
