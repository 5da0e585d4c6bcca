"""Writes cut short by kill -9, with real processes: the next ingest stores every document whole
again, `rag verify` finds what was left half-written, and `rag verify --repair` finishes it."""

import json
import os
import subprocess
import sys

import pytest

from tests.conftest import RAG, ROOT

pytestmark = [pytest.mark.slow, pytest.mark.embedded]

ENV = {"RAG_PROGRESS": "0", "RAG_AUTO_INGEST": "0", "RAG_CHUNK_TOKENS": "40"}

# several chunks per article at 40 tokens a chunk, so that a write can stop inside a document
ARTICLES = {
    f"harbour{i}.txt": "".join(f"北岸港第{i}号码头第{k}期工程于2024年{k + 1}月完成，投资{100 + i * 10 + k}万元，"
                               f"新增泊位{k + 2}个，由北岸港务集团负责施工。" for k in range(5))
    for i in range(8)
}

# runs in a child process: the write is cut short by SIGKILL halfway through its first batch
KILLED = """
import os, signal, sys
from rag import Assistant

store, op, *rest = sys.argv[1:]
a = Assistant(store=store)
name = "delete_ids" if op == "remove" else "upsert"
real = getattr(a.store, name)

def cut_short(ids, *columns):
    keep = slice(None, None, 2)   # every other chunk of the batch, then the process dies
    real(ids[keep], *[c[keep] for c in columns])
    os.kill(os.getpid(), signal.SIGKILL)

setattr(a.store, name, cut_short)
a.remove(rest) if op == "remove" else a.ingest(rest)
"""


def rag(*args):
    return subprocess.run([RAG, *args], cwd=ROOT, capture_output=True, text=True, timeout=600,
                          env={**os.environ, **ENV})


def killed(store, op, *args):
    proc = subprocess.run([sys.executable, "-c", KILLED, str(store), op, *map(str, args)], cwd=ROOT,
                          capture_output=True, text=True, timeout=600, env={**os.environ, **ENV})
    assert proc.returncode == -9, proc.stderr


def verify(store, *flags):
    r = rag("verify", "--store", str(store), "--json", *flags)
    return r.returncode, json.loads(r.stdout)


def chunk_ids(store):
    import chromadb

    from store.chroma import COLLECTION

    client = chromadb.PersistentClient(path=str(store / "chroma"))
    return sorted(client.get_collection(COLLECTION, embedding_function=None).get(include=[])["ids"])


@pytest.fixture(scope="module")
def clean(tmp_path_factory):
    """A store written without faults: what every recovery must give back."""
    folder = tmp_path_factory.mktemp("clean") / "articles"
    folder.mkdir()
    for name, text in ARTICLES.items():
        (folder / name).write_text(text, encoding="utf-8")
    store = folder.parent / "store"
    assert rag("ingest", str(folder), "--store", str(store)).returncode == 0
    ids = chunk_ids(store)
    assert len(ids) >= 3 * len(ARTICLES)   # several chunks each
    return folder, store, ids


def _copy(clean, tmp_path):
    import shutil

    folder, store, ids = clean
    shutil.copytree(store, tmp_path / "store")
    return folder, tmp_path / "store", ids


def test_a_remove_killed_halfway_is_undone_by_the_next_ingest(clean, tmp_path):
    folder, store, ids = _copy(clean, tmp_path)
    killed(store, "remove", *ARTICLES)
    left = chunk_ids(store)
    assert 0 < len(left) < len(ids)                                  # half-deleted documents
    code, health = verify(store)
    assert code == 1 and health["incomplete_documents"] and health["problems"] > 0

    again = rag("ingest", str(folder), "--store", str(store))
    assert again.returncode == 0, again.stderr
    assert "8 documents ingested, 0 unchanged" in again.stdout        # never "unchanged"
    assert chunk_ids(store) == ids                                    # 0 lost, 0 duplicated
    code, health = verify(store)
    assert code == 0 and health["problems"] == 0


def test_an_ingest_killed_halfway_is_completed_by_the_next_ingest(clean, tmp_path):
    folder, _, ids = clean
    store = tmp_path / "store"
    killed(store, "ingest", folder)
    assert 0 < len(chunk_ids(store)) < len(ids)
    again = rag("ingest", str(folder), "--store", str(store))
    assert again.returncode == 0 and "0 unchanged" in again.stdout, again.stdout + again.stderr
    assert chunk_ids(store) == ids
    code, health = verify(store)
    assert code == 0 and health["problems"] == 0 and health["chunks"] == len(ids)


def test_verify_repair_finishes_an_interrupted_remove(clean, tmp_path):
    folder, store, ids = _copy(clean, tmp_path)
    killed(store, "remove", "harbour0.txt", "harbour1.txt")
    code, health = verify(store, "--repair")
    assert code == 0 and health["repaired"]["incomplete documents removed"] >= 1
    assert set(health["incomplete_documents"]) == {"harbour0.txt", "harbour1.txt"}
    code, health = verify(store)
    assert code == 0 and health["problems"] == 0
    docs = json.loads(rag("docs", "--store", str(store), "--json").stdout)
    assert {d["source"] for d in docs} == set(ARTICLES) - {"harbour0.txt", "harbour1.txt"}
    # the files ingested again come back whole
    assert rag("ingest", str(folder), "--store", str(store)).returncode == 0
    assert chunk_ids(store) == ids


def test_verify_of_a_healthy_store_reports_nothing(clean):
    code, health = verify(clean[1])
    assert code == 0 and health["problems"] == 0
    assert health["chunks"] == len(clean[2]) and health["documents"] == len(ARTICLES)
    assert health["missing_vectors"] == [] and not health["lexical_stale"]


def _drop_one_vector(store) -> str:
    """Leave one chunk in Chroma without its vector, as two unserialised writers once did: its
    record stays in the metadata segment, its entry in Chroma's write-ahead log (which holds
    the vector until the index is flushed) is gone."""
    import sqlite3

    db = sqlite3.connect(store / "chroma" / "chroma.sqlite3")
    (cid,) = db.execute("select id from embeddings_queue order by seq_id limit 1 offset 5").fetchone()
    db.execute("delete from embeddings_queue where id = ?", (cid,))
    db.commit()
    db.close()
    return cid


def test_a_chunk_without_its_vector_is_found_and_its_vector_recomputed(clean, tmp_path):
    folder, store, ids = _copy(clean, tmp_path)
    lost = _drop_one_vector(store)
    code, health = verify(store)
    assert code == 1 and health["missing_vectors"] == [lost]
    code, health = verify(store, "--repair")
    assert code == 0 and health["repaired"]["vectors recomputed"] == 1
    code, health = verify(store)
    assert code == 0 and health["problems"] == 0 and chunk_ids(store) == ids


def test_a_document_with_a_chunk_lacking_its_vector_is_not_unchanged(clean, tmp_path):
    folder, store, ids = _copy(clean, tmp_path)
    _drop_one_vector(store)
    again = rag("ingest", str(folder), "--store", str(store))
    assert again.returncode == 0 and "1 documents ingested, 7 unchanged" in again.stdout, again.stdout
    code, health = verify(store)
    assert code == 0 and health["problems"] == 0 and chunk_ids(store) == ids


def test_a_recomputed_vector_is_the_one_ingest_wrote(clean, tmp_path):
    """The repair embeds what ingest embedded (the article's title, then the chunk), not the bare text."""
    import sqlite3

    import chromadb
    import numpy as np
    from chromadb.api.client import SharedSystemClient

    from store.chroma import COLLECTION

    folder, store, ids = _copy(clean, tmp_path)
    lost = next(i for i in ids if not i.endswith(":00000"))   # a chunk that does not open its article

    def vector() -> np.ndarray:
        SharedSystemClient.clear_system_cache()   # read what the repairing process wrote, not a cached copy
        client = chromadb.PersistentClient(path=str(store / "chroma"))
        got = client.get_collection(COLLECTION, embedding_function=None).get(ids=[lost], include=["embeddings"])
        return np.asarray(got["embeddings"][0])

    before = vector()
    SharedSystemClient.clear_system_cache()
    db = sqlite3.connect(store / "chroma" / "chroma.sqlite3")
    db.execute("delete from embeddings_queue where id = ?", (lost,))
    db.commit()
    db.close()
    assert verify(store)[1]["missing_vectors"] == [lost]
    code, health = verify(store, "--repair")
    assert code == 0 and health["repaired"]["vectors recomputed"] == 1
    assert np.allclose(vector(), before, atol=1e-5)
