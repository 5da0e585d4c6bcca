"""What a question asks for: its kind, the unit it counts in, and its key terms.

    analyze("湖里区标准化奖励资金共计多少?")  -> kind 'amount', focus ['奖励', '资金']
    analyze("How many enterprises won the award?") -> kind 'count', count_noun 'enterprise'

Rules are about how questions are phrased in Chinese and English, never about a corpus.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from rag.crosslingual import Dictionary, english_words
from text.normalize import has_cjk, is_traditional, normalize
from text.numbers import CLASSIFIERS
from text.tokenize import STOP_WORDS, chinese_words, lexical_tokens, stem, word_tokens

__all__ = ["asks_several", "asks_several_en", "Question", "Terms", "analyze", "EN_COUNT_CLASSIFIERS", "ZH_QUESTION_WORDS", "first_question_word",
           "question_word_spans"]

# A term and its alternatives, any of which meets it ("大连市" is met by "大连" too), with weights.
Terms = dict[tuple[str, ...], float]

# English count nouns -> the Chinese classifiers they are counted with.
EN_COUNT_CLASSIFIERS = {
    "enterprise": "家", "company": "家", "firm": "家", "business": "家", "bank": "家", "supplier": "家",
    "organization": "家个", "organisation": "家个", "unit": "家个", "institution": "家个所",
    "agency": "家个", "hospital": "家所", "school": "所个", "university": "所", "store": "家",
    "standard": "项", "project": "项个", "item": "项个", "program": "项个", "measure": "项条",
    "patent": "件项", "certificate": "张", "time": "次", "people": "人名位", "person": "人名位",
    "employee": "名人", "worker": "名人", "expert": "名位", "case": "个例起", "city": "个座",
    "award": "个项", "prize": "个项", "brand": "个", "product": "个款种", "line": "条",
    "cluster": "个", "part": "个部分", "section": "个部分", "year": "年", "day": "天", "month": "个月",
    "trademark": "件", "team": "支个", "village": "个", "district": "个", "region": "个",
}
_EN_STOP_AFTER = {"do", "does", "did", "have", "has", "had", "were", "was", "are", "is", "in", "of",
                  "for", "to", "did", "will", "would", "can", "been", "be", "there", "by", "at", "on",
                  "from", "with", "that", "which", "the", "and", "how"}
_ZH_QWORD = re.compile(r"多少|几")
# Chinese question words: where a question's slot is (rag.frame)
ZH_QUESTION_WORDS = re.compile(r"多少|(?<![许很最众诸更颇])多[大长高久远重深宽快]|几|哪一?[个位种所家座部本条支年国些里儿处方届次天月]?|"
                               r"什么|啥|谁|何(?:时|地|处|人|种|年)?|怎样|怎么|如何|为什么|为何|是否")
_NUMERALS = "一两二三四五六七八九十几"
_MEASURE = re.compile(f"[{_NUMERALS}]?[{CLASSIFIERS}]")        # 一个, 两家, 几届, 家
_MEASURE_START = set(_NUMERALS + CLASSIFIERS)
_ZH_STRIP = re.compile(r"(共计|累计|总计|合计|一共|共有|共|总共|总数|总额|达到|达|是|为|有|约|大约|了|的)+$")


@dataclass
class Question:
    text: str
    norm: str
    lang: str                 # 'zh' or 'en'
    traditional: bool
    kind: str                 # count | amount | date | list | person | number | other
    classifier: str = ""      # Chinese classifiers a count may use ('家', '个项', ...)
    count_noun: str = ""      # English count noun (stemmed)
    more_counts: list[tuple[str, str]] = field(default_factory=list)   # further figures asked: (classifier, count noun)
    year_only: bool = False
    several: bool = False     # it asks for more than one thing (which ones, which two, both)
    wants_total: bool = False
    focus: list[str] = field(default_factory=list)       # terms that must be near the answer
    keywords: Terms = field(default_factory=dict)        # the question's own terms (one alternative each)
    translated: Terms = field(default_factory=dict)      # dictionary translations of them
    names: set[tuple[str, ...]] = field(default_factory=set)      # translated proper names: a passage must have them
    own_names: set[tuple[str, ...]] = field(default_factory=set)  # the question's own proper names (大连市, 大连)


_WHICH_SEVERAL = f"哪[{_NUMERALS.replace('一', '')}]"    # 哪两, 哪几: not 哪一 (which one)
# a roster asked for: 名单 with what or who after it in its clause (获奖名单是什么, 名单上有谁); a
# question that only names one (入选名单的年份, 在名单中排名多少, 为什么列入名单) asks no roster
_ROSTER = r"名单[^，,。？?；;]*?(?:(?<!为)什么(?!时)|谁|啥)"
_SHARE_ZH = re.compile(r"(多少|几)的?(百分比|比例|比率|比重)|百分之(多少|几)|几成")


def _kind_zh(q: str) -> str:
    # 几家 asks how many; 哪几家 which ones, and 好几个 has no question word (`question_word_spans`)
    if _asks_how_many(q, counted=True) and not re.search(r"(多少|几)\s*[年月天日岁]", q):
        return "count"
    if _SHARE_ZH.search(q):    # 占产值的多少百分比: a share of the money, not the money
        return "number"
    if re.search(r"(多少|几)(钱|元|万元|亿元|资金|奖金|金额|经费)|(资金|奖金|金额|经费|费用|投资|奖励|补贴|补助|钱|收入|产值|利润|营收)[^，,。?？]{0,8}(多少|几何)|多少(万|亿)", q):
        return "amount"
    if re.search(r"何时|什么时候|哪一?年|年份|哪一?天|哪个月|几月|几号|几日|日期|什么时间|时间是|哪一?日", q):
        return "date"
    if re.search(r"哪些|" + _WHICH_SEVERAL + r"|哪家|哪个(公司|企业|单位|组织|机构)|" + _ROSTER + r"|分别是|是哪|有哪", q):
        return "list"
    if re.search(r"谁|哪位|什么人|姓名", q):
        return "person"
    if _asks_how_many(q):
        return "number"
    return "other"


_COUNTED = re.compile(r"\s*[" + CLASSIFIERS + r"]")


def _asks_how_many(norm: str, counted: bool = False) -> bool:
    """多少 or 几 stands in the question as a question word, not inside a name (几内亚) nor as
    "a few" (这几年); with `counted`, with a measure word after it (几家, 多少|家)."""
    return any(m is not None and m.group(0) in ("多少", "几") and (not counted or _COUNTED.match(norm, m.end()))
               for _, _, m in question_word_spans(norm))


_SEVERAL_ZH = re.compile(f"哪些|{_WHICH_SEVERAL}|{_ROSTER}|分别")


def asks_several(norm: str) -> bool:
    """A Chinese question asks for more than one thing: which ones (哪些, 哪几家), which two,
    a roster (名单 with what or who after it), each of them (分别). 哪家企业, 是哪个 and 有哪 ask for one: their kind is "list"
    for the rules reader, which names every match, but the answer is one name.

    >>> asks_several("获奖企业有哪些"), asks_several("分别是多少"), asks_several("由哪家公司经营"), asks_several("首都是哪个")
    (True, True, False, False)
    """
    return bool(_SEVERAL_ZH.search(norm))


def asks_several_en(norm: str) -> bool:
    """An English question says it asks for more than one thing: which two, which ones, both,
    respectively (a plain "which" asks for one, though the rules reader lists every match).

    >>> asks_several_en("which two cities does the ferry link"), asks_several_en("which company runs the ferry")
    (True, False)
    """
    return bool(re.search(r"\bwhich (two|three|four|five|ones)\b|\bboth\b|\brespectively\b", norm))


def _kind_en(q: str) -> str:
    if re.search(r"\bhow much\b.*\b(money|fund|funds|funding|incentive|incentives|reward|rewards|cash|prize|"
                 r"investment|yuan|rmb|dollars?|pa(?:y|ys|id)|spen(?:d|ds|t)|invest(?:s|ed)?|budget|subsid|cost|worth|bonus)", q) \
            or re.search(r"\bwhat (is|was) the (total )?(amount|sum|value) of\b", q):
        return "amount"
    if re.search(r"\bwhen\b|\bwhat (year|date|day|month)\b|\bwhich (year|date|day|month)\b|\bin what year\b", q):
        return "date"
    if re.search(r"\bhow many\b", q):
        return "count"
    if re.search(r"\bwhich\b|\bwhat (companies|enterprises|organizations|organisations|firms|units|cities)\b|"
                 r"\bname the\b|\blist\b|\bwho (were|are) the\b", q):
        return "list"
    if re.search(r"\bwho\b|\bwhose\b", q):
        return "person"
    if re.search(r"\bhow (much|large|big|long|high|far)\b|\bwhat (percentage|share|proportion|rate|number)\b|"
                 r"\bcapacity\b", q):
        return "number"
    return "other"


def _focus_zh(q: str) -> list[str]:
    m = _ZH_QWORD.search(q)
    if not m:
        return []
    after = re.sub(r"^[" + CLASSIFIERS + r"]", "", q[m.end():])
    after = re.split(r"[，,。?？!！ ]|获|被|参与|入选|荣获|获得|通过|的", after)[0][:6]
    before = re.split(r"[，,。?？!！ ]", q[:m.start()])[-1]
    before = _ZH_STRIP.sub("", before)[-6:]
    after_terms = [w for w in word_tokens(after) if len(w) > 1 and not w.isdigit()]
    before_terms = [w for w in word_tokens(before[-4:]) if len(w) > 1 and not w.isdigit()]
    # the primary focus comes first: the noun after 多少家/几个, else the word before 多少
    terms = after_terms[:1] + before_terms[::-1] + after_terms[1:]
    return list(dict.fromkeys(terms))


# English plurals without an -s: "how many people attended" counts people, not "attended"
_IRREGULAR_PLURALS = frozenset("people children men women staff personnel police cattle sheep fish deer "
                               "feet teeth mice geese data media criteria".split())


def _focus_en(q: str) -> tuple[list[str], str]:
    m = re.search(r"\bhow (many|much)\s+(.*)", q)
    if not m:
        return [], ""
    words, plural = [], ""
    for w in re.findall(r"[a-z']+", m.group(2)):
        if w in _EN_STOP_AFTER:
            break
        words.append(stem(w))
        if not plural and ((w.endswith("s") and not w.endswith("ss")) or w in _IRREGULAR_PLURALS):
            plural = words[-1]   # "how many enterprises won": the plural is the noun counted, not "won"
    noun = plural or (words[-1] if words else "")
    return [w for w in words if w not in STOP_WORDS], noun if m.group(1) == "many" else ""


def _standard_question_words(norm: str) -> str:
    """The question words in their standard simplified form: 甚麼, as written in Taiwan, is
    simplified to 甚么, which is 什么."""
    return norm.replace("甚么", "什么")


# words that start as a question word does and ask nothing: almost (几乎), even if (哪怕)
_LOOKALIKES = frozenset({"几乎", "哪怕"})
_A_FEW = re.compile(r"(?:这|那|好|近|每隔)$")    # before 几, it means "a few" (这几年, 好几个, 每隔几天)
_CLAUSE_END = re.compile(r"\s*[呢吗啊]?\s*(?:[？?。！!，,；;:：]|$)")    # a final particle may come first


def question_word_spans(norm: str) -> list[tuple[int, int, re.Match | None]]:
    """Where a Chinese question's question words are: (start, end, the question word's match)
    per question word, in order, read against jieba's words (`rag.frame` takes the first as the
    question's slot):
    - a question word does not start inside a word and run on past it (称为|什么 asks what, not
      why; 科罗拉多|大学 holds no 多大); inside one word it may follow other characters (有何,
      因何, 由谁来);
    - a word that starts as a question word and goes on with characters that are no word is a
      name (何鸿燊, 几内亚), with no question word, as are 几乎 (almost), 哪怕 (even if), 几何
      before a noun (几何光学, geometry) and 几 after 这, 那, 好, 近 or 每隔 (这几年: a few); the
      rest of a word that is one character, a measure word or a numeral goes with the question
      word (什么样, 几天, 哪三关), a word of its own does not (哪些|地方);
    - 为什么 or 为何 that ends a clause right after 称 is 称为 what (简称|为什么: "what is it
      called for short"); why needs a clause after it (名称|为什么叫白宫);
    - a 第 before it (第几届) and the measure word jieba cuts off after 哪, 多少 or 几 (哪|一个,
      多少|家) go with it, with no match of their own.

    >>> [norm[a:b] for norm in ["张学良在哪一个地方出生"] for a, b, _ in question_word_spans(norm)]
    ['哪一个']
    >>> [(a, b, m.group(0)) for a, b, m in question_word_spans("大雄宝殿被称为什么")]
    [(7, 9, '什么')]
    >>> question_word_spans("何鸿燊毕业于多伦多大学")
    []
    """
    import jieba

    words = chinese_words(norm)
    spans: list[tuple[int, int, re.Match | None]] = []
    covered, takes_measure = 0, False
    for k, (at, w) in enumerate(words):
        end = at + len(w)
        if end <= covered:
            continue
        if takes_measure and (len(w) == 1 or _MEASURE.fullmatch(w)):
            spans.append((at, end, None))       # 哪|一个, 哪一|段, 多少|家
            covered, takes_measure = end, False
            continue
        takes_measure = False
        if w in _LOOKALIKES or (w == "几何" and has_cjk(norm[end:end + 1])):
            continue                      # 几乎 (almost); 几何 before a noun is geometry (几何光学)
        found = None
        for i in range(max(at, covered) - at, len(w)):
            m = ZH_QUESTION_WORDS.match(norm, at + i)
            if m is not None and not (i and m.end() > end):     # not 称为|什么
                found = (i, m)
                break
        if found is None:
            continue
        i, m = found
        if m.group(0) == "几" and _A_FEW.search(norm, 0, at + i):
            continue                      # 这几年, 每隔几天: a few, not how many
        if m.group(0) in ("为什么", "为何") and norm[at + i - 1:at + i] == "称" and _CLAUSE_END.match(norm, m.end()):
            i, m = i + 1, ZH_QUESTION_WORDS.match(norm, at + i + 1)    # 简称|为什么 at a clause's end: 称为 what
        # what follows the match in the word it ends in
        last = next(a + len(v) for a, v in words[k:] if a + len(v) >= m.end())
        rest = norm[m.end():last]
        whole = len(rest) <= 1 or rest[0] in _MEASURE_START
        if not whole and m.end() <= end and not jieba.get_FREQ(rest):
            continue                      # a name that starts as a question word does
        stop = last if whole else m.end()
        begin = at + i
        if i == 1 and w[0] == "第":
            begin = at                    # 第几届
        elif not i and k and words[k - 1] == (at - 1, "第"):
            begin = at - 1                # 第|几届
        spans.append((begin, stop, m))
        covered = stop
        takes_measure = not rest and m.group(0).startswith(("哪", "多少", "几"))
    return spans


def first_question_word(norm: str) -> re.Match | None:
    """The match of a Chinese question's first question word (`question_word_spans`)."""
    return next((m for _, _, m in question_word_spans(norm) if m is not None), None)


def analyze(question: str, idf=None, dictionary: Dictionary | None = None) -> Question:
    """Analyse a question; `idf(term) -> float` weights keywords (defaults to 1), and the
    dictionary translates them for passages in the other language."""
    dictionary = dictionary or Dictionary()
    norm = _standard_question_words(normalize(question))
    lang = "zh" if has_cjk(norm) else "en"
    kind = _kind_zh(norm) if lang == "zh" else _kind_en(norm)
    q = Question(text=question, norm=norm, lang=lang, traditional=is_traditional(question), kind=kind)
    if lang == "zh":
        asked = list(re.finditer(r"(多少|几)\s*([" + CLASSIFIERS + r"])", norm))
        if kind == "count" and asked:
            q.classifier = asked[0].group(2)
            # "多少家企业的多少个项目": two figures, each counted with its own measure word
            q.more_counts = [(m.group(2), "") for m in asked[1:]]
        q.focus = _focus_zh(norm)
        q.year_only = bool(re.search(r"哪一?年|什么年份|年份", norm))
        q.several = asks_several(norm)
        q.wants_total = bool(re.search(r"共|总|累计|合计|一共", norm))
        own = [w for w in word_tokens(norm) if not w.isdigit() or len(w) >= 2]
    else:
        q.focus, q.count_noun = _focus_en(norm)
        if q.count_noun:
            q.classifier = EN_COUNT_CLASSIFIERS.get(q.count_noun, "")
            # "how many firms and how many projects": one figure per count noun
            rest = norm[re.search(r"\bhow many\b", norm).end():]
            for m in re.finditer(r"\bhow many\b", rest):
                noun = _focus_en(rest[m.start():])[1]
                if noun:
                    q.more_counts.append((EN_COUNT_CLASSIFIERS.get(noun, ""), noun))
        q.year_only = bool(re.search(r"what year|which year|in what year", norm))
        q.several = kind == "list" or asks_several_en(norm)
        q.wants_total = bool(re.search(r"\b(total|in all|altogether|overall|so far|in total|cumulative)\b", norm))
        own = word_tokens(norm)
    own = [w for w in own if w not in STOP_WORDS and not _ZH_QWORD.fullmatch(w)]
    weight = idf or (lambda t: 1.0)
    keywords: dict[str, float] = {w: weight(w) for w in own}
    if lang == "en":
        # Chinese equivalents, for English questions about Chinese articles
        for alts, name in dictionary.translate_en_named(english_words(norm)):
            # one term per English phrase, met by any of its translations
            q.translated.setdefault(tuple(alts), weight(alts[0]))
            if name and re.search(rf"\b{name[0].upper()}{re.escape(name[1:])}\b", question):
                q.names.add(tuple(alts))   # capitalised in the question: a place or person
        focus_zh = dictionary.translate_en_terms(q.focus)
        q.focus = q.focus + [t for t in focus_zh if t not in q.focus]
    else:
        # unknown names: jieba may split them, bigrams still match
        for t in lexical_tokens(norm):
            if len(t) == 2 and t not in keywords and not _ZH_QWORD.search(t):
                keywords.setdefault(t, 0.3 * weight(t))
        for w in own:
            if len(w) >= 2 and dictionary.is_name(w):   # 大连市 is met by 大连 too
                short = w[:-1] if len(w) >= 3 and w[-1] in "市区省县镇" else ""
                q.own_names.add((w, short) if short else (w,))
        # English equivalents, for Chinese questions about English articles
        for w, alts in dictionary.translate_zh_words(list(keywords)).items():
            if has_cjk(w) and len(w) >= 2:  # single characters translate to noise (家 -> home)
                q.translated.setdefault(tuple(alts), keywords[w])
                if dictionary.is_name(w) and keywords[w] >= weight(w):   # a whole word, not a bigram
                    q.names.add(tuple(alts))
        english_focus = [e for alts in dictionary.translate_zh_words(q.focus).values() for e in alts]
        q.focus = q.focus + [e for e in english_focus if e not in q.focus]
    q.keywords = {(k,): v for k, v in keywords.items() if v > 0}
    return q
