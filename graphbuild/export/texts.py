"""Keep each document's text next to the graph, so every recorded offset can be checked.

For a PDF or a web page the text every offset indexes is the *extracted* text, which exists nowhere
else; for plain text it is the decoded input, which may later change on disk. Both are written as

- ``OUTDIR/texts/<sha256>.txt`` — the exact text (UTF-8, no newline translation), named by its
  content hash and never by anything taken from the document;
- ``OUTDIR/texts/index.jsonl`` — one line per document: ``{"id", "sha256", "file", "path",
  "format", "encoding", "length", "date", "pages"?, "page_labels"?, "title"?}`` where ``date`` is the
  bulletin (publication) date when the segmenter found one, and ``pages`` the PDF page ranges.

:func:`check_provenance` re-reads them and checks that every span in ``claims.jsonl`` slices its
document's text to the recorded string.
"""

from __future__ import annotations

import json
import logging
import re
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import Any

from graphbuild.atomic import atomic_write
from graphbuild.errors import InputError
from graphbuild.records import Document, Extraction, Segmentation

log = logging.getLogger("graphbuild")

TEXTS_DIR = "texts"
INDEX_NAME = "index.jsonl"
_SHA256 = re.compile(r"[0-9a-f]{64}")
_COPIED_METADATA = ("pages", "page_labels", "page_count", "title", "charset", "language")


def write_texts(outdir: str | Path, entries: Iterable[Document | Segmentation | Extraction]) -> int:
    """Write every document's text and the index to ``OUTDIR/texts/``.

    Args:
        outdir: the build output folder.
        entries: Documents, or Segmentations/Extractions (which add the bulletin date).

    Returns:
        The number of documents indexed.
    """
    folder = Path(outdir) / TEXTS_DIR
    n = 0
    with atomic_write(folder / INDEX_NAME) as index:
        for entry in entries:
            document, date = _document_and_date(entry)
            file = text_path(outdir, document.sha256)
            if not (file.exists() and file.stat().st_size == len(document.text.encode("utf-8"))):
                with atomic_write(file) as f:  # content-addressed: an existing file is this text
                    f.write(document.text)
            index.write(json.dumps(_index_line(document, date), ensure_ascii=False) + "\n")
            n += 1
    log.debug("wrote %d document texts to %s", n, folder)
    return n


def text_path(outdir: str | Path, sha256: str) -> Path:
    """Path of a document's text file; refuses anything but a SHA-256 hex digest as the name."""
    if not _SHA256.fullmatch(sha256):
        raise InputError(f"not a SHA-256 digest: {sha256[:80]!r}", path=str(outdir))
    return Path(outdir) / TEXTS_DIR / f"{sha256}.txt"


def read_text(outdir: str | Path, sha256: str) -> str:
    """The stored text of one document (exactly as the offsets index it)."""
    path = text_path(outdir, sha256)
    try:
        with open(path, encoding="utf-8", newline="") as f:
            return f.read()
    except OSError as exc:
        raise InputError(f"cannot read: {exc.strerror or exc}", path=str(path)) from exc


def iter_index(outdir: str | Path) -> Iterator[dict[str, Any]]:
    """Lines of ``OUTDIR/texts/index.jsonl`` (nothing if the folder has no texts)."""
    path = Path(outdir) / TEXTS_DIR / INDEX_NAME
    if not path.exists():
        return
    with open(path, encoding="utf-8") as f:
        for number, line in enumerate(f, start=1):
            if line.strip():
                try:
                    yield json.loads(line)
                except json.JSONDecodeError as exc:
                    raise InputError(f"line {number}: not valid JSON ({exc.msg})", path=str(path)) from exc


def load_index(outdir: str | Path) -> dict[str, dict[str, Any]]:
    """``OUTDIR/texts/index.jsonl`` keyed by document id (as claims.jsonl's ``document`` names it)."""
    return {entry["id"]: entry for entry in iter_index(outdir)}


def check_provenance(outdir: str | Path, *, claims: str | Path | None = None) -> list[str]:
    """Check that every span of ``claims.jsonl`` slices its stored document text to its string.

    Returns:
        One message per problem (empty when every span checks out).
    """
    index = load_index(outdir)
    claims_path = Path(claims) if claims else Path(outdir) / "claims.jsonl"
    problems: list[str] = []
    texts: dict[str, str] = {}
    with open(claims_path, encoding="utf-8") as f:
        for number, line in enumerate(f, start=1):
            if not line.strip():
                continue
            claim = json.loads(line)
            entry = index.get(claim.get("document"))
            if entry is None:
                problems.append(
                    f"claims.jsonl:{number}: document {claim.get('document')!r} has no stored text"
                )
                continue
            sha = entry["sha256"]
            if sha not in texts:
                texts[sha] = read_text(outdir, sha)
            text = texts[sha]
            for role, span in _claim_spans(claim):
                if text[span["start"] : span["end"]] != span["text"]:
                    problems.append(
                        f"claims.jsonl:{number}: {role} [{span['start']}, {span['end']}) does not match the text"
                    )
    return problems


def _claim_spans(claim: dict[str, Any]) -> Iterator[tuple[str, dict[str, Any]]]:
    for role in ("content", "cue", "sentence"):
        if isinstance(claim.get(role), dict):
            yield role, claim[role]
    mention = (claim.get("source") or {}).get("mention")
    if isinstance(mention, dict):
        yield "source mention", mention


def _document_and_date(entry: Document | Segmentation | Extraction) -> tuple[Document, str | None]:
    if isinstance(entry, Extraction):
        entry = entry.segmentation
    if isinstance(entry, Segmentation):
        date = entry.meta.date or _metadata_date(entry.document)
        return entry.document, date
    return entry, _metadata_date(entry)


def _metadata_date(document: Document) -> str | None:
    # JSONL inputs and web pages may carry their date as metadata
    date = document.metadata.get("date")
    return date if isinstance(date, str) and date else None


def _index_line(document: Document, date: str | None) -> dict[str, Any]:
    line: dict[str, Any] = {
        "id": document.id,
        "sha256": document.sha256,
        "file": f"{TEXTS_DIR}/{document.sha256}.txt",
        "path": document.path,
        "format": document.metadata.get("format", "text"),
        "encoding": document.encoding,
        "length": len(document.text),
        "date": date,
    }
    for key in _COPIED_METADATA:
        if key in document.metadata:
            line[key] = document.metadata[key]
    return line
