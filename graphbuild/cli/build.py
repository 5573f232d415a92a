"""``graphbuild build INPUT... -o OUTDIR``: the whole graph (claims, RDF, GraphML, HTML)."""

from __future__ import annotations

import argparse
from pathlib import Path

from graphbuild.cli._common import add_input_options, add_model_options, report
from graphbuild.export.jsonl import write_actors_jsonl, write_claims_jsonl
from graphbuild.ingest.read import DEFAULT_MAX_BYTES
from graphbuild.pipeline import iter_extractions
from graphbuild.records import Diagnostic


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("build", help="build the who-said-what graph and all its exports")
    add_input_options(p)
    add_model_options(p)
    p.add_argument("-o", "--output", required=True, type=Path, metavar="OUTDIR")
    p.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    extractions, failed = [], 0
    for entry in iter_extractions(args.inputs, model=args.model, analyst_label=args.analyst_label,
                                  max_bytes=args.max_bytes or DEFAULT_MAX_BYTES):
        if isinstance(entry, Diagnostic):
            report(entry)
            failed += 1
        else:
            for d in entry.diagnostics:
                report(d)
            extractions.append(entry)
    write_claims_jsonl(args.output / "claims.jsonl", extractions)
    write_actors_jsonl(args.output / "actors.jsonl", extractions)
    return 1 if failed else 0
