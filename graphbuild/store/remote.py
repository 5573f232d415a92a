"""A shared store on any SPARQL 1.1 server: queries over the Protocol, writes over the Graph Store Protocol.

Each document is one named graph written with one ``PUT ?graph=IRI`` request, which a Graph Store
Protocol server applies as a single replace of that graph (Oxigraph, Fuseki, GraphDB and Virtuoso do),
so another client never reads half a document and a re-run simply PUTs again. Reads (the registry,
the claims to link against) are SPARQL SELECT queries sent to the query endpoint.

Endpoint layouts differ between servers, so the Graph Store URL can be given; otherwise it is derived
from the query endpoint: Oxigraph ``.../query`` -> ``.../store``, Fuseki ``.../sparql`` or
``.../query`` -> ``.../data``, anything else -> ``URL/store``.
"""

from __future__ import annotations

import json
import logging
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Iterable
from typing import Self

import pyoxigraph as ox

from graphbuild.errors import StoreError
from graphbuild.store.backend import (
    StoredDocument,
    drop_document_update,
    load_query,
    registry,
    term_value,
    with_values,
)

log = logging.getLogger("graphbuild")

_NTRIPLES = "application/n-triples"


def graph_store_url(endpoint: str) -> str:
    """Guess the Graph Store Protocol URL of a server from its SPARQL query endpoint."""
    base, _, last = endpoint.rstrip("/").rpartition("/")
    if last == "query" and base.count("/") <= 2:  # Oxigraph: http://host:port/query
        return f"{base}/store"
    if last in ("sparql", "query"):  # Fuseki: http://host:port/dataset/sparql
        return f"{base}/data"
    return endpoint.rstrip("/") + "/store"


def update_url(endpoint: str) -> str:
    """Guess the SPARQL Update URL of a server from its query endpoint (Oxigraph and Fuseki: ``/update``)."""
    base, _, last = endpoint.rstrip("/").rpartition("/")
    return f"{base}/update" if last in ("sparql", "query") else endpoint


class RemoteStore:
    """Document graphs kept on a SPARQL 1.1 server.

    Args:
        endpoint: the SPARQL 1.1 query endpoint (``http://127.0.0.1:7878/query`` for Oxigraph).
        graph_store: the Graph Store Protocol endpoint (default: derived from ``endpoint``).
        update: the SPARQL Update endpoint, used to remove documents (default: derived).
        timeout: seconds to wait for each HTTP request.
    """

    def __init__(self, endpoint: str, *, graph_store: str | None = None, update: str | None = None,
                 timeout: float = 60.0) -> None:
        scheme = urllib.parse.urlsplit(endpoint).scheme
        if scheme not in ("http", "https"):
            raise StoreError("the SPARQL endpoint must be an http:// or https:// URL", path=endpoint)
        self.endpoint = endpoint
        self.graph_store = graph_store or graph_store_url(endpoint)
        self.update = update or update_url(endpoint)
        self.timeout = timeout

    def __enter__(self) -> Self:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def close(self) -> None:
        pass

    # -- HTTP -------------------------------------------------------------------------------------

    def _request(self, method: str, url: str, *, data: bytes | None = None,
                 headers: dict[str, str] | None = None, ok_missing: bool = False) -> bytes:
        request = urllib.request.Request(url, data=data, method=method, headers=headers or {})
        try:
            with urllib.request.urlopen(request, timeout=self.timeout) as response:
                return response.read()
        except urllib.error.HTTPError as exc:
            if ok_missing and exc.code == 404:
                return b""
            detail = exc.read(500).decode("utf-8", "replace").strip()
            raise StoreError(f"{method} failed: HTTP {exc.code} {detail}", path=url.split("?")[0]) from exc
        except (urllib.error.URLError, OSError) as exc:
            reason = getattr(exc, "reason", exc)
            raise StoreError(f"cannot reach the SPARQL server: {reason}", path=url.split("?")[0]) from exc

    def _graph_url(self, graph: str) -> str:
        return f"{self.graph_store}?{urllib.parse.urlencode({'graph': graph})}"

    # -- protocol ---------------------------------------------------------------------------------

    def documents(self) -> dict[str, list[StoredDocument]]:
        return registry(
            {k: term_value(v) for k, v in row.items()} for row in self.select(load_query("documents"))
        )

    def put_graph(self, graph: str, quads: list[ox.Quad]) -> None:
        target = ox.NamedNode(graph)
        if any(q.graph_name != target for q in quads):
            raise ValueError("put_graph: every quad must be in the target graph")
        body = ox.serialize([q.triple for q in quads], format=ox.RdfFormat.N_TRIPLES)
        self._request("PUT", self._graph_url(graph), data=body, headers={"Content-Type": _NTRIPLES})

    def drop_graph(self, graph: str) -> None:
        self._request("DELETE", self._graph_url(graph), ok_missing=True)

    def drop_document(self, graph: str) -> None:
        # One SPARQL Update request: servers apply it as one transaction (Oxigraph, Fuseki do).
        try:
            self._request("POST", self.update, data=drop_document_update(graph).encode("utf-8"),
                          headers={"Content-Type": "application/sparql-update"})
        except StoreError as exc:
            # A Graph-Store-only server: drop the graph; links other graphs hold to it stay behind.
            log.warning("SPARQL Update refused (%s); dropping the graph only", exc)
            self.drop_graph(graph)

    def remove_quad(self, quad: ox.Quad) -> None:
        # GSP has no "delete one triple": read the graph, drop the triple, PUT it back (one replace).
        graph = quad.graph_name.value
        data = self._request("GET", self._graph_url(graph), headers={"Accept": _NTRIPLES}, ok_missing=True)
        kept = [t for t in ox.parse(data, format=ox.RdfFormat.N_TRIPLES) if t != quad.triple]
        body = ox.serialize(kept, format=ox.RdfFormat.N_TRIPLES)
        self._request("PUT", self._graph_url(graph), data=body, headers={"Content-Type": _NTRIPLES})

    def graph_quads(self, graph: str) -> list[ox.Quad]:
        data = self._request("GET", self._graph_url(graph), headers={"Accept": _NTRIPLES}, ok_missing=True)
        target = ox.NamedNode(graph)
        return [ox.Quad(t.subject, t.predicate, t.object, target)
                for t in ox.parse(data, format=ox.RdfFormat.N_TRIPLES)]

    def about_counts(self, actors: Iterable[str]) -> dict[str, int]:
        rows = self.select(with_values(load_query("candidates"), "actor", actors))
        return {row["graph"].value: int(row["shared"].value) for row in rows}

    def graph_dates(self, graphs: Iterable[str]) -> dict[str, str]:
        graphs = list(graphs)
        if not graphs:
            return {}
        rows = self.select(with_values(load_query("graph_dates"), "graph", graphs))
        return {row["graph"].value: row["issued"].value for row in rows}

    def select(self, query: str) -> list[dict[str, ox.NamedNode | ox.Literal | ox.BlankNode]]:
        data = self._request(
            "POST", self.endpoint, data=query.encode("utf-8"),
            headers={"Content-Type": "application/sparql-query", "Accept": "application/sparql-results+json"},
        )
        try:
            parsed = json.loads(data)
            bindings = parsed["results"]["bindings"]
        except (ValueError, KeyError, TypeError) as exc:
            raise StoreError("the SPARQL server sent an unreadable result", path=self.endpoint) from exc
        return [{name: _term(value) for name, value in row.items()} for row in bindings]


def _term(value: dict[str, str]) -> ox.NamedNode | ox.Literal | ox.BlankNode:
    kind = value.get("type")
    if kind == "uri":
        return ox.NamedNode(value["value"])
    if kind == "bnode":
        return ox.BlankNode(value["value"])
    if "xml:lang" in value:
        return ox.Literal(value["value"], language=value["xml:lang"])
    if "datatype" in value:
        return ox.Literal(value["value"], datatype=ox.NamedNode(value["datatype"]))
    return ox.Literal(value["value"])
