"""Who may use the UI: the USER:PASS credentials and a login check that throttles guessing.

Credentials come, first found, from `--auth-file PATH` / `RAG_UI_AUTH_FILE` (a file holding
USER:PASS on its first line), `RAG_UI_AUTH`, or `--auth USER:PASS` (which every user of the
machine can read in the process list: a warning says so).

`LoginGuard` is the check Gradio calls on every login: a user name with `attempts` failed logins
within `window` seconds is refused, even with the right password, for `lockout` seconds (doubling
on each further lockout), and all logins are refused for a while after `attempts * 4` failures
in the window whatever the names, so a password cannot be guessed at the speed of the network.
Each lockout is one warning line on stderr.
"""

from __future__ import annotations

import hmac
import sys
import threading
import time
from collections import deque
from pathlib import Path
from typing import Callable

from common.errors import ConfigError

__all__ = ["LoginGuard", "parse_auth", "read_auth"]


def parse_auth(auth: str | None) -> tuple[str, str] | None:
    """'USER:PASS' -> (user, password); None when not given."""
    if not auth:
        return None
    user, sep, password = auth.strip("\r\n").partition(":")
    if not sep or not user or not password:
        raise ConfigError("UI credentials must look like USER:PASSWORD",
                          hint="e.g. RAG_UI_AUTH=admin:s3cret, or a file holding admin:s3cret (--auth-file)")
    return user, password


def read_auth(cli_auth: str | None = None, auth_file: Path | str | None = None,
              env_auth: str | None = None) -> tuple[tuple[str, str] | None, str | None]:
    """The credentials and, when they came from the command line, a warning line."""
    if auth_file:
        path = Path(auth_file).expanduser()
        try:
            first = path.read_text(encoding="utf-8").splitlines()[:1]
        except (OSError, UnicodeDecodeError) as exc:
            raise ConfigError(f"cannot read the UI credentials file {path} ({getattr(exc, 'strerror', None) or exc})",
                              hint="give a readable file whose first line is USER:PASSWORD") from None
        creds = parse_auth(first[0]) if first and first[0].strip() else None
        if creds is None:
            raise ConfigError(f"the UI credentials file {path} is empty",
                              hint="write USER:PASSWORD on its first line")
        return creds, None
    if env_auth:
        return parse_auth(env_auth), None
    if cli_auth:
        return parse_auth(cli_auth), ("warning: --auth puts the password in the process list, where every user of "
                                      "this machine can read it; use RAG_UI_AUTH or --auth-file instead")
    return None, None


class LoginGuard:
    """A Gradio `auth` callable: right credentials, and not too many wrong ones lately."""

    def __init__(self, user: str, password: str, *, attempts: int = 5, window: float = 300.0,
                 lockout: float = 60.0, clock: Callable[[], float] = time.monotonic, log=None):
        self._user, self._password = user.encode(), password.encode()
        self.attempts, self.window, self.lockout = attempts, window, lockout
        self._clock = clock
        self._log = log or (lambda line: print(line, file=sys.stderr, flush=True))
        self._failures: dict[str, deque] = {}
        self._all: deque = deque()
        self._until: dict[str | None, float] = {}    # None: every name
        self._strikes: dict[str | None, int] = {}
        self._lock = threading.Lock()

    def __call__(self, username: str, password: str) -> bool:
        now = self._clock()
        name = (username or "").strip()
        with self._lock:
            if self.locked(name, now):
                return False
            right = hmac.compare_digest(name.encode(), self._user) & hmac.compare_digest(
                (password or "").encode(), self._password)
            if right:
                self._failures.pop(name, None)
                self._strikes.pop(name, None)
                return True
            self._fail(name, now)
            return False

    def locked(self, username: str, now: float | None = None) -> bool:
        """Whether a login as `username` is refused now, whatever its password."""
        now = self._clock() if now is None else now
        return self._until.get(username.strip(), 0) > now or self._until.get(None, 0) > now

    def _fail(self, name: str, now: float) -> None:
        for key, recent, limit in ((name, self._failures.setdefault(name, deque()), self.attempts),
                                   (None, self._all, self.attempts * 4)):
            recent.append(now)
            while recent and recent[0] <= now - self.window:
                recent.popleft()
            if len(recent) >= limit:
                strikes = self._strikes[key] = self._strikes.get(key, 0) + 1
                seconds = self.lockout * 2 ** (strikes - 1)
                self._until[key] = now + seconds
                recent.clear()
                who, whose = (f"for {name!r}", "its") if key is not None else ("in all", "all")
                self._log(f"warning: {limit} failed logins {who} within {self.window:g} s; "
                          f"{whose} logins are refused for {seconds:g} s")
