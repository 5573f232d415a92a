"""Options and opening logic shared by the commands that use a store (ingest, remove, serve, query)."""

from __future__ import annotations

import argparse

from graphbuild.errors import GraphbuildError


def add_store_options(parser: argparse.ArgumentParser, *, remote: bool = True, required: bool = True) -> None:
    """``--store DIR`` (embedded Oxigraph store) and, for writers, ``--sparql-endpoint URL``."""
    group = parser.add_mutually_exclusive_group(required=required)
    group.add_argument("--store", metavar="DIR", help="embedded Oxigraph store folder (created if missing)")
    if remote:
        group.add_argument("--sparql-endpoint", metavar="URL",
                           help="SPARQL 1.1 query endpoint of a shared server (Oxigraph, Fuseki, GraphDB, "
                                "Virtuoso); documents are written with the Graph Store Protocol")
        parser.add_argument("--graph-store", metavar="URL",
                            help="Graph Store Protocol endpoint (default: derived from --sparql-endpoint)")
    parser.add_argument("--wait", type=float, default=0.0, metavar="SECONDS",
                        help="wait this long for a store locked by another process (default: fail at once)")


def add_quiet_option(parser: argparse.ArgumentParser) -> None:
    # SUPPRESS: an unset subcommand flag must not overwrite `graphbuild -q COMMAND`.
    parser.add_argument("-q", "--quiet", action="store_true", default=argparse.SUPPRESS,
                        help="no progress bar, only errors")


def open_backend(args: argparse.Namespace, *, read_only: bool = False):
    """The backend the options name: an EmbeddedStore or a RemoteStore (use as a context manager)."""
    from graphbuild.store import EmbeddedStore, RemoteStore

    if getattr(args, "sparql_endpoint", None):
        return RemoteStore(args.sparql_endpoint, graph_store=getattr(args, "graph_store", None))
    if not args.store:
        raise GraphbuildError("give --store DIR or --sparql-endpoint URL")
    return EmbeddedStore(args.store, read_only=read_only, wait=args.wait)
