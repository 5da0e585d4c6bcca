"""One writer at a time (store.lock), with real processes holding the lock."""

import os
import signal
import subprocess
import sys
import threading
import time

import pytest

from common.errors import StoreBusyError
from store.lock import LOCK_FILE, WriterLock, holder
from tests.conftest import ROOT

HOLD = """
import sys, time
from store.lock import WriterLock
with WriterLock(sys.argv[1], wait=5):
    print("locked", flush=True)
    time.sleep(float(sys.argv[2]))
"""


def _hold(store, seconds):
    proc = subprocess.Popen([sys.executable, "-c", HOLD, str(store), str(seconds)], cwd=ROOT,
                            stdout=subprocess.PIPE, text=True)
    assert proc.stdout.readline().strip() == "locked"
    return proc


def test_a_second_writer_stops_with_one_line_naming_the_holder(tmp_path):
    proc = _hold(tmp_path, 30)
    try:
        t0 = time.monotonic()
        with pytest.raises(StoreBusyError) as err:
            with WriterLock(tmp_path, wait=0.5):
                pass
        assert time.monotonic() - t0 < 5
        message = str(err.value)
        assert f"pid {proc.pid}" in message and "\n" not in message
        assert "RAG_LOCK_WAIT" in message   # the hint: how to wait longer
    finally:
        proc.kill()
        proc.wait()


def test_a_second_writer_waits_for_the_first_to_finish(tmp_path):
    proc = _hold(tmp_path, 1.0)
    try:
        t0 = time.monotonic()
        with WriterLock(tmp_path, wait=20):
            assert holder(tmp_path)["pid"] == os.getpid()
        assert time.monotonic() - t0 >= 0.5
    finally:
        proc.wait()


def test_the_lock_of_a_killed_writer_is_taken_over(tmp_path):
    proc = _hold(tmp_path, 60)
    proc.send_signal(signal.SIGKILL)
    proc.wait()
    assert holder(tmp_path)["pid"] == proc.pid          # the file still names the dead holder
    with WriterLock(tmp_path, wait=0):
        assert holder(tmp_path)["pid"] == os.getpid()
    assert holder(tmp_path) is None                     # released: nobody is named


def test_nested_writes_of_one_thread_go_on_and_threads_take_turns(tmp_path):
    order = []
    with WriterLock(tmp_path, wait=1):
        with WriterLock(tmp_path, wait=1):   # re-entrant
            order.append("nested")

        def other():
            with WriterLock(tmp_path, wait=10):
                order.append("other")
        t = threading.Thread(target=other)
        t.start()
        time.sleep(0.3)
        order.append("first done")
    t.join(10)
    assert order == ["nested", "first done", "other"]
    assert (tmp_path / LOCK_FILE).exists()


def test_another_thread_gives_up_after_its_wait(tmp_path):
    errors = []
    with WriterLock(tmp_path, wait=1):
        def other():
            try:
                with WriterLock(tmp_path, wait=0.2):
                    pass
            except StoreBusyError as exc:
                errors.append(exc)
        t = threading.Thread(target=other)
        t.start()
        t.join(10)
    assert len(errors) == 1


OPEN = """
import sys
from store.chroma import ChunkStore
store = ChunkStore(sys.argv[1], "test-model", 3)
print(store.count(), store.generation)
"""


@pytest.mark.embedded
def test_processes_opening_a_new_store_at_once_all_open_it(tmp_path):
    # Chroma creates its tables on first open; unserialised, one of several processes
    # opening a new directory together fails with "table collections already exists".
    for trial in range(3):
        store = tmp_path / f"store{trial}"
        procs = [subprocess.Popen([sys.executable, "-c", OPEN, str(store)], cwd=ROOT,
                                  stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True) for _ in range(4)]
        outs = [p.communicate(timeout=120) for p in procs]
        assert [p.returncode for p in procs] == [0] * 4, outs
        assert [out.split() for out, _ in outs] == [["0", "0"]] * 4
