"""The UI in a real browser: Playwright driving the system's Chromium (never a downloaded one).

Screenshots are saved to test-artifacts/ for CI to keep."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts"
CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")

pytestmark = [pytest.mark.slow,
              pytest.mark.skipif(CHROMIUM is None, reason="no chromium on PATH (apt-get install chromium); "
                                                          "browser tests need the system browser")]


@pytest.fixture(scope="module")
def page(served):
    playwright = pytest.importorskip("playwright.sync_api")
    ARTIFACTS.mkdir(exist_ok=True)
    with playwright.sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, headless=True,
                                    args=["--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage"])
        page = browser.new_page(viewport={"width": 1400, "height": 1000})
        page.goto(served[0], wait_until="load")
        page.locator("#question textarea").wait_for(timeout=60_000)
        yield page
        browser.close()


def test_ask_stream_and_open_a_citation(page):
    page.get_by_role("tab", name="Chat").click()
    page.locator("#question textarea").fill("湖里区标准化奖励资金共计多少？")
    page.locator("#ask").click()
    chat = page.locator("#chat")
    chat.get_by_text("293.87万元").first.wait_for(timeout=60_000)
    page.get_by_text("verified", exact=False).first.wait_for(timeout=30_000)
    citation = page.locator("#sources summary").first
    citation.wait_for(timeout=30_000)
    mark = page.locator("#sources mark").first
    assert not mark.is_visible(), "the passage stays folded until its citation is opened"
    citation.click()
    mark.wait_for(state="visible", timeout=10_000)
    assert "293.87" in mark.inner_text()
    page.screenshot(path=str(ARTIFACTS / "chat-with-sources.png"), full_page=True)


def test_upload_a_file_in_the_browser(page, tmp_path):
    f = tmp_path / "lakeside.txt"
    f.write_text("Lakeside County named 7 enterprises winners of its Quality Award on 9 June 2024.", encoding="utf-8")
    page.get_by_role("tab", name="Corpus").click()
    page.locator("#upload input[type=file]").set_input_files(str(f))
    page.locator("#ingest").click()
    # the dataframe keeps hidden measuring copies of its cells: wait on the rendered text
    page.wait_for_function("document.querySelector('#ingest-results').innerText.includes('ingested')",
                           timeout=60_000)
    page.wait_for_function("document.querySelector('#documents').innerText.includes('lakeside.txt')",
                           timeout=30_000)
    page.screenshot(path=str(ARTIFACTS / "corpus-upload.png"), full_page=True)


def test_evaluation_tab_in_the_browser(page):
    page.get_by_role("tab", name="Evaluation").click()
    page.locator("#run-eval").click()
    page.wait_for_function("document.querySelector('#eval-summary').innerText.includes('accuracy')",
                           timeout=180_000)
    page.screenshot(path=str(ARTIFACTS / "evaluation.png"), full_page=True)
