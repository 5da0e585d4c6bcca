"""Shared fixtures: the real bundled embedding model, loaded once per session, and stores in
temporary directories. Nothing here reaches the network."""

from __future__ import annotations

import shutil
import socket
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
DATA = ROOT / "data"


@pytest.fixture(autouse=True)
def _no_network(monkeypatch):
    """Fail any test that tries to open a connection beyond this machine."""
    real = socket.socket.connect

    def guarded(self, address):
        host = address[0] if isinstance(address, tuple) else address
        if isinstance(host, str) and not (host.startswith("127.") or host in ("localhost", "::1")) \
                and self.family in (socket.AF_INET, socket.AF_INET6):
            raise RuntimeError(f"test tried to reach the network: {address}")
        return real(self, address)

    monkeypatch.setattr(socket.socket, "connect", guarded)


@pytest.fixture(autouse=True)
def _isolated_env(monkeypatch, tmp_path):
    for name in ("RAG_STORE", "RAG_EMBED_MODEL", "RAG_TOP_K", "RAG_AUTO_INGEST", "RAG_CORPUS", "RAG_LLM",
                 "RAG_LLM_BASE_URL", "RAG_LLM_MODEL", "RAG_LLM_API_KEY", "RAG_LLM_TIMEOUT", "RAG_VERIFY"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("RAG_PROGRESS", "0")


@pytest.fixture(scope="session")
def embedder():
    from store.embed import Embedder

    return Embedder.shared("all-MiniLM-L6-v2")


@pytest.fixture(scope="session")
def corpus_store(tmp_path_factory, embedder):
    """A store with the bundled corpus ingested once; tests must not modify it."""
    from rag import Assistant

    store = tmp_path_factory.mktemp("corpus_store")
    a = Assistant(store=store, progress=False)
    report = a.ingest([DATA])
    assert report.ok and len(report.ingested) == 5
    return store


@pytest.fixture(scope="session")
def assistant(corpus_store):
    from rag import Assistant

    return Assistant(store=corpus_store, progress=False, auto_ingest=False)


@pytest.fixture
def fresh(tmp_path, embedder):
    """An empty store of its own, with first-use ingest off."""
    from rag import Assistant

    return Assistant(store=tmp_path / "store", progress=False, auto_ingest=False)


@pytest.fixture
def articles(tmp_path):
    """A writable copy of the bundled corpus."""
    dest = tmp_path / "articles"
    shutil.copytree(DATA, dest)
    return dest
