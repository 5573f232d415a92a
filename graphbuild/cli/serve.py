"""``graphbuild serve --store DIR``: read-only SPARQL endpoint and interactive HTML over a store."""

from __future__ import annotations

import argparse
import sys
import threading


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("serve", help="serve a store: read-only SPARQL 1.1 endpoint (/query) and the HTML view (/)")
    p.add_argument("--store", required=True, metavar="DIR", help="embedded Oxigraph store folder")
    p.add_argument("--host", default="127.0.0.1", help="address to listen on (default: 127.0.0.1 only)")
    p.add_argument("--port", type=int, default=7878, help="port (default: 7878; 0 picks a free one)")
    p.add_argument("--timeout", type=float, default=30.0, metavar="SECONDS", help="per-query timeout (default: 30)")
    p.add_argument("--no-html", action="store_true", help="serve SPARQL only (skip building the HTML page)")
    p.add_argument("--wait", type=float, default=0.0, metavar="SECONDS",
                   help="wait this long for an ingest that is writing the store")
    p.set_defaults(func=run)


def _html(args: argparse.Namespace) -> bytes | None:
    from graphbuild.export.html import render_html
    from graphbuild.graph.kg import to_networkx
    from graphbuild.store import EmbeddedStore
    from graphbuild.store.ingest import read_records

    with EmbeddedStore(args.store, read_only=True, wait=args.wait) as store:
        extractions, relations = read_records(store)
    return render_html(to_networkx(extractions, relations)).encode("utf-8")


def run(args: argparse.Namespace) -> int:
    from graphbuild.store.server import Server

    html = None if args.no_html else _html(args)
    with Server(args.store, host=args.host, port=args.port, timeout=args.timeout, html=html, wait=args.wait) as server:
        print(f"graphbuild: serving {args.store}: HTML {server.url}/ , SPARQL {server.url}/query "
              "(read-only; Ctrl-C stops)", file=sys.stderr, flush=True)
        try:
            threading.Event().wait()
        except KeyboardInterrupt:
            pass
    return 0
