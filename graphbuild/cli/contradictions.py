"""``graphbuild contradictions OUTDIR``: contradicting claims side by side, with why they were linked.

Reads a build output folder (claims.jsonl, relations.jsonl, actors.jsonl, texts/index.jsonl for the
dates). ``--actor`` keeps pairs where either claim is about that actor (id, label or alias);
``--min-score`` drops weaker links; ``--format`` is ``table`` (default), ``csv`` or ``json``.
"""

from __future__ import annotations

import argparse
import csv
import json
import shutil
import sys
import textwrap
from pathlib import Path
from typing import Any

from graphbuild.cli._store import add_target_options, load_output, target_of
from graphbuild.export.outdir import BuildOutput
from graphbuild.records import Claim, Relation, RelationType


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("contradictions", help="list contradicting claims side by side, with the evidence")
    add_target_options(p)
    p.add_argument("--actor", default=None, help="only pairs about this actor (id, label or alias)")
    p.add_argument("--min-score", type=float, default=0.0, metavar="X", help="only links scoring at least X")
    add_format_option(p)
    p.set_defaults(func=run)


def add_format_option(p: argparse.ArgumentParser) -> None:
    p.add_argument("--format", choices=("table", "csv", "json"), default="table", help="output format")


def clean(text: str | None) -> str:
    """One line of printable text: document text may hold control characters."""
    return " ".join("".join(ch if ch.isprintable() else " " for ch in (text or "")).split())


def actor_matcher(output: BuildOutput, actor: str | None):
    """A predicate over claims: is the claim about ``actor`` (matched by id, label or alias)?"""
    if not actor:
        return lambda claim: True
    want = actor.casefold()
    ids = {a.id.casefold() for a in output.actors.values()
           if want in {a.id.casefold(), a.label.casefold(), *(x.casefold() for x in a.aliases)}}
    ids.add(want)
    return lambda claim: any(a.casefold() in ids for a in claim.about)


def claim_row(claim: Claim, output: BuildOutput) -> dict[str, Any]:
    return {
        "id": claim.id,
        "text": clean(claim.content.text),
        "source": clean(claim.source.label),
        "source_kind": claim.source.kind.value,
        "cue": clean(claim.cue.text) if claim.cue else None,
        "polarity": claim.polarity.value,
        "commitment": claim.commitment.value,
        "document": claim.document,
        "item": claim.item,
        "date": output.dates.get(claim.id),
        "start": claim.content.start,
        "end": claim.content.end,
    }


def evidence_text(relation: Relation) -> str:
    return "; ".join(clean(f"{e.signal}: {e.note}") for e in relation.evidence)


def pairs(output: BuildOutput, *, actor: str | None = None, min_score: float = 0.0) -> list[dict[str, Any]]:
    """Contradicting pairs as plain rows, strongest first."""
    from graphbuild import ids

    by_id = {c.id: c for c in output.claims}
    about = actor_matcher(output, actor)
    rows = []
    for r in output.relations:
        if r.type != RelationType.CONTRADICTS or r.score < min_score:
            continue
        a, b = by_id.get(r.source_claim), by_id.get(r.target_claim)
        if a is None or b is None or not (about(a) or about(b)):
            continue
        rows.append({
            "id": ids.relation_id(r.type.value, r.source_claim, r.target_claim),
            "score": round(r.score, 4),
            "a": claim_row(a, output),
            "b": claim_row(b, output),
            "evidence": [{"signal": e.signal, "note": clean(e.note),
                          "spans": [{"start": s.start, "end": s.end, "text": clean(s.text)} for s in e.spans]}
                         for e in r.evidence],
            "why": evidence_text(r),
        })
    rows.sort(key=lambda row: (-row["score"], row["id"]))
    return rows


def _side(row: dict[str, Any]) -> list[str]:
    head = f"{row['source']} ({row['source_kind']})" + (f", cue '{row['cue']}'" if row["cue"] else "")
    where = f"{row['document']}" + (f" item {row['item']}" if row["item"] is not None else "")
    where += f", {row['date']}" if row["date"] else ""
    return [head, where, f"\"{row['text']}\"", f"{row['commitment']}, {row['polarity']}  [{row['id']}]"]


def print_table(rows: list[dict[str, Any]], out=None) -> None:
    out = out or sys.stdout
    width = max(60, min(shutil.get_terminal_size((120, 20)).columns, 160))
    col = (width - 3) // 2
    for n, row in enumerate(rows, 1):
        print(f"#{n}  score {row['score']:.2f}  {row['id']}", file=out)
        left = [w for part in _side(row["a"]) for w in textwrap.wrap(part, col) or [""]]
        right = [w for part in _side(row["b"]) for w in textwrap.wrap(part, col) or [""]]
        for i in range(max(len(left), len(right))):
            lft = left[i] if i < len(left) else ""
            rgt = right[i] if i < len(right) else ""
            print(f"{lft:<{col}} | {rgt}".rstrip(), file=out)
        for line in textwrap.wrap("why: " + row["why"], width) or []:
            print(line, file=out)
        print(file=out)
    print(f"{len(rows)} contradicting pair{'s' if len(rows) != 1 else ''}", file=out)


def print_csv(rows: list[dict[str, Any]], out=None) -> None:
    out = out or sys.stdout
    fields = ["id", "text", "source", "source_kind", "cue", "document", "item", "date"]
    writer = csv.writer(out)
    writer.writerow(["link", "score", *(f"a_{f}" for f in fields), *(f"b_{f}" for f in fields), "evidence"])
    for row in rows:
        writer.writerow([row["id"], row["score"], *(row["a"][f] for f in fields), *(row["b"][f] for f in fields),
                         row["why"]])


def run(args: argparse.Namespace) -> int:
    output = load_output(target_of(args), wait=args.wait)
    rows = pairs(output, actor=args.actor, min_score=args.min_score)
    if args.format == "json":
        json.dump(rows, sys.stdout, ensure_ascii=False, indent=1)
        print()
    elif args.format == "csv":
        print_csv(rows)
    else:
        print_table(rows)
    return 0
