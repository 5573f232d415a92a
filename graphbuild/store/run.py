"""Wiring for ``graphbuild ingest``: read -> decide -> extract (here, in worker processes or on Dask) -> ingest.

Reading is cheap and gives each document's content hash, so unchanged documents are skipped before
any NLP runs; only new or changed ones go to the spaCy stage. Results are ingested in input order,
so a Dask run writes exactly the triples a local run writes.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable, Iterator
from pathlib import Path

from graphbuild.distributed import extract_documents
from graphbuild.ingest.read import DEFAULT_MAX_BYTES, DEFAULT_MAX_CHARS, JSONL_SUFFIXES, iter_input_files, read_inputs
from graphbuild.records import Diagnostic, Document, Extraction
from graphbuild.store.ingest import Ingestor, Outcome

log = logging.getLogger("graphbuild")


def ingest_inputs(
    inputs: Iterable[str | Path],
    ingestor: Ingestor,
    *,
    model: str | None = None,
    analyst_label: str = "analyst",
    dask: str | None = None,
    jobs: int = 1,
    max_bytes: int = DEFAULT_MAX_BYTES,
    max_chars: int = DEFAULT_MAX_CHARS,
) -> Iterator[tuple[Outcome | Diagnostic, Document | Extraction | None]]:
    """Ingest every input; yields ``(outcome or diagnostic, what it was about)`` in input order."""
    pending: list[Document] = []
    early: list[tuple[Outcome | Diagnostic, Document | None]] = []

    def work() -> Iterator[Document]:
        # Decide per document while reading; yield only those that need the NLP stage.
        for entry in read_inputs(inputs, max_bytes=max_bytes, max_chars=max_chars):
            if isinstance(entry, Diagnostic):
                early.append((entry, None))
                continue
            action = ingestor.plan(entry)
            if action == "unchanged":
                early.append((Outcome(entry.id, "unchanged", ""), entry))
            elif action == "alias":
                early.append((ingestor.add_alias(entry), entry))
            else:
                pending.append(entry)
                yield entry

    for result in extract_documents(work(), model=model, analyst_label=analyst_label, dask=dask, jobs=jobs):
        yield from _drain(early)
        document = pending.pop(0)
        if isinstance(result, Diagnostic):
            yield result, document
            continue
        for diagnostic in result.diagnostics:
            log.warning("%s", diagnostic)
        yield ingestor.add(result), result
    yield from _drain(early)


def count_documents(inputs: Iterable[str | Path]) -> int:
    """How many documents the inputs hold (for the progress bar's ETA): files, or JSONL lines."""
    total = 0
    for path, problem in iter_input_files(inputs):
        if problem is None and Path(path).suffix.lower() in JSONL_SUFFIXES:
            try:
                with open(path, "rb") as f:
                    total += sum(1 for line in f if line.strip())
            except OSError:
                total += 1
        else:
            total += 1
    return total


def _drain(early: list) -> Iterator:
    while early:
        yield early.pop(0)
