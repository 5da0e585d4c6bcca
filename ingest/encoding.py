"""Turn a file's bytes into text, detecting the encoding instead of assuming it.

Handles UTF-8 (with or without BOM), UTF-16 with BOM, GB18030/GBK and Big5. Anything else
that does not decode cleanly is refused with a reason, never guessed into mojibake.
"""

from __future__ import annotations

import codecs

import charset_normalizer

from common.errors import InputError

__all__ = ["decode_bytes"]

_BOMS = [
    (codecs.BOM_UTF8, "utf-8-sig"),
    (codecs.BOM_UTF16_LE, "utf-16"),
    (codecs.BOM_UTF16_BE, "utf-16"),
]
_CANDIDATES = ["gb18030", "big5", "utf_8"]


def _looks_binary(data: bytes) -> bool:
    sample = data[:8192]
    if b"\x00" in sample:
        return True
    control = sum(1 for b in sample if b < 9 or 13 < b < 32)
    return control > len(sample) * 0.05


def decode_bytes(data: bytes) -> tuple[str, str]:
    """Return (text, encoding name). Raises InputError with the reason when it cannot."""
    for bom, name in _BOMS:
        if data.startswith(bom):
            try:
                return data.decode(name), name
            except UnicodeDecodeError as exc:
                raise InputError(f"starts with a {name} byte-order mark but does not decode ({exc.reason})",
                                 hint="re-save the file as UTF-8") from None
    if not data.strip():
        raise InputError("the file is empty", hint="remove it or add the article text")
    if _looks_binary(data):
        raise InputError("binary file, not text", hint="only .txt, .md, .html and .jsonl text files are read")
    try:
        return data.decode("utf-8"), "utf-8"
    except UnicodeDecodeError:
        pass
    best = charset_normalizer.from_bytes(data, cp_isolation=_CANDIDATES).best()
    if best is None or best.encoding not in {"gb18030", "big5", "utf_8"}:
        raise InputError("cannot tell the text encoding (not UTF-8, UTF-16, GB18030/GBK or Big5)",
                         hint="re-save the file as UTF-8")
    try:
        return data.decode(best.encoding), best.encoding
    except UnicodeDecodeError:  # pragma: no cover - charset_normalizer only reports clean decodes
        raise InputError("cannot decode the text", hint="re-save the file as UTF-8") from None
