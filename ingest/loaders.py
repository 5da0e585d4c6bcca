"""Read articles from files and directories: .txt, .md, .html/.htm and .jsonl.

Each file yields `Article`s (one for a text file, one per line of a JSONL file) or `Skip`s
that say, in one line, which file (and line) was passed over and why. Nothing here raises
for a user's bad file; a path that does not exist raises InputError before any work starts.
"""

from __future__ import annotations

import errno
import json
import re
import stat
from dataclasses import dataclass
from html.parser import HTMLParser
from pathlib import Path
from typing import Iterator

from ingest.clean import clean_text
from ingest.encoding import decode_bytes
from ingest.metadata import extract_date, extract_title
from text.normalize import detect_language
from common.errors import InputError

__all__ = ["Article", "Skip", "SUPPORTED", "discover", "load_file"]

SUPPORTED = {".txt", ".md", ".markdown", ".html", ".htm", ".jsonl"}


@dataclass
class Article:
    source: str              # as ingested: path relative to the directory given (+ '#key' for JSONL)
    text: str                # cleaned text, original script
    title: str
    date: str | None
    lang: str
    url: str | None = None
    nbytes: int = 0          # bytes of input it was read from (for progress)


@dataclass(frozen=True)
class Skip:
    where: str   # "file" or "file:line"
    reason: str

    def __str__(self) -> str:
        return f"skipped {self.where}: {self.reason}"


def discover(paths: list[str | Path]) -> list[tuple[Path, str]]:
    """Expand files and directories (recursively) into (path, source name) pairs.

    A file's source is its name, and a file found in a directory is named relative to that
    directory; when two inputs of one run would share a source (`a/x.txt` and `b/x.txt`),
    each is named by its path as given instead, so neither replaces the other. Paths that are
    not regular files (symlink loops, FIFOs, sockets) are listed too, for `load_file` to skip
    with a reason. Raises InputError naming the first path that does not exist.
    """
    found: list[tuple[Path, str, str]] = []   # (path, source, path as given)
    for raw in paths:
        p = Path(raw)
        if not p.exists() and not p.is_symlink():
            raise InputError(f"no such file or directory: {raw}", hint="check the path")
        if p.is_dir():
            for f in sorted(p.rglob("*")):
                rel = f.relative_to(p)
                if any(part.startswith(".") for part in rel.parts) or f.is_dir():
                    continue
                found.append((f, rel.as_posix(), (p / rel).as_posix()))
        else:
            found.append((p, p.name, p.as_posix()))
    files: dict[str, set[str]] = {}   # source -> the distinct files that would bear it
    for f, source, _ in found:
        files.setdefault(source, set()).add(_identity(f))
    return [(f, given if len(files[source]) > 1 else source) for f, source, given in found]


def _identity(path: Path) -> str:
    try:
        return str(path.resolve())
    except (OSError, RuntimeError):   # a symlink loop
        return str(path.absolute())


def _not_regular(path: Path) -> str | None:
    """Why a path is not read (a symlink loop, a broken link, a FIFO, device or socket), or None."""
    try:
        mode = path.stat().st_mode
    except OSError as exc:
        if exc.errno == errno.ELOOP:
            return "a symbolic link loop"
        if path.is_symlink():
            return "a broken symbolic link"
        return f"cannot read file ({exc.strerror})"
    if not stat.S_ISREG(mode):
        kind = "a FIFO" if stat.S_ISFIFO(mode) else "a socket" if stat.S_ISSOCK(mode) else "a device"
        return f"not a regular file ({kind}); only regular files are read"
    return None


def load_file(path: Path, source: str, max_bytes: int) -> Iterator[Article | Skip]:
    suffix = path.suffix.lower()
    reason = _not_regular(path)
    if reason:
        yield Skip(source, reason)
        return
    if suffix not in SUPPORTED:
        yield Skip(source, f"unsupported file type '{suffix or path.name}' "
                           f"(use {', '.join(sorted(SUPPORTED))})")
        return
    if suffix == ".jsonl":
        yield from _load_jsonl(path, source)
        return
    try:
        size = path.stat().st_size
        if size > max_bytes:
            yield Skip(source, f"file too large ({size / 2**20:.1f} MB > {max_bytes / 2**20:.3g} MB; "
                               "raise RAG_MAX_FILE_MB or split it)")
            return
        raw = path.read_bytes()
        text, _encoding = decode_bytes(raw)
    except InputError as exc:
        yield Skip(source, str(exc))
        return
    except OSError as exc:
        yield Skip(source, f"cannot read file ({exc.strerror})")
        return
    title = None
    date = None
    if suffix in {".html", ".htm"}:
        title, date, text = _html_to_text(text)
    elif suffix in {".md", ".markdown"}:
        text = _markdown_to_text(text)
    article = make_article(source, text, title=title, date=date)
    if article is None:
        yield Skip(source, "no article text left after cleaning")
    else:
        article.nbytes = len(raw)
        yield article


def make_article(source: str, text: str, *, title: str | None = None, date: str | None = None,
                 url: str | None = None) -> Article | None:
    cleaned = clean_text(text)
    if not cleaned.strip():
        return None
    return Article(
        source=source,
        text=cleaned,
        title=(title or "").strip() or extract_title(cleaned),
        date=date or extract_date(cleaned),
        lang=detect_language(cleaned),
        url=url,
    )


def _load_jsonl(path: Path, source: str) -> Iterator[Article | Skip]:
    try:
        handle = path.open("rb")
    except OSError as exc:
        yield Skip(source, f"cannot read file ({exc.strerror})")
        return
    seen_keys: set[str] = set()
    with handle:
        any_line = False
        for lineno, raw in enumerate(handle, start=1):
            if not raw.strip():
                continue
            any_line = True
            where = f"{source}:{lineno}"
            try:
                line = raw.decode("utf-8-sig")
            except UnicodeDecodeError:
                yield Skip(where, "line is not UTF-8 (JSONL must be UTF-8)")
                continue
            try:
                obj = json.loads(line)
            except json.JSONDecodeError as exc:
                yield Skip(where, f"not valid JSON ({exc.msg} at column {exc.colno})")
                continue
            except RecursionError:
                yield Skip(where, "JSON nested too deeply (each line must be one flat article object)")
                continue
            if not isinstance(obj, dict):
                yield Skip(where, "a JSON object is expected on each line")
                continue
            text = obj.get("text")
            if not isinstance(text, str) or not text.strip():
                yield Skip(where, "no 'text' field (each line needs a non-empty \"text\")")
                continue
            bad = _lone_surrogate(obj)
            if bad:
                yield Skip(where, f"the {bad!r} field holds a lone UTF-16 surrogate, which is not text "
                                  "(re-export the file as UTF-8 from its source)")
                continue
            key = str(obj.get("id") or obj.get("url") or lineno)
            if key in seen_keys:   # a repeated id: this line's own key, never one already taken
                key = str(lineno)
                n = 2
                while key in seen_keys:
                    key, n = f"{lineno}~{n}", n + 1
            seen_keys.add(key)
            date = obj.get("date")
            article = make_article(
                f"{source}#{key}", text,
                title=obj.get("title") if isinstance(obj.get("title"), str) else None,
                date=str(date) if date else None,
                url=obj.get("url") if isinstance(obj.get("url"), str) else None,
            )
            if article is None:
                yield Skip(where, "no article text left after cleaning")
            else:
                article.nbytes = len(raw)
                yield article
        if not any_line:
            yield Skip(source, "the file is empty (remove it or add one JSON article per line)")


def _lone_surrogate(obj: dict) -> str | None:
    """The name of the first string field that cannot be UTF-8 ("\\ud800" escapes), or None."""
    for name, value in obj.items():
        if isinstance(value, str):
            try:
                value.encode("utf-8")
            except UnicodeEncodeError:
                return name
    return None


_BLOCK_TAGS = {"p", "div", "br", "li", "tr", "h1", "h2", "h3", "h4", "h5", "h6", "section",
               "article", "blockquote", "pre", "table", "ul", "ol", "dd", "dt"}
_SKIP_TAGS = {"script", "style", "noscript", "nav", "header", "footer", "aside", "form", "svg",
              "iframe", "template", "button", "select"}


class _TextExtractor(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []
        self.skip_depth = 0
        self.in_title = False
        self.in_h1 = False
        self.title = ""
        self.h1 = ""
        self.date: str | None = None

    def handle_starttag(self, tag, attrs):
        a = {k.lower(): (v or "") for k, v in attrs}
        if tag in _SKIP_TAGS:
            self.skip_depth += 1
        elif tag == "title":
            self.in_title = not self.skip_depth and not self.title   # the page's, not an <svg>'s
        elif tag == "h1":
            self.in_h1 = not self.h1.strip()                         # the first heading only
        elif tag == "meta" and not self.date:
            name = (a.get("name") or a.get("property") or a.get("itemprop") or "").lower()
            if name in {"article:published_time", "pubdate", "publishdate", "date", "datepublished"}:
                self.date = a.get("content") or None
        elif tag == "time" and not self.date and a.get("datetime"):
            self.date = a["datetime"]
        if tag in _BLOCK_TAGS:
            self.parts.append("\n")

    def handle_startendtag(self, tag, attrs):
        self.handle_starttag(tag, attrs)
        if tag in _SKIP_TAGS:
            self.skip_depth -= 1

    def handle_endtag(self, tag):
        if tag in _SKIP_TAGS and self.skip_depth:
            self.skip_depth -= 1
        elif tag == "title":
            self.in_title = False
        elif tag == "h1":
            self.in_h1 = False
        if tag in _BLOCK_TAGS:
            self.parts.append("\n")

    def handle_data(self, data):
        if self.in_title:
            self.title += data
            return
        if self.skip_depth:
            return
        if self.in_h1:
            self.h1 += data
        self.parts.append(data)


def _html_to_text(html: str) -> tuple[str | None, str | None, str]:
    parser = _TextExtractor()
    try:
        parser.feed(html)
        parser.close()
    except Exception:  # html.parser is lenient; a truly broken page still yields what was read
        pass
    text = "".join(parser.parts)
    text = "\n".join(re.sub(r"[ \t\u3000]+", " ", ln).strip() for ln in text.split("\n"))
    title = (parser.h1 or parser.title).strip() or None
    date = None
    if parser.date:
        date = extract_date("date: " + parser.date.replace("T", " ")) or parser.date[:10]
    return title, date, text


def _markdown_to_text(md: str) -> str:
    md = re.sub(r"```.*?```", "", md, flags=re.S)
    md = re.sub(r"!\[[^\]]*\]\([^)]*\)", "", md)              # images
    md = re.sub(r"\[([^\]]+)\]\([^)]*\)", r"\1", md)          # links -> their text
    md = re.sub(r"^\s{0,3}#{1,6}\s*", "", md, flags=re.M)     # heading marks
    md = re.sub(r"(\*\*|\*|`)(\S.*?\S|\S)\1", r"\2", md)        # emphasis, code spans
    # _emphasis_, never inside a Latin word or number (user_id); Chinese text runs on without spaces
    md = re.sub(r"(?<![A-Za-z0-9])(__|_)(\S.*?\S|\S)\1(?![A-Za-z0-9])", r"\2", md)
    md = re.sub(r"^\s*>\s?", "", md, flags=re.M)               # block quotes
    return md
