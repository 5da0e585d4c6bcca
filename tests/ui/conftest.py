"""The app served on a free loopback port over a copy of the bundled-corpus store."""

from __future__ import annotations

import socket

import pytest


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture(scope="session")
def served(tmp_path_factory, embedder, corpus_store):
    """The app over a copy of the bundled-corpus store, listening on a free loopback port."""
    import shutil

    from rag import Assistant
    from ui.web import build_app
    from ui.web import CSS

    store = tmp_path_factory.mktemp("ui") / "store"
    shutil.copytree(corpus_store, store)
    demo = build_app(Assistant(store=store, progress=False, auto_ingest=False), upload_max_mb=1)
    _, url, _ = demo.launch(server_name="127.0.0.1", server_port=free_port(), prevent_thread_lock=True,
                            quiet=True, css=CSS)
    yield url, store
    demo.close()


