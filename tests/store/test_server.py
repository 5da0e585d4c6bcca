"""Chroma server mode against a real `chroma run` on 127.0.0.1: the CLI, two app processes on one
collection, and the same collection checks as an embedded store."""

import json
import os
import subprocess

import pytest

from common.errors import ConfigError, ModelMismatchError
from tests.conftest import RAG, ROOT

pytestmark = pytest.mark.slow


def rag(*args, env=None):
    return subprocess.run([RAG, *args], capture_output=True, text=True, cwd=ROOT, timeout=600,
                          env={**os.environ, "RAG_PROGRESS": "0", "RAG_AUTO_INGEST": "0", **(env or {})})


def test_ingest_ask_remove_and_eval_through_a_chroma_server(tmp_path, articles, chroma_server):
    server = ["--chroma-url", chroma_server]
    env = {"RAG_CHROMA_COLLECTION": "cli_test"}
    r = rag("ingest", str(articles), "--store", str(tmp_path / "cache-a"), *server, env=env)
    assert r.returncode == 0 and "5 documents ingested" in r.stdout, r.stderr
    assert not (tmp_path / "cache-a" / "chroma").exists()       # the chunks are on the server
    # another machine's process: its own cache directory, the same collection
    r = rag("ask", "湖里区标准化奖励资金共计多少?", "--store", str(tmp_path / "cache-b"), "--json", *server, env=env)
    assert r.returncode == 0, r.stderr
    ans = json.loads(r.stdout)
    assert "293.87" in ans["answer"] and ans["citations"][0]["source"] == "004_6995150513352f8e.txt"
    r = rag("eval", str(ROOT / "eval_questions.jsonl"), "--store", str(tmp_path / "cache-b"),
            "--out", str(tmp_path / "ev"), "--quiet", *server, env=env)
    assert r.returncode == 0, r.stderr
    assert json.loads((tmp_path / "ev" / "summary.json").read_text())["accuracy"] >= 0.9
    r = rag("remove", "004_6995150513352f8e.txt", "--store", str(tmp_path / "cache-a"), *server, env=env)
    assert r.returncode == 0, r.stderr
    r = rag("docs", "--store", str(tmp_path / "cache-b"), "--json", *server, env=env)
    assert r.returncode == 0, r.stderr
    assert "004_6995150513352f8e.txt" not in r.stdout and "001_ac2c011cea2464d6.txt" in r.stdout


def test_two_app_processes_on_one_collection_answer_the_same(tmp_path, write_articles, chroma_server, embedder):
    from rag import Assistant

    one = Assistant(store=tmp_path / "app-a", chroma_url=chroma_server, chroma_collection="apps",
                    progress=False, auto_ingest=False)
    two = Assistant(store=tmp_path / "app-b", chroma_url=chroma_server, chroma_collection="apps",
                    progress=False, auto_ingest=False)
    one.ingest([write_articles({"port.txt": "北岸港2024年完成改造，新增泊位7个，投资320万元。"}, "a")])
    question = "北岸港2024年新增泊位多少个？"
    first, second = one.ask(question), two.ask(question)
    assert "7个" in first.answer and first.answer == second.answer
    # a write by the other process is seen before the next answer
    two.ingest([write_articles({"farm.txt": "青禾县2023年种植茶叶560亩，带动48户农民增收。"}, "b")])
    assert "560" in one.ask("青禾县2023年种植茶叶多少亩？").answer


def test_the_server_collection_is_checked_like_an_embedded_store(tmp_path, chroma_server):
    from store.chroma import ChunkStore

    ChunkStore(tmp_path, "model/a", 8, url=chroma_server, collection="checked")
    with pytest.raises(ModelMismatchError, match="model/a"):
        ChunkStore(tmp_path, "model/b", 8, url=chroma_server, collection="checked")


def test_an_unreachable_server_is_one_line_naming_it(tmp_path):
    from tests.conftest import free_port

    url = f"http://127.0.0.1:{free_port()}"
    r = rag("ask", "北岸港新增泊位多少个？", "--store", str(tmp_path), "--chroma-url", url)
    assert r.returncode == 2
    lines = [line for line in r.stderr.splitlines() if line.strip()]
    assert len(lines) == 1 and url in lines[0] and "chroma run" in lines[0], r.stderr
    with pytest.raises(ConfigError, match="not an http"):
        from store.chroma import ChunkStore
        ChunkStore(tmp_path, "m", 8, url="ftp://example")
