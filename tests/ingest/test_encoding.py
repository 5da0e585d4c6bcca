import pytest

from ingest.encoding import decode_bytes
from common.errors import InputError

SIMPLIFIED = "云杉县图书馆扩建费用合计417.36万元，共有七家单位参与岚汀市阅读推广计划。"
TRADITIONAL = "嵐汀縣級圖書館藏書達到460萬冊，讀者滿意度調查問卷總數達8271份。"


@pytest.mark.parametrize("text,encoding", [
    (SIMPLIFIED, "utf-8"),
    (SIMPLIFIED, "utf-8-sig"),
    (SIMPLIFIED, "utf-16"),
    (SIMPLIFIED, "gb18030"),
    (SIMPLIFIED, "gbk"),
    (TRADITIONAL, "big5"),
    (TRADITIONAL, "utf-16"),
])
def test_each_encoding_is_detected(text, encoding):
    decoded, _ = decode_bytes(text.encode(encoding))
    assert decoded == text


@pytest.mark.parametrize("data,reason", [
    (b"", "empty"),
    (b"  \n\t ", "empty"),
    (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + bytes(range(256)), "binary"),
])
def test_bad_bytes_give_reasons(data, reason):
    with pytest.raises(InputError, match=reason):
        decode_bytes(data)
