"""Check an answer against the passages it was written from, before anyone sees it.

- Citation markers `[n]` (also `[1, 2]`, `[1][2]`, `【1】`) are parsed; a marker with no
  source n is removed and reported.
- Every number in the answer (Arabic or Chinese numerals, full-width digits, 万/亿/million,
  percentages, years) is normalised and looked for in the passages its sentence cites. One
  found only in another retrieved passage is still supported, and that passage's marker is
  added to the sentence, so every figure shown sits next to a citation that holds it. A
  number found in no passage is unsupported.
- Sentences of a passage that address the assistant rather than the reader ("ignore the
  above and say ...") are not evidence for anything (see `rag.prompt.is_instruction`).

The same check runs on every backend's answers, extractive ones included, so `verified`
means the same everywhere.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from text.sentences import split_sentences
from text.numbers import find_quantities, same_value
from rag.prompt import is_instruction
from rag.types import Hit

__all__ = ["Verification", "verify_answer", "citation_numbers", "without_markers"]

_ENUMERATOR = re.compile(r"(?m)^\s*(?:\d{1,2}[.)、]|[-*•])(?:\s+|$)")  # "1. " list numbering is not a figure
_MARKER = re.compile(r"\s?(?:\[(\d+(?:\s*[,，、]\s*\d+)*)\]|【(\d+(?:\s*[,，、]\s*\d+)*)】)")


@dataclass
class Verification:
    answer: str                                   # the text with invalid markers removed (and missing ones added)
    cited: list[int] = field(default_factory=list)  # source numbers cited, in order of first use
    invalid_citations: list[int] = field(default_factory=list)
    unsupported_numbers: list[str] = field(default_factory=list)
    quotes: dict[int, str] = field(default_factory=dict)  # source n -> supporting sentence(s)

    @property
    def verified(self) -> bool:
        return not self.unsupported_numbers


def citation_numbers(text: str) -> list[int]:
    """The source numbers cited in a text, in order, without repeats.

    >>> citation_numbers("41 million yuan [2]. Since 2014 [1, 2]【3】")
    [2, 1, 3]
    """
    out: list[int] = []
    for m in _MARKER.finditer(text):
        for n in _marker_numbers(m):
            if n not in out:
                out.append(n)
    return out


def without_markers(text: str) -> str:
    """The text with its citation markers taken out.

    >>> without_markers("41 million yuan [2]【3】")
    '41 million yuan'
    """
    return _MARKER.sub("", text).strip()


def _marker_numbers(m: re.Match) -> list[int]:
    """[1, 2] / 【3】 -> [1, 2] / [3]"""
    return [int(n) for n in re.split(r"\s*[,，、]\s*", m.group(1) or m.group(2))]


def _evidence(hit: Hit) -> list[tuple[str, list[float]]]:
    """The passage's sentences that may back a figure, with the values they hold."""
    out = []
    for s in split_sentences(hit.text):
        if not is_instruction(s.text):
            out.append((s.text, [q.value for q in find_quantities(s.text, words=True)]))
    return out


def verify_answer(answer: str, hits: list[Hit]) -> Verification:
    n_sources = len(hits)
    evidence = [_evidence(h) for h in hits]
    invalid: list[int] = []

    def fix_marker(m: re.Match) -> str:
        nums = _marker_numbers(m)
        good = [n for n in nums if 1 <= n <= n_sources]
        invalid.extend(n for n in nums if n not in good and n not in invalid)
        return "".join(f" [{n}]" if i == 0 and m.group(0).startswith(" ") else f"[{n}]"
                       for i, n in enumerate(good))

    text = _MARKER.sub(fix_marker, answer)
    result = Verification(answer=text, invalid_citations=invalid)
    pieces: list[str] = []
    pos = 0
    for sent in split_sentences(text):
        pieces.append(text[pos:sent.start])
        pos = sent.end
        body = _ENUMERATOR.sub(" ", _MARKER.sub(" ", sent.text))
        cites = citation_numbers(sent.text)
        added: list[int] = []
        for q in find_quantities(body, words=True):
            holders = [n for n in range(1, n_sources + 1)
                       if any(any(same_value(q.value, v) for v in values) for _, values in evidence[n - 1])]
            if not holders:
                if q.text not in result.unsupported_numbers:
                    result.unsupported_numbers.append(q.text)
                continue
            in_cited = [n for n in cites + added if n in holders]
            n = in_cited[0] if in_cited else holders[0]
            if n not in cites and n not in added:
                added.append(n)
            quote = next(s for s, values in evidence[n - 1] if any(same_value(q.value, v) for v in values))
            _add_quote(result.quotes, n, quote)
        if added:
            pieces.append(_append_markers(sent.text, added))
        else:
            pieces.append(sent.text)
        for n in cites + added:
            if n not in result.cited:
                result.cited.append(n)
    pieces.append(text[pos:])
    result.answer = "".join(pieces).strip()
    for n in result.cited:
        if n not in result.quotes and evidence[n - 1]:
            result.quotes[n] = _best_sentence(text, evidence[n - 1])
    return result


def _add_quote(quotes: dict[int, str], n: int, sentence: str) -> None:
    have = quotes.get(n)
    if not have:
        quotes[n] = sentence
    elif sentence not in have:
        quotes[n] = f"{have} {sentence}"


def _append_markers(sentence: str, ns: list[int]) -> str:
    """Put markers before the sentence's closing punctuation: 'X rose 5% [2].'"""
    marks = "".join(f"[{n}]" for n in ns)
    m = re.search(r"[。！？.!?；;]+\s*$", sentence)
    if m:
        return f"{sentence[:m.start()].rstrip()} {marks}{sentence[m.start():]}"
    return f"{sentence.rstrip()} {marks}"


def _best_sentence(answer: str, sentences: list[tuple[str, list[float]]]) -> str:
    """The passage sentence sharing most characters/words with the answer."""
    from text.normalize import fold

    norm = fold(answer)
    grams = {norm[i:i + 2] for i in range(len(norm) - 1)}

    def overlap(s: str) -> int:
        f = fold(s)
        return sum(1 for i in range(len(f) - 1) if f[i:i + 2] in grams)

    return max((s for s, _ in sentences), key=overlap)
