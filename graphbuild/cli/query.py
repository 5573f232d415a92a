"""``graphbuild query TARGET (QUERY | -f FILE.rq | --preset NAME) [--param k=v ...] [--format ...]``.

TARGET is a ``graphbuild build`` output folder, an RDF file (.ttl .nt .nq .trig .jsonld) or a store
folder. ``--param`` values are bound as RDF literals, never pasted into the query text.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from graphbuild.errors import QueryError
from graphbuild.query import DEFAULT_TIMEOUT, format_result, list_presets, load_preset, open_target, run_query


def register(sub: argparse._SubParsersAction) -> None:
    presets = ", ".join(list_presets())
    p = sub.add_parser(
        "query", help="run SPARQL (or a preset) over a build, an RDF file or a store",
        description=f"Run a SPARQL query over the graph. Presets: {presets}.",
    )
    p.add_argument("target", nargs="?", metavar="TARGET", help="build output folder, RDF file, or store folder")
    p.add_argument("--store", metavar="DIR", help="query an embedded store (same as giving it as TARGET)")
    what = p.add_mutually_exclusive_group(required=True)
    what.add_argument("query", nargs="?", metavar="QUERY", help="SPARQL query text")
    what.add_argument("-f", "--file", type=Path, metavar="FILE.rq", help="read the query from a file")
    what.add_argument("--preset", metavar="NAME", help=f"a packaged query ({presets})")
    what.add_argument("--list-presets", action="store_true", help="list the presets and their parameters")
    p.add_argument("--param", action="append", default=[], metavar="NAME=VALUE",
                   help="bind ?NAME to the string VALUE (repeatable)")
    p.add_argument("--format", choices=("table", "csv", "json"), default="table", help="output format")
    p.add_argument("--timeout", type=float, default=DEFAULT_TIMEOUT, metavar="SECONDS",
                   help=f"give up after this long (default {DEFAULT_TIMEOUT:g})")
    p.add_argument("--engine", choices=("auto", "rdflib", "oxigraph"), default="auto",
                   help="query engine for files (default: by size)")
    p.add_argument("--limit", type=int, default=None, metavar="N",
                   help="print at most N rows (a page of a long listing; default: all)")
    p.add_argument("--offset", type=int, default=0, metavar="N", help="skip the first N rows (with --limit)")
    p.set_defaults(func=run)


def read_query_file(path: Path) -> str:
    """The text of a ``.rq`` file, or a QueryError naming it."""
    try:
        return path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise QueryError(f"cannot read query: {exc}", path=str(path)) from exc


def _params(pairs: list[str]) -> dict[str, str]:
    out: dict[str, str] = {}
    for pair in pairs:
        name, sep, value = pair.partition("=")
        if not sep or not name:
            raise QueryError(f"--param wants NAME=VALUE, got {pair!r}")
        out[name.strip()] = value
    return out


def run(args: argparse.Namespace) -> int:
    if args.list_presets:
        for preset in list_presets().values():
            params = " ".join(f"--param {k}=..." for k in preset.params)
            print(f"{preset.name} {params}".rstrip())
            print(f"    {preset.description}")
        return 0
    if args.store:
        if args.target and args.query is None and not (args.file or args.preset):
            args.query = args.target  # `query --store DIR "SELECT ..."`: the text lands in TARGET
        elif args.target:
            raise QueryError("give either TARGET or --store DIR")
        args.target = args.store
    if not args.target:
        raise QueryError("give a TARGET: a build output folder, an RDF file or a store folder")
    if args.preset:
        query = load_preset(args.preset)
    elif args.file:
        query = read_query_file(args.file)
    else:
        query = args.query
    engine = open_target(args.target, engine=args.engine)
    result = run_query(engine, query, _params(args.param), timeout=args.timeout, limit=args.limit,
                       offset=args.offset)
    sys.stdout.write(format_result(result, args.format))
    if result.more and args.format != "table":  # the table says so itself
        print(f"graphbuild: more rows follow; use --offset {args.offset + args.limit}", file=sys.stderr)
    return 0
