"""Find input files and decode them into Documents.

Inputs are files or folders (walked recursively, sorted, following symlinks to folders at most
once so loops terminate). ``.txt``/``.md`` files are one document each; ``.jsonl`` files hold one
document per line (``{"id", "text", ...metadata}``). Anything that cannot be read becomes a
Diagnostic naming the file and the reason; the other inputs are still read.
"""

from __future__ import annotations

import codecs
import json
import logging
import os
import stat
from collections.abc import Iterable, Iterator
from pathlib import Path

from graphbuild.ids import content_hash
from graphbuild.ingest.files import read_bounded
from graphbuild.ingest.pdf import read_pdf
from graphbuild.ingest.webpage import read_html
from graphbuild.records import Diagnostic, Document, Severity

log = logging.getLogger("graphbuild")

TEXT_SUFFIXES = frozenset({".txt", ".md"})
JSONL_SUFFIXES = frozenset({".jsonl"})
#: Archive formats, each read by its own module into one Document of extracted text.
FORMAT_READERS = {".pdf": read_pdf, ".html": read_html, ".htm": read_html}
SUFFIXES = TEXT_SUFFIXES | JSONL_SUFFIXES | frozenset(FORMAT_READERS)

#: Refuse inputs larger than this unless the caller raises it (``--max-bytes``).
DEFAULT_MAX_BYTES = 64 * 1024 * 1024
#: Refuse single documents longer than this many characters unless the caller raises it
#: (``--max-chars``): NLP time grows with length (about a minute per million characters here), so one
#: huge file must not silently stall a batch. Longer documents, when allowed, are parsed in chunks.
DEFAULT_MAX_CHARS = 2_000_000

# Bytes that never occur in text; a few of them mean "binary", not "odd encoding".
_BINARY_SIGNATURES = (b"\x89PNG", b"PK\x03\x04", b"%PDF", b"\x7fELF", b"GIF8", b"\xff\xd8\xff")


class DecodeFailure(Exception):
    """Raised by :func:`decode_bytes` with a human-readable reason."""


def decode_bytes(data: bytes) -> tuple[str, str, str | None]:
    """Decode input bytes.

    Returns ``(text, encoding, warning)``. UTF-8 (with or without BOM) and UTF-16 with BOM are
    accepted silently; anything else is decoded as cp1252 with a warning. Raises DecodeFailure for
    empty, binary or undecodable input.
    """
    if not data.strip():
        raise DecodeFailure("empty input" if not data else "input is only whitespace")
    if data.startswith(codecs.BOM_UTF8):
        return _strict(data[3:], "utf-8"), "utf-8-sig", None
    if data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return _strict(data, "utf-16"), "utf-16", None
    if data.startswith(_BINARY_SIGNATURES):
        raise DecodeFailure("binary file (not text)")
    if b"\x00" in data:
        # UTF-16 without a BOM decodes as "valid UTF-8 full of NULs": refuse it with the reason.
        even, odd = data[0::2].count(0), data[1::2].count(0)
        if max(even, odd) > len(data) // 4:
            raise DecodeFailure("looks like UTF-16 without a byte-order mark; re-save it with a BOM or as UTF-8")
        raise DecodeFailure("binary file (contains NUL bytes)")
    try:
        return data.decode("utf-8"), "utf-8", None
    except UnicodeDecodeError as exc:
        utf8_error = f"invalid UTF-8 at byte {exc.start}"
    if _control_ratio(data) > 0.05:
        raise DecodeFailure(f"binary or undecodable ({utf8_error})")
    try:
        text = data.decode("cp1252")
    except UnicodeDecodeError as exc:
        raise DecodeFailure(f"{utf8_error}, and not cp1252 either (byte {exc.start})") from exc
    return text, "cp1252", f"{utf8_error}; decoded as cp1252"


def _strict(data: bytes, encoding: str) -> str:
    try:
        text = data.decode(encoding)
    except UnicodeDecodeError as exc:
        raise DecodeFailure(f"invalid {encoding.upper()} at byte {exc.start}") from exc
    if not text.strip():
        raise DecodeFailure("input is only whitespace")
    return text


def _control_ratio(data: bytes) -> float:
    sample = data[:65536]
    controls = sum(1 for b in sample if b < 32 and b not in (9, 10, 12, 13))
    return controls / max(1, len(sample))


def iter_input_files(
    inputs: Iterable[str | Path], *, skip_dirs: Iterable[str | Path] = ()
) -> Iterator[tuple[str, Diagnostic | None]]:
    """Yield ``(path, None)`` for each input file, or ``(path, diagnostic)`` for ones to skip.

    Folders are walked recursively in sorted order; a folder reached twice (a symlink loop) is
    walked once. Named pipes, devices and sockets are reported, never opened. Folders in
    ``skip_dirs`` (e.g. the build's own output folder inside an input folder) are not walked.
    """
    skipped = {(st.st_dev, st.st_ino) for st in map(_stat_or_none, skip_dirs) if st is not None}
    for given in inputs:
        path = str(given)
        try:
            st = os.stat(path)
        except OSError as exc:
            yield path, Diagnostic(path, "E101", f"cannot read: {exc.strerror or exc}")
            continue
        if stat.S_ISDIR(st.st_mode):
            yield from _walk(path, seen=set(skipped))
        elif stat.S_ISREG(st.st_mode):
            yield path, None
        else:
            yield path, Diagnostic(path, "E102", "not a regular file (pipe, device or socket); skipped")


def _stat_or_none(path: str | Path) -> os.stat_result | None:
    try:
        return os.stat(path)
    except OSError:
        return None


def _walk(folder: str, *, seen: set[tuple[int, int]]) -> Iterator[tuple[str, Diagnostic | None]]:
    try:
        st = os.stat(folder)
    except OSError as exc:
        yield folder, Diagnostic(folder, "E101", f"cannot read folder: {exc.strerror or exc}")
        return
    key = (st.st_dev, st.st_ino)
    if key in seen:
        log.info("%s: folder already visited (symlink loop); skipped", folder)
        return
    seen.add(key)
    try:
        names = sorted(os.listdir(folder))
    except OSError as exc:
        yield folder, Diagnostic(folder, "E101", f"cannot list folder: {exc.strerror or exc}")
        return
    for name in names:
        path = os.path.join(folder, name)
        try:
            st = os.stat(path)
        except OSError as exc:
            yield path, Diagnostic(path, "E101", f"cannot read: {exc.strerror or exc}")
            continue
        if stat.S_ISDIR(st.st_mode):
            yield from _walk(path, seen=seen)
        elif Path(name).suffix.lower() not in SUFFIXES:
            continue
        elif stat.S_ISREG(st.st_mode):
            yield path, None
        else:
            yield path, Diagnostic(path, "E102", "not a regular file (pipe, device or socket); skipped")


def read_inputs(
    inputs: Iterable[str | Path], *, max_bytes: int = DEFAULT_MAX_BYTES, max_chars: int = DEFAULT_MAX_CHARS,
    skip_dirs: Iterable[str | Path] = (),
) -> Iterator[Document | Diagnostic]:
    """Read every input into Documents; problems come out as Diagnostics in input order.

    Args:
        inputs: files or folders.
        max_bytes: refuse files larger than this (checked before decoding).
        max_chars: refuse single documents longer than this many characters.
        skip_dirs: folders not to walk into (see :func:`iter_input_files`).
    """
    for path, problem in iter_input_files(inputs, skip_dirs=skip_dirs):
        if problem is not None:
            yield problem
            continue
        suffix = Path(path).suffix.lower()
        if suffix in JSONL_SUFFIXES:
            entries: Iterable[Document | Diagnostic] = _read_jsonl(path, max_bytes=max_bytes)
        elif suffix in FORMAT_READERS:
            entries = [FORMAT_READERS[suffix](path, max_bytes=max_bytes)]
        else:
            entries = [_read_text(path, max_bytes=max_bytes)]
        for entry in entries:
            yield _within_limit(entry, max_chars)


def _within_limit(entry: Document | Diagnostic, max_chars: int) -> Document | Diagnostic:
    if isinstance(entry, Diagnostic) or len(entry.text) <= max_chars:
        return entry
    where = f"{entry.path}:{entry.line}" if entry.line else entry.path
    return Diagnostic(where, "E107", f"{len(entry.text)} characters, more than the limit of {max_chars} for one "
                                     "document; raise it with --max-chars")


def _read_text(path: str, *, max_bytes: int) -> Document | Diagnostic:
    data = read_bounded(path, max_bytes=max_bytes)
    if isinstance(data, Diagnostic):
        return data
    try:
        text, encoding, warning = decode_bytes(data)
    except DecodeFailure as exc:
        return Diagnostic(path, "E103", str(exc))
    if warning:
        log.warning("%s: %s", path, warning)
    return Document(id=path, text=text, sha256=content_hash(text), path=path, encoding=encoding)


def _read_jsonl(path: str, *, max_bytes: int) -> Iterator[Document | Diagnostic]:
    data = read_bounded(path, max_bytes=max_bytes)
    if isinstance(data, Diagnostic):
        yield data
        return
    try:
        raw, encoding, warning = decode_bytes(data)
    except DecodeFailure as exc:
        yield Diagnostic(path, "E103", str(exc))
        return
    if warning:
        log.warning("%s: %s", path, warning)
    seen_ids: set[str] = set()
    # split on "\n" only: str.splitlines() would also cut at U+2028 inside JSON strings
    for number, line in enumerate(raw.split("\n"), start=1):
        if not line.strip():
            continue
        where = f"{path}:{number}"
        try:
            record = json.loads(line)
        except json.JSONDecodeError as exc:
            yield Diagnostic(where, "E104", f"not valid JSON ({exc.msg} at column {exc.colno})")
            continue
        if not isinstance(record, dict) or not isinstance(record.get("text"), str):
            yield Diagnostic(where, "E105", 'each line must be an object with a string "text"')
            continue
        text = record["text"]
        if not text.strip():
            yield Diagnostic(where, "E103", "empty text")
            continue
        doc_id = str(record.get("id", where))
        if doc_id in seen_ids:
            yield Diagnostic(where, "E106", f"duplicate id {doc_id!r}; skipped")
            continue
        seen_ids.add(doc_id)
        metadata = {k: v for k, v in record.items() if k not in ("id", "text")}
        yield Document(
            id=doc_id, text=text, sha256=content_hash(text), path=path, encoding=encoding,
            line=number, metadata=metadata,
        )


def is_problem(entry: Document | Diagnostic) -> bool:
    return isinstance(entry, Diagnostic) and entry.severity is Severity.ERROR
