"""``graphbuild ingest INPUT... --store DIR``: add documents to a persistent store, incrementally.

Unchanged documents are skipped before any NLP; changed ones replace their graph; each document is
written in one all-or-nothing step, so an interrupted run can simply be run again.
"""

from __future__ import annotations

import argparse
import sys

from graphbuild.cli._common import add_input_options, add_jobs_option, add_model_options, report
from graphbuild.cli._store import add_quiet_option, add_store_options, open_backend
from graphbuild.ingest.read import DEFAULT_MAX_BYTES, DEFAULT_MAX_CHARS
from graphbuild.progress import Progress, count_words, show_progress
from graphbuild.records import Diagnostic


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("ingest", help="add documents to a persistent store (incremental, idempotent)")
    add_input_options(p)
    add_model_options(p)
    add_jobs_option(p)
    add_store_options(p)
    p.add_argument("--dask", metavar="ADDRESS", default=None,
                   help="run the NLP stage on Dask: a scheduler address (tcp://host:8786) or local:N "
                        "for N local worker processes")
    p.add_argument("--max-linked", type=int, default=100, metavar="N",
                   help="link each new document against at most N stored documents sharing its actors")
    p.add_argument("--no-link", action="store_true", help="store documents without linking their claims")
    add_quiet_option(p)
    p.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    from graphbuild.store import Ingestor
    from graphbuild.store.run import count_documents, ingest_inputs

    if args.dask and args.jobs > 1:
        print("graphbuild: error: ingest: use either --dask or --jobs, not both", file=sys.stderr)
        return 2

    enabled = show_progress(getattr(args, "quiet", False))
    progress = Progress(total=count_documents(args.inputs) if enabled else None, enabled=enabled)
    with open_backend(args) as backend, progress:
        ingestor = Ingestor(backend, max_linked=args.max_linked, link=not args.no_link)
        for outcome, subject in ingest_inputs(
            args.inputs, ingestor, model=args.model, analyst_label=args.analyst_label, dask=args.dask,
            jobs=args.jobs,
            max_bytes=args.max_bytes or DEFAULT_MAX_BYTES, max_chars=args.max_chars or DEFAULT_MAX_CHARS,
        ):
            words = count_words(subject.document.text if hasattr(subject, "document") else
                                getattr(subject, "text", ""))
            if isinstance(outcome, Diagnostic):
                report(outcome)
                progress.update(failed=True)
            elif outcome.action == "unchanged":
                progress.update(skipped=True)
            else:
                progress.update(words=words, claims=outcome.claims, links=outcome.links)
    if not getattr(args, "quiet", False):
        print(f"graphbuild: ingest: {progress.summary()}", file=sys.stderr)
    return 1 if progress.failed else 0
