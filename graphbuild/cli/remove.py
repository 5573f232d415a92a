"""``graphbuild remove DOC_ID... --store DIR``: take documents (and the links to their claims) out."""

from __future__ import annotations

import argparse
import sys

from graphbuild.cli._store import add_store_options, open_backend


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("remove", help="remove documents from a persistent store by id")
    p.add_argument("ids", nargs="+", metavar="DOC_ID", help="document id as ingested (the input path, or JSONL id)")
    add_store_options(p)
    p.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    from graphbuild.store import Ingestor

    missing = 0
    with open_backend(args) as backend:
        ingestor = Ingestor(backend, link=False)
        for doc_id in args.ids:
            if ingestor.remove(doc_id) is None:
                shown = "".join(ch if ch.isprintable() else "?" for ch in doc_id)
                print(f"graphbuild: {shown}: not in the store", file=sys.stderr)
                missing += 1
    return 1 if missing else 0
