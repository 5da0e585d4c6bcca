"""Several processes on one embedded store: writers take turns, readers see their writes."""

import json
import os
import subprocess
import sys
import time

import pytest

from tests.conftest import RAG, ROOT
from tests.store.test_lock import _hold

pytestmark = [pytest.mark.slow, pytest.mark.embedded]

ARTICLES = {
    f"port{i}.txt": f"北岸港第{i}号码头2024年完成改造，投资{100 + i}万元，新增泊位{i + 2}个。\n"
                    f"改造由北岸港务集团负责，工期{i + 5}个月。" for i in range(6)
}
MORE = {
    f"farm{i}.txt": f"青禾县第{i}合作社2023年种植茶叶{300 + i}亩，带动{40 + i}户农民增收。" for i in range(6)
}


def _rag(*args, env=None):
    return subprocess.Popen([RAG, *args], cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                            env={**os.environ, "RAG_PROGRESS": "0", "RAG_AUTO_INGEST": "0", **(env or {})})


def _chunks(store):
    from store.chroma import COLLECTION
    import chromadb

    client = chromadb.PersistentClient(path=str(store / "chroma"))
    got = client.get_collection(COLLECTION, embedding_function=None).get(include=["metadatas", "embeddings"])
    return got


def test_two_ingests_at_once_take_turns_and_lose_nothing(tmp_path, write_articles):
    store = tmp_path / "store"
    first, second = write_articles(ARTICLES, "a"), write_articles(MORE, "b")
    procs = [_rag("ingest", str(first), "--store", str(store)), _rag("ingest", str(second), "--store", str(store))]
    outs = [p.communicate(timeout=600) for p in procs]
    assert [p.returncode for p in procs] == [0, 0], outs
    got = _chunks(store)
    sources = {m["source"] for m in got["metadatas"]}
    assert sources == set(ARTICLES) | set(MORE)
    assert all(e is not None and len(e) > 0 for e in got["embeddings"])   # every chunk has its vector
    again = _rag("ingest", str(first), str(second), "--store", str(store))
    out, err = again.communicate(timeout=600)
    assert again.returncode == 0 and "12 unchanged" in out, (out, err)
    check = _rag("verify", "--store", str(store), "--json")
    out, err = check.communicate(timeout=600)
    assert check.returncode == 0 and json.loads(out)["problems"] == 0, (out, err)


def test_a_writer_that_cannot_wait_stops_with_one_line(tmp_path, write_articles):
    store = tmp_path / "store"
    holder = _hold(store, 60)
    try:
        p = _rag("ingest", str(write_articles(ARTICLES)), "--store", str(store), env={"RAG_LOCK_WAIT": "0.5"})
        out, err = p.communicate(timeout=300)
        assert p.returncode == 2
        lines = [line for line in err.splitlines() if line.strip()]
        assert len(lines) == 1 and f"pid {holder.pid}" in lines[0], err
    finally:
        holder.kill()
        holder.wait()


def test_questions_are_answered_while_another_process_writes(tmp_path, write_articles):
    store = tmp_path / "store"
    p = _rag("ingest", str(write_articles(ARTICLES)), "--store", str(store))
    assert p.wait(timeout=600) == 0
    holder = _hold(store, 120)
    try:
        t0 = time.monotonic()
        ask = _rag("ask", "北岸港第3号码头新增泊位多少个？", "--store", str(store), "--json")
        out, err = ask.communicate(timeout=300)
        assert ask.returncode == 0, err
        answer = json.loads(out)
        assert not answer["abstained"] and answer["citations"][0]["source"] in ARTICLES, answer
        assert time.monotonic() - t0 < 100   # did not wait for the writer
    finally:
        holder.kill()
        holder.wait()


def test_an_open_assistant_answers_from_another_process_s_ingest(tmp_path, write_articles, embedder):
    from rag import Assistant

    store = tmp_path / "store"
    serving = Assistant(store=store, progress=False, auto_ingest=False)
    serving.ingest([write_articles(ARTICLES, "a")])
    question = "青禾县第4合作社2023年种植茶叶多少亩？"
    assert "304" not in serving.ask(question).answer
    p = _rag("ingest", str(write_articles(MORE, "b")), "--store", str(store))
    assert p.wait(timeout=600) == 0
    answer = serving.ask(question)
    assert "304" in answer.answer and answer.citations[0].source == "farm4.txt", answer


def test_rag_serve_answers_from_an_ingest_run_in_another_terminal(tmp_path, write_articles):
    from gradio_client import Client

    from tests.conftest import free_port

    store = tmp_path / "store"
    assert _rag("ingest", str(write_articles(ARTICLES, "a")), "--store", str(store)).wait(timeout=600) == 0
    port = free_port()
    serve = _rag("serve", "--store", str(store), "--port", str(port))
    try:
        deadline = time.monotonic() + 180
        while True:
            try:
                client = Client(f"http://127.0.0.1:{port}/", verbose=False, analytics_enabled=False,
                                download_files=False)
                break
            except Exception:
                assert serve.poll() is None, serve.communicate()[1]
                assert time.monotonic() < deadline, "rag serve did not come up"
                time.sleep(1)
        question = "青禾县第4合作社2023年种植茶叶多少亩？"
        before, _, _ = client.predict(question, [], api_name="/ask")
        assert "304" not in json.dumps(before[-1]["content"], ensure_ascii=False)
        assert _rag("ingest", str(write_articles(MORE, "b")), "--store", str(store)).wait(timeout=600) == 0
        after, sources, _ = client.predict(question, [], api_name="/ask")
        assert "304" in json.dumps(after[-1]["content"], ensure_ascii=False) and "farm4.txt" in sources
    finally:
        serve.terminate()
        serve.communicate(timeout=60)
