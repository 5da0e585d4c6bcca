"""`Assistant` is assembled from injected parts: any reader, embedder or answer backend that
speaks the Protocol works without a change inside it. Unit tests: the test embedder, real
Chroma in a temporary directory, articles written for the test."""

from __future__ import annotations

import pytest

from common.errors import ConfigError, InputError, ModelMismatchError
from rag import Answer, AnswerBackend, Assistant, Final, Reader, Retriever, TextDelta
from rag.types import Reading
from store.protocols import Embedder, LexicalIndex, VectorStore
from tests.fakes import HashEmbedder

ARTICLES = {
    "harbor.txt": "临海市质量奖评审结果公布\n临海市共有七家企业获得第三届临海市质量奖，奖励资金共计420万元。",
    "valley.txt": "Riverton Quality Award announced\nRiverton gave its quality award to 12 enterprises this year.",
}


@pytest.fixture
def corpus(write_articles):
    return write_articles(ARTICLES)


def make(tmp_path, **parts) -> Assistant:
    parts.setdefault("embedder", HashEmbedder())
    return Assistant(store=tmp_path / "store", progress=False, auto_ingest=False, **parts)


def test_default_parts_speak_the_protocols(unit):
    assert isinstance(unit.embedder, Embedder)
    assert isinstance(unit.store, VectorStore) and isinstance(unit.lexical, LexicalIndex)
    assert isinstance(unit.retriever, Retriever) and isinstance(unit.reader, Reader)
    assert isinstance(unit.backend, AnswerBackend) and unit.backend.name == "extractive"


def test_an_injected_reader_answers(tmp_path, corpus):
    class FirstSentence:
        def read(self, question, hits):
            first = hits[0].text.splitlines()[-1]
            return Reading(answer=f"{first} [1]", abstained=False, quotes=[(0, first)])

    a = make(tmp_path, reader=FirstSentence())
    a.ingest([corpus])
    ans = a.ask("临海市有几家企业获得质量奖？")
    assert ans.answer.startswith("临海市共有七家企业") and ans.citations[0].source == "harbor.txt"
    assert ans.verified   # 七, 420万 and 第三 are all in the quoted passage


def test_an_injected_backend_streams_typed_events(tmp_path, corpus):
    class Echo:
        name = "echo"

        def answer(self, question, hits):
            yield TextDelta("first ")
            yield TextDelta("second")
            yield Final(Answer(question=question.text, answer="first second", abstained=False, backend="echo"))

    a = make(tmp_path, backend=Echo())
    a.ingest([corpus])
    events = list(a.ask_stream("Which city gave a quality award?"))
    assert [type(e) for e in events] == [TextDelta, TextDelta, Final]
    assert events[-1].answer.backend == "echo" and set(events[-1].answer.timings_ms) == {"retrieve", "answer"}
    # the extractive reader stays one call away
    assert a.ask("Which city gave a quality award?", extractive=True).backend == "extractive"


def test_the_store_records_the_injected_embedder(tmp_path, corpus):
    a = make(tmp_path)
    a.ingest([corpus])
    with pytest.raises(ModelMismatchError, match="test-hash-64"):
        make(tmp_path, embedder=HashEmbedder(dim=32))


def test_extractive_answer_from_injected_embedder(tmp_path, corpus):
    a = make(tmp_path)
    a.ingest([corpus])
    ans = a.ask("临海市质量奖奖励资金共计多少？")
    assert not ans.abstained and ans.answer.startswith("420万元") and ans.citations[0].source == "harbor.txt"


def test_first_use_ingests_the_configured_corpus(tmp_path, corpus):
    a = Assistant(store=tmp_path / "store", embedder=HashEmbedder(), progress=False, corpus=corpus)
    assert [h.source for h in a.search("Riverton quality award", 1)] == ["valley.txt"]


def test_a_missing_corpus_folder_is_a_config_error(tmp_path):
    a = Assistant(store=tmp_path / "store", embedder=HashEmbedder(), progress=False, corpus=tmp_path / "none")
    with pytest.raises(ConfigError, match="RAG_CORPUS"):
        a.ask("How many?")


@pytest.mark.parametrize("bad", ["", "   ", "x" * 5000])
def test_bad_questions_are_input_errors(unit, bad):
    with pytest.raises(InputError):
        unit.ask(bad)


def test_a_language_model_needs_a_model_name(tmp_path):
    with pytest.raises(ConfigError, match="RAG_LLM_MODEL"):
        make(tmp_path, llm="openai")


def test_wrong_settings_are_one_line_config_errors(tmp_path):
    for bad in ({"top_k": "five"}, {"foo": 1}, {"llm": "gpt"}):
        with pytest.raises(ConfigError) as err:
            make(tmp_path, **bad)
        assert "\n" not in str(err.value) and next(iter(bad)) in str(err.value)


@pytest.mark.parametrize("name, kind", [("routed", "RoutedReader"), ("spans", "SpanReader"),
                                        ("rules", "ExtractiveReader"), ("SPANS", "SpanReader")])
def test_the_offline_reader_is_chosen_by_its_setting(tmp_path, name, kind):
    assert type(make(tmp_path, offline_reader=name).reader).__name__ == kind


def test_a_wrong_offline_reader_names_the_choices(tmp_path):
    from common.errors import ConfigError

    with pytest.raises(ConfigError, match="routed, spans or rules"):
        make(tmp_path, offline_reader="neural")


def test_a_damaged_lexical_cache_is_rebuilt_with_one_warning(unit, write_articles, hash_embedder, capsys):
    from rag import Assistant

    unit.ingest([write_articles({"pier.txt": "松岭市新建轮渡码头，年客运量八十万人次。"})])
    (cache,) = (unit.settings.store / "lexical").glob("seg-*.rows.npy")
    cache.write_bytes(b"not an array")
    capsys.readouterr()
    again = Assistant(store=unit.settings.store, embedder=hash_embedder, progress=False, auto_ingest=False)
    warning = [line for line in capsys.readouterr().err.splitlines() if line.strip()]
    assert len(warning) == 1 and "lexical index" in warning[0] and "rebuilding" in warning[0]
    assert len(again.lexical) == unit.store.count() > 0
    assert again.search("松岭市轮渡码头")[0].source == "pier.txt"


def test_a_question_with_bytes_that_are_not_utf8_is_a_clear_error(unit):
    from common.errors import InputError

    with pytest.raises(InputError, match="not UTF-8") as err:
        unit.ask("\udcff\udcfe北岸港新增泊位多少个？")   # how Python passes on undecodable argv bytes
    assert "\n" not in str(err.value)
