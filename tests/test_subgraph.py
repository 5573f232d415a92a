"""Query to picture: SELECT and CONSTRUCT results select the right part of the networkx view."""

from __future__ import annotations

from pathlib import Path

import networkx as nx
import pytest
from rdflib import URIRef

import graphbuild
from graphbuild.errors import QueryError
from graphbuild.export.subgraph import iri_index, query_subgraph, select_nodes
from graphbuild.query import QueryResult
from graphbuild.records import Relation, RelationType

EXAMPLE = Path(__file__).parent.parent / "examples" / "cib-1952-01-21.txt"

CLAIMS_BY = """PREFIX prov: <http://www.w3.org/ns/prov#>
PREFIX skos: <http://www.w3.org/2004/02/skos/core#>
SELECT ?c ?label WHERE { ?c prov:wasAttributedTo ?s . ?s skos:prefLabel ?label }"""

CONTRADICTS = """PREFIX gb: <https://w3id.org/graphbuild/ns#>
CONSTRUCT { ?a gb:contradicts ?b } WHERE { ?a gb:contradicts ?b }"""


@pytest.fixture(scope="module")
def built(nlp) -> graphbuild.KnowledgeGraph:
    kg = graphbuild.build([EXAMPLE], nlp=nlp)
    # One contradiction of our own, so the CONSTRUCT test does not hang on what the linker finds.
    a, b = kg.claims[0], kg.claims[-1]
    extra = Relation(RelationType.CONTRADICTS, a.id, b.id, 0.7)
    return graphbuild.KnowledgeGraph(kg.extractions, (*kg.relations, extra))


def _kinds(g) -> dict[str, set]:
    out: dict[str, set] = {}
    for n, kind in g.nodes(data="kind"):
        out.setdefault(kind, set()).add(n)
    return out


def test_every_node_is_named_by_an_iri_of_the_rdf_view(built):
    g = built.to_networkx()
    index = iri_index(g)
    terms = {str(t) for q in built.to_rdf().quads((None, None, None, None)) for t in q[:3]
             if isinstance(t, URIRef)}
    named = {n for iri, nodes in index.items() if iri in terms for n in nodes}
    assert named == set(g.nodes)


def test_select_of_claim_iris_draws_claims_with_their_sources_and_actors(built):
    g = built.to_networkx()
    result = built.query(CLAIMS_BY, label="American Embassy in Moscow")
    picture = query_subgraph(g, result)
    kinds = _kinds(picture)
    embassy = {c.id for c in built.claims if c.source.label == "American Embassy in Moscow"}
    assert embassy and kinds["claim"] == embassy
    assert kinds["source"] == {c.source.id for c in built.claims if c.id in embassy}
    assert kinds["actor"] == {a for c in built.claims if c.id in embassy for a in c.about}
    assert "document" not in kinds and "item" not in kinds  # not selected, so not drawn
    assert {k for *_, k in picture.edges(keys=True)} <= {"says", "about", "corroborates", "contradicts",
                                                          "comments_on"}
    bare = select_nodes(g, result, context=False)
    assert bare == embassy


def test_preset_ids_select_claims_and_documents_with_the_parts_between(built):
    g = built.to_networkx()
    picture = query_subgraph(g, built.query("who-said-what"))
    kinds = _kinds(picture)
    assert kinds["claim"] == {c.id for c in built.claims}
    assert kinds["document"] == {str(EXAMPLE)}
    assert nx.is_weakly_connected(picture)  # claim -> item -> document chains join the picture


def test_construct_triples_select_the_contradicting_claims(built):
    g = built.to_networkx()
    result = built.query(CONTRADICTS)
    picture = query_subgraph(g, result)
    pairs = {frozenset((r.source_claim, r.target_claim)) for r in built.relations
             if r.type == RelationType.CONTRADICTS}
    drawn = {frozenset((u, v)) for u, v, k in picture.edges(keys=True) if k == "contradicts"}
    assert drawn == pairs
    assert _kinds(picture)["claim"] == {c for p in pairs for c in p}


def test_a_result_naming_nothing_is_an_error(built):
    g = built.to_networkx()
    nothing = QueryResult(("x",), [("no such node",), (3,), (None,)])
    with pytest.raises(QueryError, match="name no claim"):
        query_subgraph(g, nothing)


def _page_claims(page: Path, claims) -> set[str]:
    text = page.read_text(encoding="utf-8")
    return {c.id for c in claims if c.id in text}


def test_html_command_draws_the_query_result_of_a_build_folder(built, tmp_path, capsys):
    from graphbuild.cli import main

    built.write(tmp_path / "out", html=False)
    query = tmp_path / "contradicts.rq"
    query.write_text(CONTRADICTS, encoding="utf-8")
    assert main(["html", str(tmp_path / "out"), "--query", str(query), "-o", str(tmp_path / "q.html")]) == 0
    pairs = {c for r in built.relations if r.type == RelationType.CONTRADICTS
             for c in (r.source_claim, r.target_claim)}
    assert _page_claims(tmp_path / "q.html", built.claims) == pairs
    # A preset with a parameter, on the GraphML file of the same build.
    assert main(["html", str(tmp_path / "out" / "graph.graphml"), "--preset", "claims-about",
                 "--param", "actor=USSR", "-o", str(tmp_path / "p.html")]) == 0
    about = {c.id for c in built.claims if "ussr" in c.about}
    assert about and _page_claims(tmp_path / "p.html", built.claims) == about
    assert main(["html", str(tmp_path / "out"), "--param", "actor=USSR", "-o", str(tmp_path / "x.html")]) == 1
    assert "--param needs --query or --preset" in capsys.readouterr().err


def test_html_command_draws_the_query_result_of_a_store(built, tmp_path):
    from graphbuild.cli import main

    store = tmp_path / "store"
    assert main(["ingest", str(EXAMPLE), "--store", str(store), "-q"]) == 0
    assert main(["html", str(store), "--preset", "contradictions", "-o", str(tmp_path / "s.html")]) == 0
    # The store links the document as a build does; the fixture's own extra link is not in it.
    linked = {c for r in built.relations[:-1] if r.type == RelationType.CONTRADICTS
              for c in (r.source_claim, r.target_claim)}
    assert linked and _page_claims(tmp_path / "s.html", built.claims) == linked
