"""Batch evaluation: answer every question of a JSONL file and score the answers.

Question fields (unknown ones are ignored):
    id, question                required
    numbers: [..]               each must appear in the answer, compared by value (4100万 = 41 million)
    terms: [[alt, ..], ..]      every group must have one alternative in the answer
    answers: [[alt, ..], ..]    like terms: spans, compared as text; by value when the span is
                                a bare figure ("1,200", 45) or the answer is in the other
                                language ("8 enterprises" for "8家")
    doc / docs                  at least one must be cited
    unanswerable: true          the assistant must abstain
    lang, kind                  tags for the breakdown
Outputs in --out: results.jsonl, summary.json, report.md, accuracy.png.

Besides accuracy, an answer is scored for being concise: a correct answer longer than three
times its expected span, and at least 24 characters long, is not a concise one (a sentence
pasted as the answer holds the span but does not answer). `concise_accuracy` counts only
correct and concise answers (and correct abstentions).
"""

from __future__ import annotations

import json
import statistics
import sys
import time
import unicodedata
from pathlib import Path

from text.normalize import has_cjk, normalize
from common.errors import InputError
from text.numbers import same_value, values_in
from rag.verify import without_markers

__all__ = ["load_questions", "score_answer", "expected_length", "expected_text", "run_eval", "CONCISE_FACTOR", "CONCISE_MIN_CHARS"]

CONCISE_FACTOR = 3
CONCISE_MIN_CHARS = 24
_SIGNS = frozenset("%％‰‱#＃&＆@＠*＊/／\\")   # punctuation by Unicode, part of a figure or a name


def load_questions(path: Path) -> list[dict]:
    if not path.is_file():
        raise InputError(f"no such question file: {path}", hint="give a JSONL file with one question per line")
    out = []
    for lineno, line in enumerate(path.read_text(encoding="utf-8-sig").splitlines(), 1):
        if not line.strip():
            continue
        try:
            obj = json.loads(line)
        except json.JSONDecodeError as exc:
            print(f"skipped {path.name}:{lineno}: not valid JSON ({exc.msg})", file=sys.stderr)
            continue
        if not isinstance(obj, dict) or not isinstance(obj.get("question"), str) or not obj["question"].strip():
            print(f"skipped {path.name}:{lineno}: needs a \"question\" string", file=sys.stderr)
            continue
        obj.setdefault("id", f"line{lineno}")
        out.append(obj)
    if not out:
        raise InputError(f"{path} holds no questions", hint="one JSON object with a \"question\" per line")
    return out


def _has_value(answer: str, expected) -> bool:
    wanted = values_in(str(expected)) or ([float(expected)] if isinstance(expected, (int, float)) else [])
    got = values_in(without_markers(answer))
    return bool(wanted) and all(any(same_value(w, g) for g in got) for w in wanted)


def expected_text(alt) -> str:
    """An expected answer without the punctuation at its edges: the full stop an annotator
    copied with a clause, or the marks around a title, are not part of the answer ("疾病。" is
    answered by "疾病", "《邻人》" by "邻人"; the open sets' own scorers go further and drop all
    punctuation before comparing). A text of punctuation only is kept as it is, and so are signs
    that belong to what they stand by (%, ‰, ‱, #, &, @, *, /, \\). Paired marks are taken off
    each edge on its own ("《甲》与《乙》" -> "甲》与《乙"), which only ever asks for less.

    >>> expected_text("可以止痛。"), expected_text("《邻人》"), expected_text("甲、乙"), expected_text("……")
    ('可以止痛', '邻人', '甲、乙', '……')
    >>> expected_text("45%"), expected_text("#3")
    ('45%', '#3')
    """
    text = str(alt)
    core = text.strip()
    while core and _edge_mark(core[0]):
        core = core[1:]
    while core and _edge_mark(core[-1]):
        core = core[:-1]
    return core or text


def _edge_mark(ch: str) -> bool:
    return ch.isspace() or (unicodedata.category(ch).startswith("P") and ch not in _SIGNS)


def _has_text(answer_norm: str, alt: str) -> bool:
    """The answer holds the expected text, a figure at its edges whole ("G11" is not held by
    "G110" nor by "G11.5").

    >>> _has_text("g11 [1]", "G11"), _has_text("g110 [1]", "G11"), _has_text("g11.5 [1]", "G11")
    (True, False, False)
    >>> _has_text("渡口b2号", "B2号"), _has_text("1,120 [1]", "120"), _has_text("g11。", "G11")
    (True, False, True)
    >>> _has_text("第26届", "第 26 届"), _has_text("参考文献[12]", "参考文献[12]")
    (True, True)
    """
    core = expected_text(alt)
    wanted = _squeezed(normalize(without_markers(core) or core))    # spaces aside: "第 26 届" = "第26届"
    answer_norm = _squeezed(answer_norm)
    k = answer_norm.find(wanted)
    while k >= 0:
        end = k + len(wanted)
        if not (wanted[:1].isdigit() and _figure_goes_on(answer_norm[max(0, k - 2):k][::-1])) \
                and not (wanted[-1:].isdigit() and _figure_goes_on(answer_norm[end:end + 2])):
            return True
        k = answer_norm.find(wanted, k + 1)
    return False


def _squeezed(text: str) -> str:
    return "".join(text.split())


def _figure_goes_on(chars: str) -> bool:
    """The characters next to a figure's edge, nearest first, carry it on: a digit, or a
    decimal point or thousands separator before one."""
    return chars[:1].isdigit() or (chars[:1] in (".", ",") and chars[1:2].isdigit())


def _has_span(answer: str, answer_norm: str, span) -> bool:
    """The answer holds an expected span (`answers`): as text, or by the span's number values
    when the span is a bare figure (a number, "1,200", "45%") or the answer is written in the
    other language (an English answer, "8 enterprises", to a Chinese span, "8家", or the
    reverse). A span is text copied from its passage, and so is the reader's answer in its
    language: "1970" does not answer "1970年代", nor "4站台8" "8条线".

    >>> _has_span("1970 [1]", "1970 [1]", "1970年代"), _has_span("8 enterprises [1]", "8 enterprises [1]", "8家")
    (False, True)
    >>> _has_span("1200 [1]", "1200 [1]", "1,200"), _has_span("12.5 percent [1]", "12.5 percent [1]", "12.5%")
    (True, True)
    """
    if isinstance(span, (int, float)):
        return _has_value(answer, span)
    if _has_text(answer_norm, str(span)):
        return True
    said, asked = _language(without_markers(answer)), _language(str(span))
    bare_figure = not asked and any(ch.isdigit() for ch in str(span))
    return (bare_figure or {said, asked} == {"zh", "en"}) and _has_value(answer, span)


def _language(text: str) -> str:
    """zh for text with Chinese in it, en for Latin letters without, "" for neither (a bare number)."""
    text = unicodedata.normalize("NFKC", text)      # full-width letters are letters
    return "zh" if has_cjk(text) else "en" if any("a" <= ch.lower() <= "z" for ch in text) else ""


def expected_length(item: dict) -> int | None:
    """Characters of the shortest complete expected answer: the shortest alternative of each
    group (or number) that must appear, without the punctuation at its edges, added up; None
    when the item names no span.

    >>> expected_length({"answers": [["2009年", "2009年初。"]], "numbers": [18]})
    7
    """
    lengths = [min(len(expected_text(a)) for a in (g if isinstance(g, list) else [g]))
               for key in ("answers", "terms") for g in item.get(key, []) if g]
    lengths += [len(str(n)) for n in item.get("numbers", [])]
    return sum(lengths) if lengths else None


def _concise(item: dict, text: str) -> bool:
    expected = expected_length(item)
    if item.get("unanswerable") or not expected:
        return True
    length = len(without_markers(text))
    return not (length > CONCISE_FACTOR * expected and length >= CONCISE_MIN_CHARS)


def score_answer(item: dict, ans: dict) -> dict:
    """Checks for one answer: {'correct': bool, 'concise': bool, 'cited_ok': bool|None, 'checks': {...}}."""
    text = ans["answer"]
    norm = normalize(without_markers(text))     # "[1]" holds no expected "1"
    checks: dict[str, bool] = {}
    if item.get("unanswerable"):
        checks["abstained"] = bool(ans["abstained"])
    else:
        checks["answered"] = not ans["abstained"]
        for n in item.get("numbers", []):
            checks[f"number {n}"] = _has_value(text, n)
        for group in item.get("terms", []):
            group = group if isinstance(group, list) else [group]
            checks[f"terms {'|'.join(map(str, group))}"] = any(_has_text(norm, str(g)) for g in group)
        for group in item.get("answers", []):
            group = group if isinstance(group, list) else [group]
            checks[f"answer {'|'.join(map(str, group))}"] = any(_has_span(text, norm, g) for g in group)
    docs = item.get("docs") or ([item["doc"]] if item.get("doc") else [])
    cited = [c["source"] for c in ans["citations"]]
    cited_ok = None
    if docs and not item.get("unanswerable"):
        cited_ok = any(any(_same_doc(c, d) for d in docs) for c in cited)
    correct = all(checks.values())
    return {"correct": correct, "concise": correct and _concise(item, text), "cited_ok": cited_ok,
            "checks": checks}


def _same_doc(cited: str, doc: str) -> bool:
    return cited == doc or cited.split("#")[0] == doc or Path(cited).name == doc or Path(cited).stem == doc


def _retrieval_rank(hits, docs) -> int | None:
    for rank, h in enumerate(hits, 1):
        if any(_same_doc(h.source, d) for d in docs):
            return rank
    return None


def _pct(values: list[float], p: float) -> float:
    if not values:
        return 0.0
    values = sorted(values)
    k = (len(values) - 1) * p
    lo, hi = int(k), min(int(k) + 1, len(values) - 1)
    return round(values[lo] + (values[hi] - values[lo]) * (k - lo), 2)


def run_eval(assistant, questions_path: Path, out_dir: Path, progress: bool = True, k_hit: int = 5) -> dict:
    from tqdm import tqdm

    items = load_questions(questions_path)
    assistant.ensure_corpus()
    out_dir.mkdir(parents=True, exist_ok=True)
    rows = []
    for item in tqdm(items, desc="eval", unit="q", file=sys.stderr, disable=not progress, leave=False):
        t0 = time.perf_counter()
        ans = assistant.ask(item["question"]).to_dict()
        total_ms = (time.perf_counter() - t0) * 1000
        docs = item.get("docs") or ([item["doc"]] if item.get("doc") else [])
        rank = _retrieval_rank(assistant.search(item["question"], k_hit), docs) if docs else None
        scored = score_answer(item, ans)
        rows.append({"id": item["id"], **ans, "correct": scored["correct"], "concise": scored["concise"],
                     "cited_ok": scored["cited_ok"],
                     "checks": scored["checks"], "retrieval_rank": rank, "latency_ms": round(total_ms, 2),
                     "kind": item.get("kind", "untagged"), "lang": item.get("lang", "untagged"),
                     "unanswerable": bool(item.get("unanswerable"))})
    summary = {"backend": assistant.settings.llm, **_summarise(rows, k_hit)}
    with (out_dir / "results.jsonl").open("w", encoding="utf-8") as fh:
        for r in rows:
            fh.write(json.dumps(r, ensure_ascii=False) + "\n")
    (out_dir / "summary.json").write_text(json.dumps(summary, ensure_ascii=False, indent=2), encoding="utf-8")
    (out_dir / "report.md").write_text(_report(summary, rows), encoding="utf-8")
    _chart(summary, out_dir / "accuracy.png")
    return summary


def _summarise(rows: list[dict], k_hit: int) -> dict:
    n = len(rows)
    answerable = [r for r in rows if not r["unanswerable"]]
    with_doc = [r for r in answerable if r["cited_ok"] is not None]
    ranked = [r for r in rows if r["retrieval_rank"] is not None or (r["cited_ok"] is not None)]
    abstained = [r for r in rows if r["abstained"]]
    should = [r for r in rows if r["unanswerable"]]
    true_abstain = [r for r in abstained if r["unanswerable"]]

    def rate(v: list[dict], key: str) -> float:
        return round(sum(bool(x.get(key)) for x in v) / len(v), 4) if v else 0.0

    ranked_ids = {id(r) for r in ranked}

    def hit_rate(v: list[dict]) -> float | None:
        ranked_v = [r for r in v if id(r) in ranked_ids]
        return round(sum(r["retrieval_rank"] is not None for r in ranked_v) / len(ranked_v), 4) if ranked_v else None

    def by(tag: str, rates: tuple[str, ...] = ()) -> dict:
        groups: dict[str, list[dict]] = {}
        for r in rows:
            groups.setdefault(r.get(tag, "extractive" if tag == "backend" else "untagged"), []).append(r)
        return {k: {"n": len(v), "accuracy": round(sum(x["correct"] for x in v) / len(v), 4),
                    "concise_accuracy": rate(v, "concise"), f"hit@{k_hit}": hit_rate(v),
                    **{f"{key}_rate": rate(v, key) for key in rates}}
                for k, v in sorted(groups.items())}

    lat = [r["latency_ms"] for r in rows]
    return {
        "questions": n,
        "accuracy": round(sum(r["correct"] for r in rows) / n, 4),
        "concise_accuracy": rate(rows, "concise"),
        "citation_accuracy": round(sum(bool(r["cited_ok"]) for r in with_doc) / len(with_doc), 4) if with_doc else None,
        "abstention_precision": round(len(true_abstain) / len(abstained), 4) if abstained else None,
        "abstention_recall": round(len(true_abstain) / len(should), 4) if should else None,
        f"hit@{k_hit}": hit_rate(rows),
        "mrr": round(sum(1 / r["retrieval_rank"] for r in ranked if r["retrieval_rank"]) / len(ranked), 4) if ranked else None,
        "latency_ms": {"p50": _pct(lat, 0.5), "p95": _pct(lat, 0.95), "mean": round(statistics.fmean(lat), 2)},
        "verified_rate": rate(rows, "verified"),
        "unsupported_numbers_rate": rate(rows, "unsupported_numbers"),
        "invalid_citations_rate": rate(rows, "invalid_citations"),
        "warnings_rate": rate(rows, "warnings"),
        "by_kind": by("kind"),
        "by_lang": by("lang"),
        "by_backend": by("backend", rates=("unsupported_numbers", "invalid_citations")),
    }


def _report(summary: dict, rows: list[dict]) -> str:
    lines = ["# Evaluation report", "", "| metric | value |", "| --- | --- |"]
    for k, v in summary.items():
        if not isinstance(v, dict):
            lines.append(f"| {k} | {v} |")
    lines.append(f"| latency p50 / p95 (ms) | {summary['latency_ms']['p50']} / {summary['latency_ms']['p95']} |")
    for tag in ("by_kind", "by_lang", "by_backend"):
        hit = next(key for key in next(iter(summary[tag].values())) if key.startswith("hit@"))
        lines += ["", f"## Accuracy {tag.replace('_', ' ')}", "", f"| tag | n | accuracy | concise | {hit} |",
                  "| --- | --- | --- | --- | --- |"]
        lines += [f"| {k} | {v['n']} | {v['accuracy']} | {v['concise_accuracy']} | {v[hit]} |"
                  for k, v in summary[tag].items()]
    misses = [r for r in rows if not r["concise"] or r["cited_ok"] is False]
    lines += ["", f"## Misses ({len(misses)})", ""]
    for r in misses:
        failed = [k for k, ok in r["checks"].items() if not ok]
        if r["correct"] and not r["concise"]:
            failed.append("concise")
        if r["cited_ok"] is False:
            failed.append("citation")
        lines.append(f"- `{r['id']}` {r['question']} → {r['answer']} (failed: {', '.join(failed)})")
    return "\n".join(lines) + "\n"


def _chart(summary: dict, path: Path) -> None:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    fig, axes = plt.subplots(1, 2, figsize=(10, 4))
    for ax, tag, title in ((axes[0], "by_kind", "Accuracy by kind"), (axes[1], "by_lang", "Accuracy by language")):
        names = list(summary[tag])
        values = [summary[tag][k]["accuracy"] for k in names]
        bars = ax.bar(names, values, color="#3b7dd8")
        ax.set_ylim(0, 1.05)
        ax.set_title(title)
        ax.tick_params(axis="x", rotation=30)
        for b, v, k in zip(bars, values, names):
            ax.text(b.get_x() + b.get_width() / 2, v + 0.02, f"{v:.2f}\nn={summary[tag][k]['n']}",
                    ha="center", fontsize=8)
    fig.suptitle(f"overall accuracy {summary['accuracy']:.2f} on {summary['questions']} questions")
    fig.tight_layout()
    fig.savefig(path, dpi=100)
    plt.close(fig)
