"""Wiring only: read -> segment -> nlp -> link -> export. No logic of its own lives here."""

from __future__ import annotations

import logging
from collections.abc import Iterable, Iterator
from pathlib import Path

from graphbuild.ingest.read import DEFAULT_MAX_BYTES, read_inputs
from graphbuild.ingest.segment import segment_document
from graphbuild.records import Diagnostic, Extraction

log = logging.getLogger("graphbuild")


def iter_extractions(
    inputs: Iterable[str | Path],
    *,
    nlp=None,
    model: str | None = None,
    analyst_label: str = "analyst",
    max_bytes: int = DEFAULT_MAX_BYTES,
) -> Iterator[Extraction | Diagnostic]:
    """Read, segment and extract claims from every input; failures come out as Diagnostics."""
    from graphbuild.nlp import extract_claims, load_pipeline

    if nlp is None:
        nlp = load_pipeline(model)
    for entry in read_inputs(inputs, max_bytes=max_bytes):
        if isinstance(entry, Diagnostic):
            yield entry
            continue
        yield extract_claims(segment_document(entry), nlp, analyst_label=analyst_label)
