"""The bundled evaluation set must stay above its accuracy floor."""

from pathlib import Path

from rag.evaluate import run_eval
from tests.conftest import ROOT

import pytest

pytestmark = pytest.mark.slow

ACCURACY_FLOOR = 0.9
CITATION_FLOOR = 0.9


def test_eval_questions_accuracy(assistant, tmp_path):
    summary = run_eval(assistant, ROOT / "eval_questions.jsonl", tmp_path, progress=False)
    assert summary["questions"] >= 40
    assert summary["accuracy"] >= ACCURACY_FLOOR, (tmp_path / "report.md").read_text()
    assert summary["citation_accuracy"] >= CITATION_FLOOR
    assert summary["abstention_recall"] == 1.0
