"""Split an article into chunks of whole sentences that fit the embedding model.

A chunk never cuts a sentence unless that one sentence is longer than the budget, in which
case it is cut at clause marks (，,、：:) and, failing those, at the budget.
Chunk ids are stable: `<document id>:<position>`, where the document id is a hash of the
source name, so re-ingesting the same file reproduces the same ids.
"""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass
from typing import Callable

from text.normalize import normalize
from text.sentences import split_sentences

__all__ = ["Chunk", "chunk_article", "doc_id_for", "content_hash", "TokenCounter"]

TokenCounter = Callable[[list[str]], list[int]]
_CLAUSE_RE = re.compile(r"(?<=[，,、：:])")


@dataclass
class Chunk:
    id: str
    doc_id: str
    index: int
    text: str        # original script, shown to users
    norm: str        # normalised form, embedded and tokenised
    start: int       # offsets in the article text
    end: int


def doc_id_for(source: str) -> str:
    return hashlib.sha1(source.encode("utf-8")).hexdigest()[:16]


def content_hash(*parts: str) -> str:
    h = hashlib.sha256()
    for p in parts:
        h.update(p.encode("utf-8"))
        h.update(b"\x00")
    return h.hexdigest()[:32]


def rough_token_count(texts: list[str]) -> list[int]:
    """A model-free estimate: one token per CJK character, 1.3 per English word."""
    out = []
    for t in texts:
        cjk = len(re.findall(r"[\u3400-\u9fff]", t))
        words = len(re.findall(r"[A-Za-z0-9]+", t))
        out.append(cjk + int(words * 1.3) + len(re.findall(r"[^\w\s]", t)))
    return out


def _pieces(text: str, offset: int, budget: int, count: TokenCounter) -> list[tuple[str, int, int]]:
    """Split an over-long sentence into parts that fit `budget` tokens."""
    parts = [p for p in _CLAUSE_RE.split(text) if p]
    if len(parts) == 1:
        # no clause marks: cut by characters, sized from the token density
        n = count([text])[0]
        step = max(16, int(len(text) * budget / max(n, 1) * 0.95))
        return [(text[i:i + step], offset + i, offset + min(i + step, len(text)))
                for i in range(0, len(text), step)]
    out: list[tuple[str, int, int]] = []
    pos = offset
    for p in parts:
        if count([p])[0] > budget:
            out.extend(_pieces(p, pos, budget, count))
        else:
            out.append((p, pos, pos + len(p)))
        pos += len(p)
    return out


def chunk_article(text: str, source: str, budget: int, count: TokenCounter = rough_token_count) -> list[Chunk]:
    """Pack sentences into chunks of at most `budget` tokens (as counted by `count`)."""
    doc_id = doc_id_for(source)
    sentences = split_sentences(text)
    if not sentences:
        return []
    sizes = count([s.text for s in sentences])
    units: list[tuple[str, int, int, int]] = []  # (text, start, end, tokens)
    for s, n in zip(sentences, sizes):
        if n > budget:
            pieces = _pieces(s.text, s.start, budget, count)
            for (t, a, b), m in zip(pieces, count([p[0] for p in pieces])):
                units.append((t, a, b, m))
        else:
            units.append((s.text, s.start, s.end, n))

    chunks: list[Chunk] = []
    cur: list[tuple[str, int, int, int]] = []
    used = 0

    def flush() -> None:
        nonlocal cur, used
        if not cur:
            return
        start, end = cur[0][1], cur[-1][2]
        body = text[start:end]
        chunks.append(Chunk(id=f"{doc_id}:{len(chunks):05d}", doc_id=doc_id, index=len(chunks),
                            text=body, norm=normalize(body), start=start, end=end))
        cur, used = [], 0

    for unit in units:
        if cur and used + unit[3] > budget:
            flush()
        cur.append(unit)
        used += unit[3]
    flush()
    return chunks
