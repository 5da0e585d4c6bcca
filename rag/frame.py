"""The slot a question leaves open: where its question word stands, the words around it, the
noun it asks about, the type of answer it wants, and the constraints it sets.

A Chinese question keeps the word order of its answer's sentence, with the question word in
the answer's place: "郑有杰的父亲翻译了日本哪部小说" ~ "其父翻译了日本小说《横山家之味》". So the
words just before and after the question word are where the answer is to be looked for.

    frame("青禾市质量奖哪一年设立?")   -> answer type 'date', left ('青禾市', '质量奖'), right ('设立',)
    frame("Who founded the Riverton club in 2019?") -> 'person', years (2019,)

Rules here are about how questions are phrased, never about a corpus.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

from rag.question import ZH_QUESTION_WORDS, Question, asks_several_en, first_question_word
from text.normalize import fold, to_simplified
from text.numbers import Quantity, find_quantities, parse_chinese_numeral
from text.tagged import Tagged, tag_words
from text.tokenize import STOP_WORDS

__all__ = ["Frame", "frame", "asked_era", "ANSWER_TYPES", "WH_CLASSES", "wh_class", "YEAR", "NAMES_PERIOD", "bigram_recall", "sentence_bigram_recall", "question_names",
           "names_found", "term_coverage", "unmatched_run", "title_run"]

ANSWER_TYPES = ("count", "amount", "percent", "number", "date", "person", "place", "org", "list", "other")
# what the question word itself asks, finer than the answer type where that is "other"
# (a "why" answer is a clause, a "what" answer a noun phrase)
WH_CLASSES = ("what", "which", "who", "when", "where", "why", "how", "how_many", "whether", "none")

_EN_WH = re.compile(r"\b(?:how (?:many|much|long|old|far|large|big|high)|what|which|who|whom|whose|when|where|why|how)\b")
# a question with no question word asks for what would come where it stops ("加拿大最繁忙的机场为?")
_SLOT_AT_END = re.compile(r"(?<![吗呢吧])(?=\s*[?？]\s*$)")
_MEASURE_WORDS = set("个位种所家座部本条支间项")   # 哪个学校: the noun follows the measure word
_COMMON_NOUNS = ("n", "nz", "ng", "eng")           # jieba's tags of common nouns (not names, not verbal nouns)
_SKIP = set("的了是为在于被把将与和及之也都就还所")   # particles between the question word and its context
_CJK = re.compile(r"[\u3400-\u9fff]{2}")
_CJK_CHAR = re.compile(r"[\u3400-\u9fff]")
YEAR = re.compile(r"(?<!\d)((?:1[5-9]|20)\d{2})(?!\d)")   # a year as written: 1500-2099
_ORDINAL = re.compile(r"第\s*([0-9一二三四五六七八九十百]+)\s*[届次期批个名位]|\b(\d+)(?:st|nd|rd|th)\b")
# "哪一位", "哪一个国家", "哪一家公司": Taiwan's questions put 一 after 哪 as often as not
_PERSON_Q = re.compile(r"谁|哪一?[位名]|哪一?个人(?![口民类])|什么人|何人|姓名|名字|\bwho\b|\bwhom\b|\bwhose\b")
_PLACE_Q = re.compile(r"哪里|哪儿|何地|何处|什么地方|哪一?个?(?:国家|城市|省|地区|地方)|哪国|\bwhere\b")
_ORG_Q = re.compile(r"哪一?[个家所]?(?:公司|企业|单位|组织|机构|学校|大学|球队|俱乐部|银行|医院|政党|部门)|"
                    r"\bwhich (?:company|firm|organi[sz]ation|university|school|team|club|bank)\b")
_MARK = re.compile(r"[，,。;；:：?？!！]")
_PERCENT_Q = re.compile(r"百分之|百分比|比例|比率|占比|percent|percentage|proportion|share of")


@dataclass(frozen=True)
class Frame:
    answer_type: str
    wh: str                       # the question word as written ('' when none was found)
    left: tuple[str, ...]         # content words just before the question word (nearest last)
    right: tuple[str, ...]        # content words just after it (nearest first)
    head: str                     # the noun the question word asks about (哪个学校 -> 学校)
    years: tuple[int, ...]        # years the question names
    ordinals: tuple[int, ...]     # 第六届 -> 6; "8th" -> 8
    classifier: str               # measure words a count may use
    bigrams: frozenset[str] = frozenset()   # the question's CJK character bigrams, question word left out
    terms: tuple[tuple[tuple[str, ...], float], ...] = ()   # the question's terms (alternatives, idf weight)
    names: tuple[str, ...] = ()   # proper nouns the question names (tagged as names, or unknown to the dictionary)
    before: str = ""              # the question's clause up to its question word, spaces dropped
    after: str = ""               # the question after its question word, up to the next mark, spaces dropped
    rest: str = ""                # the question without its question word
    wh_class: str = "none"        # one of WH_CLASSES
    asked: tuple[str, ...] = ()   # the noun phrase the question word asks about, word by word (哪种营养因子 -> 营养, 因子)
    several: bool = False         # it says it asks for more than one thing (哪些, 哪两个, 分别, which two)
    figures: tuple[Quantity, ...] = ()   # figures the question states
    era: str = ""                 # the calendar a year is asked in (民国几年 -> 民国), see `asked_era`

    @property
    def asked_period(self) -> str:
        """The unit of time of which the question word asks which one: 年 (哪一年, 何年), 年代
        (哪一年代), 月 (几月, 哪个月), 世纪 (几世纪, 哪一世纪); "" for any other question (什么时候,
        几个月 and 哪一年级 ask no such thing).

        >>> from rag.question import analyze
        >>> [frame(analyze(q)).asked_period for q in ("青禾大桥于哪一年启用？", "青禾大桥于哪一年代启用？",
        ...                                         "雨季从几月开始？", "青禾港建于几世纪？", "工期是几个月？")]
        ['年', '年代', '月', '世纪', '']
        """
        if self.wh in _YEAR_WH_WORDS:
            return "年代" if self.after.startswith("代") else "" if self.after[:1] in _YEAR_NOT_ASKED else "年"
        if self.wh in _WHICH_WH_WORDS:
            return next((unit for unit in ("世纪", "年代", "月") if self.after.startswith(unit)), "")
        return ""


_YEAR_WH_WORDS = ("哪一年", "哪年", "何年")
_YEAR_NOT_ASKED = ("级", "龄", "纪", "间")      # 哪一年级, 何年龄, 哪年间 (哪一年份 asks a year)
_WHICH_WH_WORDS = ("几", "哪", "哪一", "哪个", "哪一个")
# a span that names a period of the unit asked (`Frame.asked_period`): a year is a number before
# 年 (1956年, 民国16年, 至元二十六年), a bare year of three or four digits, 元年, or a year of the
# sexagenary cycle (庚申年), and not 同年, 次年 or a decade (七十年代); a month, a century or a
# decade is a number before its unit (5月, 正月, 19世纪, 七十年代)
NAMES_PERIOD = {
    "年": re.compile(r"[0-9〇零一二两三四五六七八九十百千]年(?!代)|(?<!\d)\d{3,4}(?!\d)|元年"
                    r"|[甲乙丙丁戊己庚辛壬癸][子丑寅卯辰巳午未申酉戌亥]年"),
    "年代": re.compile(r"[0-9〇零一二三四五六七八九十]年代"),
    "月": re.compile(r"[0-9一二三四五六七八九十正腊]月"),
    "世纪": re.compile(r"[0-9一二三四五六七八九十]世纪"),
}


def bigram_recall(grams: frozenset[str], text: str) -> float:
    """Share of the question's character bigrams found in `text` (0 when it has none).

    >>> bigram_recall(frozenset({"书院", "创办"}), "林知远创办了它")
    0.5
    """
    return sum(1 for g in grams if g in text) / len(grams) if grams else 0.0


def unmatched_run(rest: str, text: str) -> int:
    """The longest run of the question's Chinese characters that no character pair of `text`
    holds: a name the question gives that the text never mentions ("萱侬律" in "萱侬律占地面积多大",
    against a text about another place's 占地面积). Particles and single characters between
    matched pairs do not count.

    >>> unmatched_run("萱侬律占地面积多大", "该校占地面积1340余亩")
    3
    """
    best = run = 0
    covered = [False] * len(rest)
    for k in range(len(rest) - 1):
        if rest[k:k + 2] in text:
            covered[k] = covered[k + 1] = True
    for k, ch in enumerate(rest):
        if _CJK_CHAR.match(ch) and not covered[k] and ch not in _SKIP:
            run += 1
            best = max(best, run)
        else:
            run = 0
    return best


def title_run(rest: str, title: str) -> int:
    """The longest run of the passage's title that the question holds, in characters, spaces
    left out: a question names what its article is about ("槐山书院创办于哪一年" and the title
    "槐山书院"), while a question about an article that is not in the store meets the titles
    of other articles in a character or two at most.

    >>> title_run("槐山书院创办于哪一年", "槐山书院"), title_run("槐山书院创办于哪一年", "青禾中学")
    (4, 0)
    """
    a, b = "".join(rest.split()), "".join(title.split())
    best, prev = 0, [0] * (len(b) + 1)
    for ch in a:
        cur = [0] * (len(b) + 1)
        for j, other in enumerate(b, 1):
            if ch == other:
                cur[j] = prev[j - 1] + 1
                best = max(best, cur[j])
        prev = cur
    return best


def names_found(names: tuple[str, ...], text: str) -> float:
    """Share of the question's names that `text` holds (1 when it names none).

    >>> names_found(("林知远", "槐山书院"), "林知远创办了它")
    0.5
    """
    return sum(1 for n in names if n in text) / len(names) if names else 1.0


def term_coverage(terms: tuple[tuple[tuple[str, ...], float], ...], text: str) -> tuple[float, bool]:
    """(share of the terms' weight that `text` holds, whether it holds the weightiest term).

    >>> term_coverage(((("槐山",), 3.0), (("创办",), 1.0)), "创办于1901年")
    (0.25, False)
    """
    total = sum(w for _, w in terms)
    if not terms or total <= 0:
        return 0.0, False
    held = [any(a in text for a in alts) for alts, _ in terms]
    rarest = max(range(len(terms)), key=lambda k: terms[k][1])
    return sum(w for (_, w), h in zip(terms, held) if h) / total, held[rarest]


_NAME_FLAGS = ("nr", "ns", "nt", "nz", "cap")


def question_names(words) -> tuple[str, ...]:
    """Proper nouns among tagged question words: tagged as a name, place, organisation or other
    proper noun, or a Chinese word of two or more characters that the dictionary does not know
    (jieba's guess for a name it has never seen)."""
    import jieba

    out = []
    for w in words:
        text = fold(w.text)
        if len(text) < 2 or w.is_punct or text in STOP_WORDS or ZH_QUESTION_WORDS.fullmatch(text) or _EN_WH.fullmatch(text):
            continue
        unknown = bool(_CJK.match(text)) and not jieba.get_FREQ(w.text)
        if w.flag.startswith(_NAME_FLAGS) or unknown:
            out.append(text)
    return tuple(dict.fromkeys(out))


# once per sentence, though every candidate of the sentence asks
sentence_bigram_recall = lru_cache(maxsize=4096)(bigram_recall)


def _content(words) -> list[str]:
    return [w.text for w in words if not w.is_punct and not (len(w.text) == 1 and w.text in _SKIP)
            and w.text not in STOP_WORDS]


def _answer_type(q: Question, norm: str, wh_class: str, wh: str = "") -> str:
    """What the answer is (ANSWER_TYPES): the question's kind where it names one; a question
    of kind "list" that asks for one thing (哪家公司, 是哪个) is typed as any other single
    question; one asking when (何年, 什么时期) is a date, and one asking how long, how big or how
    far (多久, 多大, 多远) a number. A share is asked by a question for a number, or by one whose
    slot has no question word (占有率达百分比以上?); a question for which or what that states a share
    (哪一城市拥有约百分之十六的就业机会) asks for no share."""
    if q.kind in ("count", "amount", "date", "list", "person"):
        if q.kind == "list" and _PERSON_Q.search(norm):
            return "person"
        if q.kind != "list" or q.several or q.lang != "zh":
            return q.kind
    if _PERCENT_Q.search(norm) and (q.kind == "number" or not wh):
        return "percent"
    if q.kind == "number":
        return "number"
    if _PERSON_Q.search(norm):
        return "person"
    if _PLACE_Q.search(norm):
        return "place"
    if _ORG_Q.search(norm):
        return "org"
    return {"when": "date", "how_many": "number"}.get(wh_class, "other")


_WH_WHEN = re.compile(r"^(?:何时|when)$|^(?:何年|哪一?[年天月])$")
_WH_WHEN_AFTER = re.compile(r"^(?:时候|时间|年代|年份|日期|时期|年)")


def wh_class(wh: str, after: str) -> str:
    """The class (WH_CLASSES) of a question word as written, given the text just after it
    ("什么" + "时候" asks when; "哪" + "所大学" asks which).

    >>> wh_class("为什么", "要"), wh_class("什么", "时候开通"), wh_class("哪所", "大学"), wh_class("how many", "")
    ('why', 'when', 'which', 'how_many')
    """
    if not wh:
        return "none"
    if _WH_WHEN.search(wh) or (wh in ("什么", "哪个", "哪一个", "哪一", "哪") and _WH_WHEN_AFTER.match(after)):
        return "when"
    if wh in ("为什么", "为何", "why"):
        return "why"
    if wh == "是否":
        return "whether"
    if _PERSON_Q.fullmatch(wh):
        return "who"
    if wh in ("哪里", "哪儿", "何地", "何处", "where") or (wh.startswith("哪") and after[:1] in ("里", "儿")):
        return "where"
    if wh.startswith(("多少", "几", "多", "how ")):
        return "how_many"
    if wh in ("怎样", "怎么", "如何", "how"):
        return "how"
    if wh.startswith(("哪", "which")):
        return "which"
    return "what"


def _ordinal_value(text: str) -> int | None:
    if text.isdigit():
        return int(text)
    value = parse_chinese_numeral(text)
    return int(value) if value is not None else None


def frame(q: Question) -> Frame:
    """The open slot of an analysed question."""
    norm = q.norm
    m = first_question_word(norm) if q.lang == "zh" else _EN_WH.search(norm)
    slot_at_end = None
    if m is None and q.lang == "zh":
        m = slot_at_end = _SLOT_AT_END.search(norm)
    wh, left, right, head, before_text, after_text, asked, era = "", (), (), "", "", "", (), ""
    if m:
        wh = m.group(0)
        clause_start = max((norm.rfind(c, 0, m.start()) for c in "，,。;；:："), default=-1) + 1
        before_text = _squeeze(norm[clause_start:m.start()])
        after_text = _squeeze(_MARK.split(norm[m.end():], maxsplit=1)[0])
        before = tag_words(norm[clause_start:m.start()])
        after = tag_words(norm[m.end():])
        cut = next((i for i, w in enumerate(after) if w.is_punct), len(after))
        after = after[:cut]
        left = tuple(_content(before)[-3:])
        right_words = _content(after)
        if q.lang == "zh" and after and after[0].flag in ("q", "m") and len(after[0].text) == 1:
            right_words = right_words[1:] if right_words and right_words[0] == after[0].text else right_words
        right = tuple(right_words[:3])
        asks_for_noun = wh.startswith(("哪", "什么", "多少", "几", "何", "what", "which", "how many"))
        nouns = [w.text for w in after[:3] if (w.flag.startswith("n") or w.flag in ("eng", "cap"))
                 and w.text not in STOP_WORDS]
        head = nouns[0] if nouns and asks_for_noun else ""
        asked = asked_phrase(wh, after) if q.lang == "zh" else ()
        era = asked_era(wh, before, norm[clause_start:m.start()], after_text)
    years = tuple(int(y) for y in YEAR.findall(norm))
    ordinals = tuple(v for g in _ORDINAL.findall(norm) for v in [_ordinal_value(g[0] or g[1])] if v is not None)
    rest = norm.replace(wh, " ") if wh else norm
    bigrams = frozenset(rest[k:k + 2] for k in range(len(rest) - 1)
                        if _CJK.fullmatch(rest[k:k + 2]) and not set(rest[k:k + 2]) <= _SKIP)
    wh_kind = "what" if slot_at_end else wh_class(wh, after_text)
    return Frame(answer_type=_answer_type(q, norm, wh_kind, wh), wh=wh, left=left, right=right, head=head,
                 years=years, ordinals=ordinals, classifier=q.classifier, bigrams=bigrams,
                 terms=tuple(q.keywords.items()), names=question_names(tag_words(to_simplified(q.text))),
                 before=before_text, after=after_text, rest=rest, wh_class=wh_kind, asked=asked,
                 several=q.several if q.lang == "zh" else asks_several_en(norm),
                 figures=tuple(find_quantities(norm)),
                 era=era)


_YEAR_WH = ("几", "多少")
_ERA_FLAGS = ("n", "t", "q", "b")     # nouns (民国, 光绪, 昭和), time words (明治), 公元, 北纬


def asked_era(wh: str, before: list[Tagged], text: str, after: str) -> str:
    """The word a question writes right before 几年 or 多少年 (民国几年, 公元多少年): the calendar
    the year is counted in, which the answer names too ("民国16年"): a noun or a time word of two
    characters or more, not a verb ("成立几年", "追溯到多少年前": how many years); not before
    哪一年, where it is the subject ("青禾大桥哪一年启用").

    `before` are the tagged words of `text`, the question's clause up to its question word.

    >>> asked_era("几", tag_words("浙江省在民国"), "浙江省在民国", "年时宣布独立")
    '民国'
    >>> asked_era("几", tag_words("公司成立"), "公司成立", "年了")
    ''
    """
    if wh not in _YEAR_WH or not after.startswith("年"):
        return ""
    words = [w for w in before if not w.is_punct]
    last = words[-1] if words else None
    if last is None or text[last.end:].strip() or len(last.text) < 2 or not last.flag.startswith(_ERA_FLAGS):
        return ""
    return last.text


def asked_phrase(wh: str, after: list[Tagged]) -> tuple[str, ...]:
    """The noun phrase a "which" question word asks about, word by word: the common noun right
    after it, and the common nouns after that when they run to the end of the question's clause
    (哪种营养因子? -> 营养, 因子; but 什么动物大量杀害 -> 动物: jieba tags 大量 a noun). After a
    measure word (哪一种, 哪个) the first word is the noun whatever jieba tags it (组织 is also a
    verb); after 哪一年, 哪里, 什么 or 何 only a common noun is.

    >>> from text.tagged import tag_words
    >>> asked_phrase("哪一种", tag_words("组织都会需要"))
    ('组织',)
    >>> asked_phrase("哪种", tag_words("营养因子"))
    ('营养', '因子')
    >>> asked_phrase("什么", tag_words("是正当程序"))
    ()
    >>> asked_phrase("哪一年", tag_words("加入学会"))
    ()
    >>> asked_phrase("哪一条", tag_words("位处长江"))
    ()
    """
    measured = wh.startswith(("哪", "何")) and wh[-1] in _MEASURE_WORDS
    if not after or not (measured or wh in ("哪", "哪一", "什么", "何")):
        return ()       # 哪一年, 何地, 哪国: the question word holds its noun
    first = after[0]
    nxt = after[1] if len(after) > 1 else None
    # after a measure word a noun jieba tags a verb (组织都会...) is the noun, unless more follows
    verbal = measured and first.flag[0] == "v" and (nxt is None or nxt.flag[0] not in "nv")
    noun = first.flag in _COMMON_NOUNS or (measured and first.flag[0] == "n") or verbal
    if first.is_punct or first.text in STOP_WORDS or len(first.text) < 2 or not noun:
        return ()
    k = 1
    while k < len(after) and after[k].flag in _COMMON_NOUNS and after[k].text not in STOP_WORDS:
        k += 1
    return tuple(w.text for w in after[:k]) if k == len(after) else (first.text,)


def _squeeze(text: str) -> str:
    return "".join(text.split())
