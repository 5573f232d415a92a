"""``graphbuild timeline OUTDIR [--actor NAME] [--format table|csv|json]``: claims by bulletin date.

The table colours each source (when stdout is a terminal and NO_COLOR is unset) and marks claims
that another claim contradicts (``x``) or corroborates (``+``). The bulletin date and the dates the
claim itself mentions are separate columns.
"""

from __future__ import annotations

import argparse
import csv
import json
import os
import sys
from pathlib import Path
from typing import TextIO

from graphbuild.errors import InputError
from graphbuild.cli._store import add_target_options, load_output, target_of
from graphbuild.export.timeline import (
    TimelineEntry,
    build_timeline,
    entry_to_json,
    iter_sources,
    resolve_actor,
)

_PALETTE = ("36", "33", "35", "34", "32", "96", "93", "95", "94", "92")  # ANSI foreground colours
_RED, _GREEN, _RESET = "\x1b[31m", "\x1b[32m", "\x1b[0m"
_CSV_FIELDS = (
    "bulletin_date",
    "event_dates",
    "source_label",
    "cue",
    "commitment",
    "polarity",
    "content",
    "contradicted_by",
    "corroborated_by",
    "credibility",
    "document",
    "item",
    "page",
    "claim",
    "source",
)


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("timeline", help="claims about an actor in bulletin-date order")
    add_target_options(p)
    p.add_argument("--actor", default=None, help="actor id, name or alias (e.g. USSR); default: all claims")
    p.add_argument("--since", default=None, metavar="DATE", help="bulletins on or after this ISO date")
    p.add_argument("--until", default=None, metavar="DATE", help="bulletins on or before this ISO date")
    p.add_argument("--format", choices=("table", "csv", "json"), default="table")
    p.add_argument("--width", type=int, default=70, help="claim text width in the table (default 70)")
    p.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    output = load_output(target_of(args), wait=args.wait)
    actor_ids = resolve_actor(args.actor, output.actors) if args.actor else None
    entries = build_timeline(output, actor_ids, since=args.since, until=args.until)
    if args.actor and not entries:
        known = any(set(actor_ids or ()).intersection(c.about) for c in output.claims)
        if not known:
            raise InputError(
                f"no claim is about {args.actor!r} (looked for actor id(s) {', '.join(actor_ids or ())})",
                path=str(target_of(args)),
            )
    if args.format == "json":
        json.dump([entry_to_json(e) for e in entries], sys.stdout, ensure_ascii=False, indent=2)
        sys.stdout.write("\n")
    elif args.format == "csv":
        _write_csv(entries, sys.stdout)
    else:
        colour = sys.stdout.isatty() and not os.environ.get("NO_COLOR")
        _write_table(entries, sys.stdout, width=args.width, colour=colour)
    if not output.dates:
        print(
            "graphbuild: warning: no bulletin dates in this build (claims.jsonl has no `date`, texts/ "
            "has no index); claims are listed undated",
            file=sys.stderr,
        )
    return 0


def _write_csv(entries: list[TimelineEntry], out: TextIO) -> None:
    writer = csv.DictWriter(out, fieldnames=_CSV_FIELDS, extrasaction="ignore", lineterminator="\n")
    writer.writeheader()
    for entry in entries:
        row = entry_to_json(entry)
        row["event_dates"] = ";".join(d["value"] for d in row["event_dates"])
        row["contradicted_by"] = ";".join(row["contradicted_by"])
        row["corroborated_by"] = ";".join(row["corroborated_by"])
        writer.writerow({k: _visible(v) if isinstance(v, str) else v for k, v in row.items()})


def _write_table(entries: list[TimelineEntry], out: TextIO, *, width: int, colour: bool) -> None:
    palette = {s: _PALETTE[i % len(_PALETTE)] for i, s in enumerate(iter_sources(entries))}
    header = f"{'bulletin':<10}  {'mark':<4}  {'source':<24}  {'stance':<18}  {'event dates':<22}  claim"
    out.write(header + "\n" + "-" * min(len(header) + width, 160) + "\n")
    for e in entries:
        c = e.claim
        mark = ("x" if e.contradicted_by else " ") + ("+" if e.corroborated_by else " ")
        if colour and e.contradicted_by:
            mark_cell = f"{_RED}{mark:<4}{_RESET}"
        elif colour and e.corroborated_by:
            mark_cell = f"{_GREEN}{mark:<4}{_RESET}"
        else:
            mark_cell = f"{mark:<4}"
        source = _fit(_visible(c.source.label), 24)
        source_cell = f"\x1b[{palette[c.source.id]}m{source:<24}{_RESET}" if colour else f"{source:<24}"
        stance = f"{c.commitment.value}{' NOT' if c.polarity.value == 'negative' else ''}"
        cue = f"({_visible(c.cue.text)})" if c.cue else ""
        events = ", ".join(d.value + ("?" if d.year_inferred else "") for d in e.event_dates)
        text = _fit(_visible(c.content.text), width)
        out.write(
            f"{e.bulletin_date or 'undated':<10}  {mark_cell}  {source_cell}  "
            f"{_fit(stance + ' ' + cue, 18):<18}  {_fit(events, 22):<22}  {text}\n"
        )
    out.write(
        f"\n{len(entries)} claim(s); x = contradicted, + = corroborated; "
        "'?' = event year taken from the bulletin date\n"
    )


def _visible(text: str) -> str:
    # document text must never drive the terminal: control characters (ANSI escapes) shown escaped
    return "".join(ch if ch.isprintable() else repr(ch)[1:-1] for ch in " ".join(text.split()))


def _fit(text: str, width: int) -> str:
    return text if len(text) <= width else text[: max(0, width - 1)] + "…"
