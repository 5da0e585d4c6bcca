"""Plain helpers that turn answers, reports and summaries into what the UI shows.

No Gradio here: everything is a string or a list of rows, tested without a server.
"""

from __future__ import annotations

import html
import re
import unicodedata
from pathlib import PurePath

from rag.types import Answer

__all__ = ["answer_markdown", "escape_text", "sources_html", "status_line", "document_rows", "DOCUMENT_COLUMNS",
           "ingest_rows", "INGEST_COLUMNS", "summary_rows", "result_rows", "RESULT_COLUMNS", "safe_filename"]

DOCUMENT_COLUMNS = ["source", "title", "date", "language", "chunks"]
INGEST_COLUMNS = ["file", "result", "detail"]
RESULT_COLUMNS = ["id", "question", "answer", "correct", "cited right", "kind", "lang", "ms"]


def escape_text(text: str) -> str:
    """Text from articles or a model, safe to show as chat markdown: no raw HTML (tags become
    visible text) and no link or image syntax (`[x](javascript:...)`, `![x](http://tracker)`)."""
    return html.escape(text, quote=False).replace("](", "]\\(")


def status_line(ans: Answer) -> str:
    """Badges under an answer: who answered, abstention, verification, warnings."""
    parts = [f"answered by **{ans.backend}**"]
    if ans.abstained:
        parts.append("⚪ **abstained**: the articles do not hold the answer")
    elif ans.verified:
        parts.append("✅ every number verified in its source")
    else:
        parts.append(f"⚠️ **not verified**: {escape_text(', '.join(ans.unsupported_numbers))} found in no source")
    for w in ans.warnings:
        parts.append(f"⚠️ {escape_text(w)}")
    return " · ".join(parts)


def answer_markdown(ans: Answer) -> str:
    """The answer for the chat, escaped, with its [n] markers, then the status line."""
    return f"{escape_text(ans.answer)}\n\n<sub>{status_line(ans)}</sub>"


def _highlight(text: str, quote: str) -> str:
    """The passage, HTML-escaped, with the quoted sentence(s) marked."""
    if not quote:
        return html.escape(text)
    spans = []
    for part in [quote, *re.split(r"(?<=[。！？.!?])\s+", quote)]:
        part = part.strip()
        i = text.find(part) if part else -1
        if i >= 0 and not any(a <= i < b for a, b in spans):
            spans.append((i, i + len(part)))
    if not spans:
        return html.escape(text) + f"<br><mark>{html.escape(quote)}</mark>"
    out, pos = [], 0
    for a, b in sorted(spans):
        if a < pos:
            continue
        out.append(html.escape(text[pos:a]))
        out.append(f"<mark>{html.escape(text[a:b])}</mark>")
        pos = b
    out.append(html.escape(text[pos:]))
    return "".join(out)


def sources_html(ans: Answer | None) -> str:
    """The sources panel: one collapsible entry per citation, the quote highlighted in its passage."""
    if ans is None:
        return "<div class='rag-sources'><p>Sources of the last answer appear here.</p></div>"
    if not ans.citations:
        note = "No source holds the answer." if ans.abstained else "This answer cites no source."
        return f"<div class='rag-sources'><p>{note}</p></div>"
    items = []
    for c in ans.citations:
        meta = " · ".join(html.escape(x) for x in (c.date or "", c.source) if x)
        items.append(
            f"<details class='rag-source' id='source-{c.n}'>"
            f"<summary><b>[{c.n}]</b> {html.escape(c.title or c.source)} <small>({meta})</small></summary>"
            f"<blockquote class='rag-quote'>{html.escape(c.quote)}</blockquote>"
            f"<div class='rag-passage'>{_highlight(c.text, c.quote)}</div></details>")
    return "<div class='rag-sources'>" + "".join(items) + "</div>"


def document_rows(docs: list[dict]) -> list[list]:
    return [[d.get("source"), d.get("title") or "", d.get("date") or "", d.get("lang") or "", d.get("chunks", 0)]
            for d in docs]


def ingest_rows(report, names: dict[str, str] | None = None) -> list[list[str]]:
    """One row per uploaded file: ingested / unchanged / skipped and why."""
    names = names or {}
    rows = [[names.get(s, s), "ingested", ""] for s in report.ingested]
    rows += [[names.get(s, s), "unchanged", "already in the store"] for s in report.unchanged]
    rows += [[names.get(k.where, k.where), "skipped", k.reason] for k in report.skipped]
    return rows


def summary_rows(summary: dict) -> list[list]:
    rows = []
    for k, v in summary.items():
        if k == "latency_ms":
            rows.append(["latency p50 / p95 (ms)", f"{v['p50']} / {v['p95']}"])
        elif not isinstance(v, dict):
            rows.append([k.replace("_", " "), "" if v is None else v])
    for tag in ("by_kind", "by_lang", "by_backend"):
        for name, g in summary.get(tag, {}).items():
            rows.append([f"accuracy, {tag[3:]} {name} (n={g['n']})", g["accuracy"]])
    return rows


def result_rows(rows: list[dict], misses_only: bool = False) -> list[list]:
    out = []
    for r in rows:
        if misses_only and r["correct"] and r.get("cited_ok") is not False:
            continue
        out.append([r["id"], r["question"], r["answer"], "yes" if r["correct"] else "no",
                    {True: "yes", False: "no", None: "-"}[r.get("cited_ok")], r.get("kind", ""),
                    r.get("lang", ""), r.get("latency_ms", "")])
    return out


def safe_filename(name: str) -> str:
    """A plain file name from an uploaded one: no directories, no control or odd characters.

    >>> safe_filename("../../etc/passwd")
    'passwd'
    >>> safe_filename("..\\\\新闻 稿?.txt")
    '新闻_稿_.txt'
    """
    base = PurePath(name.replace("\\", "/")).name
    base = unicodedata.normalize("NFC", base)
    base = re.sub(r"[^\w.\-]+", "_", base, flags=re.UNICODE).strip("._") or "upload"
    stem, dot, ext = base.rpartition(".")
    if dot and stem:
        return f"{stem[:100]}.{ext[:10].lower()}"
    return base[:100]
