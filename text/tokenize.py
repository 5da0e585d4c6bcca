"""Tokens for the lexical (BM25) index, from normalised text.

Chinese runs are segmented with jieba and also cut into overlapping character bigrams, so
a name jieba does not know (a company, a district) still matches. English words are lower
case with a light plural/possessive stemmer. Numbers are kept whole ("293.87", "2022").
Stop words are dropped from words, not from bigrams.

Any input is tokenised in linear time and no token is longer than MAX_TOKEN characters: a
longer Latin or digit run (a 500,000-letter line with no spaces) is cut into pieces of that
size, and a long Chinese run is segmented in windows of SEGMENT_WINDOW characters.

>>> lexical_tokens("岚汀区 奖励资金 Enterprises' awards 417.36万元")[:6]
['岚汀区', '岚汀', '汀区', '奖励', '资金', '奖励']
"""

from __future__ import annotations

import logging
import re
from functools import lru_cache

import jieba

__all__ = ["chinese_words", "lexical_tokens", "word_tokens", "stem", "STOP_WORDS", "MAX_TOKEN", "SEGMENT_WINDOW"]

MAX_TOKEN = 32          # characters; no real word or number is longer
SEGMENT_WINDOW = 256    # characters of a Chinese run given to jieba at once

jieba.setLogLevel(logging.WARNING)

_RUN_RE = re.compile(r"[\u3400-\u9fff]+|[a-z]+(?:'[a-z]+)?|\d+(?:\.\d+)?")

STOP_WORDS = frozenset("""
的 了 是 在 和 与 及 或 等 也 都 而 并 被 把 对 从 为 以 于 之 其 这 那 有 个 中 上 下 不 就 还 又
吗 呢 吧 啊 么 多少 几 哪些 哪个 哪家 哪几 什么 怎么 如何 谁 是否 请问 一共 共有 共 有关 关于 该 此 各
a an the of in on at to for from by with and or is are was were be been being has have had
do does did what which who whom whose when where how many much that this these those it its
as into than then there their they them he she his her we our you your i me my not no yes
can could would should will shall may might must about after before over under up out
""".split())


def stem(word: str) -> str:
    """Very light English stemming: possessives and regular plurals.

    >>> [stem(w) for w in ["enterprises", "companies", "award's", "glass", "news", "classes"]]
    ['enterprise', 'company', 'award', 'glass', 'news', 'class']
    """
    if word.endswith("'s"):
        word = word[:-2]
    if len(word) > 4 and word.endswith("ies"):
        return word[:-3] + "y"
    if len(word) > 4 and word.endswith(("sses", "xes", "ches", "shes")):
        return word[:-2]
    if len(word) > 3 and word.endswith("s") and not word.endswith(("ss", "us", "is", "ws")):
        return word[:-1]
    return word


@lru_cache(maxsize=200_000)
def _segment_short(run: str) -> tuple[str, ...]:
    return tuple(jieba.lcut(run, HMM=True))


def _segment(run: str) -> tuple[str, ...]:
    """jieba's words of a Chinese run; a long run in windows (jieba slows down on long runs
    without punctuation), cached for the short runs that make up ordinary text."""
    if len(run) <= 64:
        return _segment_short(run)
    out: list[str] = []
    for i in range(0, len(run), SEGMENT_WINDOW):
        out.extend(jieba.lcut(run[i:i + SEGMENT_WINDOW], HMM=True))
    return tuple(out)


def _pieces(run: str) -> list[str]:
    """A Latin or digit run as it is, or cut into MAX_TOKEN-character pieces when longer."""
    if len(run) <= MAX_TOKEN:
        return [run]
    return [run[i:i + MAX_TOKEN] for i in range(0, len(run), MAX_TOKEN)]


def word_tokens(norm: str) -> list[str]:
    """Words only (jieba words, stemmed English, numbers), stop words removed."""
    out: list[str] = []
    for m in _RUN_RE.finditer(norm):
        run = m.group(0)
        if "\u3400" <= run[0] <= "\u9fff":
            out.extend(w for w in _segment(run) if w not in STOP_WORDS)
        elif len(run) > MAX_TOKEN:
            out.extend(_pieces(run))
        elif run[0].isdigit():
            out.append(run)
        elif run not in STOP_WORDS:
            out.append(stem(run))
    return out


def chinese_words(norm: str) -> list[tuple[int, str]]:
    """Every jieba word of the Chinese runs of `norm`, stop words included, with its offset."""
    out: list[tuple[int, str]] = []
    for m in _RUN_RE.finditer(norm):
        at = m.start()
        if "\u3400" <= norm[at] <= "\u9fff":
            for w in _segment(m.group(0)):
                out.append((at, w))
                at += len(w)
    return out


def lexical_tokens(norm: str) -> list[str]:
    """Words plus CJK character bigrams: what the BM25 index stores for a chunk."""
    out: list[str] = []
    for m in _RUN_RE.finditer(norm):
        run = m.group(0)
        if "\u3400" <= run[0] <= "\u9fff":
            out.extend(w for w in _segment(run) if len(w) > 1 and w not in STOP_WORDS)
            out.extend(run[i:i + 2] for i in range(len(run) - 1))
        elif len(run) > MAX_TOKEN:
            out.extend(_pieces(run))
        elif run[0].isdigit():
            out.append(run)
        elif run not in STOP_WORDS:
            out.append(stem(run))
    return out
