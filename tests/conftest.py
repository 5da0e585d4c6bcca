"""Shared fixtures. Nothing here reaches the network.

Unit tests (everything not marked `slow`) use `HashEmbedder`, a small deterministic embedder
that speaks the same Protocol, with real Chroma in temporary directories; they may not load a
model (a guard fails them if they try). Integration tests are marked `slow` and share the real
bundled model, loaded once per session.

With TEST_CHROMA_SERVER=1 every store the tests open in this process lives on a real Chroma
server (`chroma run`, started here on 127.0.0.1), one collection per store directory, so the
same suite checks server mode; commands the tests run as subprocesses keep embedded stores."""

from __future__ import annotations

import os
import shutil
import socket
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
DATA = ROOT / "data"
RAG = str(Path(sys.executable).with_name("rag"))   # the console script, as users run it
CHROMA = str(Path(sys.executable).with_name("chroma"))
SERVER_MODE = os.environ.get("TEST_CHROMA_SERVER") == "1"


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def start_chroma_server(path: Path):
    """A real `chroma run` on 127.0.0.1, ready to answer: (process, url)."""
    import subprocess
    import time
    import urllib.request

    port = free_port()
    log = open(Path(path).with_suffix(".log"), "wb")
    proc = subprocess.Popen([CHROMA, "run", "--path", str(path), "--host", "127.0.0.1", "--port", str(port)],
                            stdout=log, stderr=subprocess.STDOUT)
    url = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        try:
            urllib.request.urlopen(f"{url}/api/v2/heartbeat", timeout=2).read()
            return proc, url
        except OSError:
            if proc.poll() is not None:
                break
            time.sleep(0.3)
    proc.kill()
    raise RuntimeError(f"chroma run did not start (see {log.name})")


@pytest.fixture(scope="session")
def chroma_server(tmp_path_factory):
    """The URL of a Chroma server of this test session."""
    proc, url = start_chroma_server(tmp_path_factory.mktemp("chroma-server") / "data")
    yield url
    proc.terminate()
    proc.wait(30)


def pytest_collection_modifyitems(config, items):
    if SERVER_MODE:
        skip = pytest.mark.skip(reason="shares its store with subprocesses, which open it embedded")
        for item in items:
            if item.get_closest_marker("embedded"):
                item.add_marker(skip)


@pytest.fixture(scope="session", autouse=True)
def _server_mode(request):
    """TEST_CHROMA_SERVER=1: each store directory's chunks on the session's Chroma server."""
    if not SERVER_MODE:
        yield
        return
    import hashlib

    from store import chroma

    url = request.getfixturevalue("chroma_server")
    real = chroma.ChunkStore.__init__

    def on_server(self, root, model_name, dim, url_given="", collection=chroma.COLLECTION, **kw):
        if not url_given and not kw.get("url"):
            collection = "t" + hashlib.sha1(str(Path(root).resolve()).encode()).hexdigest()[:20]
            return real(self, root, model_name, dim, url=url, collection=collection)
        return real(self, root, model_name, dim, url=kw.get("url") or url_given, collection=collection)

    with pytest.MonkeyPatch.context() as mp:
        mp.setattr(chroma.ChunkStore, "__init__", on_server)
        yield


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
    import os

    for name in list(os.environ):
        if name.startswith("RAG_"):
            monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("RAG_PROGRESS", "0")


@pytest.fixture(autouse=True)
def _no_model_in_unit_tests(request, monkeypatch):
    """A unit test that would load the real embedding model fails instead."""
    if request.node.get_closest_marker("slow"):
        return
    from store.embed import SentenceEmbedder

    def refuse(*args, **kwargs):
        raise AssertionError("a unit test loaded the embedding model: inject HashEmbedder or mark it slow")

    monkeypatch.setattr(SentenceEmbedder, "shared", classmethod(refuse))
    monkeypatch.setattr(SentenceEmbedder, "__init__", refuse)


@pytest.fixture
def hash_embedder():
    from tests.fakes import HashEmbedder

    return HashEmbedder()


@pytest.fixture
def unit(tmp_path, hash_embedder):
    """An Assistant over an empty store of its own, with the test embedder (no model)."""
    from rag import Assistant

    return Assistant(store=tmp_path / "store", embedder=hash_embedder, progress=False, auto_ingest=False)


@pytest.fixture
def write_articles(tmp_path):
    """Write {file name: text} into a new folder of articles and return the folder."""
    def write(articles: dict[str, str], name: str = "articles") -> Path:
        folder = tmp_path / name
        folder.mkdir()
        for file, text in articles.items():
            (folder / file).write_text(text, encoding="utf-8")
        return folder
    return write


@pytest.fixture(scope="session")
def embedder():
    from store.embed import SentenceEmbedder

    return SentenceEmbedder.shared("all-MiniLM-L6-v2")


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
