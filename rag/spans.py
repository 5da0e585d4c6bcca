"""Candidate answers: short runs of words inside a clause of a retrieved sentence.

Every sentence of the passages is tagged (`text.tagged`) and scored for how well it covers the
question; in the best few, every run of one to `MAX_WORDS` words that stays inside a clause
(it crosses no ，。；：!? but may cross 、 and 和) is a candidate, as are the whole of a 《title》
or “quotation” and a whole enumeration (A、B和C). The ranker (`rag.ranker`) scores them with
the features of `rag.features`; the answer is the best one, copied from the sentence.

What it does not do: paraphrase, or join spans of two sentences.
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field

from rag.question import Question, Terms
from rag.types import Hit
from text.normalize import fold, has_cjk
from text.sentences import split_sentences
from text.numbers import CLASSIFIERS
from text.tagged import Tagged, pos_group, tag_words, transliteration_share

__all__ = ["SentenceView", "Span", "sentence_views", "candidate_spans", "figure_joints", "range_joints", "whole_figures",
           "name_joints", "name_tail_joints", "name_edge_joints", "whole_names", "aside_contents", "glossed_term", "whole_quotation", "whole_answer", "coordinated_persons", "listed_sibling", "asks_another_item", "with_era", "INTERPUNCTS",
           "coordination_joints", "whole_list", "joins_items", "in_a_list", "whole_enumeration", "COORDINATORS", "whole_aside", "ASIDE_CHARS", "whole_head", "without_copula", "without_dangling_adverb", "with_time_of_day",
           "chunk_position", "word_runs", "says_nothing", "MAX_WORDS", "MAX_CHARS", "HARD_PUNCT", "NUMERALS"]

MAX_WORDS = 7
MAX_CHARS = 40
HARD_PUNCT = set("，,。；;：:!！?？…")
INTERPUNCTS = frozenset("·•‧・")      # between the parts of a foreign name
COORDINATORS = frozenset({"、", "和", "与", "與", "及", "以及", "或", "跟"})   # between the items of a list
_OPEN_CLOSE = {"《": "》", "“": "”", "「": "」", "『": "』", "\"": "\"", "(": ")", "（": "）"}
_QUOTATION_MARKS = ("“", "「", "『", "\"")     # of those, what quotes a term (not a title or an aside)
_ASIDE_MARKS = ("(", "（")                        # and what opens an aside
ASIDE_CHARS = 12          # the longest aside an answer keeps (fitted on dev: a year, a name in another script)
_NO_START = set("的了是在和与及并或而也都就被把将对从向于之")
_NO_END = set("的了和与及并或而在被把将对从向于是")


@dataclass
class SentenceView:
    """A sentence of a retrieved passage, tagged, with what of the question it holds."""
    hit: int                      # index of its passage in the hits
    text: str                     # as written
    norm: str                     # fold(text): same length, simplified, lower case
    words: list[Tagged]
    match: list[float]            # per word: weight of the question term it meets (0 for none)
    coverage: float               # share of the question's term weight met in the sentence
    cross: bool                   # in the other language than the question
    rank: int = 0                 # by coverage among all sentences, 0 = best
    total_weight: float = 1.0     # weight of all of the question's terms
    passage: str = ""             # fold(title + text) of its passage, shared by its sentences
    index: int = 0                # its place among its passage's sentences, 0 = the first
    lead: bool = False            # its passage opens its article (the article's first chunk)
    title: str = ""               # fold(title) of its passage's article
    said: list[bool] = field(default_factory=list)   # per word: it is a question term or part of one


@dataclass
class Span:
    sent: SentenceView
    i: int                        # first word
    j: int                        # one past the last word
    kind: str = "words"           # words | quoted | list | clause
    start: int = field(init=False)
    end: int = field(init=False)

    def __post_init__(self):
        self.start = self.sent.words[self.i].start
        self.end = self.sent.words[self.j - 1].end

    @property
    def text(self) -> str:
        return self.sent.text[self.start:self.end]

    @property
    def norm(self) -> str:
        return self.sent.norm[self.start:self.end]

    @property
    def only_question_words(self) -> bool:
        """Every word of it is a word of the question ("1952年" for "1952年…改为什么学校"):
        the question states it, so it is not what the question asks. A word that holds a
        question term and more ("喜马拉雅山脉" for "哪一个山脉") names what is asked."""
        words = [k for k in range(self.i, self.j) if not self.sent.words[k].is_punct]
        return bool(words) and all(self.sent.said[k] for k in words)


def _terms_for(q: Question, cross: bool) -> Terms:
    return q.translated if cross and q.translated else q.keywords


def _meets(word: str, alts: tuple[str, ...]) -> bool:
    """The word is one of a term's alternatives, part of one, or holds one."""
    return _part_of(word, alts) or any(len(a) >= 2 and a in word for a in alts)


def _part_of(word: str, alts: tuple[str, ...]) -> bool:
    """The word is one of a term's alternatives or part of one (a word of one character only
    when it is one itself)."""
    return any(a == word or (len(word) >= 2 and word in a) for a in alts)


def word_runs(words: list[Tagged], norm: str, alts: tuple[str, ...]) -> list[range]:
    """The runs of two or more whole words that together write one of a term's alternatives:
    the sentence's segmentation may cut what the question's keeps whole ("神武后军" is
    神武 | 后 | 军 in one sentence, 神武 | 后军 in the question). A run starts and ends on word
    edges, so a bigram across two words of the question ("武后") is met only where it is two
    words of the sentence too.

    >>> from text.tagged import Tagged
    >>> ws = [Tagged("神武", "nr", 0, 2), Tagged("后", "f", 2, 3), Tagged("军", "n", 3, 4)]
    >>> word_runs(ws, "神武后军", ("后军",)), word_runs(ws, "神武后军", ("武后",))
    ([range(1, 3)], [])
    """
    first = {word.start: k for k, word in enumerate(words)}
    last = {word.end: k for k, word in enumerate(words)}
    runs = []
    for alt in alts:
        at = norm.find(alt) if len(alt) >= 2 else -1
        while at >= 0:
            i, j = first.get(at), last.get(at + len(alt))
            if i is not None and j is not None and j > i:
                runs.append(range(i, j + 1))
            at = norm.find(alt, at + 1)
    return runs


def _view(q: Question, hit_index: int, text: str, context_norm: str) -> SentenceView:
    norm = fold(text)
    words = tag_words(norm, text)
    cross = has_cjk(norm) != (q.lang == "zh")
    terms = _terms_for(q, cross)
    total = sum(terms.values()) or 1.0
    match = [0.0] * len(words)
    said = [not word.is_punct and any(_part_of(word.text, alts) for alts in terms) for word in words]
    got = 0.0
    for alts, w in terms.items():
        hit = False
        for k, word in enumerate(words):
            if not word.is_punct and _meets(word.text, alts):
                match[k] = max(match[k], w)
                hit = True
        for run in word_runs(words, norm, alts):    # the term cut into several words
            for k in run:
                match[k] = max(match[k], w)
                said[k] = True
            hit = True
        if not hit and any(a in norm for a in alts):
            hit = True   # met inside a longer word
        got += w if hit else (0.35 * w if any(a in context_norm for a in alts) else 0.0)
    return SentenceView(hit_index, text, norm, words, match, got / total, cross, total_weight=total,
                        passage=context_norm, said=said)



def sentence_views(q: Question, hits: list[Hit]) -> list[SentenceView]:
    """Every sentence of the hits, ranked by coverage (best first)."""
    views = []
    for i, hit in enumerate(hits):
        context = fold((hit.title or "") + "\n" + hit.text)
        lead = chunk_position(hit.chunk_id) == 0
        title = fold(hit.title or "")
        index = 0
        for s in split_sentences(hit.text):
            # a run-on "sentence" is read in pieces of whole clauses
            pieces = _clauses(s.text) if len(s.text) > 600 else [s.text]
            for p in pieces:
                if p.strip():
                    view = _view(q, i, p, context)
                    view.index, view.lead, view.title = index, lead, title
                    views.append(view)
                    index += 1
    order = sorted(range(len(views)), key=lambda k: (-views[k].coverage, views[k].hit))
    for rank, k in enumerate(order):
        views[k].rank = rank
    return [views[k] for k in order]


def chunk_position(chunk_id: str) -> int | None:
    """The chunk's place in its article, from its id (`<document id>:<position>`); None when
    the id does not say.

    >>> chunk_position("3fa9c2:0"), chunk_position("3fa9c2:12"), chunk_position("loose")
    (0, 12, None)
    """
    _, sep, tail = chunk_id.rpartition(":")
    return int(tail) if sep and tail.isdigit() else None


def _clauses(text: str, size: int = 300) -> list[str]:
    out, start = [], 0
    while start < len(text):
        cut = min(len(text), start + size)
        if cut < len(text):
            marks = [text.rfind(c, start, cut) for c in "，,；;"]
            best = max(marks)
            cut = best + 1 if best > start else cut
        out.append(text[start:cut])
        start = cut
    return out


def candidate_spans(view: SentenceView) -> list[Span]:
    """Runs of words inside one clause, whole quotations and whole enumerations."""
    words = view.words
    out: list[Span] = []
    n = len(words)
    for i in range(n):
        w = words[i]
        if w.is_punct or (len(w.text) == 1 and w.text in _NO_START):
            continue
        for j in range(i, min(n, i + MAX_WORDS)):
            x = words[j]
            if _cuts(x) or x.end - w.start > MAX_CHARS:
                break
            if x.is_punct or (len(x.text) == 1 and x.text in _NO_END):
                continue
            out.append(Span(view, i, j + 1))
    marks = list(_marked(words))
    out.extend(_quoted(view, marks))
    out.extend(_enumerations(view))
    out.extend(_clause_runs(view))
    silent = _silent_words(words, marks)
    return [s for s in out if not all(k in silent for k in range(s.i, s.j))] if silent else out


def figure_joints(words: list[Tagged]) -> list[bool]:
    """Per word: it goes on with the figure the word before it is part of: a run of numerals
    and their units with nothing between them ("2001年12月17日", "8.57万", "3000平方米", "6号线",
    "20世纪80年代"), a code of letters and digits ("H1N1"), or a clock time ("5:30").

    >>> from text.tagged import tag_words
    >>> figure_joints(tag_words("于2001年12月17日启用"))
    [False, False, True, True, True, True, True, False]
    """
    joined = [False] * len(words)
    for k in range(1, len(words)):
        a, b = words[k - 1], words[k]
        if a.end != b.start:
            continue
        if a.flag == "m" and b.flag in ("m", "q"):
            joined[k] = True
        elif _unit_word(a, b) or (b.flag == "m" and a.text in _CALENDAR_UNITS and joined[k - 1]) or _code(a, b):
            joined[k] = True
        elif b.text == ":" and a.text.isdigit() and k + 1 < len(words) and words[k + 1].text.isdigit() \
                and words[k + 1].start == b.end:
            joined[k] = joined[k + 1] = True
    return joined


# a measure word that jieba tags as part of a longer word ("10|号线", "20|年代", "6|年级"), and
# the calendar's units of more than one character, which a date may go on after ("20世纪20年代")
_UNIT_STARTS = frozenset(CLASSIFIERS + "号")
_CALENDAR_UNITS = frozenset({"世纪", "年代"})
NUMERALS = "0123456789〇零一二两三四五六七八九十百千万亿"    # the characters a figure is written with


def _unit_word(a: Tagged, b: Tagged) -> bool:
    """`b` is the unit of the number `a` ends with, glued to it in a word of its own that jieba
    tags as no name ("号线" of "6号线", "年代" of "20年代", "世纪" of "20世纪"; not "日本" of
    "3日本", nor anything after "年" of "2010年", which is a unit already)."""
    return (a.flag == "m" and a.text[-1:] in NUMERALS and len(b.text) >= 2
            and not b.flag.startswith(("nr", "ns", "nt", "nz"))
            and (b.text[0] in _UNIT_STARTS or b.text in _CALENDAR_UNITS))


def _code(a: Tagged, b: Tagged) -> bool:
    """Latin letters and digits glued into one code ("H1N1", "A350", "5km"): cut at the digits,
    its parts are no answer ("H1N" of "H1N1", "350" of "A350")."""
    pair = a.text + b.text
    return (pair.isascii() and pair.isalnum() and any(ch.isalpha() for ch in pair)
            and any(ch.isdigit() for ch in pair))


def name_joints(words: list[Tagged]) -> list[bool]:
    """Per word: it goes on with the name the word before it is part of: the parts of a
    foreign name are joined by an interpunct ("皮埃尔·路易·杜隆"), with nothing between them.

    >>> from text.tagged import tag_words
    >>> name_joints(tag_words("由西奥多·罗斯福签署"))
    [False, False, True, True, False]
    """
    return _joints_across(words, INTERPUNCTS)


_PERSON_FLAGS = ("nr", "nrt", "nrfg")


def name_tail_joints(words: list[Tagged], most: int = 2) -> list[bool]:
    """Per word: it goes on with the last part of a foreign name (the part after its last
    interpunct) that jieba cut short: a transliterated part is in no dictionary, and its last
    characters often come off as words of their own ("哈马尼·迪奥|里", "布兰科·茨尔文|科夫斯基").
    Up to `most` words glued to it, each a name or a single character that jieba tags as no
    preposition, conjunction, particle, adverb, pronoun, numeral or measure word (of any
    subtag), are taken with it (unlike `name_edge_joints`, a place tag is let through: 德 of
    "马丁·理察|德" ends the name); a character it tags a verb only when it is a sound of names and no object or
    particle follows it (`_nothing_taken`: 奇 of "拉尔夫·本|奇，", not 拉 of "史密斯|拉着").
    Those words are more often the sentence going on ("富兰克林|做", "史密斯|又", "史密斯|他")
    than a cut part, which then stays cut ("施特|凡": jieba tags 凡 an adverb).

    >>> from text.tagged import tag_words
    >>> [w.text for w, j in zip(tag_words("哈马尼·迪奥里成为首任总统"), name_tail_joints(tag_words("哈马尼·迪奥里成为首任总统"))) if j]
    ['里']
    """
    joined = [False] * len(words)
    for k in range(2, len(words)):
        a, dot, last = words[k - 2], words[k - 1], words[k]
        if dot.text not in INTERPUNCTS or a.end != dot.start or dot.end != last.start or not has_cjk(last.text):
            continue
        m = k + 1
        while m < len(words) and m <= k + most and words[m].start == words[m - 1].end:
            w = words[m]
            part = w.flag in _PERSON_FLAGS or (
                _lone_character(w) and not w.flag.startswith(("p", "c", "u", "d", "r", "m", "q"))
                and (not w.flag.startswith("v")
                     or (transliteration_share(w.text) >= NAME_EDGE_SHARE and _nothing_taken(words, m))))
            if not part or (m + 1 < len(words) and words[m + 1].text in INTERPUNCTS):
                break
            joined[m] = True
            m += 1
    return joined


def _nothing_taken(words: list[Tagged], m: int) -> bool:
    """Nothing a verb takes follows the word: the sentence's punctuation or end, or a word
    that opens a phrase of its own (a time word, adverb, preposition or conjunction). A sound
    of names that jieba tags a verb ends the name then ("拉尔夫·本|奇，后来"); one followed by a
    particle, object or verb is the verb it looks like ("史密斯|拉|着", "史密斯|肯|出钱")."""
    if m + 1 == len(words) or words[m + 1].start != words[m].end:
        return True
    after = words[m + 1]
    return after.is_punct or after.flag.startswith(("t", "d", "p", "c"))


# the least transliteration share of a lone character taken with the name beside it, fitted on
# dev (0.05: 4 answers gained, none lost; 0.10 keeps 西 of 西|布里奇福德 out, 0.055)
NAME_EDGE_SHARE = 0.05


# jieba's tags of a lone character that is a word of the sentence, whatever its share: a
# preposition (比|特朗普), conjunction, numeral (约翰逊|多), measure word, adverb, pronoun, or a
# place (中|德|默克尔)
_NOT_A_SOUND = frozenset({"p", "c", "m", "q", "d", "r", "ns"})


def name_edge_joints(words: list[Tagged], least: float = NAME_EDGE_SHARE) -> list[bool]:
    """Per word: it goes on with the word before it, when one of the two is a name and the
    other a single character glued to it that is a sound of transliterated names at least
    `least` of the times the dictionary holds it (`transliteration_share`): jieba cuts an
    unknown foreign name short and leaves a character of it alone ("普|劳图斯", "兹|沃雷金",
    "贝尔格|勒"), where a character the sentence goes on with is rarely a sound of one
    ("父|曹景宸", "时|鲁襄公", "史密斯|又"); one jieba tags a preposition, conjunction,
    particle, numeral, measure word, adverb, pronoun or place is never taken ("比|特朗普"),
    nor one after the name that jieba tags a verb with something it takes after it
    ("史密斯|拉着", `_nothing_taken`). The threshold admits 西 (0.055) of "西|布里奇福德", the one
    dev answer between 0.05 and 0.10."""
    joined = [False] * len(words)
    for k in range(1, len(words)):
        a, b = words[k - 1], words[k]
        if a.end != b.start:
            continue
        for name, lone in ((a, b), (b, a)):
            if name.flag in _PERSON_FLAGS and _lone_character(lone) and lone.flag not in _NOT_A_SOUND \
                    and not lone.flag.startswith("u") and transliteration_share(lone.text) >= least \
                    and (lone is a or not lone.flag.startswith("v") or _nothing_taken(words, k)):
                joined[k] = True
    return joined


def _lone_character(w: Tagged) -> bool:
    """A word of one Chinese character that may start a word (not 的, 了, 是...): what jieba
    may have cut off a name it does not know."""
    return len(w.text) == 1 and has_cjk(w.text) and w.text not in _NO_START


def coordination_joints(words: list[Tagged]) -> list[bool]:
    """Per word: it goes on with the list the word before it is an item of: a coordinator
    (和, 与, 及, 、...) between two words, and the word after it, with nothing between them.

    >>> from text.tagged import tag_words
    >>> coordination_joints(tag_words("来往彩虹与机场的路线"))
    [False, False, True, True, False, False]
    """
    return _joints_across(words, COORDINATORS)


def _joints_across(words: list[Tagged], joiners: frozenset[str]) -> list[bool]:
    """Per word: it is a joiner between two words, with nothing between them, or the word after one."""
    joined = [False] * len(words)
    for k in range(1, len(words) - 1):
        a, c, b = words[k - 1], words[k], words[k + 1]
        if c.text in joiners and not a.is_punct and not b.is_punct and a.end == c.start and c.end == b.start:
            joined[k] = joined[k + 1] = True
    return joined


def _widened(span: Span, joined: list[bool], left: bool = True) -> Span:
    i, j = span.i, span.j
    while left and i > 0 and joined[i]:
        i -= 1
    while j < len(joined) and joined[j]:
        j += 1
    return span if (i, j) == (span.i, span.j) else Span(span.sent, i, j, kind=span.kind)


def whole_figures(span: Span) -> Span:
    """The span, widened at either edge to the whole of a figure it cuts: "1993年9" of
    "1993年9月1日" is "1993年9月1日", "3000" of "3000平方米" is "3000平方米", "2009年9月16日" of
    "2009年9月16日至23日" is the whole range (a figure cut from its unit, a date from its day,
    or a range from its other end says something the sentence does not)."""
    words = span.sent.words
    figure = figure_joints(words)
    return _widened(span, [a or b for a, b in zip(figure, range_joints(words, figure))])


# between the two ends of a range; words are read folded, so ～ and － arrive as ~ and -
_RANGE_MARKS = frozenset({"至", "到", "~", "-", "—", "–"})
_NUMERAL_CHARS = NUMERALS + "."


def range_joints(words: list[Tagged], figure: list[bool] | None = None) -> list[bool]:
    """Per word: it goes on with a range of figures the word before it is part of: a range
    mark (至, 到, ~, -) glued between two figures, when the first is a bare number or both end
    in the same unit ("475年至477年", "9月16日至23日", "3~5次", "3-1"); the mark and the first word
    of the second figure are marked, `figure_joints` takes the rest of it. A mark before
    anything but a number joins nothing ("1998年到北京", "鹤岗-哈尔滨"), and neither does one
    between figures of two units, where 到 is a verb ("1998年到3所大学", "2010年到30岁").
    `figure` is `figure_joints(words)` when the caller has it already.

    >>> from text.tagged import tag_words
    >>> range_joints(tag_words("于475年至477年在位"))
    [False, False, False, True, True, False, False]
    """
    joined = [False] * len(words)
    figure = figure_joints(words) if figure is None else figure
    for k in range(1, len(words) - 1):
        a, mark, b = words[k - 1], words[k], words[k + 1]
        if mark.text not in _RANGE_MARKS or a.end != mark.start or mark.end != b.start \
                or b.flag != "m" or b.text[0] not in _NUMERAL_CHARS or not _in_figure(words, k - 1):
            continue
        first = _unit(a)
        m = k + 1
        while m + 1 < len(words) and figure[m + 1]:
            m += 1
        after = words[m + 1].text if m + 1 < len(words) and words[m + 1].start == words[m].end else ""
        if not first or _unit(words[m]).startswith(first) or (not _unit(words[m]) and after.startswith(first)):
            joined[k] = joined[k + 1] = True
    return joined


def _unit(w: Tagged) -> str:
    """What a figure's word counts in: the word itself for a measure word or unit ("年" of
    "1998|年"), the characters after its numerals otherwise ("八年" -> "年", "16" -> "")."""
    return w.text.lstrip(_NUMERAL_CHARS) if w.flag == "m" else w.text


def _in_figure(words: list[Tagged], k: int) -> bool:
    """The word ends a run of numerals and their units ("年" of "475年"), holding a numeral."""
    while k >= 0 and words[k].flag in ("m", "q"):
        if words[k].flag == "m":
            return True
        k -= 1
    return False


def whole_names(span: Span) -> Span:
    """The span, widened at either edge to the whole of a foreign name it cuts at an
    interpunct: "皮埃尔" of "皮埃尔·路易·杜隆" is "皮埃尔·路易·杜隆" (a given name alone names
    somebody else, or nobody)."""
    words = span.sent.words
    span = _widened(_widened(span, name_joints(words)), name_tail_joints(words), left=False)
    return _widened(span, name_edge_joints(words))


def whole_quotation(span: Span) -> Span:
    """The span with the quotation marks around it, when it is all that they enclose
    ("正当程序" of "称为「正当程序」" is "「正当程序」"): the sentence marks it as a term or a
    quotation, as 《》 mark a title, which a title candidate keeps."""
    return Span(span.sent, span.i - 1, span.j + 1, kind=span.kind) if _enclosed(span, _QUOTATION_MARKS) else span


def _enclosed(span: Span, marks: tuple[str, ...]) -> bool:
    """The span is all that one of `marks` and its closing mark enclose."""
    words = span.sent.words
    return 0 < span.i and span.j < len(words) and words[span.i - 1].text in marks \
        and words[span.j].text == _OPEN_CLOSE[words[span.i - 1].text]


def whole_list(span: Span) -> Span:
    """The span, widened at either edge to the whole list it is one item of, for a question
    that asks for several things: "彩虹" of "来往彩虹与机场" is "彩虹与机场" (one of two places
    asked for is half the answer). It takes one word on the far side of each coordinator, so an
    item that jieba cuts in two ("南湾码头") is taken only in part."""
    return _widened(span, coordination_joints(span.sent.words))


def joins_items(span: Span) -> int:
    """How many coordinators or 、 the span holds between its words (not at its edges), when
    it holds no clause punctuation: "甲钢厂、乙纺织厂" 1, "华南陆块与盘古大陆" 1, "甲、乙和丙" 2,
    "甲钢厂，乙纺织厂" 0. jieba tags 与 and 跟 as prepositions even between two items, so the
    tag is not read; a span "他跟北岸书局合作" counts one."""
    words = span.sent.words[span.i:span.j]
    if any(w.text in HARD_PUNCT for w in words):
        return 0
    return sum(1 for w in words[1:-1] if w.text in COORDINATORS)


def in_a_list(span: Span) -> bool:
    """The span holds a list, or is an item of one: a coordinator (和, 与, 、...) inside it, or
    right before or after it ("北岸与南湾"; "南湾" and "《古榕》" of "北岸与南湾", "《古榕》、《山茶》").
    A clause that holds a list counts ("包括标准及高级，以及豪华客房"): items set off by commas
    are lists too, and requiring none cost dev answers."""
    words = span.sent.words
    return any(w.text in COORDINATORS for w in words[span.i + 1:span.j - 1]) \
        or (span.i > 0 and words[span.i - 1].text in COORDINATORS) \
        or (span.j < len(words) and words[span.j].text in COORDINATORS)


def whole_enumeration(span: Span, ranked: Sequence[Span]) -> Span:
    """The whole list the span is one item of, for a question that asks for several things:
    the first of `ranked` (best first) that holds more than the span and joins items
    (`joins_items`), so that the ranker reads the list's edges ("《古榕》" of
    "出版散文集《古榕》、《山茶》" is "《古榕》、《山茶》"; "华南陆块与盘古" of "华南陆块与盘古大陆碰撞"
    is "华南陆块与盘古大陆", where `whole_list` takes one word past the coordinator). A list
    already chosen widens too, which mends an item it cuts ("京广铁路、沪昆" -> "京广铁路、沪昆铁路")
    and may take a word before the list ("出版了《古榕》、《山茶》"); requiring more items than the
    span holds lost 5 answers of the dev questions and gained none. With none ranked, `whole_list`."""
    for other in ranked:
        if _holds_more(other, span) and joins_items(other):
            return Span(span.sent, other.i, other.j, kind=other.kind)
    return whole_list(span)


def _holds_more(other: Span, span: Span) -> bool:
    """`other` is a span of the same sentence that holds `span` and more."""
    return other.sent is span.sent and other.start <= span.start and span.end <= other.end \
        and (other.start, other.end) != (span.start, span.end)


def coordinated_persons(span: Span, ranked: Sequence[Span], named: str) -> Span:
    """For a question that asks who: the whole list of persons the span is one of, when the
    question names none of them. "谁" says nothing of how many, and where the sentence gives
    the asked part to persons joined by 和, 与, 及 or 、, it gives it to all of them ("王小明" of
    "节目由王小明、李大伟及陈美玲主持" is "王小明、李大伟及陈美玲"). Where the question names one of
    them ("郝德泉和谁"), it asks for the others, and the span stays as it is. The list is the
    best of `ranked` that holds the span and more, and holds names of persons only, taken again
    while one holds that list and more; `named` is the question, folded (`text.normalize.fold`)."""
    wider = span
    while wider is not None:
        span = wider
        wider = next((Span(span.sent, o.i, o.j, kind=o.kind) for o in ranked
                      if _holds_more(o, span) and joins_items(o) and _persons_unnamed(o, named)), None)
    return span


# a question that names items of a list and asks for another one: "骨料、水以及哪种材料",
# "一种是丘陵，另一种是?", "除了俄罗斯、蒙古之外还连接了?"
# ("除了哪一款以外" asks for the one left out, not another)
_ASKS_ANOTHER = re.compile(r"(?:、|和|与|及|以及|跟|还有|或)(?:哪|什么|甚么|谁|何)|另一"
                           r"|除了(?![^，,、外]*(?:哪|什么|甚么|谁|何))")
# marks around an item of the question's own list: "水以及", "、蒙古之外", "一种是丘陵"
_LISTED_AFTER = re.compile(r"^(?:[、，,和与及跟或]|以及|还有|之外|以外|外)")
_LISTED_BEFORE = re.compile(r"(?:[、，,和与及跟或是]|以及|还有|除了|包括)$")
_LIST_MARKS = COORDINATORS | {"，", ",", "还有", "或者"}
_CONTINUES_ITEM = ("noun", "name", "numeral", "measure", "latin")   # groups (`pos_group`) of a word that goes on with an item
_FIGURE_OR_TIME = ("numeral", "measure", "time")
_NOT_ITEM_EDGE = ("u", "uj", "ul", "uz", "ug", "uv", "ud", "y")   # an item neither starts nor ends on a particle
SIBLING_RANKS = 5          # how far down the ranking another item may be taken (dev: 4 to 8 alike)


def asks_another_item(question: str) -> bool:
    """The question (folded) names items of a list and asks for another one (`listed_sibling`).

    >>> [asks_another_item(q) for q in ("骨料、水以及哪种材料混合后变成混凝土?", "一种是丘陵，另一种是?",
    ...                                 "除了北岸以外还有哪里?", "骨料与水按什么比例混合?", "除了哪一款以外都是新的?")]
    [True, True, True, False, False]
    """
    return bool(_ASKS_ANOTHER.search(question))


def listed_sibling(span: Span, ranked: Sequence[Span], question: str, within: int = SIBLING_RANKS) -> Span:
    """For a question that names items of a list and asks for another one
    (`asks_another_item`): one item of a list in the span's sentence, not in the question,
    that stands beside an item the question lists ("水泥" of "由水泥、骨料和水配置" for
    "骨料、水以及哪种材料").
    The ranker reads the sentence, not the list, and so often takes a word next to the list
    ("复合材料"). The span stays when it is such an item, or holds one (the tagger splits "九龙|站"
    and tags 站 a verb); otherwise the best of the first `within` of `ranked` that is one is
    taken, and the span stays when none is.

    An item (`_sibling_of_listed`) stands beside a question term that the question itself sets
    in a list (a list mark, 之外, 除了 or 是 next to it there), so "与" of "与哪一个城市相邻" (with,
    not and) takes nothing. It is whole: the word beyond its far edge does not go on with it
    (no noun, name or figure). It holds no verb, preposition or conjunction (it would be a
    clause), neither starts nor ends on a particle, and is a date or figure only beside a date
    or figure."""
    if _sibling_of_listed(span, question):
        return span
    other = next((other for other in ranked[:within] if _sibling_of_listed(other, question)), None)
    if other is None or (_holds_more(span, other) and not _holds_list_mark(span)):
        return span
    return other


def _word_text(sent: SentenceView, k: int) -> str:
    return sent.norm[sent.words[k].start:sent.words[k].end]


def _holds_list_mark(span: Span) -> bool:
    return any(_word_text(span.sent, k) in _LIST_MARKS for k in range(span.i, span.j))


def _clause_word(flag: str) -> bool:
    """A verb, preposition or conjunction: no item of a list holds one (it would be a clause)."""
    return pos_group(flag) in ("verb", "preposition", "conjunction")


def _sibling_of_listed(span: Span, question: str) -> bool:
    """The span is one item of a list in its sentence, beside an item that `question` (folded)
    sets in a list of its own, and is not in the question (`listed_sibling`)."""
    sent = span.sent
    words = sent.words
    if span.only_question_words or span.norm in question or _holds_list_mark(span) \
            or words[span.i].flag in _NOT_ITEM_EDGE or words[span.j - 1].flag in _NOT_ITEM_EDGE \
            or any(_clause_word(words[k].flag) for k in range(span.i, span.j)):
        return False

    def listed(k: int) -> bool:
        return 0 <= k < len(words) and sent.said[k] and not words[k].is_punct and any(
            _LISTED_AFTER.search(question[m.end():]) or _LISTED_BEFORE.search(question[:m.start()])
            for m in re.finditer(re.escape(_word_text(sent, k)), question))

    def ends_item(k: int) -> bool:
        return not 0 <= k < len(words) or words[k].is_punct or _word_text(sent, k) in _LIST_MARKS \
            or _word_text(sent, k).startswith("等") or pos_group(words[k].flag) not in _CONTINUES_ITEM

    def figure(k: int) -> bool:
        return pos_group(words[k].flag) in _FIGURE_OR_TIME

    span_is_figure = figure(span.i) or figure(span.j - 1)

    def beside(mark: int, near: int, far: int) -> bool:
        return 0 <= mark < len(words) and _word_text(sent, mark) in _LIST_MARKS and listed(near) \
            and ends_item(far) and span_is_figure == figure(near)

    return beside(span.i - 1, span.i - 2, span.j) or beside(span.j, span.j + 1, span.i - 1)


def _persons_unnamed(span: Span, named: str) -> bool:
    """Each item of the list span names a person, every word of it a name ("大桥|望美": a place
    and a person's name), and `named` (the question, folded) holds none of them."""
    words, norm = span.sent.words, span.sent.norm
    items = _list_items(span)
    return len(items) >= 2 \
        and all(any(words[k].flag in _PERSON_FLAGS for k in item) for item in items) \
        and all(words[k].flag in _NAME_FLAGS or words[k].text in INTERPUNCTS for item in items for k in item) \
        and not any(fold(norm[words[item[0]].start:words[item[-1]].end]) in named for item in items)


def _list_items(span: Span) -> list[list[int]]:
    """The word indexes of each item of a list span, split at its coordinators."""
    items, item = [], []
    for k in range(span.i, span.j):
        if span.sent.words[k].text in COORDINATORS:
            items.append(item)
            item = []
        elif not span.sent.words[k].is_punct:
            item.append(k)
    items.append(item)
    return [i for i in items if i]


def whole_aside(span: Span, most: int = ASIDE_CHARS) -> Span:
    """The span with the aside in brackets that follows it, when the aside is short and
    whole within the clause ("天禧初年" of "天禧初年（1017年）" is "天禧初年（1017年）"): an
    aside right after a term glosses it (its year in the calendar, its name in another
    language, its place today) and goes with it."""
    words = span.sent.words
    j = span.j
    if j >= len(words) or words[j].text not in _ASIDE_MARKS:
        return span
    close = _OPEN_CLOSE[words[j].text]
    for k in range(j + 1, len(words)):
        w = words[k]
        if w.text == close:
            inside = words[k - 1].end - words[j + 1].start if k > j + 1 else 0
            return Span(span.sent, span.i, k + 1, kind=span.kind) if 0 < inside <= most else span
        if w.text in HARD_PUNCT or w.text in _ASIDE_MARKS:
            return span
    return span


def aside_contents(span: Span) -> bool:
    """The span is all that an aside in brackets holds ("JR东日本" of "东日本旅客铁道（JR东日本）")."""
    return _enclosed(span, _ASIDE_MARKS)


def glossed_term(span: Span, ranked: Sequence[Span]) -> Span:
    """The term an aside glosses, with the aside, when the span is all that the aside holds:
    "JR东日本" of "由东日本旅客铁道（JR东日本）经营" is "东日本旅客铁道（JR东日本）". An aside
    glosses the term before it (another name, its year in the calendar, a translation), and
    the sentence says what it says of that term. Of the runs of words that end where the aside
    opens, the first of `ranked` (best first) is the term; with none, or when the question
    names the term (`_names_the_term`: "…的简称是什么" asks for the aside), the span stays."""
    if not aside_contents(span) or _names_the_term(span):
        return span
    term = next((s for s in ranked if s.sent is span.sent and s.j == span.i - 1 and s.kind in ("words", "quoted")),
                None)
    return span if term is None else Span(span.sent, term.i, span.j + 1, kind=span.kind)


def _names_the_term(span: Span) -> bool:
    """The words before the aside the span fills are the question's, back to a mark, a
    preposition or the sentence's start ("北岸铁道公司的简称是什么" of "由北岸铁道公司（北铁）"):
    the question names the term, so the aside (its short name, its year) is what it asks. A
    term the question names only in part ("国税系统" for "哪一征税系统") is not."""
    words, match = span.sent.words, span.sent.match
    k = span.i - 2
    if k < 0 or match[k] <= 0:
        return False
    while k >= 0 and match[k] > 0:
        k -= 1
    return k < 0 or words[k].is_punct or words[k].text in _NO_START or words[k].flag.startswith("p")


def whole_head(span: Span, asked: tuple[str, ...]) -> Span:
    """The span with the noun it names, when the question asks "which X" and the words right
    after the span are X or its last words ("非营利" of "非营利组织", asked 哪一种组织, is
    "非营利组织"): the answer to "which committee" is a committee."""
    words, norm = span.sent.words, span.sent.norm
    if not asked or norm[span.start:span.end].endswith(asked[-1]):
        return span
    tails = {"".join(asked[k:]) for k in range(len(asked))}
    j, text = span.j, ""
    while j < len(words) and j < span.j + len(asked) and not words[j].is_punct \
            and words[j].start == words[j - 1].end:
        text += norm[words[j].start:words[j].end]
        j += 1
        if text in tails:
            return Span(span.sent, span.i, j, kind=span.kind)
    return span


def with_era(span: Span, era: str) -> Span:
    """The span with the calendar the question counts its year in (`Frame.era`: 民国几年), when
    the sentence writes it right before the span's figure: "16年" of "民国16年" is "民国16年"."""
    words, norm = span.sent.words, span.sent.norm
    if not era or span.start < len(era) or norm[span.start - len(era):span.start] != era \
            or words[span.i].flag != "m":
        return span
    i = next((k for k in range(span.i - 1, -1, -1) if words[k].start == span.start - len(era)), None)
    return span if i is None else Span(span.sent, i, span.j, kind=span.kind)


def whole_answer(span: Span, asked: tuple[str, ...] = ()) -> Span:
    """The chosen answer made whole: no figure and no foreign name cut at its edges, a quoted
    term in its quotation marks, then the noun a "which X" question asks about (「两级传播」理论
    for 什么理论: the noun follows the closing mark), and the short aside that glosses it; a
    copula before a figure or a name is left out (`without_copula`), and an adverb at its end
    whose verb it leaves out (`without_dangling_adverb`); a day's date takes the time of day
    written after it (`with_time_of_day`)."""
    return whole_aside(whole_head(whole_quotation(whole_names(without_copula(with_time_of_day(whole_figures(
        without_dangling_adverb(span)))))), asked))


def with_time_of_day(span: Span) -> Span:
    """The span that ends on a day's date, with the time of that day written right after it: a
    part of the day (早上, 晚上, 凌晨), a clock time (11时, 10点30分), or both ("2010年4月2日" of
    "2010年4月2日早上11时逝世" is "2010年4月2日早上11时"): the time says when on that day.

    >>> from text.tagged import tag_words
    >>> view = SentenceView(0, "2010年4月2日早上11时逝世", "2010年4月2日早上11时逝世", tag_words("2010年4月2日早上11时逝世"),
    ...                     [0.0] * 9, 0.0, False)
    >>> with_time_of_day(Span(view, 0, 6)).text
    '2010年4月2日早上11时'
    """
    words = span.sent.words
    j = span.j
    if j >= 3 and words[j - 1].text.isdigit() and words[j - 2].text in ("日", "号"):
        j -= 1      # the hour's number, which `whole_figures` takes with the date ("8月20日9")
    if words[j - 1].text not in ("日", "号") or j < 2 or words[j - 2].flag != "m":
        return span
    if j < len(words) and words[j].start == words[j - 1].end and words[j].text in _PARTS_OF_DAY:
        j += 1
    k = j
    while k + 1 < len(words) and words[k].flag == "m" and words[k].text.isdigit() \
            and words[k + 1].text in ("时", "点", "分") and words[k].start == words[k - 1].end:
        k += 2
    return span if k <= span.j else Span(span.sent, span.i, k, kind=span.kind)


_PARTS_OF_DAY = frozenset({"凌晨", "清晨", "早上", "早晨", "上午", "中午", "下午", "傍晚", "晚上", "夜间", "深夜", "午夜"})


def without_dangling_adverb(span: Span) -> Span:
    """The span without the adverb it ends on when what the adverb modifies is left outside
    (`adverb_cut_from_its_head`): "林知远则" of "林知远则是首任院长" is "林知远"."""
    if span.j - span.i > 1 and adverb_cut_from_its_head(span.sent.words, span.j - 1):
        return Span(span.sent, span.i, span.j - 1, kind=span.kind)
    return span


def adverb_cut_from_its_head(words: list[Tagged], j: int) -> bool:
    """Word `j` is an adverb and what it modifies follows it: a verb, adjective, adverb,
    preposition or pronoun right after it. A span ending there cuts the adverb from its head
    ("1884年就" of "1884年就有人提出", "林知远则" of "林知远则是首任院长"). One that ends a
    clause is the predicate itself ("反复不定。"); one before a noun or a particle is no adverb
    there, whatever jieba tags it ("第11届|新人奖", "峰仓和也|的"); nor is a lone character that is
    a sound of names (`transliteration_share`: 莫 of "维特|莫|在").

    >>> from text.tagged import tag_words
    >>> words = tag_words("1884年就有人提出")
    >>> [w.text for k, w in enumerate(words) if adverb_cut_from_its_head(words, k)]
    ['就']
    """
    w = words[j]
    if not w.flag.startswith("d") or j + 1 >= len(words) or words[j + 1].start != w.end \
            or (_lone_character(w) and transliteration_share(w.text) >= NAME_EDGE_SHARE):
        return False
    return words[j + 1].flag.startswith(_ADVERB_HEADS)


_ADVERB_HEADS = ("v", "a", "d", "p", "r")     # what an adverb modifies, or opens (就在, 则是, 就有人)


# words are read folded (為 -> 为, 於 -> 于)
_COPULAS = frozenset({"为", "是", "于"})
_FIGURE_FLAGS = ("m", "q", "eng", "cap", "x")
_NAME_FLAGS = ("nr", "nrt", "nrfg", "ns", "nt", "nz")


def without_copula(span: Span) -> Span:
    """The span without the copula or preposition it opens with (为, 是, 于), when what follows
    is a figure or a Latin code or name, or (after 为 only) one Chinese name of two characters
    or more: "为15厘米" of "平均大小为15厘米" is "15厘米", "为G11" is "G11" (the word says that the
    sentence states it, not what it states). 于 and 是 are surnames too (于谦), and a clause
    keeps it ("为渔民提供天气预报" may be the answer as written).

    >>> from text.tagged import tag_words
    >>> view = SentenceView(0, "编号为G11", "编号为G11", tag_words("编号为G11"), [0.0] * 4, 0.0, False)
    >>> without_copula(Span(view, 1, 4)).text
    'G11'
    """
    words = span.sent.words[span.i:span.j]
    if len(words) < 2 or words[0].text not in _COPULAS:
        return span
    rest = words[1:]
    figure = all(w.flag in _FIGURE_FLAGS for w in rest) and any(w.flag in ("m", "eng", "cap") for w in rest)
    name = words[0].text == "为" and len(rest) == 1 and rest[0].flag in _NAME_FLAGS and len(rest[0].text) >= 2
    return Span(span.sent, span.i + 1, span.j, kind=span.kind) if figure or name else span


def _clause_runs(view: SentenceView, most: int = 3) -> list[Span]:
    """Whole clauses and runs of up to `most` neighbouring clauses (an answer to 为什么 or
    "what does X mean" is often one)."""
    words = view.words
    bounds, start = [], 0
    for k, w in enumerate(words):
        if w.is_punct and w.text in HARD_PUNCT:
            if k > start:
                bounds.append((start, k))
            start = k + 1
    if start < len(words):
        bounds.append((start, len(words)))
    out = []
    for a in range(len(bounds)):
        for b in range(a, min(len(bounds), a + most)):
            i, j = bounds[a][0], bounds[b][1]
            while i < j and words[i].is_punct:
                i += 1
            while j > i and words[j - 1].is_punct:
                j -= 1
            if j > i and (j - i > MAX_WORDS or a != b):
                out.append(Span(view, i, j, kind="clause"))
    return out


def _marked(words: list[Tagged]) -> Iterator[tuple[int, int]]:
    """(i, j) of every pair of marks, words[i] opening and words[j] closing: 《…》, “…”, (…)."""
    for i, w in enumerate(words):
        close = _OPEN_CLOSE.get(w.text)
        if not close:
            continue
        for j in range(i + 1, min(len(words), i + 20)):
            if words[j].text == close:
                yield i, j
                break


def _silent_words(words: list[Tagged], marks: list[tuple[int, int]]) -> set[int]:
    """The words inside marks that are no answer on their own: all of marks that say nothing
    (`says_nothing`: "学名" of "（学名：）" is a label whose name is missing), and each label
    before a colon of an aside ("英文" of "（英文：Phillips Academy）" names the kind of gloss,
    not a fact; so do 德语 and 英语 of "（德语：Hund，英语：dog）"). `marks` are the sentence's
    pairs of marks (`_marked`)."""
    silent = set()
    for i, j in marks:
        inside = words[i + 1:j]
        if says_nothing(inside):
            silent.update(range(i + 1, j))
            continue
        for run in _label_runs(inside):
            silent.update(range(i + 1 + run.start, i + 1 + run.stop + 1))    # the label and its colon
    return silent


def _quoted(view: SentenceView, marks: list[tuple[int, int]]) -> list[Span]:
    """《…》, “…” and (…) as wholes (`marks`: the pairs `_marked` finds), marks included for titles."""
    words, out = view.words, []
    for i, j in marks:
        if j > i + 1:
            out.append(Span(view, i, j + 1, kind="quoted") if words[i].text == "《" else Span(view, i + 1, j, kind="quoted"))
    return out


def says_nothing(words: Sequence[Tagged]) -> bool:
    """Words between marks that say nothing: punctuation and labels only, a label being a run
    of words with a colon right after it ("学名：" of "（学名：）", "德语：\"\"", "德语：，英语："):
    the name it introduced is not in the text, as where a source lost its Latin.

    >>> from text.tagged import tag_words
    >>> says_nothing(tag_words("学名：")), says_nothing(tag_words('""')), says_nothing(tag_words("学名：Lutjanus"))
    (True, True, False)
    >>> says_nothing(tag_words("德语：，英语：")), says_nothing(tag_words("德语：Hund，英语："))
    (True, False)
    """
    labels = {k for run in _label_runs(words) for k in run}
    return all(w.is_punct or k in labels for k, w in enumerate(words))


def _label_runs(words: Sequence[Tagged]) -> list[range]:
    """The runs of words (between punctuation) that a colon follows: the labels of what comes
    after them ("英文" of "英文：Phillips Academy")."""
    runs, start = [], None
    for k, w in enumerate(words):
        if not w.is_punct:
            start = k if start is None else start
            continue
        if start is not None and w.text in (":", "："):
            runs.append(range(start, k))
        start = None
    return runs


def _enumerations(view: SentenceView) -> list[Span]:
    """Whole enumerations: from one of the few words before the first 、 (an English comma) to
    one of the few after the last separator of the same clause; the ranker picks the edges."""
    words, out = view.words, []
    zh = has_cjk(view.norm)
    first_sep = "、" if zh else ","
    last_seps = {"、", "和", "与", "及", "以及"} if zh else {",", "and"}
    n, k = len(words), 0
    while k < n:
        if words[k].text != first_sep:
            k += 1
            continue
        lo = k
        while lo > 0 and k - lo < 6 and not _cuts(words[lo - 1], first_sep):
            lo -= 1
        last = k
        m = k + 1
        while m < n and not _cuts(words[m], first_sep) and m - last <= 8:
            if words[m].text in last_seps:
                last = m
            m += 1
        hi = min(m, last + 7)
        for a in range(lo, k):
            if words[a].is_punct or words[a].text in _NO_START:
                continue
            for b in range(last + 1, hi):
                if not words[b].is_punct and words[b].text not in _NO_END \
                        and words[b].end - words[a].start <= 200:
                    out.append(Span(view, a, b + 1, kind="list"))
        k = m
    return out


def _cuts(w: Tagged, separator: str = "") -> bool:
    """A mark no candidate crosses: clause punctuation and quotation marks (but `separator`)."""
    return w.is_punct and w.text != separator and (w.text in HARD_PUNCT or w.text in _OPEN_CLOSE
                                                   or w.text in _OPEN_CLOSE.values())
