"""The Gradio app: a thin layer over `Assistant` (chat, corpus, evaluation, settings).

    rag serve [--store DIR] [--host 127.0.0.1] [--port 7860] [--auth USER:PASS]
"""

from __future__ import annotations

import json
import shutil
import sys
import tempfile
from pathlib import Path

from rag import SUPPORTED, Final, RagError, TextDelta  # (first: sets the offline defaults gradio reads)

import gradio as gr  # noqa: E402
from ui.auth import LoginGuard, parse_auth
from ui.format import (DOCUMENT_COLUMNS, INGEST_COLUMNS, RESULT_COLUMNS, answer_markdown, document_rows,
                       escape_text, ingest_rows, result_rows, safe_filename, sources_html, summary_rows)

__all__ = ["build_app", "launch", "parse_auth", "exposure_warning", "EXAMPLES"]

ROOT = Path(__file__).resolve().parent.parent
EXAMPLES = [
    "How much incentive money has Dalian handed out for the Mayor's Quality Award?",
    "湖里区标准化奖励资金共计多少？",
    "2023年哪些企业荣获第二十届全国质量奖？",
    "沈陽市級計量標準達到多少項？",
]
CSS = """
.rag-sources details { border: 1px solid var(--border-color-primary); border-radius: 6px; padding: 6px 10px; margin: 6px 0; }
.rag-sources summary { cursor: pointer; }
.rag-sources mark { background: #ffe58a; color: #000; padding: 0 2px; }
.rag-passage { white-space: pre-wrap; font-size: 0.92em; max-height: 22em; overflow-y: auto; }
.rag-quote { margin: 6px 0; font-style: italic; }
"""


def build_app(assistant, *, upload_max_mb: float = 20.0, concurrency: int = 4) -> gr.Blocks:
    """The Blocks app for an Assistant; `launch` serves it."""
    settings = assistant.settings
    llm_label = settings.llm if settings.llm == "extractive" else f"{settings.llm} · {settings.llm_model}"
    upload_dir = Path(settings.store) / "uploads"

    # -- chat ------------------------------------------------------------------------------
    def respond(message: str, history: list, top_k: int, use_llm: bool = True):
        history = list(history or [])
        message = (message or "").strip()
        history.append({"role": "user", "content": escape_text(message) or "(empty)"})
        history.append({"role": "assistant", "content": ""})
        streamed = ""
        try:
            for event in assistant.ask_stream(message, int(top_k), extractive=not use_llm):
                if isinstance(event, Final):
                    history[-1]["content"] = answer_markdown(event.answer)
                    yield history, sources_html(event.answer), ""
                elif isinstance(event, TextDelta):
                    streamed += event.text   # escaped whole: a link's "](" may span two pieces
                    history[-1]["content"] = escape_text(streamed)
                    yield history, gr.skip(), ""
        except RagError as exc:
            history[-1]["content"] = f"⚠️ {escape_text(str(exc))}"
            yield history, sources_html(None), message

    # -- corpus ----------------------------------------------------------------------------
    def documents():
        assistant.ensure_corpus()
        rows = document_rows(assistant.documents())
        return rows, gr.update(choices=[r[0] for r in rows], value=None)

    def upload(files, progress=gr.Progress(track_tqdm=True)):
        if not files:
            return [["", "skipped", "choose one or more files first"]], *documents()
        upload_dir.mkdir(parents=True, exist_ok=True)
        rows, paths, notes = [], [], {}
        taken = {d["source"] for d in assistant.documents()}
        for f in files:
            src = Path(f if isinstance(f, str) else f.name)
            name = safe_filename(src.name)
            if Path(name).suffix.lower() not in SUPPORTED:
                rows.append([name, "skipped", f"unsupported type (use {', '.join(sorted(SUPPORTED))})"])
                _discard(src)
                continue
            size_mb = src.stat().st_size / 2**20
            if size_mb > upload_max_mb:
                rows.append([name, "skipped", f"{size_mb:.1f} MB is over the {upload_max_mb:g} MB upload limit "
                                              "(RAG_UPLOAD_MAX_MB)"])
                _discard(src)
                continue
            if _held(name, taken) and not _same_file(upload_dir / name, src):
                # never replace a stored document (a bundled one, another upload) in silence
                new = _free_name(name, taken, upload_dir)
                notes[new] = (f"a document named {name} is already in the store: both are kept, this one as {new} "
                              "(remove the other to replace it)")
                name = new
            taken.add(name)
            dest = upload_dir / name
            shutil.copyfile(src, dest)
            _discard(src)
            paths.append(dest)
        if paths:
            report = assistant.ingest(paths, progress=True)
            kept = report.ingested + report.unchanged
            for dest in paths:   # a file nothing was read from (empty, binary, ...) is not kept
                if not any(s == dest.name or s.startswith(dest.name + "#") for s in kept):
                    dest.unlink(missing_ok=True)
            rows = [[r[0], r[1], notes.get(r[0], r[2])] for r in ingest_rows(report)] + rows
        return rows, *documents()

    def remove(source):
        if not source:
            return "Choose a document to remove.", *documents()
        removed, _ = assistant.remove([source])
        if removed and "#" not in source:   # one article of a JSONL file: the file's others stay
            (upload_dir / source).unlink(missing_ok=True)
        msg = f"Removed {source}." if removed else f"{source} is not in the store."
        return msg, *documents()

    # -- evaluation ------------------------------------------------------------------------
    def evaluate(qfile, progress=gr.Progress(track_tqdm=True)):
        from rag.evaluate import run_eval

        path = Path(qfile if isinstance(qfile, str) else qfile.name) if qfile else ROOT / "eval_questions.jsonl"
        out = Path(tempfile.mkdtemp(prefix="rag-eval-"))
        try:
            summary = run_eval(assistant, path, out, progress=True)
        except RagError as exc:
            return [["error", str(exc)]], None, [], [], None
        rows = [json.loads(x) for x in (out / "results.jsonl").read_text(encoding="utf-8").splitlines()]
        return (summary_rows(summary), str(out / "accuracy.png"), rows, result_rows(rows),
                [str(out / "results.jsonl"), str(out / "summary.json"), str(out / "report.md")])

    def filter_results(rows, misses_only):
        return result_rows(rows or [], misses_only)

    with gr.Blocks(title="News QA") as demo:
        gr.Markdown("## News QA — answers with citations from your articles")
        top_k = gr.State(settings.top_k)
        use_llm = gr.State(settings.llm != "extractive")
        with gr.Tab("Chat"):
            with gr.Row():
                with gr.Column(scale=3):
                    chat = gr.Chatbot(label="Chat", height=480, elem_id="chat")
                    question = gr.Textbox(label="Question", placeholder="Ask about your articles, in Chinese or English",
                                          elem_id="question", max_lines=4)
                    with gr.Row():
                        ask = gr.Button("Ask", variant="primary", elem_id="ask")
                        clear = gr.Button("Clear")
                    gr.Examples(EXAMPLES, inputs=question)
                with gr.Column(scale=2):
                    gr.Markdown("### Sources")
                    sources = gr.HTML(sources_html(None), elem_id="sources")
        with gr.Tab("Corpus"):
            # no file_types filter: a file of another type gets its own line in the results
            # instead of failing the whole upload
            files = gr.File(label="Add articles (.txt .md .html .jsonl)", file_count="multiple", elem_id="upload")
            add = gr.Button("Ingest", variant="primary", elem_id="ingest")
            results = gr.Dataframe(headers=INGEST_COLUMNS, label="Ingest results", interactive=False,
                                   elem_id="ingest-results")
            docs = gr.Dataframe(headers=DOCUMENT_COLUMNS, label="Documents", interactive=False, elem_id="documents")
            with gr.Row():
                pick = gr.Dropdown(label="Document", choices=[], allow_custom_value=True, elem_id="remove-choice")
                drop = gr.Button("Remove", variant="stop", elem_id="remove")
            removed = gr.Markdown()
        with gr.Tab("Evaluation"):
            qfile = gr.File(label="Question file (JSONL; the bundled eval_questions.jsonl when empty)",
                            file_types=[".jsonl"])
            run = gr.Button("Run evaluation", variant="primary", elem_id="run-eval")
            with gr.Row():
                summary = gr.Dataframe(headers=["metric", "value"], label="Summary", interactive=False,
                                       elem_id="eval-summary")
                chart = gr.Image(label="Accuracy by kind and language", type="filepath")
            misses = gr.Checkbox(label="Misses only")
            raw = gr.State([])
            table = gr.Dataframe(headers=RESULT_COLUMNS, label="Per question", interactive=False, wrap=True)
            download = gr.File(label="Download results", file_count="multiple")
        with gr.Tab("Settings"):
            k = gr.Slider(1, 20, value=settings.top_k, step=1, label="Passages per answer (top-k)")
            gr.Markdown(f"Answer backend: **{llm_label}** (set with `RAG_LLM`, `RAG_LLM_MODEL`, "
                        f"`RAG_LLM_BASE_URL`); numbers are verified against the cited passages "
                        f"(policy: **{settings.verify}**). Store: `{settings.store}`.")
            k.change(lambda v: int(v), k, top_k)
            if settings.llm != "extractive":
                who = gr.Radio([llm_label, "extractive (offline reader)"], value=llm_label,
                               label="Answer with (this browser session)", elem_id="backend-choice")
                who.change(lambda v: v == llm_label, who, use_llm)

        ask.click(respond, [question, chat, top_k, use_llm], [chat, sources, question], concurrency_id="chat",
                  api_name="ask")
        question.submit(respond, [question, chat, top_k, use_llm], [chat, sources, question], concurrency_id="chat",
                        api_name="ask_submit")
        clear.click(lambda: ([], sources_html(None)), None, [chat, sources])
        add.click(upload, files, [results, docs, pick], concurrency_limit=1, concurrency_id="corpus", api_name="ingest")
        drop.click(remove, pick, [removed, docs, pick], concurrency_limit=1, concurrency_id="corpus", api_name="remove")
        run.click(evaluate, qfile, [summary, chart, raw, table, download], concurrency_limit=1, api_name="evaluate")
        misses.change(filter_results, [raw, misses], table)
        demo.load(documents, None, [docs, pick], api_name="documents")
    demo.queue(default_concurrency_limit=concurrency, max_size=256)
    return demo


def _discard(path: Path) -> None:
    """Delete Gradio's copy of an uploaded file once it is stored or rejected."""
    try:
        path.unlink(missing_ok=True)
    except OSError:
        pass


def _held(name: str, sources: set[str]) -> bool:
    """Whether the store holds a document from a file of this name (a JSONL file's articles too)."""
    return name in sources or any(s.startswith(name + "#") for s in sources)


def _same_file(a: Path, b: Path) -> bool:
    try:
        return a.is_file() and a.stat().st_size == b.stat().st_size and a.read_bytes() == b.read_bytes()
    except OSError:
        return False


def _free_name(name: str, sources: set[str], folder: Path) -> str:
    stem, dot, ext = name.rpartition(".")
    stem, ext = (stem, f".{ext}") if dot else (name, "")
    n = 2
    while _held(f"{stem}-{n}{ext}", sources) or (folder / f"{stem}-{n}{ext}").exists():
        n += 1
    return f"{stem}-{n}{ext}"


def exposure_warning(host: str, creds) -> str | None:
    """The start-up warning for an app reachable beyond this machine without a password."""
    if host in ("127.0.0.1", "localhost", "::1") or creds:
        return None
    return (f"warning: serving on {host} without --auth: anyone who can reach this port can read and change "
            "the corpus (set --auth USER:PASS or RAG_UI_AUTH)")


def launch(assistant, host: str = "127.0.0.1", port: int = 7860, auth: tuple[str, str] | str | None = None,
           upload_max_mb: float = 20.0, block: bool = True):
    """Serve the app; `auth` is (user, password) or 'USER:PASS', checked by a throttling
    `LoginGuard`. Warns when it listens beyond loopback without a password."""
    creds = parse_auth(auth) if isinstance(auth, str) else auth
    warning = exposure_warning(host, creds)
    if warning:
        print(warning, file=sys.stderr)
    demo = build_app(assistant, upload_max_mb=upload_max_mb)
    return demo.launch(server_name=host, server_port=port, auth=LoginGuard(*creds) if creds else None,
                       prevent_thread_lock=not block,
                       max_file_size=f"{max(upload_max_mb * 5, 100):g}mb", css=CSS, quiet=not block, footer_links=[],
                       show_error=False)
