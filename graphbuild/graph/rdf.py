"""Records -> RDF: one named graph per document, deterministic IRIs, text bound as literals.

The model (``ontology/graphbuild.ttl``, explained in ``ontology/README.md``) in one breath: a
``gb:Claim`` is ``prov:wasAttributedTo`` a ``gb:Source``, ``gb:about`` some ``gb:Actor``s, has a
``gb:commitment`` and a ``gb:polarity`` concept, is ``dcterms:isPartOf`` an item or comment of a
``gb:Document``, and points at its ``gb:content`` / ``gb:cue`` / ``gb:sourceMention`` spans. A span
is an ``oa:SpecificResource`` on the document with an ``oa:TextPositionSelector`` (start, end) and an
``oa:TextQuoteSelector`` (exact). Claim-claim links are a direct triple (``gb:contradicts``) plus a
qualified ``gb:ClaimLink`` node with score and evidence.

Every IRI comes from :mod:`graphbuild.ids` (content hash + span), and no blank node is used, so the
same inputs always give the same triples, and a document's named graph can be replaced or dropped
as a unit. Text only ever enters the graph as an ``rdflib.Literal``.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Iterable, Iterator
from decimal import Decimal
from typing import Any

from rdflib import BNode, Dataset, Literal, URIRef
from rdflib.graph import Graph
from rdflib.term import Node

from graphbuild import ids
from graphbuild.graph.vocab import (
    DCTERMS,
    GB,
    OA,
    PREFIXES,
    PROV,
    RDF,
    RDFS,
    SKOS,
    XSD,
    actor_kind,
    commitment,
    link_property,
    polarity,
    source_kind,
)
from graphbuild.records import Claim, Document, Extraction, Item, Relation, Span

log = logging.getLogger("graphbuild")

#: (subject, predicate, object, graph IRI) — what every builder here yields.
Quad = tuple[URIRef, URIRef, Node, URIRef]

__all__ = ["Quad", "document_quads", "iter_quads", "relation_quads", "to_dataset", "to_oxigraph"]

_DATE_TYPES = (
    (re.compile(r"\d{4}-\d{2}-\d{2}"), XSD.date),
    (re.compile(r"\d{4}-\d{2}"), XSD.gYearMonth),
    (re.compile(r"\d{4}"), XSD.gYear),
)


def _date(value: str) -> Literal:
    # Headers are sometimes only partly legible; type what we have instead of inventing a day.
    for pattern, datatype in _DATE_TYPES:
        if pattern.fullmatch(value):
            return Literal(value, datatype=datatype)
    return Literal(value)


def _int(value: int, datatype: URIRef = XSD.integer) -> Literal:
    return Literal(str(int(value)), datatype=datatype)


def _score(value: float) -> Literal:
    # A canonical decimal lexical form, so rdflib and Oxigraph print the same bytes.
    d = Decimal(repr(round(float(value), 6))).normalize()
    text = format(d, "f")
    return Literal(text if "." in text else text + ".0", datatype=XSD.decimal)


class _DocumentWriter:
    """Collects the quads of one document's named graph."""

    def __init__(self, document: Document) -> None:
        self.document = document
        self.sha = document.sha256
        self.doc = URIRef(ids.document_iri(self.sha))
        self.graph = URIRef(ids.graph_iri(self.sha))
        self.quads: list[Quad] = []
        self._seen: set[Quad] = set()
        self._seen_spans: set[URIRef] = set()
        self._mismatch_logged = False

    def add(self, s: URIRef, p: URIRef, o: Node) -> None:
        # Sources and actors recur claim after claim; state each fact once per graph.
        quad = (s, p, o, self.graph)
        if quad not in self._seen:
            self._seen.add(quad)
            self.quads.append(quad)

    def span(self, role: str, span: Span, *, quote: bool = True, document: Document | None = None) -> URIRef:
        """Add (once) the oa:SpecificResource of ``span`` and return its IRI.

        ``document`` is the text the span points into when it is not this graph's own document
        (evidence for a link between claims of two documents).
        """
        document = document or self.document
        iri = URIRef(ids.span_iri(document.sha256, role, span.start, span.end))
        if iri in self._seen_spans:
            return iri
        self._seen_spans.add(iri)
        self.add(iri, RDF.type, OA.SpecificResource)
        self.add(iri, OA.hasSource, URIRef(ids.document_iri(document.sha256)))
        position = URIRef(iri + "#position")
        self.add(iri, OA.hasSelector, position)
        self.add(position, RDF.type, OA.TextPositionSelector)
        self.add(position, OA.start, _int(span.start, XSD.nonNegativeInteger))
        self.add(position, OA.end, _int(span.end, XSD.nonNegativeInteger))
        if quote:
            exact = document.text[span.start:span.end]
            if exact != span.text and not self._mismatch_logged:
                # The original text is the ground truth for offsets; say so once per document.
                log.warning("%s: a %s span's text differs from the document at [%d, %d)",
                            document.id, role, span.start, span.end)
                self._mismatch_logged = True
            selector = URIRef(iri + "#quote")
            self.add(iri, OA.hasSelector, selector)
            self.add(selector, RDF.type, OA.TextQuoteSelector)
            self.add(selector, OA.exact, Literal(exact))
        return iri


def _item_iri(sha: str, item: Item) -> URIRef:
    return URIRef(ids.part_iri(sha, "item", item.span.start, item.span.end))


def _container(w: _DocumentWriter, items: tuple[Item, ...], claim: Claim) -> URIRef:
    """The comment, else the item, else the document whose span holds the claim's content."""
    at = claim.content.start
    for item in items:
        if item.span.start <= at < item.span.end or (item.span.start == at == item.span.end):
            for c in item.comments:
                if c.span.start <= at < c.span.end:
                    return URIRef(ids.part_iri(w.sha, "comment", c.span.start, c.span.end))
            return _item_iri(w.sha, item)
    return w.doc


def document_quads(extraction: Extraction) -> list[Quad]:
    """All quads of one document's named graph: document, structure, actors, sources, claims."""
    seg = extraction.segmentation
    w = _DocumentWriter(seg.document)
    doc, document = w.doc, seg.document

    w.add(doc, RDF.type, GB.Document)
    w.add(doc, DCTERMS.identifier, Literal(document.id))
    w.add(doc, GB.sha256, Literal(document.sha256))
    w.add(doc, GB.text, Literal(document.text))
    meta = seg.meta
    if meta.classification:
        w.add(doc, GB.classification, Literal(meta.classification))
    if meta.date:
        w.add(doc, DCTERMS.issued, _date(meta.date))
    if meta.released:
        w.add(doc, GB.releaseDate, _date(meta.released))

    section_iris: list[tuple[int, str, URIRef]] = []
    for section in seg.sections:
        iri = URIRef(ids.part_iri(w.sha, "section", section.heading.start, section.heading.end))
        section_iris.append((section.heading.start, section.name, iri))
        w.add(iri, RDF.type, GB.Section)
        w.add(iri, DCTERMS.isPartOf, doc)
        w.add(iri, RDFS.label, Literal(section.name))
        w.add(iri, GB.headline, w.span("heading", section.heading))

    for item in seg.items:
        iri = _item_iri(w.sha, item)
        w.add(iri, RDF.type, GB.Item)
        w.add(iri, DCTERMS.isPartOf, doc)
        w.add(iri, GB.span, w.span("item", item.span, quote=False))
        if item.number is not None:
            w.add(iri, GB.number, _int(item.number))
        if item.headline is not None:
            w.add(iri, GB.headline, w.span("headline", item.headline))
        if item.country is not None:
            w.add(iri, GB.country, w.span("country", item.country))
        if item.truncated:
            w.add(iri, GB.truncated, Literal(True))
        if item.is_comment_item:
            w.add(iri, GB.commentItem, Literal(True))
        if item.section:
            # The section of that name printed last before the item (headings repeat across pages).
            candidates = [s for s in section_iris if s[1] == item.section]
            before = [s for s in candidates if s[0] <= item.span.start]
            if before or candidates:
                w.add(iri, GB.section, (before or candidates)[-1][2])
        for c in item.comments:
            ciri = URIRef(ids.part_iri(w.sha, "comment", c.span.start, c.span.end))
            w.add(ciri, RDF.type, GB.Comment)
            w.add(ciri, DCTERMS.isPartOf, iri)
            w.add(ciri, GB.span, w.span("comment", c.span, quote=False))

    for r in seg.redactions:
        iri = URIRef(ids.part_iri(w.sha, "redaction", r.span.start, r.span.end))
        w.add(iri, RDF.type, GB.Redaction)
        w.add(iri, DCTERMS.isPartOf, doc)
        w.add(iri, GB.code, Literal(r.code))
        w.add(iri, GB.span, w.span("redaction", r.span))

    for actor in extraction.actors:
        iri = URIRef(ids.agent_iri(actor.id))
        w.add(iri, RDF.type, GB.Actor)
        w.add(iri, DCTERMS.identifier, Literal(actor.id))
        w.add(iri, SKOS.prefLabel, Literal(actor.label))
        w.add(iri, GB.actorKind, actor_kind(actor.kind))
        for alias in actor.aliases:
            if alias != actor.label:
                w.add(iri, SKOS.altLabel, Literal(alias))
        # Case-folded id, label and aliases: what name lookups (claims-about, timeline) match
        # against with an index lookup instead of lower-casing every label in the store.
        for key in sorted({name.casefold() for name in (actor.id, actor.label, *actor.aliases)}):
            w.add(iri, SKOS.hiddenLabel, Literal(key))
        for m in actor.mentions:
            w.add(iri, GB.mention, w.span("mention", m))

    for claim in extraction.claims:
        _claim_quads(w, seg.items, claim)
    return w.quads


def _claim_quads(w: _DocumentWriter, items: tuple[Item, ...], claim: Claim) -> None:
    iri = URIRef(ids.claim_iri(claim.id))
    source = URIRef(ids.agent_iri(claim.source.id))
    w.add(iri, RDF.type, GB.Claim)
    w.add(iri, DCTERMS.identifier, Literal(claim.id))
    w.add(iri, RDFS.label, Literal(w.document.text[claim.content.start:claim.content.end]))
    w.add(iri, GB.content, w.span("content", claim.content))
    w.add(iri, GB.contentStart, _int(claim.content.start, XSD.nonNegativeInteger))
    w.add(iri, DCTERMS.isPartOf, _container(w, items, claim))
    w.add(iri, PROV.wasQuotedFrom, w.doc)
    w.add(iri, PROV.wasAttributedTo, source)
    w.add(iri, GB.commitment, commitment(claim.commitment))
    w.add(iri, GB.polarity, polarity(claim.polarity))
    if claim.cue is not None:
        w.add(iri, GB.cue, w.span("cue", claim.cue))
        w.add(iri, GB.cueText, Literal(w.document.text[claim.cue.start:claim.cue.end]))
    if claim.source.mention is not None:
        w.add(iri, GB.sourceMention, w.span("source", claim.source.mention))
    if claim.sentence is not None:
        w.add(iri, GB.sentence, w.span("sentence", claim.sentence))
    for actor in claim.about:
        w.add(iri, GB.about, URIRef(ids.agent_iri(actor)))
    if claim.relayed_by:
        w.add(iri, GB.relayedBy, URIRef(ids.agent_iri(claim.relayed_by)))
    # The source as this document names it; several documents may label one source differently.
    w.add(source, RDF.type, GB.Source)
    w.add(source, DCTERMS.identifier, Literal(claim.source.id))
    w.add(source, SKOS.prefLabel, Literal(claim.source.label))
    w.add(source, GB.sourceKind, source_kind(claim.source.kind))
    # The same label and kind, and the content start and cue text above, copied onto the claim: a
    # source node is described in every document that cites it, and Oxigraph joins such shared
    # subjects inside GRAPH ?g by scanning all their graphs (who-said-what at 2M quads: 5.9 s with
    # the join, 1.3 s without; BENCHMARKS.md "SPARQL and stores"). Copies stay in the claim's own
    # graph, so replacing or dropping the document replaces or drops them too.
    w.add(iri, GB.sourceLabel, Literal(claim.source.label))
    w.add(iri, GB.claimSourceKind, source_kind(claim.source.kind))


def _span_document(span: Span, *documents: Document) -> Document | None:
    # Evidence spans carry offsets but not their document: it is the one (of the two linked claims'
    # documents) whose text holds exactly that string at those offsets.
    for d in documents:
        if d.text[span.start:span.end] == span.text:
            return d
    return None


def relation_quads(relation: Relation, from_document: Document, to_document: Document | None = None) -> list[Quad]:
    """Quads of one claim-claim link, in the named graph of its source claim's document."""
    w = _DocumentWriter(from_document)
    a, b = URIRef(ids.claim_iri(relation.source_claim)), URIRef(ids.claim_iri(relation.target_claim))
    prop = link_property(relation.type)
    rid = ids.relation_id(relation.type.value, relation.source_claim, relation.target_claim)
    node = URIRef(ids.relation_iri(rid))
    w.add(a, prop, b)
    w.add(node, RDF.type, GB.ClaimLink)
    w.add(node, GB.linkType, prop)
    w.add(node, GB.linkFrom, a)
    w.add(node, GB.linkTo, b)
    w.add(node, GB.score, _score(relation.score))
    for i, ev in enumerate(relation.evidence):
        eiri = URIRef(f"{node}/evidence-{i}")
        w.add(node, GB.evidence, eiri)
        w.add(eiri, RDF.type, GB.Evidence)
        w.add(eiri, GB.signal, Literal(ev.signal))
        if ev.note:
            w.add(eiri, RDFS.comment, Literal(ev.note))
        for span in ev.spans:
            doc = _span_document(span, from_document, *([to_document] if to_document else []))
            if doc is None:
                log.warning("evidence span [%d, %d) of link %s is in neither linked document; left out",
                            span.start, span.end, rid)
                continue
            # The link lives in its source claim's graph, wherever the supporting text is.
            w.add(eiri, GB.evidenceSpan, w.span("evidence", span, document=doc))
    return w.quads


def iter_quads(extractions: Iterable[Extraction], relations: Iterable[Relation] = ()) -> Iterator[Quad]:
    """Every quad of the graph, document by document, then the links."""
    extractions = list(extractions)
    claim_docs: dict[str, Document] = {}
    for ex in extractions:
        for claim in ex.claims:
            claim_docs[claim.id] = ex.document
        yield from document_quads(ex)
    for rel in relations:
        src = claim_docs.get(rel.source_claim)
        if src is None:
            log.warning("link %s -> %s: source claim not in this build; left out", rel.source_claim,
                        rel.target_claim)
            continue
        yield from relation_quads(rel, src, claim_docs.get(rel.target_claim))


def bind_prefixes(graph: Graph) -> Graph:
    for prefix, ns in PREFIXES.items():
        graph.bind(prefix, ns, replace=True)
    graph.bind("gbid", ids.IRI_BASE, replace=True)
    return graph


def to_dataset(extractions: Iterable[Extraction], relations: Iterable[Relation] = (), *,
               ds: Dataset | None = None) -> Dataset:
    """Build (or add to) an rdflib Dataset with one named graph per document.

    Args:
        extractions: What the NLP stage found, one per document.
        relations: Claim-claim links (``graphbuild.link.link_claims``); each goes into the named graph
            of its source claim's document.
        ds: An existing dataset to add to; adding a document that is already there adds nothing.

    Returns:
        The dataset; its default graph is empty.
    """
    ds = ds if ds is not None else Dataset(default_union=True)
    bind_prefixes(ds)
    graphs: dict[URIRef, Graph] = {}

    def with_graph(quads: Iterable[Quad]) -> Iterator[tuple[Node, Node, Node, Graph]]:
        for s, p, o, g in quads:
            ctx = graphs.get(g)
            if ctx is None:
                ctx = graphs[g] = ds.graph(g)
            yield s, p, o, ctx

    ds.addN(with_graph(iter_quads(extractions, relations)))
    return ds


def to_oxigraph(quads: Iterable[Quad | tuple[Node, Node, Node, Node | None]]) -> list:
    """Convert rdflib quads to ``pyoxigraph.Quad`` (IRIs interned: a graph repeats few of them).

    A graph of None is the default graph. pyoxigraph is imported here, not at module import.
    """
    import pyoxigraph as ox

    nodes: dict[str, Any] = {}

    def iri(value: str):
        node = nodes.get(value)
        if node is None:
            node = nodes[value] = ox.NamedNode(value)
        return node

    def term(t: Node):
        if isinstance(t, URIRef):
            return iri(str(t))
        if isinstance(t, Literal):
            if t.language:
                return ox.Literal(str(t), language=t.language)
            if t.datatype is not None:
                return ox.Literal(str(t), datatype=iri(str(t.datatype)))
            return ox.Literal(str(t))
        if isinstance(t, BNode):
            return ox.BlankNode(str(t))
        raise TypeError(f"not an RDF term: {t!r}")

    out = []
    for s, p, o, g in quads:
        graph = ox.DefaultGraph() if g is None else term(g if not hasattr(g, "identifier") else g.identifier)
        out.append(ox.Quad(term(s), term(p), term(o), graph))
    return out
