"""The offline extractive reader: answers from the retrieved passages, or abstains.

It picks the sentence that best covers the question's terms, then the span in it that has
the kind the question asks for (a count in the asked unit, an amount of money, a date, a
list of names, a person), nearest to the question's terms. Every number in the answer is
copied from the quoted sentence; when no sentence covers the question well enough, or no
span of the right kind sits near the thing asked about, it says it does not know.

What it does not do: arithmetic across passages, or paraphrase.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass, replace

from rag.question import Question, Terms
from rag.types import Hit, Reading
from text.normalize import fold, has_cjk, is_simplified, to_simplified, to_traditional, written_traditional
from text.numbers import CURRENCY, Quantity, find_quantities, format_value_en, same_figure
from text.sentences import split_sentences
from text.tokenize import STOP_WORDS, stem

__all__ = ["ExtractiveReader", "ABSTAIN_TEXT", "says_not_found", "in_question_script"]

ABSTAIN_TEXT = {
    "en": "The articles do not contain the answer to this question.",
    "zh": "资料中没有找到这个问题的答案。",
}
_NOT_FOUND = re.compile(r"do(?:es)? not (?:contain|include|mention|say|state|give|provide)|no information|"
                        r"not (?:mentioned|stated|found|given)|cannot (?:be )?(?:found|determined|answer)|"
                        r"没有找到|没有提到|没有提及|未提及|未提到|无法(?:回答|确定|得知)|没有(?:相关)?(?:信息|资料|答案)|"
                        r"沒有找到|沒有提到|未提及|無法", re.IGNORECASE)
_MIN_COVERAGE = 0.45
_ORG_SUFFIX = re.compile(r"(股份有限公司|有限责任公司|有限公司|集团公司|集团|公司|中心|研究院|研究所|大学|学院|医院|银行|"
                         r"工厂|厂|委员会|协会|co\.,? ?ltd\.?|ltd\.?|inc\.?|corporation|group|company)$", re.I)
_TOTAL_CUES = re.compile(r"共计|累计|总计|合计|一共|共有|总数|总额|共|total|in all|altogether|cumulative")
_ELIDED_TOTAL = re.compile(r"(?:总数|总计|共计|累计|合计|总额|总量|总共|一共|共)(?:达到|达|为|是|有)?|"
                           r"(?:bringing |for )?(?:the |a )?total(?: number)?(?: to| of)?")
_EN_CLAUSE_END = re.compile(r"[;:!?]|\.(?=\s|$)|,(?=\s+(?:and|but|or|while|whereas|with|which|who|where|"
                            r"bringing|making|initially|thus|so)\b)")
_PARENTHETICAL = re.compile(r"\([^()]{0,24}\)|（[^（）]{0,24}）")
_MONEY = set(CURRENCY)
_DATE_PATTERNS = [
    (re.compile(r"(?:19|20)\d{2}\s*年\s*\d{1,2}\s*月\s*\d{1,2}\s*日"), 3),
    (re.compile(r"(?:19|20)\d{2}-\d{1,2}-\d{1,2}"), 3),
    (re.compile(r"(?:19|20)\d{2}\s*年\s*\d{1,2}\s*月"), 2),
    (re.compile(r"(?<!\d)\d{1,2}\s*月\s*\d{1,2}\s*日"), 2),
    (re.compile(r"(?:january|february|march|april|may|june|july|august|september|october|november|december)"
                r"\s+\d{1,2}(?:st|nd|rd|th)?(?:,?\s+(?:19|20)\d{2})?", re.I), 2),
    (re.compile(r"\d{1,2}(?:st|nd|rd|th)?\s+(?:of\s+)?(?:january|february|march|april|may|june|july|august|"
                r"september|october|november|december)(?:,?\s+(?:19|20)\d{2})?", re.I), 2),
    (re.compile(r"(?<![\d.])(?:19|20)\d{2}(?:\s*年)?(?!\d|\.\d|%)"), 1),
]
_ZH_PERSON = re.compile(r"(?:局长|副局长|总经理|副总经理|董事长|主任|市长|省长|书记|记者|经理|总工程师|负责人|院长|主席|厂长|部长|处长)"
                        r"\s*([\u4e00-\u9fff]{2,3}?)(?=介绍|说|表示|指出|称|认为|强调|[，,。:：\s(（)])")
_EN_PERSON = re.compile(r"\b([A-Z][a-z]+(?:\s[A-Z][a-z]+){1,2})\b(?!\s(?:Co\b|Group|Ltd|Industry|Company|Corporation|Bureau))")


@dataclass
class _Sent:
    hit: int
    text: str       # original
    norm: str       # folded, same length as text
    coverage: float
    context: float


class ExtractiveReader:
    """The default reader: no model, deterministic, exact."""

    def __init__(self, min_coverage: float = _MIN_COVERAGE):
        self.min_coverage = min_coverage

    # -- sentence selection ------------------------------------------------------------------
    def _sentences(self, q: Question, hits: list[Hit]) -> list[_Sent]:
        """Every sentence of the hits with its coverage of the question's terms: the share of
        their weight found in the sentence (found only in its passage or title: a third).
        Translated terms are scored as a separate set; the better set counts."""
        groups = [g for g in (q.keywords, q.translated) if g]
        out: list[_Sent] = []
        doc_norm: dict[str, str] = {}   # all retrieved text of a document, with its title
        for hit in hits:
            doc_norm[hit.source] = doc_norm.get(hit.source, fold(hit.title or "")) + "\n" + fold(hit.text)
        for i, hit in enumerate(hits):
            chunk_norm = fold(hit.text)
            title_norm = fold(hit.title or "")
            # a place or body asked about (Xiamen, 沈阳) that the document's retrieved text never
            # names makes it a weaker witness (it may still say 全市, "the city")
            damp = [0.6 if any(not any(a in doc_norm[hit.source] for a in name)
                               for name in (q.names if group is q.translated else q.own_names)) else 1.0
                    for group in groups]
            for s in split_sentences(hit.text):
                norm = fold(s.text)
                best = 0.0
                for group, group_damp in zip(groups, damp):
                    got = 0.0
                    for alts, w in group.items():
                        if any(a in norm for a in alts):
                            got += w
                        elif any(a in title_norm or a in chunk_norm for a in alts):
                            got += 0.35 * w
                    best = max(best, group_damp * got / (sum(group.values()) or 1.0))
                out.append(_Sent(i, s.text, norm, best, 1.0 / (1 + i)))
        return out

    # -- spans -------------------------------------------------------------------------------
    @staticmethod
    def _segment(norm: str, start: int, end: int) -> tuple[int, int]:
        """The clause around [start, end): between list and clause marks (、，,；;：:。).

        A clause that is only a total cue before the number (…证书440张，总数达9143张) has
        the previous clause's subject, so the two are read as one."""
        if not has_cjk(norm):
            # English commas mostly set off asides ("35 firms, including 8 new ones, have won");
            # clauses end at semicolons and at a comma before a conjunction
            cuts = [m.end() for m in _EN_CLAUSE_END.finditer(norm)]
            a = max((c for c in cuts if c <= start), default=0)
            return a, min((c for c in cuts if c >= end), default=len(norm))
        marks = "、，,；;：:。！？!?"
        a = max((norm.rfind(c, 0, start) for c in marks), default=-1) + 1
        if a > 0 and _ELIDED_TOTAL.fullmatch(norm[a:start].strip()):
            a = max((norm.rfind(c, 0, a - 1) for c in marks), default=-1) + 1
        ends = [i for i in (norm.find(c, end) for c in marks) if i >= 0]
        return a, (min(ends) if ends else len(norm))

    def _proximity(self, q: Question, norm: str, start: int, end: int) -> tuple[float, bool]:
        """Keyword mass near [start, end) (terms in the same clause count fully, others a
        third), and whether a focus term is near it."""
        scale = 14.0 if has_cjk(norm) else 45.0
        seg_a, seg_b = self._segment(norm, start, end)
        score = 0.0
        for alts, w in self._terms(q, norm).items():
            best = 0.0
            for m in re.finditer("|".join(re.escape(a) for a in alts), norm):
                d = start - m.end() if m.end() <= start else (m.start() - end if m.start() >= end else 0)
                inside = seg_a <= m.start() and m.end() <= seg_b
                decay = math.exp(-max(d, 0) / scale)
                # in the same clause a term belongs to the span however long the clause is
                best = max(best, 0.5 + 0.5 * decay if inside else 0.35 * decay)
            score += w * best
        window = norm[max(0, start - int(scale * 2)): end + int(scale * 2)]
        focus_near = not q.focus or any(f in window for f in q.focus)
        return score, focus_near

    def _focus_proximity(self, q: Question, norm: str, start: int, end: int) -> float:
        """How tightly the thing asked about hugs the span: in Chinese, the focus terms in the
        same clause (国家标准103项, 三家为湖里区企业), the primary one (next to the question
        word) weighing most and each further one adding; in English, the noun right after
        the number (35 enterprises)."""
        zh = has_cjk(norm)
        focus = [f for f in q.focus if has_cjk(f) == zh]
        if not focus:
            return 0.0
        seg_a, seg_b = self._segment(norm, start, end)
        if zh:
            total = weights = 0.0
            for rank, f in enumerate(focus):
                weight = 1.0 if rank == 0 else 0.5
                value = 0.0
                for m in re.finditer(re.escape(f), norm):
                    inside = seg_a <= m.start() and m.end() <= seg_b
                    value = max(value, 1.0 if inside else 0.2)
                total += weight * value
                weights += weight
            return total / weights
        best = 0.0
        for rank, f in enumerate(focus):
            weight = 1.0 if rank == 0 else 0.6
            for m in re.finditer(re.escape(f), norm):
                if m.start() >= end:
                    # "18 (sub-) enterprises": a parenthesis does not separate number and noun
                    d = len(_PARENTHETICAL.sub("", norm[end:m.start()]).strip())
                    value = math.exp(-d / 12.0)
                elif m.end() <= start:
                    value = math.exp(-(start - m.end() + 10) / 12.0)
                else:  # the noun is part of the quantity ("35 enterprises")
                    value = 1.0
                best = max(best, weight * value)
        return best

    @staticmethod
    def _terms(q: Question, norm: str) -> Terms:
        """The question's terms to look for in a sentence: its translations when the sentence
        is in the other language (an English question on a Chinese sentence or the reverse)."""
        other = has_cjk(norm) if q.lang == "en" else not has_cjk(norm)
        return q.translated if other and q.translated else q.keywords

    def _mass(self, q: Question, s: _Sent) -> float:
        return sum(self._terms(q, s.norm).values()) or 1.0

    def _quantity_ok(self, q: Question, qty: Quantity, norm: str) -> bool:
        if qty.ordinal:
            return False
        unit = qty.unit.lower()
        after = norm[qty.end: qty.end + 40]
        if q.kind == "amount":
            return unit in _MONEY or bool(re.match(r"\s*(yuan|rmb|元|dollars?)", after))
        if q.kind == "count":
            if qty.is_year or unit in _MONEY or unit in ("%", "％") or unit in ("年", "月", "日", "天"):
                return False
            if not qty.value.is_integer():
                return False
            if q.classifier and unit and not unit.isascii():
                return unit[-1] in q.classifier
            if q.count_noun:
                words = [stem(w) for w in re.findall(r"[a-z]+", norm[qty.start: qty.end + 40])][:5]
                return q.count_noun in words or bool(q.classifier and unit and unit[-1] in q.classifier)
            return True
        if q.kind == "number":
            return not qty.is_year and unit not in ("月", "日")
        return False

    def _best_quantity(self, q: Question, sents: list[_Sent]):
        best = None
        given = find_quantities(q.text)    # a question does not ask for what it gives
        for s in sents:
            for qty in find_quantities(s.text):
                if not self._quantity_ok(q, qty, s.norm) or any(same_figure(qty, g) for g in given):
                    continue
                near, focus_near = self._proximity(q, s.norm, qty.start, qty.end)
                if not focus_near:
                    continue
                score = 2.0 * s.coverage + near / self._mass(q, s) + 0.1 * s.context \
                    + self._focus_proximity(q, s.norm, qty.start, qty.end)
                if q.wants_total and _TOTAL_CUES.search(s.norm[max(0, qty.start - 8): qty.start]):
                    score += 0.3
                if best is None or score > best[0]:
                    best = (score, s, qty)
        return best

    def _best_date(self, q: Question, sents: list[_Sent]):
        best = None
        for s in sents:
            seen: list[tuple[int, int]] = []
            for pattern, specificity in _DATE_PATTERNS:
                for m in pattern.finditer(s.norm):
                    if any(a <= m.start() < b for a, b in seen):
                        continue
                    if q.year_only and not re.search(r"(?:19|20)\d{2}", m.group(0)):
                        continue
                    seen.append((m.start(), m.end()))
                    near, focus_near = self._proximity(q, s.norm, m.start(), m.end())
                    score = 2.0 * s.coverage + near / self._mass(q, s) + 0.1 * s.context + 0.05 * specificity
                    if best is None or score > best[0]:
                        best = (score, s, s.text[m.start():m.end()].strip())
        return best

    def _list_items(self, s: _Sent, q: Question) -> tuple[list[str], float]:
        """The enumeration in a sentence nearest to the question's terms."""
        clauses = re.split(r"(?<=[;；。!！?？，,])", s.text) if has_cjk(s.text) else [s.text]
        best: tuple[float, list[str]] = (-1.0, [])
        pos = 0
        for clause in clauses:
            start = pos
            pos += len(clause)
            items = _zh_list(clause) if has_cjk(clause) else _en_list(clause)
            if len(items) < 2:
                continue
            near, _ = self._proximity(q, s.norm, start, start + len(clause))
            if near > best[0]:
                best = (near, items)
        return best[1], best[0]

    # -- the answer --------------------------------------------------------------------------
    def read(self, q: Question, hits: list[Hit]) -> Reading:
        if not hits or not (q.keywords or q.translated):
            return self._abstain(q)
        sents = self._sentences(q, hits)
        top = max((s.coverage for s in sents), default=0.0)
        if top < self.min_coverage:
            return self._abstain(q)
        # consider sentences that cover the question nearly as well as the best one
        pool = [s for s in sents if s.coverage >= max(self.min_coverage, top * 0.6)]
        if q.kind in ("count", "amount", "number"):
            best = self._best_quantity(q, pool)
            if best is None:
                return self._abstain(q)
            _, s, qty = best
            if q.kind == "count" and q.more_counts:
                return _quoted(s, self._say_counts(q, qty, s))
            return _quoted(s, self._say_quantity(q, qty, s))
        if q.kind == "date":
            best = self._best_date(q, pool)
            if best is None:
                return self._abstain(q)
            _, s, text = best
            return _quoted(s, self._script(q, text, s.text))
        if q.kind == "list":
            ranked = sorted(pool, key=lambda s: -(s.coverage + 0.1 * s.context))
            for s in ranked[:8]:
                items, _ = self._list_items(s, q)
                if items:
                    sep = "、" if q.lang == "zh" else "; "
                    return _quoted(s, self._script(q, sep.join(items), s.text))
        if q.kind == "person":
            ranked = sorted(pool, key=lambda s: -(s.coverage + 0.1 * s.context))
            for s in ranked[:5]:
                name = self._person(q, s)
                if name:
                    return _quoted(s, self._script(q, name, s.text))
        s = max(pool, key=lambda s: s.coverage + 0.1 * s.context)
        return _quoted(s, self._script(q, s.text, s.text))

    def _person(self, q: Question, s: _Sent) -> str | None:
        if has_cjk(s.text):
            cands = [(m.start(1), m.end(1)) for m in _ZH_PERSON.finditer(s.norm)]
        else:
            asked = set(re.findall(r"[a-z]+", q.norm))
            cands = [(m.start(1), m.end(1)) for m in _EN_PERSON.finditer(s.text)
                     if not set(m.group(1).lower().split()) & asked]
        best = max(cands, key=lambda c: self._proximity(q, s.norm, *c)[0], default=None)
        return s.text[best[0]:best[1]] if best else None

    def _say_counts(self, q: Question, first: Quantity, s: _Sent) -> str:
        """Every figure a question asks for ("多少家企业的多少个项目"), from the sentence of the
        first: each further one is the count in its own unit nearest to the first. A figure the
        sentence does not give is left out, so the answer never mixes sentences."""
        found = [(first, q)]
        for classifier, noun in q.more_counts:
            slot = replace(q, classifier=classifier, count_noun=noun, more_counts=[])
            options = [x for x in find_quantities(s.text)
                       if all(x.start != f.start for f, _ in found) and self._quantity_ok(slot, x, s.norm)]
            if options:
                found.append((min(options, key=lambda x: abs(x.start - first.start)), slot))
        found.sort(key=lambda pair: pair[0].start)
        head, tail = found[0][0], found[-1][0]
        if len(found) > 1 and tail.start - head.end <= 12 and q.lang == "zh":
            # "12家企业的37个项目": the words between the figures say what each counts
            text = s.text[head.start:tail.end].strip()
            return self._script(q, text, s.text) if has_cjk(text) else text
        sep = "，" if q.lang == "zh" else "; "
        return sep.join(self._say_quantity(slot, x, s) for x, slot in found)

    def _say_quantity(self, q: Question, qty: Quantity, s: _Sent) -> str:
        text = qty.text.strip()
        if q.lang == "en":
            if qty.chinese or has_cjk(text):
                value = format_value_en(qty)
                if q.kind == "count" and q.count_noun:
                    return f"{value} {_plural(q.count_noun, qty.value)} ({text})"
                return f"{value} ({text})"
            if q.kind == "count" and q.count_noun and q.count_noun not in text.lower():
                return f"{_fmt(qty.value)} {_plural(q.count_noun, qty.value)}"
            more = re.match(r"\s+([a-z]+)", s.text[qty.end:])
            if q.kind == "number" and more and more.group(1).lower() not in STOP_WORDS:
                text += more.group(0)
            return text
        # Chinese question
        if not has_cjk(text) and q.kind != "count":
            return text
        if qty.chinese:
            # the unit as the sentence writes it (the parsed unit is simplified: 個 -> 个)
            unit = text[len(text) - len(qty.unit):] if qty.unit and fold(text).endswith(qty.unit) else qty.unit
            return self._script(q, f"{_fmt(qty.value)}{unit}（{text}）", s.text)
        return self._script(q, text, s.text)

    @staticmethod
    def _script(q: Question, text: str, sentence: str) -> str:
        return in_question_script(q, text, sentence) if q.lang == "zh" else text

    @staticmethod
    def _abstain(q: Question) -> Reading:
        return Reading(answer=ABSTAIN_TEXT[q.lang], abstained=True)


def in_question_script(q: Question, text: str, sentence: str = "") -> str:
    """Chinese `text` copied from `sentence`, in the script of the question: converted only
    when the sentence is written in the other one (converting text to its own script again is
    lossy: 里 in a transliterated name would become 裏, 台 in 2億台 臺, and simplifying
    simplified text again turns 乾县 into 干县), and copied as it stands when the question's
    characters are the same in both scripts (`is_simplified` reads 台北 as simplified, since
    OpenCC writes 臺北 in traditional)."""
    if not has_cjk(text):
        return text
    traditional = written_traditional(sentence or text)
    if q.traditional:
        return text if traditional else to_traditional(text)
    return to_simplified(text) if traditional and is_simplified(q.text) else text


def _quoted(s: _Sent, answer: str) -> Reading:
    """The answer, cited as [1], with its sentence as the quote."""
    return Reading(answer=f"{answer} [1]", abstained=False, quotes=[(s.hit, s.text)])


def says_not_found(text: str) -> bool:
    """Whether a written answer says the sources do not hold the answer."""
    return bool(_NOT_FOUND.search(text))


def _fmt(v: float) -> str:
    return str(int(v)) if float(v).is_integer() else f"{v:g}"


def _plural(noun: str, value: float) -> str:
    if value == 1:
        return noun
    if noun.endswith("y") and noun[-2:-1] not in "aeiou":
        return noun[:-1] + "ies"
    return noun + ("es" if noun.endswith(("s", "x", "ch", "sh")) else "s")


def _zh_list(clause: str) -> list[str]:
    """Items of a Chinese enumeration (、-separated, or names separated by spaces)."""
    if "、" not in clause:
        parts = [p for p in re.split(r"\s+", re.split(r"[:：]", clause)[-1].strip()) if p]
        names = [p for p in parts if _ORG_SUFFIX.search(p)]
        return names if len(names) >= 2 and len(names) == len(parts) else []
    first = clause.index("、")
    last = clause.rindex("、")
    head_start = max(clause.rfind(c, 0, first) for c in "，,：:;；是为")
    head = clause[head_start + 1:first]
    middle = clause[first + 1:last].split("、")
    tail = clause[last + 1:]
    org_in_tail = re.search(r"^.{2,30}?(股份有限公司|有限责任公司|有限公司|集团公司|集团|公司|中心|研究院|大学|学院|医院|银行)", tail)
    if org_in_tail:
        tail = org_in_tail.group(0)
    else:
        tail = re.split(r"[，,。;；:：(（]|\d|[一二两三四五六七八九十]+[家个项名]|等|获|荣获|入围|被|均|都|已|共|分别", tail)[0]
    items = [x.strip(" “”\"'《》") for x in [head, *middle, tail]]
    items = [x for x in items if 1 < len(x) <= 40]
    return items if len(items) >= 2 else []


def _en_list(clause: str) -> list[str]:
    m = re.search(r"\b(?:are|were|include|included|including|namely|:)\s+(.*)$", clause)
    if not m:
        return []
    tail = m.group(1).rstrip(". ")
    # "A, B and C": commas separate, and only the last "and" (names may hold "and")
    head, sep, last = tail.rpartition(" and ")
    pieces = re.split(r",\s*", head) + [last] if sep else re.split(r",\s*", tail)
    items: list[str] = []
    for p in pieces:
        p = p.strip()
        if not p:
            continue
        if items and (re.fullmatch(r"(ltd|inc|co|llc|plc|corp)\.?", p, re.I) or p[0].islower()):
            items[-1] = f"{items[-1]}, {p}"
        else:
            items.append(p)
    return items if len(items) >= 2 else []
