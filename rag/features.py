"""Features of a candidate answer span, each a small function of the question's frame and the
span in its sentence. The ranker's weights for them are fitted on open data
(benchmarks/fit_reader.py); nothing here is tuned by hand.

Three groups:
- the sentence: how well it covers the question, where its passage ranked;
- the span's place: how near the question's words are, whether the words next to it are the
  ones next to the question word ("翻译了 ___ 小说"), whether the span repeats the question;
- the span's type: number, date, person, place, organisation, title, list, with the unit and
  the year it sits with; crossed with the answer type the question asks for.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass
from functools import cached_property, lru_cache

from rag.frame import ANSWER_TYPES, WH_CLASSES, YEAR, Frame, bigram_recall, sentence_bigram_recall
from rag.spans import HARD_PUNCT, Span, SentenceView
from text.numbers import CLASSIFIERS, CURRENCY
from text.tagged import POS_GROUPS, pos_group

__all__ = ["SpanContext", "FEATURE_NAMES", "feature_vector", "BASE_FEATURES", "TYPE_FLAGS"]

_SKIP = set("的了是为在于被把将与和及之也都就还所有")
_DATE = re.compile(r"(?:1[5-9]|20)\d{2}\s*年|\d{1,2}\s*月(?:\s*\d{1,2}\s*日)?|\d{1,2}\s*日|"
                   r"(?:january|february|march|april|may|june|july|august|september|october|november|december)\b|"
                   r"世纪|年代|朝|时期|年间|公元|[一二三四五六七八九十]+年")
_ORG_END = re.compile(r"(公司|集团|大学|学院|学校|中学|小学|医院|银行|协会|委员会|研究院|研究所|中心|部|局|厅|署|党|会|队|俱乐部|"
                      r"co\.?|ltd\.?|inc\.?|university|college|group|company|corporation|bank|council|club)$")
_MONEY = tuple(sorted(CURRENCY, key=len, reverse=True))
_NUM = re.compile(r"\d|[零〇一二两三四五六七八九十百千万亿]{1,}(?=[" + CLASSIFIERS + "间元万亿%])")


@dataclass
class SpanContext:
    frame: Frame
    span: Span
    best_coverage: float          # of the best sentence for this question

    @property
    def view(self) -> SentenceView:
        return self.span.sent

    @cached_property
    def words(self):
        return self.view.words[self.span.i:self.span.j]

    @cached_property
    def clause(self) -> tuple[int, int]:
        """Word range of the clause holding the span."""
        ws = self.view.words
        a = self.span.i
        while a > 0 and not (ws[a - 1].is_punct and ws[a - 1].text in HARD_PUNCT):
            a -= 1
        b = self.span.j
        while b < len(ws) and not (ws[b].is_punct and ws[b].text in HARD_PUNCT):
            b += 1
        return a, b

    def neighbour(self, step: int) -> str:
        """The nearest content word before (step -1) or after (step +1) the span."""
        ws = self.view.words
        k = self.span.i - 1 if step < 0 else self.span.j
        while 0 <= k < len(ws) and (len(ws[k].text) == 1 and ws[k].text in _SKIP):
            k += step
        return ws[k].text if 0 <= k < len(ws) and not ws[k].is_punct else ""


# -- the sentence ---------------------------------------------------------------------------
def sentence_coverage(c: SpanContext) -> float:
    return c.view.coverage


def coverage_gap(c: SpanContext) -> float:
    """How far the sentence is behind the best one (0 for the best)."""
    return c.view.coverage - c.best_coverage


def passage_rank(c: SpanContext) -> float:
    return 1.0 / (1 + c.view.hit)


def sentence_rank(c: SpanContext) -> float:
    return 1.0 / (1 + c.view.rank)


def sentence_bigrams(c: SpanContext) -> float:
    """Share of the question's character bigrams found in the sentence."""
    return sentence_bigram_recall(c.frame.bigrams, c.view.norm)


def crosses_language(c: SpanContext) -> float:
    return float(c.view.cross)


def sentence_position(c: SpanContext) -> float:
    """1 / (1 + the sentence's place in its passage): what a thing is, and the figure a report
    leads with, tend to stand in its first sentences."""
    return 1.0 / (1 + c.view.index)


def lead_passage(c: SpanContext) -> float:
    """The sentence's passage opens its article."""
    return float(c.view.lead)


def slot_in_sentence(c: SpanContext) -> float:
    """Share of the words next to the question word (the slot's own words: "车站等级是什么" ->
    车站, 等级) that the sentence holds. The subject of a question is met by many sentences of
    its article; the words of the slot tell which of them answers it."""
    words = c.frame.left + c.frame.right
    return sum(1 for w in words if w in c.view.norm) / len(words) if words else 0.0


# -- the span's place -----------------------------------------------------------------------
def repeats_question(c: SpanContext) -> float:
    """Share of the span's words that are the question's own words (an answer rarely is)."""
    words = [k for k in range(c.span.i, c.span.j) if not c.view.words[k].is_punct]
    return sum(1 for k in words if c.view.match[k] > 0) / (len(words) or 1)


def _nearest(c: SpanContext, step: int) -> float:
    match = c.view.match
    k = c.span.i - 1 if step < 0 else c.span.j
    d = 0
    while 0 <= k < len(match):
        if match[k] > 0:
            return math.exp(-d / 3.0)
        if not c.view.words[k].is_punct:
            d += 1
        k += step
    return 0.0


def near_left(c: SpanContext) -> float:
    """A question word just before the span: exp(-words between / 3)."""
    return _nearest(c, -1)


def near_right(c: SpanContext) -> float:
    return _nearest(c, +1)


def window_coverage(c: SpanContext, width: int = 5) -> float:
    """Share of the question's term weight met within `width` words either side of the span."""
    match = c.view.match
    lo, hi = max(0, c.span.i - width), min(len(match), c.span.j + width)
    seen = {c.view.words[k].text: match[k] for k in list(range(lo, c.span.i)) + list(range(c.span.j, hi))
            if match[k] > 0}
    return min(1.0, sum(seen.values()) / c.view.total_weight)


def clause_coverage(c: SpanContext) -> float:
    """Share of the question's term weight met in the span's clause, outside the span."""
    a, b = c.clause
    match = c.view.match
    seen = {c.view.words[k].text: match[k] for k in range(a, b) if match[k] > 0 and not c.span.i <= k < c.span.j}
    return min(1.0, sum(seen.values()) / c.view.total_weight)


def _same(word: str, wanted: tuple[str, ...]) -> bool:
    return bool(word) and any(word == w or (len(w) >= 2 and len(word) >= 2 and (w in word or word in w))
                              for w in wanted)


def _around(c: SpanContext, width: int) -> str:
    """The `width` characters either side of the span, "|" between them."""
    norm = c.view.norm
    return norm[max(0, c.span.start - width):c.span.start] + "|" + norm[c.span.end:c.span.end + width]


def window_bigrams(c: SpanContext, width: int = 12) -> float:
    """Share of the question's character bigrams found within `width` characters either side
    of the span (robust where the question and the passage are segmented differently)."""
    return bigram_recall(c.frame.bigrams, _around(c, width))


@lru_cache(maxsize=1024)
def _cjk_chars(text: str) -> frozenset[str]:
    """The Chinese characters of `text`, particles left out (once per question, not per span)."""
    return frozenset(ch for ch in text if "\u3400" <= ch <= "\u9fff" and ch not in _SKIP)


def _share_in(chars: frozenset[str], text: str) -> float:
    return sum(1 for ch in chars if ch in text) / len(chars) if chars else 0.0


def slot_chars_near(c: SpanContext, width: int = 10) -> float:
    """Share of the Chinese characters of the four before and the four after the question word
    found within `width` characters either side of the span: a looser echo than whole words,
    which meets a paraphrase ("用途" ~ "用于", "等级" ~ "等")."""
    return _share_in(_cjk_chars(c.frame.before[-4:] + c.frame.after[:4]), _around(c, width))


def span_bigrams_in_question(c: SpanContext) -> float:
    """Share of the span's character bigrams that the question holds (an answer rarely repeats it)."""
    grams = c.frame.bigrams
    norm = c.span.norm
    pairs = [norm[k:k + 2] for k in range(len(norm) - 1)]
    return sum(1 for g in pairs if g in grams) / len(pairs) if pairs and grams else 0.0


def _aligned(c: SpanContext, step: int, wanted: tuple[str, ...], width: int = 4) -> float:
    ws = c.view.words
    k = c.span.i - 1 if step < 0 else c.span.j
    seen = 0
    found = 0
    while 0 <= k < len(ws) and seen < width:
        if ws[k].is_punct and ws[k].text in HARD_PUNCT:
            break
        if not ws[k].is_punct:
            seen += 1
            found += _same(ws[k].text, wanted)
        k += step
    return found / (len(wanted) or 1) if wanted else 0.0


def left_aligned(c: SpanContext) -> float:
    """Share of the words before the question word found within four words before the span."""
    return _aligned(c, -1, c.frame.left)


def right_aligned(c: SpanContext) -> float:
    """Share of the words after the question word found within four words after the span."""
    return _aligned(c, +1, c.frame.right)


def left_context(c: SpanContext) -> float:
    """The word before the span is one of those before the question word."""
    return float(_same(c.neighbour(-1), c.frame.left))


def right_context(c: SpanContext) -> float:
    """The word after the span is one of those after the question word."""
    return float(_same(c.neighbour(+1), c.frame.right))


def _common_run(question_side: str, sentence_side: str) -> int:
    """Characters both strings start with (spaces in the sentence skipped).

    >>> _common_run("选定了市花", "选 定了紫藤")
    3
    """
    n = 0
    chars = (ch for ch in sentence_side if not ch.isspace())
    for a, b in zip(question_side, chars):
        if a != b:
            break
        n += 1
    return n


_ECHO = 8     # characters of an echo that count


def left_echo(c: SpanContext) -> float:
    """How much of the question just before its question word the sentence repeats just before
    the span: a question is often its sentence with the answer swapped for the question word
    ("法国的首都是哪里" ~ "法国的首都是巴黎"). Characters in common, up to 8, over 8."""
    side = c.view.norm[max(0, c.span.start - 3 * _ECHO):c.span.start]
    return min(_ECHO, _common_run(c.frame.before[::-1], side[::-1])) / _ECHO


def right_echo(c: SpanContext) -> float:
    """The same after the question word and after the span ("谁发明了电话" ~ "贝尔发明了电话")."""
    side = c.view.norm[c.span.end:c.span.end + 3 * _ECHO]
    return min(_ECHO, _common_run(c.frame.after, side)) / _ECHO


def _grams(text: str) -> set[str]:
    return {text[k:k + 2] for k in range(len(text) - 1)}


def _squeezed(text: str) -> str:
    """The text without spaces (the question's sides are read without them)."""
    return "".join(text.split())


def left_window_echo(c: SpanContext) -> float:
    """Share of the character pairs of the question's last 8 characters before its question
    word found within 16 characters (spaces aside) before the span (an echo with a word or two between)."""
    grams = _grams(c.frame.before[-_ECHO:])
    side = _squeezed(c.view.norm[max(0, c.span.start - 4 * _ECHO):c.span.start])[-2 * _ECHO:]
    return sum(1 for g in grams if g in side) / len(grams) if grams else 0.0


def right_window_echo(c: SpanContext) -> float:
    """The same for the 8 characters after the question word and the 16 after the span."""
    grams = _grams(c.frame.after[:_ECHO])
    side = _squeezed(c.view.norm[c.span.end:c.span.end + 4 * _ECHO])[:2 * _ECHO]
    return sum(1 for g in grams if g in side) / len(grams) if grams else 0.0


def echo_both(c: SpanContext) -> float:
    """Echoed on both sides: the span sits where the question word sits."""
    return left_window_echo(c) * right_window_echo(c)


def ends_with_head(c: SpanContext) -> float:
    """The span ends with the noun asked about (哪所大学 -> 哈佛大学), or its last character."""
    head = c.frame.head
    if not head or not c.words:
        return 0.0
    last = c.words[-1].text
    return 1.0 if last == head or last.endswith(head) else 0.5 if len(head) >= 2 and last[-1] == head[-1] else 0.0


def starts_clause(c: SpanContext) -> float:
    return float(c.span.i == c.clause[0])


def ends_clause(c: SpanContext) -> float:
    return float(c.span.j == c.clause[1])


def length_words(c: SpanContext) -> float:
    return float(sum(1 for w in c.words if not w.is_punct))


def length_chars(c: SpanContext) -> float:
    return math.log1p(c.span.end - c.span.start)


def starts_with_verb(c: SpanContext) -> float:
    return float(bool(c.words) and c.words[0].flag.startswith("v"))


def ends_with_verb(c: SpanContext) -> float:
    return float(bool(c.words) and c.words[-1].flag.startswith("v"))


# -- the span's type ------------------------------------------------------------------------
def has_number(c: SpanContext) -> float:
    return float(bool(_NUM.search(c.span.norm)))


def is_date(c: SpanContext) -> float:
    return float(bool(_DATE.search(c.span.norm)) or any(w.flag == "t" for w in c.words))


def is_person(c: SpanContext) -> float:
    if any(w.flag == "nr" for w in c.words):
        return 1.0
    caps = [w for w in c.words if w.flag == "cap"]
    return float(bool(caps) and len(caps) == len([w for w in c.words if not w.is_punct]))


def is_place(c: SpanContext) -> float:
    return float(any(w.flag == "ns" for w in c.words))


def is_org(c: SpanContext) -> float:
    return float(any(w.flag == "nt" for w in c.words) or bool(_ORG_END.search(c.span.norm)))


def is_proper(c: SpanContext) -> float:
    return float(any(w.flag in ("nz", "nrt", "nrfg") for w in c.words))


def all_nouns(c: SpanContext) -> float:
    words = [w for w in c.words if not w.is_punct]
    return float(bool(words) and all(w.flag.startswith("n") or w.flag in ("eng", "cap") for w in words))


def is_money(c: SpanContext) -> float:
    norm = c.span.norm
    return float(has_number(c) > 0 and any(norm.endswith(u) or f"{u} " in norm for u in _MONEY))


def is_percent(c: SpanContext) -> float:
    return float("%" in c.span.norm or "百分之" in c.span.norm or "percent" in c.span.norm)


def latin_share(c: SpanContext) -> float:
    """Share of the span's letters and digits that are Latin letters (a scientific or English
    name inside a Chinese sentence is seldom what a Chinese question asks)."""
    chars = [ch for ch in c.span.text if ch.isalnum()]
    return sum(1 for ch in chars if ch.isascii() and ch.isalpha()) / len(chars) if chars else 0.0


_PAIRS = {"《": "》", "“": "”", "「": "」", "『": "』", "(": ")", "（": "）", "[": "]", "【": "】"}
_LOOSE = set("'\"‘’“”:：、—")
_QUOTE = re.compile(r"(?<![A-Za-z])'|'(?![A-Za-z])")    # not an apostrophe inside a word (Xi'an)


def broken_marks(c: SpanContext) -> float:
    """The span opens a bracket or quotation it does not close (or closes one it did not
    open), or begins or ends on a loose mark (a quote, a colon, a dash): cut in the wrong place."""
    text = c.span.text.strip()
    if not text:
        return 0.0
    for a, b in _PAIRS.items():
        if text.count(a) != text.count(b):
            return 1.0
    if text.count('"') % 2 or len(_QUOTE.findall(text)) % 2:
        return 1.0
    return float(text[0] in _LOOSE and text[0] not in "“‘" or text[-1] in _LOOSE and text[-1] not in "”’")


def is_quoted(c: SpanContext) -> float:
    return float(c.span.kind == "quoted")


def is_list(c: SpanContext) -> float:
    return float(c.span.kind == "list")


def is_clause(c: SpanContext) -> float:
    """One or more whole clauses (longer than a run of words)."""
    return float(c.span.kind == "clause")


def unit_matches(c: SpanContext) -> float:
    """The span counts in a measure word the question asks for (多少家 -> 8家)."""
    unit = c.frame.classifier
    norm = c.span.norm.rstrip()
    return float(bool(unit) and bool(norm) and norm[-1] in unit and has_number(c) > 0)


def year_agrees(c: SpanContext) -> float:
    """The question names a year and the span's clause names the same one."""
    if not c.frame.years:
        return 0.0
    a, b = c.clause
    ws = c.view.words
    text = c.view.norm[ws[a].start:ws[b - 1].end]
    return float(any(int(y) in c.frame.years for y in YEAR.findall(text)))


def year_contradicts(c: SpanContext) -> float:
    """The question names a year and the nearest year to the span is another one
    (in "从2019年的120家增加到2023年的180家", asked about 2023, 120家 stands with 2019)."""
    if not c.frame.years:
        return 0.0
    a, b = c.clause
    ws = c.view.words
    years = [(w.start, int(w.text)) for w in ws[a:b] if w.flag == "m" and YEAR.fullmatch(w.text)]
    if not years:
        return 0.0
    before = [y for pos, y in years if pos < c.span.start]
    nearest = before[-1] if before else min(years, key=lambda p: abs(p[0] - c.span.start))[1]
    return float(nearest not in c.frame.years)


# -- the words at the span's edges ------------------------------------------------------------
EDGES = ("first", "last", "before", "after")


def edge_groups(c: SpanContext) -> dict[str, str]:
    """The group of the span's first and last word and of the words just before and after it
    ('punct' at a sentence's edge): where the span is cut ("一向以纺织业" starts on an adverb)."""
    ws = c.view.words
    before = ws[c.span.i - 1].flag if c.span.i > 0 else "x"
    after = ws[c.span.j].flag if c.span.j < len(ws) else "x"
    return {"first": pos_group(ws[c.span.i].flag), "last": pos_group(ws[c.span.j - 1].flag),
            "before": pos_group(before), "after": pos_group(after)}


def edge_vector(c: SpanContext) -> list[float]:
    groups = edge_groups(c)
    return [1.0 if groups[e] == g else 0.0 for e in EDGES for g in POS_GROUPS]


BASE_FEATURES = [sentence_coverage, coverage_gap, passage_rank, sentence_rank, sentence_bigrams, crosses_language,
                 sentence_position, lead_passage, slot_in_sentence, slot_chars_near,
                 repeats_question, near_left, near_right, window_coverage, clause_coverage,
                 left_context, right_context, left_aligned, right_aligned, window_bigrams,
                 left_echo, right_echo, left_window_echo, right_window_echo, echo_both,
                 span_bigrams_in_question, ends_with_head, starts_clause, ends_clause,
                 length_chars, starts_with_verb, ends_with_verb, year_agrees, year_contradicts,
                 unit_matches]
TYPE_FLAGS = [has_number, is_date, is_person, is_place, is_org, is_proper, all_nouns, is_money, is_percent,
              is_quoted, is_list, is_clause, latin_share, broken_marks]
_LENGTHS = (1, 2, 3, 5, 8)   # word-count buckets: 1, 2, 3, 4-5, 6-8, 9+

FEATURE_NAMES = ([f.__name__ for f in BASE_FEATURES] + [f.__name__ for f in TYPE_FLAGS]
                 + [f"words<={n}" for n in _LENGTHS] + ["words>8"]
                 + [f"{t}*{f.__name__}" for t in ANSWER_TYPES for f in TYPE_FLAGS]
                 + [f"{t}*words<={n}" for t in ANSWER_TYPES for n in _LENGTHS] + [f"{t}*bias" for t in ANSWER_TYPES]
                 + [f"{e}={g}" for e in EDGES for g in POS_GROUPS]
                 + [f"wh={w}" for w in WH_CLASSES])


def feature_vector(c: SpanContext) -> list[float]:
    """The span's features in FEATURE_NAMES order."""
    base = [f(c) for f in BASE_FEATURES]
    flags = [f(c) for f in TYPE_FLAGS]
    n = length_words(c)
    lengths = [0.0] * (len(_LENGTHS) + 1)
    lengths[next((k for k, m in enumerate(_LENGTHS) if n <= m), len(_LENGTHS))] = 1.0
    crosses: list[float] = []
    cross_len: list[float] = []
    bias: list[float] = []
    for t in ANSWER_TYPES:
        on = t == c.frame.answer_type
        crosses.extend(flags if on else [0.0] * len(flags))
        cross_len.extend(lengths[:-1] if on else [0.0] * len(_LENGTHS))
        bias.append(1.0 if on else 0.0)
    wh = [1.0 if w == c.frame.wh_class else 0.0 for w in WH_CLASSES]
    return base + flags + lengths + crosses + cross_len + bias + edge_vector(c) + wh
