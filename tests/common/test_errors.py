"""Errors raised on purpose are one line: what went wrong, then how to fix it."""

from common.errors import ConfigError, InputError, ModelMismatchError, RagError, StoreError


def test_message_and_hint_make_one_line():
    err = InputError("no such file: notes.txt", hint="check the path")
    assert str(err) == "no such file: notes.txt (check the path)"
    assert str(ConfigError("top_k must be positive")) == "top_k must be positive"


def test_every_error_is_a_rag_error():
    for cls in (InputError, ConfigError, StoreError, ModelMismatchError):
        assert issubclass(cls, RagError)
    assert issubclass(ModelMismatchError, StoreError)
