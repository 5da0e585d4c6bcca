"""A wheel built from the project carries every package and the bundled corpus, and an
installed copy finds the corpus inside itself, not in a working tree."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import zipfile

import pytest

from tests.conftest import DATA, ROOT

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def wheel(tmp_path_factory):
    out = tmp_path_factory.mktemp("wheel")
    # built from a copy: a build writes build/ and *.egg-info beside the sources
    source = tmp_path_factory.mktemp("source") / "rag-news"
    shutil.copytree(ROOT, source, ignore=shutil.ignore_patterns(
        ".git", ".venv", "build", "*.egg-info", ".rag", "eval_out", "test-artifacts", "__pycache__", "tests"))
    proc = subprocess.run([sys.executable, "-m", "pip", "wheel", str(source), "--no-deps", "--no-build-isolation",
                           "--quiet", "-w", str(out)], capture_output=True, text=True, timeout=300)
    assert proc.returncode == 0, proc.stderr[-2000:]
    return next(out.glob("rag_news-*.whl"))


def test_wheel_holds_the_packages_and_the_corpus(wheel):
    names = zipfile.ZipFile(wheel).namelist()
    for package in ("common", "text", "store", "ingest", "rag", "ui"):
        assert f"{package}/__init__.py" in names
    shipped = sorted(n.split("/")[-1] for n in names if n.startswith("rag/corpus/"))
    assert shipped == sorted(p.name for p in DATA.glob("*.txt"))
    assert not any(n.startswith(("tests/", "data/")) for n in names)


def test_installed_copy_finds_its_own_corpus(wheel, tmp_path):
    target = tmp_path / "site"
    subprocess.run([sys.executable, "-m", "pip", "install", "--quiet", "--no-deps", "--target", str(target),
                    str(wheel)], check=True, capture_output=True, timeout=300)
    code = "from rag.corpus import bundled_corpus; print(bundled_corpus())"
    proc = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=tmp_path,
                          env={**os.environ, "PYTHONPATH": str(target)}, timeout=120)
    assert proc.returncode == 0, proc.stderr[-2000:]
    assert proc.stdout.strip() == str(target / "rag" / "corpus")
