"""Read the text layer of a PDF into a Document, recording where each page starts and ends.

Declassified archives (CIA CREST, FRUS scans) ship PDFs with an OCR text layer. The extracted text
IS the document text: every offset the later stages record indexes it, so it is written next to the
graph (see :mod:`graphbuild.export.texts`) for provenance to stay checkable.

Pages are joined with :data:`PAGE_SEPARATOR` (a form feed on its own line, which no page text
contains after extraction); ``document.metadata["pages"]`` lists the half-open ``[start, end]``
range of each page's text, so a claim cites its page with :func:`page_at`.

Hostile or broken files fail fast with a one-line Diagnostic: no ``%PDF-`` header, a missing
``%%EOF`` (a truncated download), a cross-reference chain that loops or points past the end of the
file, an encrypted file, or extraction running past a time budget. A PDF whose pages carry no text
(a scan never OCR'd) is reported, never returned as an empty document.

pypdf is an optional dependency (``pip install 'graphbuild[pdf]'``), imported only when a PDF is read.
"""

from __future__ import annotations

import bisect
import contextlib
import io
import logging
import re
import signal
import threading
import time
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import Any

from graphbuild.ids import content_hash
from graphbuild.ingest.files import read_bounded
from graphbuild.records import Diagnostic, Document

log = logging.getLogger("graphbuild")

#: Between two pages' text: a line holding only a form feed (the plain-text page break).
PAGE_SEPARATOR = "\n\f\n"

#: Default wall-clock budget for reading one PDF, in seconds.
DEFAULT_MAX_SECONDS = 60.0

#: Default input size limit (same as the text reader's).
DEFAULT_MAX_BYTES = 64 * 1024 * 1024

INSTALL_HINT = "reading PDF needs pypdf: pip install 'graphbuild[pdf]' (or: pip install pypdf)"

# Diagnostic codes of this reader (the text reader uses E101-E106).
E_NO_PYPDF = "E120"
E_MALFORMED = "E121"
E_NO_TEXT = "E122"
E_ENCRYPTED = "E123"
E_TOO_SLOW = "E124"

_STARTXREF = re.compile(rb"startxref\s+(\d+)")
_PREV = re.compile(rb"/Prev\s+(\d+)")
_OBJ_HEADER = re.compile(rb"\s*\d+\s+\d+\s+obj\b")
# Characters that pypdf sometimes emits from broken font maps and that no reader wants to see.
_JUNK = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")


class PdfRejected(Exception):
    """Raised internally with a Diagnostic code and a one-line reason."""

    def __init__(self, code: str, reason: str) -> None:
        super().__init__(reason)
        self.code = code


class _OutOfTime(BaseException):
    """Raised from the alarm handler; a BaseException so pypdf's ``except Exception`` cannot swallow it."""


def read_pdf(
    path: str | Path, *, max_bytes: int = DEFAULT_MAX_BYTES, max_seconds: float = DEFAULT_MAX_SECONDS
) -> Document | Diagnostic:
    """Read one PDF's text layer.

    Args:
        path: the PDF file.
        max_bytes: refuse files larger than this.
        max_seconds: give up (with a Diagnostic) when reading takes longer than this.

    Returns:
        A Document whose ``text`` is the pages' text joined by :data:`PAGE_SEPARATOR`, with
        ``metadata`` ``{"format": "pdf", "pages": [[start, end], ...], "page_count": n, ...}``, or a
        Diagnostic naming the file and the reason it cannot be read.
    """
    path = str(path)
    data = read_bounded(path, max_bytes=max_bytes)
    if isinstance(data, Diagnostic):
        return data
    try:
        text, metadata = extract_pdf_text(data, max_seconds=max_seconds)
    except PdfRejected as exc:
        return Diagnostic(path, exc.code, str(exc))
    return Document(
        id=path, text=text, sha256=content_hash(text), path=path, encoding="pdf", metadata=metadata
    )


def extract_pdf_text(data: bytes, *, max_seconds: float = DEFAULT_MAX_SECONDS) -> tuple[str, dict[str, Any]]:
    """Extract the text layer of PDF bytes.

    Returns:
        ``(text, metadata)`` as described in :func:`read_pdf`.

    Raises:
        PdfRejected: the bytes are not a readable PDF with text (the message is one line).
    """
    check_structure(data)
    try:
        import pypdf
    except ImportError as exc:
        raise PdfRejected(E_NO_PYPDF, INSTALL_HINT) from exc
    deadline = time.monotonic() + max_seconds
    pages: list[str] = []
    try:
        with _time_limit(max_seconds), _quiet_pypdf():
            reader = pypdf.PdfReader(io.BytesIO(data), strict=False)
            if reader.is_encrypted and not _try_empty_password(reader):
                raise PdfRejected(E_ENCRYPTED, "encrypted PDF; decrypt it first (e.g. qpdf --decrypt)")
            for number, page in enumerate(reader.pages, start=1):
                if time.monotonic() > deadline:
                    raise _OutOfTime
                pages.append(_clean(page.extract_text() or ""))
                log.debug("pdf page %d: %d characters", number, len(pages[-1]))
            title = _title(reader)
            labels = _page_labels(reader, len(pages))
    except PdfRejected:
        raise
    except _OutOfTime as exc:
        raise PdfRejected(E_TOO_SLOW, f"reading took longer than {max_seconds:g} s; skipped") from exc
    except RecursionError as exc:
        raise PdfRejected(E_MALFORMED, "malformed PDF (objects nested or referenced in a loop)") from exc
    except Exception as exc:  # pypdf raises many kinds (PdfReadError, ValueError, KeyError...)
        reason = " ".join(str(exc).split()) or type(exc).__name__
        raise PdfRejected(E_MALFORMED, f"malformed PDF ({reason[:200]})") from exc
    if not pages:
        raise PdfRejected(E_MALFORMED, "PDF has no pages")
    if not any(p.strip() for p in pages):
        raise PdfRejected(
            E_NO_TEXT,
            f"PDF has no text layer ({len(pages)} page(s) of images only); OCR it first (e.g. ocrmypdf)",
        )
    text, ranges = join_pages(pages)
    empty = [i + 1 for i, p in enumerate(pages) if not p.strip()]
    if empty:
        log.warning("PDF pages without a text layer: %s", ", ".join(map(str, empty[:20])))
    metadata: dict[str, Any] = {"format": "pdf", "pages": ranges, "page_count": len(pages)}
    if empty:
        metadata["pages_without_text"] = empty
    if labels:
        metadata["page_labels"] = labels
    if title:
        metadata["title"] = title
    return text, metadata


def join_pages(pages: Sequence[str]) -> tuple[str, list[list[int]]]:
    """Join page texts with :data:`PAGE_SEPARATOR`; return the text and each page's ``[start, end]``.

    >>> join_pages(["one", "two"])
    ('one\\n\\x0c\\ntwo', [[0, 3], [6, 9]])
    """
    parts: list[str] = []
    ranges: list[list[int]] = []
    offset = 0
    for i, page in enumerate(pages):
        if i:
            parts.append(PAGE_SEPARATOR)
            offset += len(PAGE_SEPARATOR)
        parts.append(page)
        ranges.append([offset, offset + len(page)])
        offset += len(page)
    return "".join(parts), ranges


def page_at(pages: Sequence[Sequence[int]], offset: int) -> int | None:
    """The 1-based number of the page whose text holds ``offset``, or None (a separator, or no pages).

    ``pages`` is ``document.metadata["pages"]``.

    >>> page_at([[0, 3], [6, 9]], 7)
    2
    """
    starts = [p[0] for p in pages]
    i = bisect.bisect_right(starts, offset) - 1
    if i >= 0 and pages[i][0] <= offset < pages[i][1]:
        return i + 1
    return None


def check_structure(data: bytes) -> None:
    """Cheap checks that catch truncated and hostile files before pypdf sees them.

    pypdf's lenient mode "repairs" a truncated file by scanning for objects and silently loses pages,
    and only logs a looping cross-reference chain; a document whose text may be incomplete must not
    enter the graph, so both are refused here.

    Raises:
        PdfRejected: with code E121 and the reason.
    """
    if b"%PDF-" not in data[:1024]:
        raise PdfRejected(E_MALFORMED, "not a PDF (no %PDF- header)")
    if b"%%EOF" not in data[-2048:]:
        raise PdfRejected(E_MALFORMED, "truncated PDF (no %%EOF marker at the end)")
    found = list(_STARTXREF.finditer(data[-2048:]))
    if not found:
        raise PdfRejected(E_MALFORMED, "truncated PDF (no startxref at the end)")
    offset: int | None = int(found[-1].group(1))
    seen: set[int] = set()
    while offset is not None:
        if offset in seen:
            raise PdfRejected(
                E_MALFORMED, f"malformed PDF (cross-reference chain loops back to byte {offset})"
            )
        if offset >= len(data):
            raise PdfRejected(
                E_MALFORMED, f"truncated PDF (cross-reference at byte {offset} is past the end)"
            )
        seen.add(offset)
        offset = _previous_xref(data, offset)


def _previous_xref(data: bytes, offset: int) -> int | None:
    """The ``/Prev`` offset of the cross-reference section at ``offset``, or None."""
    head = data[offset : offset + 64]
    if head.lstrip().startswith(b"xref"):
        start = data.find(b"trailer", offset)
        end = data.find(b"startxref", start) if start >= 0 else -1
        region = data[start:end] if start >= 0 and end >= 0 else b""
    elif _OBJ_HEADER.match(head):
        end = data.find(b"stream", offset)
        region = data[offset:end] if end >= 0 else b""
    else:
        # A wrong startxref is a common generator bug that pypdf repairs by scanning; not hostile.
        log.debug("pdf: startxref %d does not point at a cross-reference section", offset)
        return None
    m = _PREV.search(region)
    return int(m.group(1)) if m else None


def _try_empty_password(reader: Any) -> bool:
    # Many archive PDFs are "encrypted" with an empty user password only to restrict printing.
    try:
        return bool(reader.decrypt(""))
    except Exception:  # noqa: BLE001 - missing AES backend, unsupported handler: both mean "locked"
        return False


def _clean(page_text: str) -> str:
    # Form feeds are our page separator, so a page must not contain one; NULs and other control
    # characters come from broken font maps and would reach the terminal and the RDF raw.
    return _JUNK.sub("", page_text).replace("\r\n", "\n").replace("\r", "\n")


def _title(reader: Any) -> str | None:
    try:
        title = reader.metadata.title if reader.metadata else None
    except Exception:  # noqa: BLE001 - a broken info dictionary only costs the title
        return None
    if not title:
        return None
    return " ".join(str(title).split())[:500] or None


def _page_labels(reader: Any, count: int) -> list[str] | None:
    """Printed page labels ("iv", "A-3") when the PDF defines them and they differ from 1..n."""
    try:
        labels = [str(label) for label in reader.page_labels]
    except Exception:  # noqa: BLE001 - broken page labels only cost the labels
        return None
    if len(labels) != count or labels == [str(i) for i in range(1, count + 1)]:
        return None
    return labels


@contextlib.contextmanager
def _quiet_pypdf() -> Iterator[None]:
    # pypdf logs repairs of ordinary files at WARNING; they are not the user's concern.
    logger = logging.getLogger("pypdf")
    level = logger.level
    logger.setLevel(logging.ERROR)
    try:
        yield
    finally:
        logger.setLevel(level)


@contextlib.contextmanager
def _time_limit(seconds: float) -> Iterator[None]:
    """Interrupt a page that alone runs past the budget (main thread, POSIX, SIGALRM unused only).

    Elsewhere the budget is checked between pages, which bounds everything but one pathological page.
    """
    usable = (
        hasattr(signal, "setitimer")
        and threading.current_thread() is threading.main_thread()
        and signal.getsignal(signal.SIGALRM) in (signal.SIG_DFL, None)
    )
    if not usable:
        yield
        return

    def _alarm(signum: int, frame: Any) -> None:
        raise _OutOfTime

    signal.signal(signal.SIGALRM, _alarm)
    signal.setitimer(signal.ITIMER_REAL, seconds)
    try:
        yield
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, signal.SIG_DFL)
