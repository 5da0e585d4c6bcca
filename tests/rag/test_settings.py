"""`rag.settings.Settings`: defaults < RAG_* environment < keyword arguments, one-line errors,
and secrets that never print. (The autouse fixture in conftest clears every RAG_* variable
and sets RAG_PROGRESS=0 before each test.)"""

from __future__ import annotations

from pathlib import Path

import pytest

from common.errors import ConfigError
from rag.settings import BUNDLED_MODEL, LLM_BACKENDS, Settings

API_KEY = "sk-test-8f3a9c1e77"
UI_AUTH = "warden:pw-4b1d0e"


def error_of(**kwargs) -> str:
    with pytest.raises(ConfigError) as info:
        Settings.load(**kwargs)
    text = str(info.value)
    assert "\n" not in text and text.strip() == text, text
    return text


def test_defaults(monkeypatch, tmp_path):
    monkeypatch.delenv("RAG_PROGRESS", raising=False)
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "xdg"))
    s = Settings.load()
    assert s.store == Path(".rag") and s.embed_model == BUNDLED_MODEL
    assert (s.top_k, s.candidates, s.rrf_k, s.chunk_tokens, s.embed_batch_size) == (5, 40, 60, 200, 64)
    assert (s.llm, s.verify, s.device) == ("extractive", "fallback", "cpu")
    assert s.auto_ingest is True and s.progress is True and s.corpus is None
    assert s.max_file_mb == 50.0 and s.upload_max_mb == 20.0
    assert s.llm_api_key.get_secret_value() == "" and s.ui_auth is None
    assert s.cache_dir == tmp_path / "xdg" / "rag-news"


def test_environment_is_read(monkeypatch):
    monkeypatch.setenv("RAG_TOP_K", "7")
    monkeypatch.setenv("RAG_LLM", "Ollama")           # case and spaces do not matter
    monkeypatch.setenv("RAG_STORE", "/tmp/somewhere/store")
    monkeypatch.setenv("RAG_MAX_FILE_MB", "2.5")
    s = Settings.load()
    assert s.top_k == 7 and s.llm == "ollama" and s.store == Path("/tmp/somewhere/store") and s.max_file_mb == 2.5


def test_empty_environment_value_is_the_default(monkeypatch):
    monkeypatch.setenv("RAG_TOP_K", "")
    assert Settings.load().top_k == 5


def test_keyword_argument_beats_the_environment(monkeypatch):
    monkeypatch.setenv("RAG_TOP_K", "7")
    assert Settings.load(top_k=3).top_k == 3
    assert Settings.load(top_k=None).top_k == 7        # None means "not given"
    monkeypatch.setenv("RAG_TOP_K", "seven")            # a bad value that the argument overrides is not read
    assert Settings.load(top_k=3).top_k == 3


def test_strings_are_coerced():
    s = Settings.load(top_k="5", max_file_mb="1.5", store="elsewhere", llm=" OpenAI ", verify="FLAG")
    assert s.top_k == 5 and isinstance(s.top_k, int)
    assert s.max_file_mb == 1.5 and s.store == Path("elsewhere")
    assert s.llm == "openai" and s.verify == "flag"


@pytest.mark.parametrize("kwargs,must_say", [
    ({"top_k": "five"}, ["top_k", "'five'", "whole number", ">= 1"]),
    ({"top_k": 0}, ["top_k=0", "whole number", ">= 1"]),
    ({"top_k": 2.5}, ["top_k", "whole number"]),
    ({"llm": "gpt"}, ["llm", "'gpt'", *LLM_BACKENDS]),
    ({"verify": "maybe"}, ["verify", "'maybe'", "fallback", "flag"]),
    ({"chunk_tokens": 600}, ["chunk_tokens=600", "<= 512"]),
    ({"max_file_mb": 0}, ["max_file_mb", "> 0"]),
    ({"auto_ingest": "perhaps"}, ["auto_ingest", "true or false"]),
])
def test_bad_value_is_a_one_line_config_error(kwargs, must_say):
    text = error_of(**kwargs)
    for part in must_say:
        assert part in text, (part, text)


def test_bad_environment_value_names_the_variable(monkeypatch):
    monkeypatch.setenv("RAG_TOP_K", "seven")
    text = error_of()
    assert "RAG_TOP_K='seven'" in text and "whole number" in text


def test_unknown_keyword_is_a_config_error_naming_it():
    text = error_of(foo=1)
    assert "'foo'" in text and "unknown setting" in text
    assert "top_k" in text                              # and says which names exist


def test_secrets_from_the_environment_never_print(monkeypatch):
    monkeypatch.setenv("RAG_LLM_API_KEY", API_KEY)
    monkeypatch.setenv("RAG_UI_AUTH", UI_AUTH)
    s = Settings.load()
    assert s.llm_api_key.get_secret_value() == API_KEY
    assert s.ui_auth.get_secret_value() == UI_AUTH
    for shown in (repr(s), str(s), s.model_dump_json(), str(s.model_dump()), f"{s}"):
        assert API_KEY not in shown and UI_AUTH not in shown and "pw-4b1d0e" not in shown


def test_secret_given_as_an_argument_never_prints():
    s = Settings.load(llm_api_key=API_KEY)
    assert s.llm_api_key.get_secret_value() == API_KEY
    assert API_KEY not in repr(s) and API_KEY not in s.model_dump_json()


def test_an_invalid_secret_is_not_echoed_in_the_error():
    text = error_of(ui_auth=tuple(UI_AUTH.split(":")))
    assert "ui_auth" in text and "pw-4b1d0e" not in text


@pytest.mark.parametrize("value,expected", [("0", False), ("false", False), ("no", False), ("off", False),
                                            ("1", True), ("true", True), ("yes", True), ("on", True)])
def test_booleans_from_the_environment(monkeypatch, value, expected):
    monkeypatch.setenv("RAG_AUTO_INGEST", value)
    monkeypatch.setenv("RAG_PROGRESS", value)
    s = Settings.load()
    assert s.auto_ingest is expected and s.progress is expected


def test_replace_changes_and_validates():
    s = Settings.load()
    t = s.replace(top_k=9, llm="OLLAMA")
    assert (t.top_k, t.llm) == (9, "ollama") and s.top_k == 5   # a copy: settings are frozen
    assert s.replace() is s and s.replace(top_k=None) is s
    with pytest.raises(ConfigError, match="top_k=0"):
        s.replace(top_k=0)
    with pytest.raises(ConfigError, match="use one of extractive"):
        s.replace(llm="gpt")
    with pytest.raises(ConfigError, match="unknown setting 'bar'"):
        s.replace(bar=2)


def test_replace_keeps_values_already_chosen(monkeypatch):
    s = Settings.load(top_k=4)
    monkeypatch.setenv("RAG_TOP_K", "9")
    assert s.replace(llm="ollama").top_k == 4


def test_settings_are_frozen():
    s = Settings.load()
    with pytest.raises(Exception):
        s.top_k = 8


def test_assistant_rejects_an_unknown_setting_as_config_error(tmp_path):
    from rag import Assistant
    from tests.fakes import HashEmbedder

    with pytest.raises(ConfigError, match="unknown setting 'foo'"):
        Assistant(store=tmp_path / "store", embedder=HashEmbedder(), foo=1)
    with pytest.raises(ConfigError, match="top_k=0"):
        Assistant(store=tmp_path / "store", embedder=HashEmbedder(), top_k=0)
    assert not (tmp_path / "store").exists()             # refused before anything was created


def test_a_secret_setting_error_says_what_is_allowed():
    text = error_of(llm_api_key=12345)
    assert "llm_api_key" in text and "use text" in text


def test_a_mistyped_variable_is_named_with_the_likely_one(monkeypatch):
    monkeypatch.setenv("RAG_TOPK", "9")
    with pytest.warns(RuntimeWarning, match="RAG_TOPK is not a setting.*RAG_TOP_K"):
        s = Settings.load()
    assert s.top_k == 5
