"""One huge article on a single line is read, split and chunked in time linear in its size
(the look at the word before each '.' once read the whole text before it: quadratic)."""

import subprocess
import sys

import pytest

from tests.conftest import ROOT

pytestmark = pytest.mark.slow

SPLIT = """
import sys
from pathlib import Path
from ingest.chunk import chunk_article
from ingest.loaders import Article, load_file
path = Path(sys.argv[1])
(article,) = [a for a in load_file(path, path.name, 64 * 2**20) if isinstance(a, Article)]
chunks = chunk_article(article.text, path.name, 200)
print(len(chunks), chunks[-1].text[-20:])
"""


def test_a_two_megabyte_line_of_english_is_chunked_without_hanging(tmp_path):
    unit = "The pier opened in May. Mr. Lee of Harbour Co., Ltd. said 3.5 million yuan was paid. "
    path = tmp_path / "one-line.txt"
    path.write_text(unit * (2 * 2**20 // len(unit)) + "The end.", encoding="utf-8")
    # a few seconds now; it was more than half an hour at this size
    out = subprocess.run([sys.executable, "-c", SPLIT, str(path)], cwd=ROOT, capture_output=True, text=True,
                         timeout=180)
    assert out.returncode == 0, out.stderr
    count, tail = out.stdout.split(" ", 1)
    assert int(count) > 1000 and tail.strip().endswith("The end.")
