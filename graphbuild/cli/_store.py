"""Options and opening logic shared by the commands that use a store (ingest, remove, serve, query,
html, contradictions, sources, timeline, export)."""

from __future__ import annotations

import argparse
from pathlib import Path

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


def add_target_options(parser: argparse.ArgumentParser) -> None:
    """``OUTDIR`` (a build output folder or a store folder) or ``--store DIR``, for the reading commands."""
    parser.add_argument("outdir", nargs="?", type=Path, metavar="OUTDIR",
                        help="a `graphbuild build` output folder (or a store folder)")
    parser.add_argument("--store", type=Path, metavar="DIR", help="read an embedded store instead of OUTDIR")
    parser.add_argument("--wait", type=float, default=0.0, metavar="SECONDS",
                        help="for a store: wait this long for an ingest that is writing it")


def target_of(args: argparse.Namespace) -> Path:
    """The folder named by ``OUTDIR`` or ``--store`` (exactly one of them)."""
    if (args.outdir is None) == (args.store is None):
        raise GraphbuildError("give either OUTDIR or --store DIR")
    return args.store or args.outdir


def load_output(location: str | Path, *, wait: float = 0.0):
    """Claims, actors, relations and dates of a build folder or of a store, as a BuildOutput.

    The one place the reading commands get their records from.
    """
    from graphbuild.export.outdir import load_build_output, output_from_records
    from graphbuild.query.targets import is_store

    location = Path(location)
    if not is_store(location):
        return load_build_output(location)
    from graphbuild.store import EmbeddedStore
    from graphbuild.store.ingest import read_records

    with EmbeddedStore(location, read_only=True, wait=wait) as store:
        extractions, relations = read_records(store)
    return output_from_records(extractions, relations)
