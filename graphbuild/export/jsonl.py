"""claims.jsonl and actors.jsonl, written atomically."""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping
from pathlib import Path

from graphbuild.atomic import atomic_write
from graphbuild.records import Extraction
from graphbuild.serialize import actor_to_json, claim_to_json


def write_claims_jsonl(path: str | Path, extractions: Iterable[Extraction],
                       credibility: Mapping[str, int] | None = None) -> int:
    """One line per claim; ``credibility`` maps claim ids to a suggested Admiralty rating (1-6)."""
    credibility = credibility or {}
    n = 0
    with atomic_write(path) as f:
        for ex in extractions:
            date = ex.segmentation.meta.date or _given_date(ex)
            for claim in ex.claims:
                line = claim_to_json(claim, date=date)
                if claim.id in credibility:
                    line["credibility"] = credibility[claim.id]
                f.write(json.dumps(line, ensure_ascii=False) + "\n")
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
