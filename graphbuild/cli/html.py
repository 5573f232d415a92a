"""``graphbuild html OUTDIR|STORE -o FILE``: one view of the graph as an interactive offline page.

OUTDIR is a ``graphbuild build`` output folder: its ``graph.graphml`` is the networkx view the build
wrote, so the page is made without re-running the NLP. A ``.graphml`` file works the same way. STORE is
an embedded Oxigraph store folder (``graphbuild ingest``), read back as records like ``serve`` does.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from graphbuild.cli._picture import add_query_options, apply_query
from graphbuild.errors import InputError

GRAPHML = "graph.graphml"


def register(sub: argparse._SubParsersAction) -> None:
    from graphbuild.export.html import VIEWS

    p = sub.add_parser("html", help="write an interactive HTML view (full, who-said-what, actor) of a build or store")
    p.add_argument("source", nargs="?", type=Path, metavar="OUTDIR|STORE",
                   help="a `graphbuild build` output folder (or its graph.graphml), or an embedded store folder")
    p.add_argument("--store", type=Path, metavar="DIR", help="read an embedded store instead of OUTDIR")
    p.add_argument("-o", "--output", required=True, type=Path, metavar="FILE", help="HTML file to write")
    p.add_argument("--view", choices=VIEWS, default="full",
                   help="full graph (default), who-said-what (sources -> actors) or actor (needs --focus)")
    p.add_argument("--focus", metavar="ACTOR", default=None, help="actor id or label for --view actor")
    p.add_argument("--since", metavar="DATE", default=None, help="only claims dated on or after DATE (YYYY-MM-DD)")
    p.add_argument("--until", metavar="DATE", default=None, help="only claims dated on or before DATE (YYYY-MM-DD)")
    p.add_argument("--actor", metavar="ACTOR", default=None,
                   help="actor (id, name or alias) the page's timeline opens on (default: the --focus actor, "
                        "else the actor most claims are about)")
    p.add_argument("--title", default=None, help="page title (default: names the view)")
    p.add_argument("--wait", type=float, default=0.0, metavar="SECONDS",
                   help="for a store: wait this long for an ingest that is writing it")
    add_query_options(p)
    p.set_defaults(func=run)


def read_graphml(path: Path):
    """The networkx view from a GraphML file written by ``graphbuild build``.

    Refuses a DOCTYPE: GraphML needs none, and entity declarations are how XML bombs expand.
    """
    import networkx as nx

    try:
        data = path.read_bytes()
    except OSError as exc:
        raise InputError(f"cannot read: {exc.strerror or exc}", path=str(path)) from exc
    if b"<!DOCTYPE" in data or b"<!ENTITY" in data:
        raise InputError("GraphML with a DOCTYPE or entity declarations is refused", path=str(path))
    try:
        return nx.parse_graphml(data, force_multigraph=True)
    except Exception as exc:  # networkx raises several types for malformed GraphML
        raise InputError(f"not valid GraphML: {exc}", path=str(path)) from exc


def load_kg(source: Path, *, wait: float = 0.0):
    """The networkx view behind ``source``: a build folder, a .graphml file, or a store folder."""
    if source.is_file():
        return read_graphml(source)
    if (source / GRAPHML).is_file():
        return read_graphml(source / GRAPHML)
    if (source / "CURRENT").is_file():  # RocksDB's marker: an embedded Oxigraph store
        from graphbuild.graph.kg import to_networkx
        from graphbuild.store import EmbeddedStore
        from graphbuild.store.ingest import read_records

        with EmbeddedStore(source, read_only=True, wait=wait) as store:
            extractions, relations = read_records(store)
        return to_networkx(extractions, relations)
    raise InputError(f"no {GRAPHML} and not a store; give a `graphbuild build` output folder or a store",
                     path=str(source))


def run(args: argparse.Namespace) -> int:
    from graphbuild.export.html import write_html

    if (args.source is None) == (args.store is None):
        raise InputError("give either OUTDIR|STORE or --store DIR")
    args.source = args.store or args.source
    kg = load_kg(args.source, wait=args.wait)
    # --query/--preset: draw only what the query names; it runs on the build folder (or store) itself.
    kg = apply_query(args, kg, args.source.parent if args.source.is_file() else args.source)
    title = args.title or {
        "full": "graphbuild: who said what",
        "who-said-what": "graphbuild: who said what about whom",
        "actor": f"graphbuild: around {args.focus}",
    }[args.view]
    try:
        path = write_html(kg, args.output, view=args.view, focus=args.focus, since=args.since,
                          until=args.until, title=title, actor=args.actor)
    except ValueError as exc:  # unknown focus or timeline actor, bad date, actor view without --focus
        print(f"graphbuild: html: {exc}", file=sys.stderr)
        return 2
    print(f"wrote {path}: {args.view} view (graph: {kg.number_of_nodes()} nodes, {kg.number_of_edges()} links)",
          file=sys.stderr)
    return 0
