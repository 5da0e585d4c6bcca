"""The Gradio app served on 127.0.0.1 and driven with gradio_client."""

from __future__ import annotations

import json
import time
from pathlib import Path

import pytest

pytestmark = pytest.mark.slow

pytest.importorskip("gradio")


@pytest.fixture(scope="module")
def client(served):
    from gradio_client import Client

    return Client(served[0], verbose=False, analytics_enabled=False, download_files=False)


def test_ask_returns_the_answer_and_its_sources(client):
    history, sources, box = client.predict("湖里区标准化奖励资金共计多少？", [], api_name="/ask")
    answer = history[-1]["content"]
    text = answer if isinstance(answer, str) else json.dumps(answer, ensure_ascii=False)
    assert "293.87万元" in text and "[1]" in text and "verified" in text
    assert "<mark>" in sources and "293.87" in sources and "004_6995150513352f8e.txt" in sources
    assert box == ""


def test_bad_questions_get_a_message_not_an_error(client):
    for q in ["", "x" * 10_000]:
        history, _, _ = client.predict(q, [], api_name="/ask")
        text = json.dumps(history[-1]["content"], ensure_ascii=False)
        assert "⚠️" in text and ("empty" in text or "characters long" in text)


def test_twenty_simultaneous_questions_all_get_answers(client):
    questions = ["How many enterprises have won the Governor's Quality Award?", "湖里区有几家企业获得第六届厦门市质量奖？"]
    jobs = [client.submit(questions[i % 2], [], api_name="/ask") for i in range(20)]
    answers = [json.dumps(job.result(timeout=300)[0][-1]["content"], ensure_ascii=False) for job in jobs]
    assert all("[1]" in a for a in answers)
    assert sum("18" in a for a in answers) == 10 and sum("三家" in a or "3" in a for a in answers[1::2]) == 10


def test_upload_list_and_remove(client, tmp_path):
    from gradio_client import handle_file

    good = tmp_path / "harbour.txt"
    good.write_text("Harbour City gave 12 enterprises its Quality Award on 3 May 2024.", encoding="utf-8")
    bad = tmp_path / "notes.pdf"
    bad.write_bytes(b"%PDF-1.4 binary")
    big = tmp_path / "huge.txt"
    big.write_text("word " * 300_000, encoding="utf-8")   # 1.5 MB, over the 1 MB limit of this app
    results, docs, _ = client.predict([handle_file(good), handle_file(bad), handle_file(big)], api_name="/ingest")
    by_file = {r[0]: (r[1], r[2]) for r in results["data"]}
    assert by_file["harbour.txt"][0] == "ingested"
    assert by_file["notes.pdf"][0] == "skipped" and "unsupported" in by_file["notes.pdf"][1]
    assert by_file["huge.txt"][0] == "skipped" and "upload limit" in by_file["huge.txt"][1]
    assert "harbour.txt" in [r[0] for r in docs["data"]]
    history, _, _ = client.predict("How many enterprises did Harbour City give its Quality Award?", [], api_name="/ask")
    assert "12" in json.dumps(history[-1]["content"])
    message, docs, _ = client.predict("harbour.txt", api_name="/remove")
    assert "Removed" in message and "harbour.txt" not in [r[0] for r in docs["data"]]


def test_evaluation_tab_runs_the_bundled_questions(client):
    summary, chart, table, files = client.predict(None, api_name="/evaluate")  # the State output stays server-side
    metrics = {r[0]: r[1] for r in summary["data"]}
    assert float(metrics["accuracy"]) >= 0.85 and int(metrics["questions"]) >= 40
    assert chart and len(table["data"]) == int(metrics["questions"])
    assert any("results.jsonl" in str(f) for f in files)


def _ask_through_a_model(corpus_store, reply: str) -> tuple[str, str]:
    """The chat's last message and the sources panel for the Dalian question, answered by a
    scripted OpenAI-compatible server that replies `reply`."""
    from gradio_client import Client

    from rag import Assistant
    from tests.llm_server import ChatServer, Script
    from tests.ui.conftest import free_port
    from ui.web import build_app

    server = ChatServer(script=Script(text=reply)).start()
    a = Assistant(store=corpus_store, progress=False, auto_ingest=False, llm="openai", llm_model="m",
                  llm_base_url=server.url + "/v1", llm_timeout=5)
    demo = build_app(a)
    _, url, _ = demo.launch(server_name="127.0.0.1", server_port=free_port(), prevent_thread_lock=True, quiet=True)
    try:
        client = Client(url, verbose=False, analytics_enabled=False, download_files=False)
        history, sources, _ = client.predict("How much incentive money has Dalian handed out for the Mayor's "
                                             "Quality Award?", [], api_name="/ask")
        shown = history[-1]["content"]
        return (shown if isinstance(shown, str) else json.dumps(shown, ensure_ascii=False)), sources
    finally:
        demo.close()
        server.stop()


def test_chat_through_a_configured_model(corpus_store, embedder):
    """The UI uses the LLM backend settings: the answer says which backend wrote it."""
    text, sources = _ask_through_a_model(corpus_store, "It has paid 41 million yuan [1].")
    assert "answered by **openai**" in text and "41 million yuan" in text
    assert "41 million" in sources


def test_removing_one_jsonl_article_keeps_the_uploaded_file(client, served, tmp_path):
    from gradio_client import handle_file

    feed = tmp_path / "feed.jsonl"
    feed.write_text('{"id": "a", "text": "River Town gave 4 firms its award."}\n'
                    '{"id": "b", "text": "Hill Town gave 6 firms its award."}\n', encoding="utf-8")
    client.predict([handle_file(feed)], api_name="/ingest")
    message, docs, _ = client.predict("feed.jsonl#a", api_name="/remove")
    sources = [r[0] for r in docs["data"]]
    assert "Removed" in message and "feed.jsonl#a" not in sources and "feed.jsonl#b" in sources
    assert (served[1] / "uploads" / "feed.jsonl").exists()
    message, docs, _ = client.predict("feed.jsonl", api_name="/remove")
    assert not (served[1] / "uploads" / "feed.jsonl").exists()


def test_an_upload_named_like_a_stored_document_keeps_both(client, served, tmp_path):
    from gradio_client import handle_file

    from tests.conftest import DATA

    bundled = sorted(p.name for p in DATA.iterdir() if p.suffix == ".txt")[0]
    impostor = tmp_path / bundled
    impostor.write_text("Quarry Town gave 9 enterprises its Quality Award in 2031.", encoding="utf-8")
    results, docs, _ = client.predict([handle_file(impostor)], api_name="/ingest")
    (row,) = results["data"]
    stem, ext = bundled.rsplit(".", 1)
    assert row[0] == f"{stem}-2.{ext}" and row[1] == "ingested"
    assert f"{bundled} is already in the store" in row[2] and "both are kept" in row[2]
    sources = [r[0] for r in docs["data"]]
    assert bundled in sources and f"{stem}-2.{ext}" in sources
    # the bundled article still answers from its own text
    original = (DATA / bundled).read_text(encoding="utf-8")
    hits = client.predict("Quarry Town Quality Award", [], api_name="/ask")
    assert "9" in json.dumps(hits[0][-1]["content"])
    assert original                                       # untouched on disk
    client.predict(f"{stem}-2.{ext}", api_name="/remove")


def test_rejected_uploads_are_not_left_on_disk(client, served, tmp_path):
    from gradio_client import handle_file

    empty = tmp_path / "empty.txt"
    empty.write_bytes(b"")
    binary = tmp_path / "blob.txt"
    binary.write_bytes(bytes(range(256)) * 40)
    odd = tmp_path / "scan.pdf"
    odd.write_bytes(b"%PDF-1.4")
    results, _, _ = client.predict([handle_file(empty), handle_file(binary), handle_file(odd)], api_name="/ingest")
    assert {r[0]: r[1] for r in results["data"]} == {"empty.txt": "skipped", "blob.txt": "skipped",
                                                     "scan.pdf": "skipped"}
    uploads = served[1] / "uploads"
    assert not any((uploads / n).exists() for n in ("empty.txt", "blob.txt", "scan.pdf"))
    # nor in Gradio's own upload cache
    import os
    import tempfile

    cache = Path(os.environ.get("GRADIO_TEMP_DIR") or Path(tempfile.gettempdir()) / "gradio")
    left = [p for p in cache.rglob("*") if p.is_file() and p.name in ("empty.txt", "blob.txt", "scan.pdf")
            and p.stat().st_mtime > time.time() - 120]
    assert left == []


def test_hostile_model_text_reaches_the_chat_escaped(corpus_store, embedder):
    """A model that repeats markup from an article (or was told to by one) shows it as text."""
    shown, _ = _ask_through_a_model(corpus_store, "It has paid 41 million yuan [1] <img src=x onerror=alert('x')> "
                                                  "[more](javascript:alert('y')) <script>alert('z')</script>")
    assert "answered by **openai**" in shown and "41 million yuan" in shown
    assert "&lt;img" in shown and "&lt;script&gt;" in shown
    for raw in ("<img", "<script", "](javascript"):
        assert raw not in shown
