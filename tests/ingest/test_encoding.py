import pytest

from ingest.encoding import decode_bytes
from common.errors import InputError

SIMPLIFIED = "湖里区标准化战略奖励资金共计293.87万元，共有五家单位被授予厦门市质量奖。"
TRADITIONAL = "瀋陽市級計量標準達到350項，質量管理體系認證證書總數達9143張。"


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
