"""Regression checks that the bundled sample corpus in `data/` still cleans as shipped.

These tests read the real sample articles and pin what `clean_text` makes of them. They are
not tests of the cleaning rules themselves: each rule is tested on synthetic text in
`tests/ingest/test_clean.py`. A failure here means a rule change altered how the shipped
corpus is cleaned, which may be intended (update the expectation) or a regression.
"""

from ingest.clean import clean_text
from tests.conftest import DATA


def read(name_prefix: str) -> str:
    path = next(DATA.glob(f"{name_prefix}*"))
    return path.read_text(encoding="utf-8")


def test_sample_with_annotations_reads_clean():
    text = clean_text(read("001"))
    assert "(zhì)" not in text and "(fā)" not in text
    assert "質量發展核心理念" in text


def test_stock_ticker_and_headline_tail_removed():
    text = clean_text(read("001"))
    assert "股票名稱" not in text
    assert "配資炒股" not in text
    assert text.rstrip().endswith("全面提升全市總體質量水平。")


def test_site_header_footer_and_contact_block_removed():
    text = clean_text(read("002"))
    assert not text.startswith("香港商報")
    for chrome in ("天氣", "版權所有", "聯絡我們", "852-2564", "友情鏈接"):
        assert chrome not in text
    assert text.count("瀋陽多措提升質量基礎效能建設") == 1  # repeated title kept once
    assert "(記者 王藝橋)" in text


def test_teaser_tail_removed_but_article_kept():
    text = clean_text(read("004"))
    assert "东阿阿胶" not in text and "Meta" not in text and "佛山" not in text
    assert "293.87万元" in text
    assert text.rstrip().endswith("(陈永 张潇翎)")


def test_english_article_untouched():
    raw = read("000")
    text = clean_text(raw)
    assert text.splitlines()[0] == raw.splitlines()[0]
    assert text.rstrip().endswith("Dalian Jinhui Rongzhi Technology Co., Ltd.")
