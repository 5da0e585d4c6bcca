"""The app served on a free loopback port over a copy of the bundled-corpus store."""

from __future__ import annotations

import pytest

from tests.conftest import DATA, SERVER_MODE, free_port  # noqa: F401  (free_port: used by the UI tests)


@pytest.fixture(scope="session")
def served(tmp_path_factory, embedder, corpus_store):
    """The app over a copy of the bundled-corpus store, listening on a free loopback port."""
    import shutil

    from rag import Assistant
    from ui.web import build_app
    from ui.web import CSS

    store = tmp_path_factory.mktemp("ui") / "store"
    assistant = Assistant(store=store, progress=False, auto_ingest=False) if SERVER_MODE else None
    if assistant:          # on a server a store directory holds only caches: ingest a copy instead
        assistant.ingest([DATA])
    else:
        shutil.copytree(corpus_store, store)
        assistant = Assistant(store=store, progress=False, auto_ingest=False)
    demo = build_app(assistant, upload_max_mb=1)
    _, url, _ = demo.launch(server_name="127.0.0.1", server_port=free_port(), prevent_thread_lock=True,
                            quiet=True, css=CSS)
    yield url, store
    demo.close()




@pytest.fixture(scope="session")
def served_corpus_assistant(tmp_path_factory, corpus_store):
    """An Assistant over its own copy of the bundled-corpus store (for apps a test launches)."""
    import shutil

    from rag import Assistant

    store = tmp_path_factory.mktemp("ui-own") / "store"
    if SERVER_MODE:
        a = Assistant(store=store, progress=False, auto_ingest=False)
        a.ingest([DATA])
        return a
    shutil.copytree(corpus_store, store)
    return Assistant(store=store, progress=False, auto_ingest=False)
