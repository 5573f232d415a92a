"""Graph stage, networkx side: schema, analysis helpers, GraphML/GEXF export."""

from __future__ import annotations

import dataclasses

import networkx as nx
import pytest
from graph_fixtures import bulletin, cable, links, sample

from graphbuild import ids
from graphbuild.graph.kg import (
    EDGE_KINDS,
    NODE_KINDS,
    contradicted_actors,
    most_cited_sources,
    source_scores,
    to_networkx,
    write_gexf,
    write_graphml,
)
from graphbuild.records import Document, Segmentation


@pytest.fixture(scope="module")
def kg() -> nx.MultiDiGraph:
    return to_networkx(*sample())


def test_nodes_and_edges_follow_the_schema(kg):
    kinds = {a["kind"] for _, a in kg.nodes(data=True)}
    assert kinds == set(NODE_KINDS)
    assert {k for _, _, k in kg.edges(keys=True)} == set(EDGE_KINDS)
    for u, v, k, a in kg.edges(keys=True, data=True):
        assert a["kind"] == k
        if k == "says":
            assert kg.nodes[u]["kind"] == "source" and kg.nodes[v]["kind"] == "claim"
        if k == "about":
            assert kg.nodes[u]["kind"] == "claim" and kg.nodes[v]["kind"] in ("actor", "source")
        if k in ("corroborates", "contradicts", "comments_on"):
            assert kg.nodes[u]["kind"] == kg.nodes[v]["kind"] == "claim"
            assert 0 <= a["score"] <= 1 and isinstance(a["evidence"], str)
        assert all(value is not None for value in a.values())
    for _, a in kg.nodes(data=True):
        assert isinstance(a["label"], str) and a["label"]
        assert all(isinstance(value, (str, int, float, bool)) for value in a.values())


def test_claim_nodes_carry_text_offsets_and_stance(kg):
    ex = bulletin()
    for claim in ex.claims:
        a = kg.nodes[claim.id]
        assert ex.document.text[a["start"]:a["end"]] == a["text"]
        assert a["commitment"] == claim.commitment.value and a["polarity"] == claim.polarity.value
        assert a["source"] == claim.source.id and a["document"] == ex.document.id
        assert a["date"] == "1952-03-12"


def test_claims_sit_in_their_comment_or_item(kg):
    ex = bulletin()
    comment_claim, item_claim = ex.claims[2], ex.claims[0]
    (where,) = [v for _, v, k in kg.out_edges(comment_claim.id, keys=True) if k == "in"]
    assert kg.nodes[where]["kind"] == "comment"
    (item,) = [v for _, v, k in kg.out_edges(where, keys=True) if k == "in"]
    (where2,) = [v for _, v, k in kg.out_edges(item_claim.id, keys=True) if k == "in"]
    assert where2 == item and kg.nodes[item]["number"] == 3
    assert item == ids.span_id(ex.document.sha256, "item", ex.segmentation.items[0].span.start,
                               ex.segmentation.items[0].span.end)


def test_an_actor_that_speaks_is_one_source_node(kg):
    node = kg.nodes["british-embassy-in-moscow"]
    assert node["kind"] == "source" and node["actor_kind"] == "source"
    assert kg.nodes["ussr"]["kind"] == "actor"


def test_analysis_helpers(kg):
    top = most_cited_sources(kg)
    assert top[0] == ("british-embassy-in-moscow", "British Embassy in Moscow", 2)
    assert {a: n for a, _, n in contradicted_actors(kg)} == {"ussr": 2, "yugoslavia": 2}
    scores = source_scores(kg)
    assert scores["redacted"] == {"claims": 1, "corroborated": 0, "contradicted": 1}
    assert scores["british-embassy-in-moscow"]["corroborated"] == 2


def test_graphml_and_gexf_survive_control_characters(tmp_path):
    a, b = bulletin(), cable()
    # OCR text holds form feeds and other controls XML 1.0 cannot carry.
    text = a.document.text.replace("Soviet officials", "Soviet\x0cofficials\x1b")
    doc = Document(id=a.document.id, text=text, sha256=a.document.sha256, path=a.document.path)
    claims = tuple(dataclasses.replace(c, content=dataclasses.replace(c.content, text=text[c.content.start:c.content.end]))
                   for c in a.claims)
    a2 = dataclasses.replace(a, segmentation=dataclasses.replace(a.segmentation, document=doc), claims=claims)
    assert isinstance(a2.segmentation, Segmentation)
    kg = to_networkx([a2, b], links(a2, b))
    write_graphml(kg, tmp_path / "g.graphml")
    write_gexf(kg, tmp_path / "g.gexf")
    back = nx.read_graphml(tmp_path / "g.graphml")
    assert back.number_of_nodes() == kg.number_of_nodes()
    assert back.number_of_edges() == kg.number_of_edges()
    assert "\ufffd" in back.nodes[a.claims[0].id]["text"]
    assert nx.read_gexf(tmp_path / "g.gexf").number_of_nodes() == kg.number_of_nodes()
