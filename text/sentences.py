"""Sentence splitting for Chinese and English, with character offsets.

Used by the chunker (chunks are whole sentences) and by the reader (quotes are sentences).
Ends: 。！？；!? and '.' when followed by a space and not part of an abbreviation or number.

>>> [s.text for s in split_sentences("共有七家。其中两家为岚汀区企业！Larkspur Co., Ltd. won. Next")]
['共有七家。', '其中两家为岚汀区企业！', 'Larkspur Co., Ltd. won.', 'Next']
"""

from __future__ import annotations

import re
from dataclasses import dataclass

__all__ = ["Sentence", "split_sentences"]

# A sentence ends after 。！？；!?… (plus closing quotes/brackets), after '.' followed by
# white space (or by closing quotes, then white space), or at a line break.
_END_RE = re.compile(r"""([。！？；!?]+|…{1,2}|\.{3,}|(?<=[^\s.])\.(?=[”’"'」』)）\]]*\s))[”’"'」』)）\]]*|\n+""")
_ABBREV = {"co", "ltd", "inc", "corp", "no", "mr", "mrs", "ms", "dr", "st", "jr", "sr", "vs",
           "etc", "e.g", "i.e", "u.s", "u.k", "jan", "feb", "mar", "apr", "jun", "jul", "aug",
           "sep", "sept", "oct", "nov", "dec", "prof", "gov", "dept", "fig"}


@dataclass(frozen=True)
class Sentence:
    text: str
    start: int  # offset of text[0] in the source string
    end: int


_COMPANY_ENDS = {"ltd", "inc", "corp", "llc", "plc"}


_WORD_BEFORE = re.compile(r"([A-Za-z][A-Za-z.]*)$")
_NEXT_LETTER = re.compile(r"\s+([A-Za-z])")
_LOOK_BACK = 40   # longer than any abbreviation: the look at the word before a '.' is bounded


def _is_abbreviation(text: str, dot: int) -> bool:
    # only a bounded window before the dot is read, so splitting stays linear in the text's
    # length (a whole-prefix search made one long line of English quadratic)
    word = _WORD_BEFORE.search(text[max(0, dot - _LOOK_BACK):dot])
    if not word:
        return False
    w = word.group(1).lower().rstrip(".")
    if w in _COMPANY_ENDS:
        # "Co., Ltd. and X" goes on; "Co., Ltd. The next sentence" ends
        nxt = _NEXT_LETTER.match(text, dot + 1)
        return not (nxt and nxt.group(1).isupper())
    return w in _ABBREV or len(w) == 1


def split_sentences(text: str) -> list[Sentence]:
    sentences: list[Sentence] = []
    start = 0
    for m in _END_RE.finditer(text):
        if m.group(0).startswith(".") and not m.group(0).startswith("...") and _is_abbreviation(text, m.start()):
            continue
        end = m.end()
        _add(sentences, text, start, end)
        start = end
    _add(sentences, text, start, len(text))
    return sentences


def _add(out: list[Sentence], text: str, start: int, end: int) -> None:
    piece = text[start:end]
    stripped = piece.strip()
    if not stripped:
        return
    lead = len(piece) - len(piece.lstrip())
    s = start + lead
    out.append(Sentence(stripped, s, s + len(stripped)))
