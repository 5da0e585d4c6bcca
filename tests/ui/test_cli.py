"""The `rag` command run as a subprocess, as users run it."""

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from tests.conftest import DATA, RAG, ROOT

pytestmark = pytest.mark.slow


def rag(*args, cwd=None, env=None):
    e = {**os.environ, "RAG_PROGRESS": "0", **(env or {})}
    return subprocess.run([RAG, *args], capture_output=True, text=True,
                          cwd=cwd or ROOT, env=e, timeout=600)


def test_ingest_ask_remove(tmp_path, articles):
    store = str(tmp_path / "s")
    r = rag("ingest", str(articles), "--store", store)
    assert r.returncode == 0, r.stderr
    assert "5 documents ingested" in r.stdout
    r = rag("ask", "湖里区标准化奖励资金共计多少?", "--store", store, "--json")
    assert r.returncode == 0, r.stderr
    ans = json.loads(r.stdout)
    assert "293.87" in ans["answer"] and ans["citations"][0]["source"] == "004_6995150513352f8e.txt"
    r = rag("ask", "湖里区标准化奖励资金共计多少?", "--store", store)
    assert "Sources:" in r.stdout and "[1]" in r.stdout
    r = rag("remove", "004_6995150513352f8e.txt", "--store", store)
    assert r.returncode == 0 and "removed 1" in r.stdout
    r = rag("remove", "004_6995150513352f8e.txt", "--store", store)
    assert r.returncode == 1 and "not found" in r.stderr


def test_fresh_clone_asks_the_bundled_corpus(tmp_path):
    r = rag("ask", "How much incentive money has Dalian handed out for the Mayor's Quality Award?",
            "--json", cwd=tmp_path)
    assert r.returncode == 0, r.stderr
    assert "empty" in r.stderr and json.loads(r.stdout)["answer"].startswith("41 million yuan")
    assert (tmp_path / ".rag" / "chroma").is_dir()


def test_bad_input_exit_codes_without_traceback(tmp_path):
    (tmp_path / "empty.txt").write_text("")
    r = rag("ingest", str(tmp_path / "empty.txt"), "--store", str(tmp_path / "s"))
    assert r.returncode == 1 and "skipped empty.txt: the file is empty" in r.stderr
    assert "Traceback" not in r.stderr
    r = rag("ingest", str(tmp_path / "missing"), "--store", str(tmp_path / "s"))
    assert r.returncode == 2 and "no such file or directory" in r.stderr and "Traceback" not in r.stderr
    r = rag("ask", "  ", "--store", str(tmp_path / "s"))
    assert r.returncode == 2 and "question is empty" in r.stderr


def test_eval_writes_outputs_and_honours_min_accuracy(tmp_path, corpus_store):
    qs = tmp_path / "q.jsonl"
    qs.write_text("\n".join([
        json.dumps({"id": "a", "question": "湖里区标准化奖励资金共计多少？", "numbers": ["293.87万"],
                    "doc": "004_6995150513352f8e.txt", "kind": "amount", "lang": "zh"}),
        json.dumps({"id": "b", "question": "How many employees does Hengli Petrochemical have?",
                    "unanswerable": True, "kind": "unanswerable", "lang": "en"}),
        "{broken",
    ]) + "\n", encoding="utf-8")
    out = tmp_path / "out"
    r = rag("eval", str(qs), "--store", str(corpus_store), "--out", str(out), "--min-accuracy", "1.0")
    assert r.returncode == 0, r.stderr
    assert "q.jsonl:3" in r.stderr
    summary = json.loads((out / "summary.json").read_text())
    assert summary["accuracy"] == 1.0 and summary["questions"] == 2
    rows = [json.loads(x) for x in (out / "results.jsonl").read_text().splitlines()]
    assert [x["id"] for x in rows] == ["a", "b"] and "citations" in rows[0]
    assert (out / "report.md").exists() and (out / "accuracy.png").stat().st_size > 1000
    # an impossible floor fails the run
    qs.write_text(json.dumps({"id": "c", "question": "湖里区标准化奖励资金共计多少？", "numbers": [1]}) + "\n")
    r = rag("eval", str(qs), "--store", str(corpus_store), "--out", str(out), "--min-accuracy", "0.5")
    assert r.returncode == 1 and "below" in r.stderr


def test_serve_starts_on_loopback_and_answers_http(tmp_path, corpus_store):
    import shutil
    import socket
    import time
    import urllib.request

    store = tmp_path / "store"
    shutil.copytree(corpus_store, store)
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    proc = subprocess.Popen([RAG, "serve", "--store", str(store), "--port", str(port)],
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        deadline = time.monotonic() + 120
        while True:
            try:
                with urllib.request.urlopen(f"http://127.0.0.1:{port}/", timeout=5) as r:
                    assert r.status == 200 and "gradio" in r.read().decode("utf-8", "replace").lower()
                    break
            except OSError:
                assert proc.poll() is None, proc.stderr.read()
                assert time.monotonic() < deadline, "rag serve did not come up"
                time.sleep(1)
    finally:
        proc.terminate()
        _, err = proc.communicate(timeout=30)
    assert "without --auth" not in err and "Traceback" not in err


def test_serve_reads_its_password_from_a_file_and_checks_logins(tmp_path, corpus_store):
    import shutil
    import socket
    import time
    import urllib.error
    import urllib.parse
    import urllib.request

    store = tmp_path / "store"
    shutil.copytree(corpus_store, store)
    secret = tmp_path / "ui-auth"
    secret.write_text("editor:harbour-7\n", encoding="utf-8")
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    proc = subprocess.Popen([RAG, "serve", "--store", str(store), "--port", str(port), "--auth-file", str(secret)],
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    base = f"http://127.0.0.1:{port}"

    def login(password):
        data = urllib.parse.urlencode({"username": "editor", "password": password}).encode()
        try:
            with urllib.request.urlopen(base + "/login", data=data, timeout=30) as r:
                return r.status
        except urllib.error.HTTPError as exc:
            return exc.code

    try:
        deadline = time.monotonic() + 120
        while True:
            try:
                urllib.request.urlopen(base + "/config", timeout=5)
                raise AssertionError("the app answered without a login")
            except urllib.error.HTTPError as exc:
                assert exc.code == 401
                break
            except OSError:
                assert proc.poll() is None, proc.stderr.read()
                assert time.monotonic() < deadline, "rag serve did not come up"
                time.sleep(1)
        assert login("guess") == 400 and login("harbour-7") == 200
    finally:
        proc.terminate()
        _, err = proc.communicate(timeout=30)
    assert "harbour-7" not in " ".join(proc.args)          # never on the command line
    assert "process list" not in err and "Traceback" not in err
