"""Where document graphs are kept: an embedded Oxigraph store, or any SPARQL 1.1 server.

Both backends speak the same small protocol, so incremental ingest (``graphbuild.store.ingest``) runs
unchanged over either:

- ``documents()``: the registry, read from the graphs themselves (each document graph holds its own
  ``gb:Document`` node with ``dcterms:identifier`` and ``gb:sha256``, so there is no separate index to
  keep in step with the data);
- ``put_graph(graph, quads)``: add one document's graph in one all-or-nothing write;
- ``drop_graph(graph)`` and ``remove_quad(quad)``: take a document (or one of its ids) out;
- ``select(query)``: a read-only SPARQL SELECT over the union of all graphs.

Why pyoxigraph directly and not rdflib's oxrdflib plugin: the rdflib Store API adds triples one by
one, while ``pyoxigraph.Store.load`` writes a whole document as one RocksDB transaction (measured
all-or-nothing under SIGKILL), which is what crash safety needs; we also want ``flush``, bulk loading
and prepared substitutions, none of which the rdflib API exposes.
"""

from __future__ import annotations

import contextlib
import logging
import re
import time
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Protocol, Self

import pyoxigraph as ox

from graphbuild.errors import StoreError
from graphbuild.store.lock import store_lock

log = logging.getLogger("graphbuild")

_QUERIES = Path(__file__).parent / "queries"


def load_query(name: str) -> str:
    """One of the store's own SPARQL queries (``graphbuild/store/queries/NAME.rq``)."""
    return (_QUERIES / f"{name}.rq").read_text(encoding="utf-8")


#: IRIs this module puts into query text: minted by graphbuild.ids from hashes and slugs, and checked.
_SAFE_IRI = re.compile(r"https?://[A-Za-z0-9._~:/#-]+")


def iri_ref(iri: str) -> str:
    """``<iri>`` for a query text, refusing anything but the plain IRIs graphbuild.ids mints."""
    if not _SAFE_IRI.fullmatch(iri):
        raise ValueError(f"refusing to put an unexpected IRI into a query: {iri!r}")
    return f"<{iri}>"


def with_values(query: str, variable: str, iris: Iterable[str]) -> str:
    """Fill a store query's ``#VALUES#`` line with ``VALUES ?variable { <iri> ... }``."""
    values = " ".join(iri_ref(i) for i in sorted(set(iris)))
    return query.replace("#VALUES#", f"VALUES ?{variable} {{ {values} }}", 1)


def drop_document_update(graph: str) -> str:
    """The SPARQL Update that takes one document graph (and links to its claims) out, atomically."""
    return load_query("drop_document").replace("<urn:graphbuild:target>", iri_ref(graph))


@dataclass(frozen=True, slots=True)
class StoredDocument:
    """One document as the store knows it: its id, content hash and named graph."""

    id: str
    sha256: str
    graph: str


def registry(rows: Iterable[dict[str, str]]) -> dict[str, list[StoredDocument]]:
    """Group ``documents.rq`` rows by document id (one id may, after a crash, map to two graphs)."""
    out: dict[str, list[StoredDocument]] = {}
    for row in rows:
        out.setdefault(row["id"], []).append(StoredDocument(row["id"], row["sha256"], row["graph"]))
    for docs in out.values():
        docs.sort(key=lambda d: d.graph)
    return out


class Backend(Protocol):
    def documents(self) -> dict[str, list[StoredDocument]]: ...
    def put_graph(self, graph: str, quads: list[ox.Quad]) -> None: ...
    def drop_graph(self, graph: str) -> None: ...
    def drop_document(self, graph: str) -> None: ...
    def remove_quad(self, quad: ox.Quad) -> None: ...
    def select(self, query: str) -> list[dict[str, ox.NamedNode | ox.Literal | ox.BlankNode]]: ...
    def graph_quads(self, graph: str) -> list[ox.Quad]: ...
    def about_counts(self, actors: Iterable[str]) -> dict[str, int]: ...
    def graph_dates(self, graphs: Iterable[str]) -> dict[str, str]: ...
    def close(self) -> None: ...


def term_value(term: object) -> str:
    return term.value if term is not None else ""  # type: ignore[attr-defined]


_GB_ABOUT = ox.NamedNode("https://w3id.org/graphbuild/ns#about")
_DCTERMS_ISSUED = ox.NamedNode("http://purl.org/dc/terms/issued")

_LOCK_ERROR = re.compile(r"\bLOCK\b|lock hold|No locks available|Resource temporarily unavailable")


def open_oxigraph(path: str | Path, *, read_only: bool = False, grace: float = 2.0) -> ox.Store:
    """Open a pyoxigraph store, turning RocksDB's raw errors into a StoreError that says what to do.

    Callers hold graphbuild's lock, so a RocksDB LOCK error then means the previous holder released
    our lock but has not yet dropped its RocksDB handle (it is exiting): retry for ``grace`` seconds.
    """
    deadline = time.monotonic() + grace
    while True:
        try:
            return ox.Store.read_only(str(path)) if read_only else ox.Store(str(path))
        except OSError as exc:
            if not _LOCK_ERROR.search(str(exc)):
                raise StoreError(f"cannot open store: {exc}", path=str(path)) from exc
            if time.monotonic() >= deadline:
                raise StoreError("store is locked by another process (an ingest, remove or server is using it)",
                                 path=str(path)) from exc
            time.sleep(0.05)


_HELD: list[contextlib.ExitStack] = []


def open_read_only(path: str | Path, *, wait: float = 0.0) -> ox.Store:
    """A read-only pyoxigraph Store for a one-shot reader (``graphbuild query --store``).

    Takes graphbuild's shared lock first (so no writer is at work: read-only opening beside a writer
    is undefined behaviour in RocksDB) and keeps it until the process ends.

    Raises:
        StoreError: no store there, or a writer holds it (and did not finish within ``wait`` seconds).
    """
    stack = contextlib.ExitStack()
    try:
        stack.enter_context(store_lock(path, exclusive=False, wait=wait))
        if not (Path(path) / "CURRENT").exists():
            raise StoreError("not an Oxigraph store (no CURRENT file)", path=str(path))
        store = open_oxigraph(path, read_only=True)
    except BaseException:
        stack.close()
        raise
    _HELD.append(stack)
    return store


class EmbeddedStore:
    """An on-disk Oxigraph store in a folder, opened by one writer or by readers (see ``store.lock``).

    Use as a context manager; leaving the block flushes (so the next open does not replay the
    write-ahead log slowly) and releases the lock.
    """

    def __init__(self, path: str | Path, *, read_only: bool = False, wait: float = 0.0) -> None:
        self.path = Path(path)
        self.read_only = read_only
        self._stack = contextlib.ExitStack()
        try:
            self._stack.enter_context(store_lock(self.path, exclusive=not read_only, wait=wait))
            if read_only and not (self.path / "CURRENT").exists():
                raise StoreError("not an Oxigraph store (no CURRENT file)", path=str(self.path))
            self.store = open_oxigraph(self.path, read_only=read_only)
        except BaseException:
            self._stack.close()
            raise

    def __enter__(self) -> Self:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def close(self) -> None:
        store = getattr(self, "store", None)
        if store is not None:
            if not self.read_only:
                store.flush()
            del self.store
        self._stack.close()

    # -- protocol ---------------------------------------------------------------------------------

    def documents(self) -> dict[str, list[StoredDocument]]:
        return registry(
            {k: term_value(v) for k, v in row.items()} for row in self.select(load_query("documents"))
        )

    def put_graph(self, graph: str, quads: list[ox.Quad]) -> None:
        # Store.extend is one transaction: a SIGKILL leaves all of the graph or none of it.
        self._writable()
        target = ox.NamedNode(graph)
        if any(q.graph_name != target for q in quads):
            raise ValueError("put_graph: every quad must be in the target graph")
        try:
            self.store.extend(quads)
        except OSError as exc:
            raise StoreError(f"cannot write graph {graph}: {exc}", path=str(self.path)) from exc

    def drop_graph(self, graph: str) -> None:
        self._writable()
        self.store.remove_graph(ox.NamedNode(graph))

    def drop_document(self, graph: str) -> None:
        self._writable()
        self.store.update(drop_document_update(graph))

    def remove_quad(self, quad: ox.Quad) -> None:
        # Store.remove of a single quad is one transaction; nothing is pasted into an update string.
        self._writable()
        self.store.remove(quad)

    def select(self, query: str) -> list[dict[str, ox.NamedNode | ox.Literal | ox.BlankNode]]:
        solutions = self.store.query(query, use_default_graph_as_union=True)
        names = [v.value for v in solutions.variables]
        return [{n: s[n] for n in names if s[n] is not None} for s in solutions]

    def quads(self) -> Iterator[ox.Quad]:
        return iter(self.store)

    # Index lookups instead of SPARQL: Oxigraph does not push ``VALUES ?graph`` into ``GRAPH ?graph``,
    # so those queries scan every graph and ingest time would grow with the store (measured).

    def graph_quads(self, graph: str) -> list[ox.Quad]:
        """Every quad of one named graph (one GSPO index range)."""
        return list(self.store.quads_for_pattern(None, None, None, ox.NamedNode(graph)))

    def about_counts(self, actors: Iterable[str]) -> dict[str, int]:
        """Graph -> number of its claims about any of ``actors`` (actor IRIs)."""
        claims: set[tuple[str, str]] = set()
        for actor in actors:
            for q in self.store.quads_for_pattern(None, _GB_ABOUT, ox.NamedNode(actor), None):
                claims.add((q.graph_name.value, q.subject.value))
        counts: dict[str, int] = {}
        for graph, _ in claims:
            counts[graph] = counts.get(graph, 0) + 1
        return counts

    def graph_dates(self, graphs: Iterable[str]) -> dict[str, str]:
        """Graph -> its document's ``dcterms:issued`` date, for the graphs that have one."""
        out: dict[str, str] = {}
        for graph in graphs:
            for q in self.store.quads_for_pattern(None, _DCTERMS_ISSUED, None, ox.NamedNode(graph)):
                out[graph] = q.object.value
                break
        return out

    def _writable(self) -> None:
        if self.read_only:
            raise StoreError("store opened read-only", path=str(self.path))


def sorted_nquads(quads: Iterable[ox.Quad]) -> list[str]:
    """Canonical N-Quads lines, sorted: two stores hold the same data iff these lists are equal."""
    data = ox.serialize(list(quads), format=ox.RdfFormat.N_QUADS).decode("utf-8")
    return sorted(line for line in data.splitlines() if line.strip())
