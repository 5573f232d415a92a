"""Query to picture: the part of the networkx view that a SPARQL result names.

Big graphs are explored by question, not by hairball: run a SELECT or CONSTRUCT query, keep the nodes
its answer names, and draw only those (``graphbuild html OUTDIR --query FILE.rq -o FILE``).

Which nodes a result names:

- every IRI in it that graphbuild minted for a node (:mod:`graphbuild.ids`): a claim, source, actor,
  document, item or comment; a claim's content span stands for its claim, and a claim link
  (``gb:ClaimLink``) for the two claims it joins;
- every plain value equal to a node id (the presets return claim ids in ``?id`` and document ids in
  ``?document``).

A CONSTRUCT's triples are read the same way (subjects and objects). With ``context`` (the default),
each selected claim brings the source that makes it and the actors it is about, and, when its document
is selected too, the item or comment between them, so the picture reads "who said what about whom,
where". The picture is the subgraph of the view induced by those nodes: edges between them only.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable
from typing import Any

import networkx as nx

from graphbuild import ids
from graphbuild.errors import QueryError
from graphbuild.query.runner import QueryResult

log = logging.getLogger("graphbuild")

__all__ = ["iri_index", "query_subgraph", "select_nodes"]

_LINK_KINDS = ("corroborates", "contradicts", "comments_on")


def iri_index(kg: nx.MultiDiGraph) -> dict[str, tuple[Any, ...]]:
    """Map each IRI the RDF view mints for a node (or a claim link) to the node ids it stands for."""
    index: dict[str, tuple[Any, ...]] = {}
    shas = {n: a["sha256"] for n, a in kg.nodes(data=True) if a.get("kind") == "document" and "sha256" in a}
    for node, attrs in kg.nodes(data=True):
        kind = attrs.get("kind")
        if kind == "claim":
            index[ids.claim_iri(node)] = (node,)
            sha = shas.get(attrs.get("document"))
            if sha is not None and "start" in attrs and "end" in attrs:
                index[ids.span_iri(sha, "content", int(attrs["start"]), int(attrs["end"]))] = (node,)
        elif kind in ("source", "actor"):
            index[ids.agent_iri(node)] = (node,)
        elif kind == "document" and node in shas:
            index[ids.document_iri(shas[node])] = (node,)
        elif kind in ("item", "comment"):
            sha = shas.get(attrs.get("document"))
            if sha is not None and "start" in attrs and "end" in attrs:
                index[ids.part_iri(sha, kind, int(attrs["start"]), int(attrs["end"]))] = (node,)
    for u, v, key in kg.edges(keys=True):
        if key in _LINK_KINDS:
            index[ids.relation_iri(ids.relation_id(key, u, v))] = (u, v)
    return index


def _values(result: QueryResult) -> Iterable[str]:
    for row in result.rows:
        for value in row:
            if isinstance(value, str):
                yield value


def _container_chain(kg: nx.MultiDiGraph, claim: Any) -> list[Any]:
    # claim -in-> comment -in-> item -in-> document: follow "in" edges upwards (a short chain).
    chain, node = [], claim
    for _ in range(4):
        up = [v for _, v, k in kg.out_edges(node, keys=True) if k == "in"]
        if not up:
            break
        node = up[0]
        chain.append(node)
    return chain


def select_nodes(kg: nx.MultiDiGraph, result: QueryResult, *, context: bool = True) -> set[Any]:
    """The nodes of ``kg`` that ``result`` names (see the module docstring), with their context."""
    index = iri_index(kg)
    selected: set[Any] = set()
    for value in _values(result):
        if value in index:
            selected.update(index[value])
        elif value in kg:
            selected.add(value)
    if not context:
        return selected
    extra: set[Any] = set()
    for node in selected:
        if kg.nodes[node].get("kind") != "claim":
            continue
        extra.update(u for u, _, k in kg.in_edges(node, keys=True) if k == "says")
        extra.update(v for _, v, k in kg.out_edges(node, keys=True) if k == "about")
        chain = _container_chain(kg, node)
        if chain and chain[-1] in selected:
            extra.update(chain)
    return selected | extra


def query_subgraph(kg: nx.MultiDiGraph, result: QueryResult, *, context: bool = True) -> nx.MultiDiGraph:
    """The subgraph of ``kg`` induced by the nodes ``result`` names (a copy, safe to change).

    Raises:
        QueryError: The result names no node of the graph (nothing to draw).
    """
    nodes = select_nodes(kg, result, context=context)
    if not nodes:
        raise QueryError(f"the query's {len(result.rows)} result row(s) name no claim, source, actor or "
                         "document of this graph; select their IRIs or ids (e.g. ?c or ?id) to draw them")
    log.info("query selects %d of %d nodes", len(nodes), kg.number_of_nodes())
    return kg.subgraph(nodes).copy()
