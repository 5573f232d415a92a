"""claims.jsonl and actors.jsonl, written atomically."""

from __future__ import annotations

import json
from collections.abc import Iterable
from pathlib import Path

from graphbuild.atomic import atomic_write
from graphbuild.records import Extraction
from graphbuild.serialize import actor_to_json, claim_to_json


def write_claims_jsonl(path: str | Path, extractions: Iterable[Extraction]) -> int:
    n = 0
    with atomic_write(path) as f:
        for ex in extractions:
            date = ex.segmentation.meta.date or _given_date(ex)
            for claim in ex.claims:
                f.write(json.dumps(claim_to_json(claim, date=date), ensure_ascii=False) + "\n")
                n += 1
    return n


def write_actors_jsonl(path: str | Path, extractions: Iterable[Extraction]) -> int:
    n = 0
    with atomic_write(path) as f:
        for ex in extractions:
            for actor in ex.actors:
                f.write(json.dumps(actor_to_json(actor, ex.document.id), ensure_ascii=False) + "\n")
                n += 1
    return n


def _given_date(ex: Extraction) -> str | None:
    """A ``date`` supplied with a JSONL input line, when the text itself prints none."""
    value = ex.document.metadata.get("date")
    return value if isinstance(value, str) and value else None
