"""Who may use the UI: credentials from a file, the environment or the command line, and a
login check that throttles guessing, also through a real Gradio server's /login route."""

from __future__ import annotations

import pytest

from common.errors import ConfigError
from ui.auth import LoginGuard, read_auth


class Clock:
    def __init__(self):
        self.now = 1000.0

    def __call__(self):
        return self.now


def guard(**kw):
    clock, lines = Clock(), []
    return LoginGuard("editor", "harbour-7", clock=clock, log=lines.append, **kw), clock, lines


def test_right_credentials_pass_and_wrong_ones_do_not():
    g, _, _ = guard()
    assert g("editor", "harbour-7") and g(" editor ", "harbour-7")
    assert not g("editor", "harbour-8") and not g("admin", "harbour-7") and not g("", "")


def test_too_many_failures_lock_the_name_out_even_with_the_right_password():
    g, clock, lines = guard(attempts=3, window=60, lockout=30)
    for _ in range(3):
        assert not g("editor", "guess")
    assert g.locked("editor") and not g("editor", "harbour-7")
    assert len(lines) == 1 and "3 failed logins for 'editor'" in lines[0] and "30 s" in lines[0]
    clock.now += 31
    assert g("editor", "harbour-7")


def test_lockouts_double_and_old_failures_expire():
    g, clock, lines = guard(attempts=2, window=10, lockout=5)
    g("editor", "a")
    clock.now += 11                     # outside the window: forgotten
    assert not g("editor", "b") and not g.locked("editor")
    g("editor", "c")
    assert g.locked("editor")
    clock.now += 6
    g("editor", "d"), g("editor", "e")
    assert g.locked("editor") and "10 s" in lines[-1]    # the second lockout is twice as long
    clock.now += 6
    assert g.locked("editor")


def test_guessing_across_many_names_locks_every_login():
    g, clock, lines = guard(attempts=2, window=60, lockout=20)
    for i in range(8):                  # 2 x 4 failures, each name failing only once
        g(f"user{i}", "x")
    assert g.locked("editor") and not g("editor", "harbour-7")
    assert any("in all" in line for line in lines)


def test_credentials_come_from_a_file_before_the_environment(tmp_path):
    secret = tmp_path / "ui-auth"
    secret.write_text("editor:harbour-7\n", encoding="utf-8")
    assert read_auth("cli:pw", secret, "env:pw") == (("editor", "harbour-7"), None)
    assert read_auth("cli:pw", None, "env:pw") == (("env", "pw"), None)
    creds, warning = read_auth("cli:pw", None, None)
    assert creds == ("cli", "pw") and "process list" in warning
    assert read_auth(None, None, None) == (None, None)


@pytest.mark.parametrize("content", ["", "no-colon\n", ":nouser\n"])
def test_a_bad_credentials_file_is_one_line_naming_it(tmp_path, content):
    secret = tmp_path / "ui-auth"
    secret.write_text(content, encoding="utf-8")
    with pytest.raises(ConfigError, match="USER:PASSWORD|empty"):
        read_auth(None, secret, None)
    with pytest.raises(ConfigError, match="ui-auth") as err:
        read_auth(None, tmp_path / "missing" / "ui-auth", None)
    assert "\n" not in str(err.value)


@pytest.mark.slow
def test_the_served_app_refuses_a_guesser(served_corpus_assistant):
    import urllib.error
    import urllib.parse
    import urllib.request

    from tests.ui.conftest import free_port
    from ui.web import build_app

    g = LoginGuard("editor", "harbour-7", attempts=3, window=60, lockout=2, log=lambda line: None)
    demo = build_app(served_corpus_assistant)
    _, url, _ = demo.launch(server_name="127.0.0.1", server_port=free_port(), prevent_thread_lock=True,
                            quiet=True, auth=g)

    def login(user, password):
        data = urllib.parse.urlencode({"username": user, "password": password}).encode()
        try:
            with urllib.request.urlopen(url.rstrip("/") + "/login", data=data, timeout=30) as r:
                return r.status
        except urllib.error.HTTPError as exc:
            return exc.code

    def status(path):
        try:
            with urllib.request.urlopen(url.rstrip("/") + path, timeout=30) as r:
                return r.status
        except urllib.error.HTTPError as exc:
            return exc.code

    try:
        assert status("/config") == 401 and status("/gradio_api/info") == 401
        assert [login("editor", "guess") for _ in range(3)] == [400, 400, 400]
        assert login("editor", "harbour-7") == 400          # locked out: the right password too
        import time

        time.sleep(2.5)
        assert login("editor", "harbour-7") == 200
    finally:
        demo.close()
