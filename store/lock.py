"""One writer at a time on a store: an advisory lock on `<store>/writer.lock`.

The lock is `flock` on the file, so the kernel lets it go when its holder exits, however it
exits (kill -9 included): a lock left by a dead process is simply taken by the next writer.
The file says who holds it (pid, host, command, since when), for the message a second writer
prints. Readers never take it: `ask`, `search` and the UI keep answering during a write.

    with WriterLock(store_dir, wait=30):
        ...   # ingest, replace or remove

A second writer waits up to `wait` seconds, then stops with a StoreBusyError naming the holder.
The lock is re-entrant within one process (a nested write of the same store goes on).
"""

from __future__ import annotations

import fcntl
import json
import os
import socket
import sys
import threading
import time
from contextlib import contextmanager
from pathlib import Path

from common.errors import StoreBusyError

__all__ = ["WriterLock", "LOCK_FILE", "OPEN_LOCK_FILE", "holder", "opening"]

LOCK_FILE = "writer.lock"
OPEN_LOCK_FILE = "open.lock"


class _State:
    def __init__(self):
        self.thread = threading.RLock()   # one writing thread of this process at a time
        self.depth = 0                    # nested writes of the holding thread
        self.fd: int | None = None


_STATES: dict[str, _State] = {}
_GUARD = threading.Lock()


def holder(root: Path) -> dict | None:
    """What the lock file says of its holder (None when nobody holds it or it cannot be read)."""
    try:
        return json.loads((Path(root) / LOCK_FILE).read_text(encoding="utf-8") or "null")
    except (OSError, ValueError):
        return None


class WriterLock:
    def __init__(self, root: Path, wait: float = 30.0, poll: float = 0.2):
        self.path = Path(root) / LOCK_FILE
        self.wait = wait
        self.poll = poll

    def _state(self) -> _State:
        self.path.parent.mkdir(parents=True, exist_ok=True)
        key = str(self.path.resolve())
        with _GUARD:
            return _STATES.setdefault(key, _State())

    def __enter__(self) -> "WriterLock":
        state = self._state()
        deadline = time.monotonic() + self.wait
        if not state.thread.acquire(timeout=self.wait):
            raise StoreBusyError(f"the store {self.path.parent} is being written by another thread of this process",
                                 hint=_BUSY_HINT)
        try:
            if state.depth == 0:
                state.fd = self._flock(deadline)
            state.depth += 1
        except BaseException:
            state.thread.release()
            raise
        return self

    def _flock(self, deadline: float) -> int:
        fd = os.open(self.path, os.O_RDWR | os.O_CREAT, 0o644)
        if not _flock_by(fd, deadline, self.poll):
            os.close(fd)
            raise StoreBusyError(_busy_message(self.path), hint=_BUSY_HINT)
        os.ftruncate(fd, 0)
        os.write(fd, json.dumps({"pid": os.getpid(), "host": socket.gethostname(),
                                 "command": " ".join([os.path.basename(sys.argv[0])] + sys.argv[1:])[:200],
                                 "since": time.strftime("%Y-%m-%d %H:%M:%S")}).encode())
        return fd

    def __exit__(self, *exc) -> None:
        state = self._state()
        try:
            state.depth -= 1
            if state.depth == 0 and state.fd is not None:
                os.ftruncate(state.fd, 0)
                fcntl.flock(state.fd, fcntl.LOCK_UN)
                os.close(state.fd)
                state.fd = None
        finally:
            state.thread.release()


@contextmanager
def opening(root: Path, wait: float = 60.0, poll: float = 0.05):
    """Held while a process opens (and on first use creates) the embedded Chroma files.

    Chroma creates its tables when a directory is first opened, and two processes doing that
    at once fail ("table collections already exists"). Opening takes a moment, so every
    opener, reader or writer, waits its turn here; after `wait` seconds it goes on regardless.
    A directory this process cannot write to (a read-only store) is opened without the lock."""
    try:
        Path(root).mkdir(parents=True, exist_ok=True)
        fd = os.open(Path(root) / OPEN_LOCK_FILE, os.O_RDWR | os.O_CREAT, 0o644)
    except OSError:
        yield
        return
    try:
        _flock_by(fd, time.monotonic() + wait, poll)
        yield
    finally:
        os.close(fd)   # closing the descriptor lets the lock go


def _flock_by(fd: int, deadline: float, poll: float) -> bool:
    """Take the exclusive lock on `fd`, trying until `deadline`; False when it stayed taken."""
    while True:
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
            return True
        except BlockingIOError:
            if time.monotonic() >= deadline:
                return False
            time.sleep(poll)


_BUSY_HINT = "wait for that write to finish and try again, or raise RAG_LOCK_WAIT; questions can be asked meanwhile"


def _busy_message(path: Path) -> str:
    who = holder(path.parent) or {}
    if who.get("pid"):
        return (f"the store {path.parent} is being written by pid {who['pid']} on {who.get('host', '?')} "
                f"({who.get('command', '?')}, since {who.get('since', '?')})")
    return f"the store {path.parent} is being written by another process"
