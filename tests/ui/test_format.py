"""The UI's plain formatting helpers (no server)."""

from rag.types import Answer, Citation
from ui.format import answer_markdown, result_rows, safe_filename, sources_html, status_line


def _answer(**kw) -> Answer:
    c = Citation(n=1, source="a.txt", title="Awards <2024>", date="2024-09-04", score=0.5,
                 text="First line. The city paid 41 million yuan in 2023. Last line.",
                 quote="The city paid 41 million yuan in 2023.")
    base = dict(question="q", answer="41 million yuan [1]", abstained=False, citations=[c])
    return Answer(**{**base, **kw})


def test_sources_panel_highlights_the_quote_inside_its_passage():
    html = sources_html(_answer())
    assert "id='source-1'" in html and "<b>[1]</b>" in html
    assert "<mark>The city paid 41 million yuan in 2023.</mark>" in html
    assert "Awards &lt;2024&gt;" in html           # titles are escaped
    assert "First line." in html and "2024-09-04" in html


def test_status_line_marks_abstained_unverified_and_backend():
    assert "abstained" in status_line(_answer(abstained=True, citations=[]))
    flagged = status_line(_answer(verified=False, unsupported_numbers=["102 million yuan"], backend="openai"))
    assert "not verified" in flagged and "102 million yuan" in flagged and "openai" in flagged
    assert "verified" in status_line(_answer()) and "answered by **extractive**" in answer_markdown(_answer())


def test_passage_text_is_escaped():
    a = _answer()
    a.citations[0].text = "<script>alert(1)</script> The city paid 41 million yuan in 2023."
    assert "<script>" not in sources_html(a)


def test_misses_filter():
    rows = [{"id": "a", "question": "q", "answer": "x", "correct": True, "cited_ok": True},
            {"id": "b", "question": "q", "answer": "y", "correct": False, "cited_ok": None},
            {"id": "c", "question": "q", "answer": "z", "correct": True, "cited_ok": False}]
    assert [r[0] for r in result_rows(rows)] == ["a", "b", "c"]
    assert [r[0] for r in result_rows(rows, misses_only=True)] == ["b", "c"]


def test_upload_names_cannot_escape_the_upload_folder():
    assert safe_filename("../../etc/passwd") == "passwd"
    assert safe_filename("C:\\\\Users\\\\x\\\\..\\\\新闻稿.TXT") == "新闻稿.txt"
    assert safe_filename("...") == "upload"
    assert "/" not in safe_filename("a/b/../../c.md")


def test_auth_and_exposure_warning():
    import pytest

    from common.errors import RagError
    from ui.web import exposure_warning, parse_auth

    assert parse_auth("admin:s3:cret") == ("admin", "s3:cret") and parse_auth(None) is None
    with pytest.raises(RagError, match="USER:PASSWORD"):
        parse_auth("admin")
    assert exposure_warning("127.0.0.1", None) is None
    assert "without --auth" in exposure_warning("0.0.0.0", None)
    assert exposure_warning("0.0.0.0", ("a", "b")) is None
