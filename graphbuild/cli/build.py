"""``graphbuild build INPUT... -o OUTDIR``: the whole graph (claims, links, RDF, GraphML, HTML)."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from graphbuild.cli._common import add_input_options, add_jobs_option, add_model_options, report
from graphbuild.ingest.read import DEFAULT_MAX_BYTES, DEFAULT_MAX_CHARS
from graphbuild.pipeline import extract_all, write_outputs
from graphbuild.progress import Progress, count_words, show_progress
from graphbuild.records import Diagnostic


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("build", help="build the who-said-what graph and all its exports")
    add_input_options(p)
    add_model_options(p)
    add_jobs_option(p)
    p.add_argument("-o", "--output", required=True, type=Path, metavar="OUTDIR")
    p.add_argument("--no-html", action="store_true", help="skip graph.html")
    p.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    progress = Progress(enabled=show_progress(args.quiet))

    def on_document(entry) -> None:
        if isinstance(entry, Diagnostic):
            report(entry)
            progress.update(failed=True)
            return
        for d in (*entry.segmentation.diagnostics, *entry.diagnostics):
            report(d)
        progress.update(words=count_words(entry.document.text), claims=len(entry.claims))

    with progress:
        result = extract_all(args.inputs, model=args.model, analyst_label=args.analyst_label, jobs=args.jobs,
                             max_bytes=args.max_bytes or DEFAULT_MAX_BYTES,
                             max_chars=args.max_chars or DEFAULT_MAX_CHARS, on_document=on_document,
                             # the output folder may sit inside an input folder: never read it back
                             skip_dirs=[args.output])
    progress.links = len(result.relations)
    if result.extractions:
        write_outputs(args.output, result, html=not args.no_html)
    else:
        print("graphbuild: error: no input could be processed; nothing written", file=sys.stderr)
    if not args.quiet:
        print(f"graphbuild: build: {progress.summary()} -> {args.output}", file=sys.stderr)
    return 1 if result.failures or not result.extractions else 0
