"""Words with part-of-speech tags and character offsets, for reading answers out of a sentence.

Chinese is cut and tagged by jieba's tagger (`nr` person, `ns` place, `nt` organisation, `nz`
other proper noun, `m` numeral, `q` measure word, `t` time, `v` verb, `n` noun ...); English
words and numbers are cut by a regular expression and tagged `eng` (or `m`, or `cap` when the
original is capitalised); a unit sign stays with its number ("12%", "28℃"). White space is dropped; punctuation is kept with the tag `x`, so the
offsets of the remaining words still point into the text.

>>> [(t.text, t.flag) for t in tag_words("厦门市质量奖，共14家")]
[('厦门市', 'ns'), ('质量奖', 'n'), ('，', 'x'), ('共', 'd'), ('14', 'm'), ('家', 'q')]
>>> [t.text for t in tag_words("获奖的有甲钢厂和丙化工厂")]
['获奖', '的', '有', '甲', '钢厂', '和', '丙', '化工厂']
>>> [(t.text, t.flag, t.start) for t in tag_words("Larkspur won 3 awards.")]
[('Larkspur', 'cap', 0), ('won', 'eng', 9), ('3', 'm', 13), ('awards', 'eng', 15), ('.', 'x', 21)]
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

import jieba.posseg

__all__ = ["Tagged", "tag_words", "transliteration_share", "POS_GROUPS", "pos_group"]

# a sign written right after a number as its unit: per cent, per mille, degrees (of heat, or of an
# angle with its minutes and seconds: "40°15′37″")
_UNIT_SIGNS = r"%|％|‰|℃|℉|°[CFcf](?![A-Za-z])|°|′|″"
_LATIN = re.compile(r"[A-Za-z]+(?:['’][A-Za-z]+)*|\d+(?:[.,]\d+)*(?:" + _UNIT_SIGNS
                    + r")?|[^\sA-Za-z\d\u3400-\u9fff]|[\u3400-\u9fff]+")


@dataclass(frozen=True)
class Tagged:
    text: str
    flag: str
    start: int   # offset in the tagged string
    end: int

    @property
    def is_punct(self) -> bool:
        return self.flag == "x"


# Particles and prepositions that jieba's guesser for unknown words glues onto a name
# ("有甲钢厂" -> 有甲 / 钢厂); split off again when the glued word is not in the dictionary.
_GLUE = set("的了是在和与及或有为由被把将对从向于之等")


_TRANSLITERATED = ("nrt", "nrfg")   # jieba's tags of transliterated and foreign names


@lru_cache(maxsize=1)
def _transliteration_counts() -> tuple[dict[str, int], dict[str, int]]:
    jieba.initialize()
    inside: dict[str, int] = {}
    total: dict[str, int] = {}
    for word, flag in jieba.posseg.dt.word_tag_tab.items():
        for ch in set(word):
            total[ch] = total.get(ch, 0) + 1
            if flag in _TRANSLITERATED:
                inside[ch] = inside.get(ch, 0) + 1
    return inside, total


def transliteration_share(ch: str) -> float:
    """Share of the dictionary's words holding the character that are transliterated names:
    how much the character is a sound of a foreign name rather than a word of its own. Read
    from jieba's dictionary, not from a list.

    >>> transliteration_share("勒") > 0.2 > 0.02 > transliteration_share("时")
    True
    """
    inside, total = _transliteration_counts()
    return inside.get(ch, 0) / total[ch] if total.get(ch) else 0.0


# Runs of Chinese tagged lately, by text: the passages of a corpus come back question after
# question. 16,384 runs hold about 15 MB; against 1,024, an answer over 500 cmrc2018 val
# questions takes 201 ms instead of 218 (p50, benchmarks/bench_readers.py; RESULTS.md).
TAG_CACHE_RUNS = 16384


@lru_cache(maxsize=TAG_CACHE_RUNS)
def _tag_cjk(run: str) -> tuple[tuple[str, str], ...]:
    jieba.initialize()   # once; get_FREQ is None for every word before it
    out: list[tuple[str, str]] = []
    for p in jieba.posseg.lcut(run, HMM=True):
        word, flag = p.word, p.flag
        if len(word) >= 2 and not jieba.get_FREQ(word):   # unknown, or known with no frequency
            if word[0] in _GLUE:
                out.append((word[0], "p"))
                word = word[1:]
            if len(word) >= 2 and word[-1] in _GLUE:
                out.append((word[:-1], flag))
                word, flag = word[-1], "p"
        out.append((word, flag))
    return tuple(out)


def tag_words(text: str, cased: str | None = None) -> list[Tagged]:
    """Tagged words of `text` (any script), in order, with offsets into `text`. `cased` is the
    same text before lower-casing (as long as `text`), for telling capitalised words."""
    cased = cased if cased is not None and len(cased) == len(text) else text
    out: list[Tagged] = []
    for m in _LATIN.finditer(text):
        piece, start = m.group(0), m.start()
        if "\u3400" <= piece[0] <= "\u9fff":
            pos = start
            for word, flag in _tag_cjk(piece):
                out.append(Tagged(word, flag, pos, pos + len(word)))
                pos += len(word)
        elif piece[0].isdigit():
            out.append(Tagged(piece, "m", start, m.end()))
        elif piece[0].isalpha():
            out.append(Tagged(piece, "cap" if cased[start].isupper() else "eng", start, m.end()))
        else:
            out.append(Tagged(piece, "x", start, m.end()))
    return out


# coarse groups of jieba's part-of-speech flags (and the English tagger's cap / eng / m)
POS_GROUPS = ("noun", "name", "verb", "adjective", "adverb", "preposition", "particle", "numeral", "measure",
              "time", "pronoun", "conjunction", "direction", "latin", "punct", "other")
_FLAG_GROUP = {"n": "noun", "ng": "noun", "nl": "noun", "vn": "noun", "an": "noun",
               "nr": "name", "nrt": "name", "nrfg": "name", "ns": "name", "nt": "name", "nz": "name",
               "a": "adjective", "ad": "adjective", "ag": "adjective", "b": "adjective", "z": "adjective",
               "d": "adverb", "dg": "adverb", "p": "preposition", "c": "conjunction", "cc": "conjunction",
               "u": "particle", "uj": "particle", "ul": "particle", "uz": "particle", "ug": "particle",
               "uv": "particle", "ud": "particle", "y": "particle", "e": "particle",
               "m": "numeral", "mq": "numeral", "q": "measure", "t": "time", "tg": "time",
               "r": "pronoun", "rr": "pronoun", "rz": "pronoun", "f": "direction", "s": "direction",
               "eng": "latin", "cap": "latin", "x": "punct"}


def pos_group(flag: str) -> str:
    """The coarse group of a part-of-speech flag ("nr" -> "name", "vn" -> "noun", "v" -> "verb")."""
    if flag in _FLAG_GROUP:
        return _FLAG_GROUP[flag]
    return "verb" if flag.startswith("v") else "other"
