"""The public Python API (graphbuild.build -> KnowledgeGraph): names pinned, lazy import, real builds."""

from __future__ import annotations

import html
import json
import subprocess
import sys
from html.parser import HTMLParser

import pytest

import graphbuild
from graphbuild import api, ids
from graphbuild.errors import InputError, QueryError
from graphbuild.records import Evidence, Relation, RelationType

# Written for these tests (an invented country, so no gazetteer entry helps): two named sources, a
# hedge, an analyst comment, and markup that must stay text in every HTML output.
TEXT = """NORTHERN AFFAIRS

1. Harbor workers strike in Valdoria: The British Embassy in Valdoria reports that the dock strike \
will probably spread to the northern ports. According to the Interior Minister, the strike is under \
control. <script>alert("x")</script> The Embassy adds that police & troops have not been deployed.

Comment: The Minister's statement that the strike is under control is not supported by other reports.
"""

PUBLIC = ["Contradiction", "KnowledgeGraph", "__version__", "build"]


@pytest.fixture(scope="module")
def kg(nlp) -> graphbuild.KnowledgeGraph:
    return graphbuild.build(texts={"bulletin-test": TEXT}, nlp=nlp)


def test_public_names_are_pinned():
    # Like httpx's test_exported_members: adding or dropping a public name is a deliberate change.
    assert graphbuild.__all__ == PUBLIC
    assert api.__all__ == ["Contradiction", "KnowledgeGraph", "build"]
    for name in PUBLIC:
        assert getattr(graphbuild, name) is not None
        assert name in dir(graphbuild)
    assert graphbuild.build is api.build
    with pytest.raises(AttributeError):
        graphbuild.no_such_name  # noqa: B018


def test_import_loads_no_model_and_no_heavy_library():
    code = ("import sys, graphbuild; heavy = ('spacy', 'rdflib', 'networkx', 'graphbuild.api', 'graphbuild.nlp');"
            "print(' '.join(m for m in heavy if m in sys.modules))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == ""


def test_build_from_text_records_and_offsets(kg):
    (document,) = kg.documents
    assert document.id == "bulletin-test" and document.text == TEXT
    assert kg.claims, "the test text has attributed claims"
    for claim in kg.claims:
        assert TEXT[claim.content.start:claim.content.end] == claim.content.text
        assert claim.source.id in kg.sources
    labels = {s.label for s in kg.sources.values()}
    assert "British Embassy in Valdoria" in labels
    hedged = [c for c in kg.claims if "spread to the northern ports" in c.content.text]
    assert hedged and hedged[0].commitment.value == "probable"
    assert all(isinstance(a, str) for a in kg.actors)
    assert "claims" in repr(kg) and str(len(kg.claims)) in repr(kg)


def test_paths_versus_texts_rule(tmp_path, nlp):
    doc = tmp_path / "one.txt"
    doc.write_text(TEXT, encoding="utf-8")
    paths, texts = api._split_inputs([str(doc), tmp_path, "The Embassy reports that it rained."])
    assert paths == [str(doc), tmp_path] and texts == ["The Embassy reports that it rained."]
    with pytest.raises(InputError, match="no such file"):
        api._split_inputs("reprot.txt")  # one word, no such file: a typo, not a text
    built = graphbuild.build(str(doc), nlp=nlp)
    assert [d.id for d in built.documents] == [str(doc)]
    assert [c.id for c in built.claims] == [c.id for c in graphbuild.build(texts=[TEXT], nlp=nlp).claims]


def test_unreadable_input_raises_unless_keep_going(tmp_path, nlp):
    missing = tmp_path / "missing.txt"
    with pytest.raises(InputError, match="keep_going"):
        graphbuild.build([missing], nlp=nlp)
    built = graphbuild.build([missing], texts=["The Embassy reports that the port is closed."], nlp=nlp,
                             keep_going=True)
    assert len(built.failures) == 1 and str(missing) in built.failures[0].path
    assert [d.id for d in built.documents] == ["text-1"]


def test_query_preset_and_custom_sparql(kg):
    result = kg.query("who-said-what")
    assert set(result.columns) >= {"source", "claim", "id"}
    ids_col = result.columns.index("id")
    assert {row[ids_col] for row in result.rows} == {c.id for c in kg.claims}
    # A value is bound as a literal, never pasted into the query: quotes and braces are harmless.
    sparql = """PREFIX skos: <http://www.w3.org/2004/02/skos/core#>
                SELECT ?name ?s WHERE { ?s skos:prefLabel ?name }"""
    assert kg.query(sparql, name="British Embassy in Valdoria").rows
    assert kg.query(sparql, name='x" } ; DROP ALL ; {').rows == []
    with pytest.raises(QueryError, match="no preset"):
        kg.query("no-such-preset")


def test_contradictions_sorted_and_resolved(kg):
    a, b, c = kg.claims[:3]
    links = [Relation(RelationType.CONTRADICTS, a.id, b.id, 0.6, (Evidence("test"),)),
             Relation(RelationType.CONTRADICTS, b.id, c.id, 0.9),
             Relation(RelationType.CORROBORATES, a.id, c.id, 1.0)]
    linked = graphbuild.KnowledgeGraph(kg.extractions, links)
    found = linked.contradictions()
    assert [(x.a.id, x.b.id, x.score) for x in found] == [(b.id, c.id, 0.9), (a.id, b.id, 0.6)]
    assert found[1].evidence[0].signal == "test"
    assert linked.contradictions(min_score=0.7) == found[:1]
    assessed = {s.source: s for s in linked.sources_assessment()}
    assert sum(s.claims for s in assessed.values()) == len(kg.claims)
    assert linked.ratings()[a.id].rating in range(1, 7)


def test_views_are_consistent(kg):
    g = kg.to_networkx()
    assert g is kg.to_networkx()
    assert {n for n, k in g.nodes(data="kind") if k == "claim"} == {c.id for c in kg.claims}
    ds = kg.to_rdf()
    assert ds is kg.to_rdf()
    graphs = {str(g) for _, _, _, g in ds.quads((None, None, None, None))}
    assert graphs == {ids.graph_iri(kg.documents[0].sha256)}


def test_to_html_and_write(kg, tmp_path):
    page = kg.to_html(tmp_path / "graph.html")
    text = page.read_text(encoding="utf-8")
    assert text.startswith("<!DOCTYPE html>") or text.lower().startswith("<!doctype html>")
    assert '<script>alert("x")</script>' not in text
    files = kg.write(tmp_path / "out")
    lines = files["claims"].read_text(encoding="utf-8").splitlines()
    assert {json.loads(line)["id"] for line in lines} == {c.id for c in kg.claims}
    assert files["html"].is_file()


class _IframeParser(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.tags: list[tuple[str, dict[str, str | None]]] = []

    def handle_starttag(self, tag, attrs):
        self.tags.append((tag, dict(attrs)))


def test_repr_html_is_one_escaped_sandboxed_iframe(kg):
    out = kg._repr_html_()
    # Everything of the page is inside one attribute value: no markup of it reaches the notebook.
    assert "<script" not in out and "</script" not in out
    parser = _IframeParser()
    parser.feed(out)
    assert [t for t, _ in parser.tags] == ["iframe"]
    attrs = parser.tags[0][1]
    assert attrs["sandbox"] == "allow-scripts"  # scripts run, but not with the notebook's origin
    assert attrs["srcdoc"] == kg.render_html()
    assert html.unescape(out.split('srcdoc="', 1)[1].rsplit('"', 1)[0]) == kg.render_html()


def test_picture_and_html_of_a_query(kg, tmp_path):
    a, b = kg.claims[0], kg.claims[1]
    linked = graphbuild.KnowledgeGraph(kg.extractions, [Relation(RelationType.CONTRADICTS, a.id, b.id, 0.8)])
    construct = """PREFIX gb: <https://w3id.org/graphbuild/ns#>
                   CONSTRUCT { ?x gb:contradicts ?y } WHERE { ?x gb:contradicts ?y }"""
    picture = linked.picture(construct, context=False)
    assert set(picture.nodes) == {a.id, b.id}
    page = linked.to_html(tmp_path / "q.html", query=construct).read_text(encoding="utf-8")
    others = [c.id for c in kg.claims if c.id not in (a.id, b.id)]
    assert a.id in page and b.id in page and others and not any(c in page for c in others)
    with pytest.raises(QueryError, match="name no claim"):
        linked.picture("SELECT ?x WHERE { BIND(1 AS ?x) }")
