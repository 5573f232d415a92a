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
            for claim in ex.claims:
                f.write(json.dumps(claim_to_json(claim), ensure_ascii=False) + "\n")
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
