"""Graph stage, RDF side: ontology <-> vocabulary, model invariants, exports, SHACL, determinism."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from graph_fixtures import bulletin, cable, document, links, sample
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from rdflib import Dataset, Graph, Literal, URIRef
from rdflib.compare import isomorphic

from graphbuild import ids
from graphbuild.export.rdf import FILES, jsonld_context, write_rdf, write_rdf_exports
from graphbuild.graph.rdf import (
    document_graph_oxigraph,
    document_quads,
    iter_quads,
    relation_quads,
    to_dataset,
    to_oxigraph,
)
from graphbuild.graph.vocab import GB, OA, PROV, RDF, RDFS, SKOS
from graphbuild.records import (
    Claim,
    Commitment,
    DocumentMeta,
    Extraction,
    Item,
    Passage,
    Polarity,
    Segmentation,
    Source,
    SourceKind,
    Span,
)

ROOT = Path(__file__).resolve().parent.parent
ONTOLOGY = ROOT / "ontology" / "graphbuild.ttl"
SHAPES = ROOT / "ontology" / "shapes.ttl"


def _nquads(ds: Dataset) -> list[str]:
    return sorted(ds.serialize(format="nquads").splitlines())


def _union(ds: Dataset) -> Graph:
    g = Graph()
    for s, p, o, _ in ds.quads((None, None, None, None)):
        g.add((s, p, o))
    return g


@pytest.fixture(scope="module")
def built() -> tuple[list[Extraction], list, Dataset]:
    extractions, relations = sample()
    return extractions, relations, to_dataset(extractions, relations)


# --- ontology and vocabulary ---------------------------------------------------------------------------

def test_python_vocabulary_equals_ontology_terms():
    onto = Graph().parse(ONTOLOGY)
    ns = str(GB._NS)
    in_ttl = {str(s)[len(ns):] for s in onto.subjects() if str(s).startswith(ns)}
    in_py = set(GB.__annotations__) | set(GB._extras)
    assert in_ttl == in_py


def test_every_ontology_term_has_label_and_comment():
    onto = Graph().parse(ONTOLOGY)
    ns = str(GB._NS)
    for term in {s for s in onto.subjects() if str(s).startswith(ns)}:
        assert (term, RDFS.label, None) in onto, term
        assert (term, RDFS.comment, None) in onto, term


def test_vocabulary_is_closed():
    with pytest.raises(AttributeError):
        GB.corroborate  # noqa: B018 - the typo must fail


def test_shipped_context_is_the_ontology_copy_and_names_only_real_terms():
    packaged = (ROOT / "graphbuild" / "graph" / "data" / "context.jsonld").read_bytes()
    assert packaged == (ROOT / "ontology" / "context.jsonld").read_bytes()
    ctx = jsonld_context()
    for value in ctx.values():
        iri = value["@id"] if isinstance(value, dict) else value
        if isinstance(iri, str) and iri.startswith("gb:"):
            assert GB[iri[3:]]  # raises AttributeError for a term the ontology lacks


# --- model invariants ----------------------------------------------------------------------------------

def test_one_named_graph_per_document_and_empty_default_graph(built):
    extractions, _, ds = built
    names = {str(g.identifier) for g in ds.graphs() if len(g)}
    assert names == {ids.graph_iri(ex.document.sha256) for ex in extractions}
    assert len(ds.default_context) == 0


def test_every_selector_quotes_the_original_text(built):
    extractions, _, ds = built
    texts = {URIRef(ids.document_iri(ex.document.sha256)): ex.document.text for ex in extractions}
    g = _union(ds)
    spans = set(g.subjects(RDF.type, OA.SpecificResource))
    assert len(spans) > 20
    quoted = 0
    for span in spans:
        text = texts[g.value(span, OA.hasSource)]
        selectors = list(g.objects(span, OA.hasSelector))
        pos = next(s for s in selectors if (s, RDF.type, OA.TextPositionSelector) in g)
        start, end = int(g.value(pos, OA.start)), int(g.value(pos, OA.end))
        for q in selectors:
            if (q, RDF.type, OA.TextQuoteSelector) in g:
                assert str(g.value(q, OA.exact)) == text[start:end]
                quoted += 1
    assert quoted > 15


def test_claim_triples_carry_source_stance_and_container(built):
    extractions, _, ds = built
    g = _union(ds)
    rumour = extractions[0].claims[3]
    c = URIRef(ids.claim_iri(rumour.id))
    assert g.value(c, PROV.wasAttributedTo) == URIRef(ids.agent_iri("redacted"))
    assert g.value(c, GB.commitment) == GB["commitment-reported"]
    assert g.value(c, RDFS.label) == Literal("Soviet divisions are moving toward the Yugoslav border")
    assert (g.value(c, GB.about) is not None) and (c, GB.about, URIRef(ids.agent_iri("ussr"))) in g
    assert (g.value(c, URIRef("http://purl.org/dc/terms/isPartOf")), RDF.type, GB.Item) in g
    comment_claim = URIRef(ids.claim_iri(extractions[0].claims[2].id))
    assert (g.value(comment_claim, URIRef("http://purl.org/dc/terms/isPartOf")), RDF.type, GB.Comment) in g
    # The embassy is one node: an actor (aliases) that is also a source.
    embassy = URIRef(ids.agent_iri("british-embassy-in-moscow"))
    assert {GB.Actor, GB.Source} <= set(g.objects(embassy, RDF.type))
    assert (URIRef(ids.agent_iri("ussr")), SKOS.altLabel, Literal("Moscow")) in g


def test_claims_carry_copies_of_their_source_label_kind_start_and_cue_from_their_own_graph(built):
    # The presets read these copies instead of joining through the source node and the selectors;
    # each copy must equal the fact it copies, in the same document graph.
    extractions, _, ds = built
    checked = 0
    for ex in extractions:
        g = ds.graph(URIRef(ids.graph_iri(ex.document.sha256)))
        for claim in ex.claims:
            c = URIRef(ids.claim_iri(claim.id))
            source = g.value(c, PROV.wasAttributedTo)
            assert g.value(c, GB.sourceLabel) == g.value(source, SKOS.prefLabel) == Literal(claim.source.label)
            assert g.value(c, GB.claimSourceKind) == g.value(source, GB.sourceKind)
            start = g.value(c, GB.contentStart)
            assert start.toPython() == claim.content.start
            assert (g.value(g.value(c, GB.content), OA.hasSelector) is not None
                    and start in set(g.objects(None, OA.start)))
            cue = g.value(c, GB.cueText)
            if claim.cue is None:
                assert cue is None and g.value(c, GB.cue) is None
            else:
                assert cue == Literal(ex.document.text[claim.cue.start:claim.cue.end]) == Literal(claim.cue.text)
            checked += 1
    assert checked >= 6


def test_links_live_in_their_source_claims_graph_with_cross_document_evidence(built):
    extractions, relations, ds = built
    bull, cab = extractions
    contradiction = relations[0]
    link = URIRef(ids.relation_iri(ids.relation_id("contradicts", contradiction.source_claim,
                                                   contradiction.target_claim)))
    cable_graph = ds.graph(URIRef(ids.graph_iri(cab.document.sha256)))
    assert (link, RDF.type, GB.ClaimLink) in cable_graph
    assert (URIRef(ids.claim_iri(contradiction.source_claim)), GB.contradicts,
            URIRef(ids.claim_iri(contradiction.target_claim))) in cable_graph
    assert cable_graph.value(link, GB.score) == Literal("0.85", datatype=URIRef("http://www.w3.org/2001/XMLSchema#decimal"))
    sources = {cable_graph.value(span, OA.hasSource)
               for ev in cable_graph.objects(link, GB.evidence) for span in cable_graph.objects(ev, GB.evidenceSpan)}
    assert sources == {URIRef(ids.document_iri(bull.document.sha256)), URIRef(ids.document_iri(cab.document.sha256))}


def test_ingesting_a_document_twice_adds_nothing(built):
    extractions, relations, _ds = built
    again = to_dataset(extractions, relations)
    before = len(list(again.quads((None, None, None, None))))
    to_dataset([bulletin()], ds=again)
    assert len(list(again.quads((None, None, None, None)))) == before


def test_oxigraph_graph_of_a_document_is_its_rdflib_quads_and_links(built):
    # Store ingest writes document_graph_oxigraph; exports and to_dataset use the rdflib quads.
    import pyoxigraph as ox

    extractions, relations, _ = built
    docs = {c.id: ex.document for ex in extractions for c in ex.claims}
    checked = 0
    for ex in extractions:
        links = [(r, docs[r.source_claim], docs.get(r.target_claim)) for r in relations
                 if docs[r.source_claim] is ex.document]
        rdflib_quads = [*document_quads(ex), *(q for r, a, b in links for q in relation_quads(r, a, b))]
        expected = ox.serialize(to_oxigraph(set(rdflib_quads)), format=ox.RdfFormat.N_QUADS).splitlines()
        got = document_graph_oxigraph(ex, links)
        assert len(got) == len(set(got))
        assert sorted(ox.serialize(got, format=ox.RdfFormat.N_QUADS).splitlines()) == sorted(expected)
        checked += len(links)
    assert checked == len(relations) >= 3


def test_two_builds_give_identical_triples_and_identical_files(tmp_path):
    a, b = sample(), sample()
    assert _nquads(to_dataset(*a)) == _nquads(to_dataset(*b))
    write_rdf_exports(tmp_path / "one", *a)
    write_rdf_exports(tmp_path / "two", *b)
    for name in ("graph.nt", "graph.ttl", "graph.jsonld", "graph.trig"):
        assert (tmp_path / "one" / name).read_bytes() == (tmp_path / "two" / name).read_bytes(), name


# --- exports -------------------------------------------------------------------------------------------

@pytest.fixture(scope="module", params=["rdflib", "oxigraph"])
def exported(request, tmp_path_factory, built):
    extractions, relations, _ = built
    out = tmp_path_factory.mktemp(request.param)
    written = write_rdf_exports(out, extractions, relations, engine=request.param)
    return out, written


def test_exports_write_every_file(exported):
    out, written = exported
    assert set(written) == set(FILES)
    for name in FILES.values():
        assert (out / name).stat().st_size > 0
    assert not list(out.glob(".*.tmp"))


@pytest.mark.parametrize("name,fmt", [("graph.trig", "trig"), ("graph.jsonld", "json-ld")])
def test_dataset_exports_round_trip(exported, built, name, fmt):
    out, _ = exported
    back = Dataset()
    back.parse(out / name, format=fmt)
    assert _nquads(back) == _nquads(built[2])
    for g in built[2].graphs():
        if len(g):
            assert isomorphic(back.graph(g.identifier), g)


@pytest.mark.parametrize("name,fmt", [("graph.ttl", "turtle"), ("graph.nt", "nt")])
def test_union_exports_round_trip(exported, built, name, fmt):
    out, _ = exported
    assert isomorphic(Graph().parse(out / name, format=fmt), _union(built[2]))


def test_jsonld_never_references_a_remote_context(exported):
    out, _ = exported
    doc = json.loads((out / "graph.jsonld").read_text(encoding="utf-8"))
    text = json.dumps(doc)
    assert "context.jsonld" not in text and '"@import"' not in text
    if isinstance(doc, dict) and "@context" in doc:
        assert isinstance(doc["@context"], dict)


def test_both_serialisers_write_the_same_ntriples(tmp_path, built):
    extractions, relations, _ = built
    quads = list(iter_quads(extractions, relations))
    write_rdf(tmp_path / "r", quads, formats=["nt"], engine="rdflib")
    write_rdf(tmp_path / "o", quads, formats=["nt"], engine="oxigraph")
    assert (tmp_path / "r" / "graph.nt").read_bytes() == (tmp_path / "o" / "graph.nt").read_bytes()


def test_hostile_text_stays_a_literal(exported):
    out, _ = exported
    g = Graph().parse(out / "graph.nt", format="nt")
    texts = [str(o) for o in g.objects(None, GB.text)]
    assert any('x" } ; DROP ALL ; # <b>\\u0022' in t for t in texts)


# --- SHACL ---------------------------------------------------------------------------------------------

def _validate(graph: Graph) -> tuple[bool, str]:
    pyshacl = pytest.importorskip("pyshacl")
    conforms, _, text = pyshacl.validate(graph, shacl_graph=Graph().parse(SHAPES), inference="none")
    return conforms, text


@pytest.mark.parametrize("name,fmt", [("graph.trig", "trig"), ("graph.jsonld", "json-ld"), ("graph.ttl", "turtle")])
def test_exports_conform_to_the_shapes(exported, name, fmt):
    out, _ = exported
    ds = Dataset()
    ds.parse(out / name, format=fmt)
    conforms, text = _validate(_union(ds))
    assert conforms, text


def test_shapes_catch_a_broken_claim(built):
    g = _union(built[2])
    claim = next(g.subjects(RDF.type, GB.Claim))
    g.remove((claim, PROV.wasAttributedTo, None))
    g.set((claim, GB.polarity, GB["commitment-certain"]))
    conforms, text = _validate(g)
    assert not conforms
    assert "wasAttributedTo" in text and "polarity" in text


# --- properties over arbitrary text --------------------------------------------------------------------

_TEXT = st.text(alphabet=st.characters(blacklist_categories=("Cs",)), min_size=1, max_size=60)


@settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(text=_TEXT, data=st.data())
def test_any_text_round_trips_through_both_serialisers(tmp_path_factory, text, data):
    start = data.draw(st.integers(0, len(text) - 1))
    end = data.draw(st.integers(start + 1, len(text)))
    doc = document(text, "doc\n\"odd\".txt")
    content = Span.of(text, start, end)
    claim = Claim(id=ids.claim_id(doc.sha256, start, end, None), document=doc.id, item=None, in_comment=False,
                  content=content, source=Source("unspecified", "un\"spec", SourceKind.UNSPECIFIED),
                  cue=None, commitment=Commitment.REPORTED, polarity=Polarity.NEGATIVE)
    body = Span.of(text, 0, len(text))
    seg = Segmentation(doc, DocumentMeta(), (), (Item(None, None, None, None, Passage(text, ((0, 0, len(text)),)),
                                                      (), body),), (), ())
    ex = Extraction(seg, (), (claim,))
    expected = _nquads(to_dataset([ex]))
    out = tmp_path_factory.mktemp("prop")
    for engine in ("rdflib", "oxigraph"):
        write_rdf(out / engine, iter_quads([ex]), formats=["trig", "nt"], engine=engine)
        back = Dataset()
        back.parse(out / engine / "graph.trig", format="trig")
        assert _nquads(back) == expected
        g = Graph().parse(out / engine / "graph.nt", format="nt")
        assert Literal(text[start:end]) in set(g.objects(None, OA.exact))


def test_fixture_offsets_hold():
    for ex in (bulletin(), cable()):
        t = ex.document.text
        for c in ex.claims:
            for span in (c.content, c.cue, c.source.mention):
                if span is not None:
                    assert t[span.start:span.end] == span.text
    assert len(links(bulletin(), cable())) == 3
