"""What a query runs on: an output folder, an RDF file, or a store — behind one small engine API.

Two engines answer the same SPARQL: rdflib's in-memory Dataset (the API users script against) and
Oxigraph (pyoxigraph), which answers the presets 10-50x faster on large graphs (BENCHMARKS.md, "SPARQL
and stores"). Files from :data:`OXIGRAPH_MIN_BYTES` on are loaded into Oxigraph; stores always are.

Loading is sandboxed: only RDF syntaxes that cannot fetch anything are accepted (no RDF/XML), and a
JSON-LD file that names a remote ``@context`` or ``@import`` is refused rather than fetched.
"""

from __future__ import annotations

import functools
import itertools
import json
import logging
import re
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Protocol

from rdflib import Dataset, Literal, URIRef
from rdflib.term import Node

from graphbuild import ids
from graphbuild.errors import QueryError
from graphbuild.graph.vocab import PREFIXES

log = logging.getLogger("graphbuild")

__all__ = ["OXIGRAPH_MIN_BYTES", "Engine", "OxigraphEngine", "RdflibEngine", "open_store", "open_target"]

#: RDF files from this size on are queried with Oxigraph (about 5k quads of graphbuild N-Quads; rdflib
#: already needs seconds per preset at 50k quads, see BENCHMARKS.md).
OXIGRAPH_MIN_BYTES = 1024 * 1024

#: Extension -> (rdflib format, pyoxigraph format name). RDF/XML is left out on purpose (entities).
_FORMATS = {
    ".ttl": ("turtle", "TURTLE"), ".nt": ("nt", "N_TRIPLES"), ".nq": ("nquads", "N_QUADS"),
    ".trig": ("trig", "TRIG"), ".jsonld": ("json-ld", "JSON_LD"), ".json": ("json-ld", "JSON_LD"),
}
#: Which file of an output folder to query, best first (TriG keeps the per-document graphs).
_OUTPUT_FILES = ("graph.trig", "graph.nq", "graph.nt", "graph.ttl", "graph.jsonld")


@dataclass(frozen=True, slots=True)
class Solutions:
    """Raw answer of an engine: column names and rows of rdflib terms (None = unbound).

    ``plain``: the rows already hold plain Python values (what ``graphbuild.query.run_query``
    returns), converted by the engine without building rdflib terms.
    """

    columns: tuple[str, ...]
    rows: list[tuple[Any, ...]]
    plain: bool = False


class Engine(Protocol):
    name: str

    def graph_names(self) -> set[str]:
        """IRIs of the non-empty named graphs (the only ones FROM / FROM NAMED may name)."""

    def run(self, query: str, bindings: Mapping[str, Node], kind: str, *, union: bool = True,
            limit: int | None = None) -> Solutions:
        """Evaluate a checked query; ``kind`` is SELECT, ASK, CONSTRUCT or DESCRIBE.

        ``union``: the default graph is the union of the named graphs (False when the query has its
        own FROM / FROM NAMED clauses). ``limit``: return at most this many rows (None: all).
        """


class RdflibEngine:
    """rdflib's in-memory Dataset; the default graph is the union of the document graphs."""

    name = "rdflib"

    def __init__(self, ds: Dataset) -> None:
        if not ds.default_union:
            union = Dataset(default_union=True)
            for quad in ds.quads((None, None, None, None)):
                union.add(quad)
            ds = union
        self.ds = ds

    def graph_names(self) -> set[str]:
        return {str(g.identifier) for g in self.ds.graphs() if len(g)}

    def run(self, query: Any, bindings: Mapping[str, Node], kind: str, *, union: bool = True,
            limit: int | None = None) -> Solutions:
        result = self.ds.query(query, initBindings=dict(bindings))
        if kind == "ASK":
            return Solutions(("ask",), [(Literal(bool(result.askAnswer)),)])
        if kind in ("CONSTRUCT", "DESCRIBE"):
            return Solutions(("subject", "predicate", "object"), [tuple(t) for t in itertools.islice(result, limit)])
        columns = tuple(str(v) for v in result.vars)
        return Solutions(columns, [tuple(row) for row in itertools.islice(result, limit)])


class OxigraphEngine:
    """A pyoxigraph Store (in memory for files, on disk for stores); the default graph is the union."""

    name = "oxigraph"

    def __init__(self, store: Any) -> None:
        self.store = store

    def graph_names(self) -> set[str]:
        import pyoxigraph as ox

        return {g.value for g in self.store.named_graphs() if isinstance(g, ox.NamedNode)}

    def run(self, query: str, bindings: Mapping[str, Node], kind: str, *, union: bool = True,
            limit: int | None = None) -> Solutions:
        import pyoxigraph as ox

        from graphbuild.graph.rdf import to_oxigraph

        subs = {}
        for name, term in bindings.items():
            (quad,) = to_oxigraph([(URIRef("urn:s"), URIRef("urn:p"), term, None)])
            subs[ox.Variable(name)] = quad.object
        try:
            # With the union flag set, Oxigraph would ignore the query's own FROM clauses.
            result = self.store.query(query, use_default_graph_as_union=union, substitutions=subs or None,
                                      prefixes=PREFIXES)
        except (SyntaxError, RuntimeError, ValueError) as exc:
            raise QueryError(f"query failed: {exc}") from exc
        if kind == "ASK":
            return Solutions(("ask",), [(Literal(bool(result)),)])
        if kind in ("CONSTRUCT", "DESCRIBE"):
            return Solutions(("subject", "predicate", "object"),
                             [(_from_ox(t.subject), _from_ox(t.predicate), _from_ox(t.object))
                              for t in itertools.islice(result, limit)])
        columns = tuple(v.value for v in result.variables)
        # Straight to Python values: building an rdflib term per cell took longer than the query
        # itself on large listings (36k rows x 9 columns: 4.6 s against ~1 s of evaluation).
        # A solution iterates its values in the order of result.variables.
        value = _ox_value
        try:
            rows = [tuple(value(t) for t in sol) for sol in itertools.islice(result, limit)]
        except (RuntimeError, OSError) as exc:  # evaluation is lazy: errors surface while iterating
            raise QueryError(f"query failed: {exc}") from exc
        return Solutions(columns, rows, plain=True)


_XSD = "http://www.w3.org/2001/XMLSchema#"
_XSD_STRING = _XSD + "string"
_INTEGER = re.compile(r"[+-]?[0-9]+")
_NON_NEGATIVE = re.compile(r"\+?[0-9]+")
_DECIMAL = re.compile(r"[+-]?(?:[0-9]+(?:\.[0-9]*)?|\.[0-9]+)")


def _ox_value(term: Any) -> Any:
    """A pyoxigraph term as the plain value ``run_query`` gives for the equal rdflib term.

    The common datatypes are converted here; any other literal goes through rdflib once per distinct
    (lexical form, datatype), so both engines always give the same values.
    """
    if term is None:
        return None
    cls = type(term).__name__
    if cls == "NamedNode":
        return term.value
    if cls == "Literal":
        if term.language:
            return term.value
        datatype = term.datatype.value
        if datatype == _XSD_STRING:
            return term.value
        return _literal_value(term.value, datatype)
    if cls == "BlankNode":
        return "_:" + term.value
    from graphbuild.query.runner import _python

    return _python(_from_ox(term))


@functools.lru_cache(maxsize=65536)
def _literal_value(lexical: str, datatype: str) -> Any:
    if datatype == _XSD + "integer" and _INTEGER.fullmatch(lexical):
        return int(lexical)
    if datatype == _XSD + "nonNegativeInteger" and _NON_NEGATIVE.fullmatch(lexical):
        return int(lexical)
    if datatype == _XSD + "decimal" and _DECIMAL.fullmatch(lexical):
        return float(lexical)
    from graphbuild.query.runner import _python

    return _python(Literal(lexical, datatype=URIRef(datatype)))


def _from_ox(term: Any) -> Node | None:
    import pyoxigraph as ox

    if term is None:
        return None
    if isinstance(term, ox.NamedNode):
        return URIRef(term.value)
    if isinstance(term, ox.Literal):
        if term.language:
            return Literal(term.value, lang=term.language)
        return Literal(term.value, datatype=URIRef(term.datatype.value))
    from rdflib import BNode

    return BNode(getattr(term, "value", str(term)))


# --- opening targets ----------------------------------------------------------------------------------

def _refuse_remote_contexts(value: Any, path: Path) -> None:
    # JSON-LD processors dereference string @context values and @import: never do that here.
    if isinstance(value, dict):
        for key, v in value.items():
            if key == "@import" or (key == "@context" and _has_reference(v)):
                raise QueryError("JSON-LD names a remote context; graphbuild never fetches contexts "
                                 "(embed the context, e.g. ontology/context.jsonld)", path=str(path))
            _refuse_remote_contexts(v, path)
    elif isinstance(value, list):
        for v in value:
            _refuse_remote_contexts(v, path)


def _has_reference(context: Any) -> bool:
    if isinstance(context, str):
        return True
    if isinstance(context, list):
        return any(_has_reference(c) for c in context)
    return False


def _safe_jsonld(path: Path) -> str:
    try:
        doc = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, ValueError) as exc:
        raise QueryError(f"cannot read JSON-LD: {exc}", path=str(path)) from exc
    _refuse_remote_contexts(doc, path)
    return json.dumps(doc)


def _rdf_format(path: Path) -> tuple[str, str]:
    fmt = _FORMATS.get(path.suffix.lower())
    if fmt is None:
        raise QueryError(f"not an RDF file graphbuild reads (expected one of {', '.join(sorted(_FORMATS))})",
                         path=str(path))
    return fmt


def load_file(path: Path, *, engine: str = "auto") -> Engine:
    """Load one RDF file into the engine its size calls for (or the one asked for)."""
    rdflib_format, ox_format = _rdf_format(path)
    if engine == "auto":
        try:
            size = path.stat().st_size
        except OSError as exc:
            raise QueryError(f"cannot read: {exc.strerror or exc}", path=str(path)) from exc
        engine = "oxigraph" if size >= OXIGRAPH_MIN_BYTES else "rdflib"
    data = _safe_jsonld(path) if rdflib_format == "json-ld" else None
    # Triples-only files go into one named graph, so presets (which match inside GRAPH ?g, one
    # graph per document) work on graph.ttl and graph.nt too.
    into = ids.file_graph_iri() if rdflib_format in ("turtle", "nt") else None
    try:
        if engine == "oxigraph":
            import pyoxigraph as ox

            store = ox.Store()
            fmt = getattr(ox.RdfFormat, ox_format)
            kwargs = {"to_graph": ox.NamedNode(into)} if into else {}
            if data is not None:
                store.bulk_load(data.encode("utf-8"), format=fmt)
            else:
                store.bulk_load(path=str(path), format=fmt, **kwargs)
            return OxigraphEngine(store)
        ds = Dataset(default_union=True)
        if data is not None:
            ds.parse(data=data, format="json-ld")
        elif into:
            ds.graph(URIRef(into)).parse(source=str(path), format=rdflib_format)
        else:
            ds.parse(source=str(path), format=rdflib_format)
        return RdflibEngine(ds)
    except QueryError:
        raise
    except Exception as exc:  # parsers raise many types; all mean "this file is not valid RDF"
        raise QueryError(f"cannot load RDF: {type(exc).__name__}: {exc}", path=str(path)) from exc


def is_store(path: Path) -> bool:
    """A folder holding an Oxigraph (RocksDB) store rather than build outputs."""
    return path.is_dir() and ((path / "CURRENT").is_file() or (path / "graphbuild.lock").is_file())


def open_store(path: Path) -> Engine:
    """Open an on-disk Oxigraph store for reading.

    The one place a query opens a store: the store stage extends it (locking beside writers).
    """
    from graphbuild.store.backend import open_read_only

    try:
        # takes graphbuild's shared lock first: read-only opening beside a writer is undefined
        return OxigraphEngine(open_read_only(path))
    except OSError as exc:
        raise QueryError(f"cannot open store: {exc}", path=str(path)) from exc


def open_target(target: str | Path, *, engine: str = "auto") -> Engine:
    """Open what ``graphbuild query TARGET`` names: an output folder, an RDF file or a store folder."""
    path = Path(target)
    if is_store(path):
        return open_store(path)
    if path.is_dir():
        for name in _OUTPUT_FILES:
            if (path / name).is_file():
                return load_file(path / name, engine=engine)
        raise QueryError(f"no graph here (looked for {', '.join(_OUTPUT_FILES)})", path=str(path))
    if not path.exists():
        raise QueryError("no such file or folder", path=str(path))
    return load_file(path, engine=engine)
