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
from collections.abc import Callable, Iterable, Iterator
from decimal import Decimal
from typing import Any, NamedTuple

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

__all__ = ["Quad", "document_graph_oxigraph", "document_quads", "iter_quads", "relation_quads", "to_dataset", "to_oxigraph"]

_DATE_TYPES = (
    (re.compile(r"\d{4}-\d{2}-\d{2}"), str(XSD.date)),
    (re.compile(r"\d{4}-\d{2}"), str(XSD.gYearMonth)),
    (re.compile(r"\d{4}"), str(XSD.gYear)),
)


class _Lit(NamedTuple):
    """A literal while a graph is built: the lexical form given and its datatype IRI (None: a string).

    Graphs are built from plain strings (IRIs) and these tuples, and turned into rdflib or pyoxigraph
    terms at the end, each distinct term once: hashing and comparing rdflib terms (and validating every
    IRI again and again) was most of the cost of building a document's graph.
    """

    lexical: str
    datatype: str | None = None


class _Terms:
    """A namespace's terms as plain IRI strings, each looked up in the (closed) rdflib namespace once."""

    def __init__(self, namespace: object) -> None:
        self._namespace = namespace

    def __getattr__(self, name: str) -> str:
        value = str(getattr(self._namespace, name))  # GB is closed: a typo still raises AttributeError
        setattr(self, name, value)
        return value


_GB, _DCTERMS, _OA, _PROV, _RDF, _RDFS, _SKOS, _XSD = map(_Terms, (GB, DCTERMS, OA, PROV, RDF, RDFS, SKOS, XSD))
_INTEGER, _NON_NEGATIVE = str(XSD.integer), str(XSD.nonNegativeInteger)
_TRUE = _Lit("true", str(XSD.boolean))
#: Datatypes whose lexical forms this module only writes in canonical form (``str(int)``, "true"): rdflib
#: would not change them, so pyoxigraph terms are made from them directly, without an rdflib Literal.
_CANONICAL = frozenset({_INTEGER, _NON_NEGATIVE, str(XSD.boolean)})


def _date(value: str) -> _Lit:
    # Headers are sometimes only partly legible; type what we have instead of inventing a day.
    for pattern, datatype in _DATE_TYPES:
        if pattern.fullmatch(value):
            return _Lit(value, datatype)
    return _Lit(value)


def _int(value: int, datatype: str = _INTEGER) -> _Lit:
    return _Lit(str(int(value)), datatype)


def _score(value: float) -> _Lit:
    # A canonical decimal lexical form, so rdflib and Oxigraph print the same bytes.
    d = Decimal(repr(round(float(value), 6))).normalize()
    text = format(d, "f")
    return _Lit(text if "." in text else text + ".0", str(XSD.decimal))


def _concept(function: Callable[[Any], URIRef]) -> Callable[[Any], str]:
    """A vocab concept function (``commitment`` etc.) returning the IRI string, cached per value."""
    cache: dict[Any, str] = {}

    def iri(value: Any) -> str:
        found = cache.get(value)
        if found is None:
            found = cache[value] = str(function(value))
        return found

    return iri


_actor_kind, _commitment, _polarity, _source_kind, _link_property = map(
    _concept, (actor_kind, commitment, polarity, source_kind, link_property))


class _DocumentWriter:
    """Collects the triples of one document's named graph (IRIs as str, literals as :class:`_Lit`)."""

    def __init__(self, document: Document) -> None:
        self.document = document
        self.sha = document.sha256
        self.doc = ids.document_iri(self.sha)
        self.graph = ids.graph_iri(self.sha)
        self.triples: list[tuple[str, str, str | _Lit]] = []
        self._seen: set[tuple[str, str, str | _Lit]] = set()
        self._seen_spans: set[str] = set()
        self._mismatch_logged = False

    def add(self, s: str, p: str, o: str | _Lit) -> None:
        # Sources and actors recur claim after claim; state each fact once per graph.
        triple = (s, p, o)
        if triple not in self._seen:
            self._seen.add(triple)
            self.triples.append(triple)

    def span(self, role: str, span: Span, *, quote: bool = True, document: Document | None = None) -> str:
        """Add (once) the oa:SpecificResource of ``span`` and return its IRI.

        ``document`` is the text the span points into when it is not this graph's own document
        (evidence for a link between claims of two documents).
        """
        document = document or self.document
        iri = ids.span_iri(document.sha256, role, span.start, span.end)
        if iri in self._seen_spans:
            return iri
        self._seen_spans.add(iri)
        add = self.add
        add(iri, _RDF.type, _OA.SpecificResource)
        add(iri, _OA.hasSource, self.doc if document is self.document else ids.document_iri(document.sha256))
        position = iri + "#position"
        add(iri, _OA.hasSelector, position)
        add(position, _RDF.type, _OA.TextPositionSelector)
        add(position, _OA.start, _Lit(str(int(span.start)), _NON_NEGATIVE))
        add(position, _OA.end, _Lit(str(int(span.end)), _NON_NEGATIVE))
        if quote:
            exact = document.text[span.start:span.end]
            if exact != span.text and not self._mismatch_logged:
                # The original text is the ground truth for offsets; say so once per document.
                log.warning("%s: a %s span's text differs from the document at [%d, %d)",
                            document.id, role, span.start, span.end)
                self._mismatch_logged = True
            selector = iri + "#quote"
            add(iri, _OA.hasSelector, selector)
            add(selector, _RDF.type, _OA.TextQuoteSelector)
            add(selector, _OA.exact, _Lit(exact))
        return iri

    def rdflib_quads(self) -> list[Quad]:
        """The triples as rdflib quads in this document's graph (each distinct term built once)."""
        terms: dict[str | _Lit, Node] = {}
        graph = URIRef(self.graph)

        def term(t: str | _Lit) -> Node:
            node = terms.get(t)
            if node is None:
                if isinstance(t, str):
                    node = URIRef(t)
                else:
                    node = Literal(t.lexical, datatype=URIRef(t.datatype) if t.datatype is not None else None)
                terms[t] = node
            return node

        return [(term(s), term(p), term(o), graph) for s, p, o in self.triples]  # type: ignore[misc]


def _ox_literal(t: _Lit) -> Any:
    import pyoxigraph as ox

    if t.datatype is None:
        return ox.Literal(t.lexical)
    if t.datatype in _CANONICAL:
        return ox.Literal(t.lexical, datatype=ox.NamedNode(t.datatype))
    # Anything else (dates, decimals) takes the lexical form rdflib gives it, as before.
    lit = Literal(t.lexical, datatype=URIRef(t.datatype))
    return ox.Literal(str(lit), datatype=ox.NamedNode(str(lit.datatype)))


def _item_iri(sha: str, item: Item) -> str:
    return ids.part_iri(sha, "item", item.span.start, item.span.end)


def _container(w: _DocumentWriter, items: tuple[Item, ...], claim: Claim) -> str:
    """The comment, else the item, else the document whose span holds the claim's content."""
    at = claim.content.start
    for item in items:
        if item.span.start <= at < item.span.end or (item.span.start == at == item.span.end):
            for c in item.comments:
                if c.span.start <= at < c.span.end:
                    return ids.part_iri(w.sha, "comment", c.span.start, c.span.end)
            return _item_iri(w.sha, item)
    return w.doc


def document_quads(extraction: Extraction) -> list[Quad]:
    """All quads of one document's named graph: document, structure, actors, sources, claims."""
    return _document_writer(extraction).rdflib_quads()


def document_graph_oxigraph(extraction: Extraction, links: Iterable[tuple[Relation, Document, Document | None]] = ()
                            ) -> list:
    """One document's named graph with the given links, as distinct ``pyoxigraph.Quad``s.

    The same quads as :func:`document_quads` plus :func:`relation_quads` of each ``(relation,
    from_document, to_document)``, all in the document's graph, without building rdflib terms (what
    store ingest writes). pyoxigraph is imported here, not at module import.
    """
    import pyoxigraph as ox

    w = _document_writer(extraction)
    for relation, from_document, to_document in links:
        _relation_triples(w, relation, from_document, to_document)
    terms: dict[str | _Lit, Any] = {}
    named_node, quad = ox.NamedNode, ox.Quad
    graph = named_node(w.graph)
    out = []
    for s, p, o in w.triples:
        ts = terms.get(s)
        if ts is None:
            ts = terms[s] = named_node(s)
        tp = terms.get(p)
        if tp is None:
            tp = terms[p] = named_node(p)
        to = terms.get(o)
        if to is None:
            to = terms[o] = named_node(o) if isinstance(o, str) else _ox_literal(o)
        out.append(quad(ts, tp, to, graph))
    return out


def _document_writer(extraction: Extraction) -> _DocumentWriter:
    seg = extraction.segmentation
    w = _DocumentWriter(seg.document)
    doc, document = w.doc, seg.document
    add = w.add

    add(doc, _RDF.type, _GB.Document)
    add(doc, _DCTERMS.identifier, _Lit(document.id))
    add(doc, _GB.sha256, _Lit(document.sha256))
    add(doc, _GB.text, _Lit(document.text))
    meta = seg.meta
    if meta.classification:
        add(doc, _GB.classification, _Lit(meta.classification))
    if meta.date:
        add(doc, _DCTERMS.issued, _date(meta.date))
    if meta.released:
        add(doc, _GB.releaseDate, _date(meta.released))

    section_iris: list[tuple[int, str, str]] = []
    for section in seg.sections:
        iri = ids.part_iri(w.sha, "section", section.heading.start, section.heading.end)
        section_iris.append((section.heading.start, section.name, iri))
        add(iri, _RDF.type, _GB.Section)
        add(iri, _DCTERMS.isPartOf, doc)
        add(iri, _RDFS.label, _Lit(section.name))
        add(iri, _GB.headline, w.span("heading", section.heading))

    for item in seg.items:
        iri = _item_iri(w.sha, item)
        add(iri, _RDF.type, _GB.Item)
        add(iri, _DCTERMS.isPartOf, doc)
        add(iri, _GB.span, w.span("item", item.span, quote=False))
        if item.number is not None:
            add(iri, _GB.number, _int(item.number))
        if item.headline is not None:
            add(iri, _GB.headline, w.span("headline", item.headline))
        if item.country is not None:
            add(iri, _GB.country, w.span("country", item.country))
        if item.truncated:
            add(iri, _GB.truncated, _TRUE)
        if item.is_comment_item:
            add(iri, _GB.commentItem, _TRUE)
        if item.section:
            # The section of that name printed last before the item (headings repeat across pages).
            candidates = [s for s in section_iris if s[1] == item.section]
            before = [s for s in candidates if s[0] <= item.span.start]
            if before or candidates:
                add(iri, _GB.section, (before or candidates)[-1][2])
        for c in item.comments:
            ciri = ids.part_iri(w.sha, "comment", c.span.start, c.span.end)
            add(ciri, _RDF.type, _GB.Comment)
            add(ciri, _DCTERMS.isPartOf, iri)
            add(ciri, _GB.span, w.span("comment", c.span, quote=False))

    for r in seg.redactions:
        iri = ids.part_iri(w.sha, "redaction", r.span.start, r.span.end)
        add(iri, _RDF.type, _GB.Redaction)
        add(iri, _DCTERMS.isPartOf, doc)
        add(iri, _GB.code, _Lit(r.code))
        add(iri, _GB.span, w.span("redaction", r.span))

    for actor in extraction.actors:
        iri = ids.agent_iri(actor.id)
        add(iri, _RDF.type, _GB.Actor)
        add(iri, _DCTERMS.identifier, _Lit(actor.id))
        add(iri, _SKOS.prefLabel, _Lit(actor.label))
        add(iri, _GB.actorKind, _actor_kind(actor.kind))
        for alias in actor.aliases:
            if alias != actor.label:
                add(iri, _SKOS.altLabel, _Lit(alias))
        # Case-folded id, label and aliases: what name lookups (claims-about, timeline) match
        # against with an index lookup instead of lower-casing every label in the store.
        for key in sorted({name.casefold() for name in (actor.id, actor.label, *actor.aliases)}):
            add(iri, _SKOS.hiddenLabel, _Lit(key))
        for m in actor.mentions:
            add(iri, _GB.mention, w.span("mention", m))

    for claim in extraction.claims:
        _claim_quads(w, seg.items, claim)
    return w


def _claim_quads(w: _DocumentWriter, items: tuple[Item, ...], claim: Claim) -> None:
    iri = ids.claim_iri(claim.id)
    source = ids.agent_iri(claim.source.id)
    text, add = w.document.text, w.add
    add(iri, _RDF.type, _GB.Claim)
    add(iri, _DCTERMS.identifier, _Lit(claim.id))
    add(iri, _RDFS.label, _Lit(text[claim.content.start:claim.content.end]))
    add(iri, _GB.content, w.span("content", claim.content))
    add(iri, _GB.contentStart, _int(claim.content.start, _NON_NEGATIVE))
    add(iri, _DCTERMS.isPartOf, _container(w, items, claim))
    add(iri, _PROV.wasQuotedFrom, w.doc)
    add(iri, _PROV.wasAttributedTo, source)
    add(iri, _GB.commitment, _commitment(claim.commitment))
    add(iri, _GB.polarity, _polarity(claim.polarity))
    if claim.cue is not None:
        add(iri, _GB.cue, w.span("cue", claim.cue))
        add(iri, _GB.cueText, _Lit(text[claim.cue.start:claim.cue.end]))
    if claim.source.mention is not None:
        add(iri, _GB.sourceMention, w.span("source", claim.source.mention))
    if claim.sentence is not None:
        add(iri, _GB.sentence, w.span("sentence", claim.sentence))
    for actor in claim.about:
        add(iri, _GB.about, ids.agent_iri(actor))
    if claim.relayed_by:
        add(iri, _GB.relayedBy, ids.agent_iri(claim.relayed_by))
    # The source as this document names it; several documents may label one source differently.
    kind = _source_kind(claim.source.kind)
    add(source, _RDF.type, _GB.Source)
    add(source, _DCTERMS.identifier, _Lit(claim.source.id))
    add(source, _SKOS.prefLabel, _Lit(claim.source.label))
    add(source, _GB.sourceKind, kind)
    # The same label and kind, and the content start and cue text above, copied onto the claim: a
    # source node is described in every document that cites it, and Oxigraph joins such shared
    # subjects inside GRAPH ?g by scanning all their graphs (who-said-what at 2M quads: 5.9 s with
    # the join, 1.3 s without; BENCHMARKS.md "SPARQL and stores"). Copies stay in the claim's own
    # graph, so replacing or dropping the document replaces or drops them too.
    add(iri, _GB.sourceLabel, _Lit(claim.source.label))
    add(iri, _GB.claimSourceKind, kind)


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
    _relation_triples(w, relation, from_document, to_document)
    return w.rdflib_quads()


def _relation_triples(w: _DocumentWriter, relation: Relation, from_document: Document,
                      to_document: Document | None) -> None:
    a, b = ids.claim_iri(relation.source_claim), ids.claim_iri(relation.target_claim)
    prop = _link_property(relation.type)
    rid = ids.relation_id(relation.type.value, relation.source_claim, relation.target_claim)
    node = ids.relation_iri(rid)
    w.add(a, prop, b)
    w.add(node, _RDF.type, _GB.ClaimLink)
    w.add(node, _GB.linkType, prop)
    w.add(node, _GB.linkFrom, a)
    w.add(node, _GB.linkTo, b)
    w.add(node, _GB.score, _score(relation.score))
    for i, ev in enumerate(relation.evidence):
        eiri = f"{node}/evidence-{i}"
        w.add(node, _GB.evidence, eiri)
        w.add(eiri, _RDF.type, _GB.Evidence)
        w.add(eiri, _GB.signal, _Lit(ev.signal))
        if ev.note:
            w.add(eiri, _RDFS.comment, _Lit(ev.note))
        for span in ev.spans:
            doc = _span_document(span, from_document, *([to_document] if to_document else []))
            if doc is None:
                log.warning("evidence span [%d, %d) of link %s is in neither linked document; left out",
                            span.start, span.end, rid)
                continue
            # The link lives in its source claim's graph, wherever the supporting text is.
            w.add(eiri, _GB.evidenceSpan, w.span("evidence", span, document=doc))


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
