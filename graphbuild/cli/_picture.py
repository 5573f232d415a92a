"""Query to picture for ``graphbuild html``: ``--query FILE.rq | --preset NAME [--param k=v ...]``.

The html command adds these options with :func:`add_query_options` and passes its networkx view
through :func:`apply_query` before drawing it: the query runs on the same build folder or store
(``graphbuild query`` semantics: sandboxed, parameters bound as literals), and only the nodes its
SELECT rows or CONSTRUCT triples name are drawn (:mod:`graphbuild.export.subgraph`).
"""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import TYPE_CHECKING

from graphbuild.errors import QueryError

if TYPE_CHECKING:
    import networkx as nx


def add_query_options(parser: argparse.ArgumentParser) -> None:
    """Add the query-to-picture options (all optional; without them the whole view is drawn)."""
    group = parser.add_argument_group(
        "query to picture", "draw only what a SPARQL SELECT or CONSTRUCT names: the claims, sources, "
        "actors and documents bound in its rows (IRIs or ids) or in its triples")
    what = group.add_mutually_exclusive_group()
    what.add_argument("--query", type=Path, metavar="FILE.rq", help="a SPARQL query file")
    what.add_argument("--preset", metavar="NAME", help="a packaged query (see graphbuild query --list-presets)")
    group.add_argument("--param", action="append", default=[], metavar="NAME=VALUE",
                       help="bind ?NAME to the string VALUE (repeatable)")
    group.add_argument("--no-context", action="store_true",
                       help="draw only the nodes the query names, not the sources and actors of its claims")


def apply_query(args: argparse.Namespace, kg: nx.MultiDiGraph, target: str | Path) -> nx.MultiDiGraph:
    """``kg`` cut down to what the query names, or ``kg`` itself when no query was given.

    Args:
        args: Parsed options of the html command (``query``, ``preset``, ``param``, ``no_context``).
        kg: The networkx view of the build or store.
        target: The build folder, RDF file or store folder the query runs on.

    Raises:
        QueryError: The query cannot be read, is refused or fails, or names nothing in ``kg``.
    """
    from graphbuild.cli.query import _params, read_query_file
    from graphbuild.export.subgraph import query_subgraph
    from graphbuild.query import load_preset, open_target, run_query

    if args.preset:
        query = load_preset(args.preset)
    elif args.query:
        query = read_query_file(args.query)
    else:
        if args.param:
            raise QueryError("--param needs --query or --preset")
        return kg
    result = run_query(open_target(target), query, _params(args.param))
    return query_subgraph(kg, result, context=not args.no_context)
