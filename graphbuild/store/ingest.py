"""Incremental ingest: add, replace or remove one document graph at a time, linking as we go.

A document's fate is decided from the store's registry before any NLP runs
(:meth:`Ingestor.plan`):

- ``unchanged``: its id is stored with the same content hash -> nothing is written;
- ``alias``: the same text is stored under another id -> only the id is added to that graph;
- ``new`` / ``changed``: it is extracted, linked against the stored documents whose claims share
  its actors (found by SPARQL, at most ``max_linked`` of them, nearest in date first), and written as
  ONE named graph in one all-or-nothing write. A changed document's old graph is dropped first (with
  the links other graphs hold to it, in one update), so at every moment each document is either
  fully in the store or not at all, and a re-run after a crash simply adds what is missing.

Links between the new document and a stored one live in the new document's graph: the stored graph
is never touched, and removing the new document removes its links with it.
"""

from __future__ import annotations

import logging
from collections import OrderedDict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

import pyoxigraph as ox

from graphbuild import ids
from graphbuild.graph.rdf import document_graph_oxigraph
from graphbuild.records import (
    Actor,
    ActorKind,
    Claim,
    Commitment,
    Document,
    DocumentMeta,
    Evidence,
    Extraction,
    Polarity,
    Relation,
    RelationType,
    Segmentation,
    Source,
    SourceKind,
    Span,
)
from graphbuild.store.backend import Backend, StoredDocument

if TYPE_CHECKING:
    from graphbuild.link.views import ClaimView

log = logging.getLogger("graphbuild")

_DCTERMS_IDENTIFIER = ox.NamedNode("http://purl.org/dc/terms/identifier")
_AGENT_PREFIX = ids.IRI_BASE + "actor/"


@dataclass(frozen=True, slots=True)
class Outcome:
    """What happened to one document: ``added``, ``replaced``, ``unchanged``, ``alias`` or ``removed``."""

    document: str
    action: str
    graph: str
    claims: int = 0
    links: int = 0


def _date_ordinal(value: object) -> int | None:
    import datetime as dt

    if not isinstance(value, str) or len(value) < 4:
        return None
    parts = (value.strip()[:10].split("-") + ["1", "1"])[:3]
    try:
        return dt.date(int(parts[0]), int(parts[1] or 1), int(parts[2] or 1)).toordinal()
    except ValueError:
        return None


def _document_date(extraction: Extraction) -> str | None:
    date = extraction.segmentation.meta.date or extraction.document.metadata.get("date")
    return date if isinstance(date, str) else None


def _linker():
    """graphbuild.link's entry points, or None (then documents are stored without links; said once)."""
    try:
        from graphbuild.link import link_new, load_lexicon, views_from_extractions
    except ImportError:  # the linking stage is optional at this layer
        if not getattr(_linker, "_warned", False):
            log.warning("graphbuild.link is not available; documents are stored without links")
            _linker._warned = True  # type: ignore[attr-defined]
        return None
    return link_new, load_lexicon, views_from_extractions


def _link(new: Extraction, stored: Sequence[Extraction], stored_views: Sequence[Sequence[ClaimView]] | None = None
          ) -> list[Relation]:
    """Links between the new document's claims and the stored ones (and among the new ones).

    The same links as ``link_claims([*stored, new])`` restricted to those touching a new claim, but
    only pairs with a new claim are scored (:func:`graphbuild.link.link_new`). ``stored_views``: the
    linker's views of each stored document, if already built (see :meth:`Ingestor.add`).
    """
    linker = _linker()
    if linker is None:
        return []
    link_new, load_lexicon, views_from_extractions = linker
    lexicon = load_lexicon()
    if stored_views is None:
        stored_views = [views_from_extractions([ex], lexicon=lexicon) for ex in stored]
    places = {a.id for ex in (*stored, new) for a in ex.actors if a.kind == ActorKind.PLACE}
    return link_new(views_from_extractions([new], lexicon=lexicon), [v for vs in stored_views for v in vs],
                    places=places)


class Ingestor:
    """Adds and removes documents on one backend (embedded store or SPARQL server).

    Args:
        backend: an open :class:`~graphbuild.store.backend.EmbeddedStore` or
            :class:`~graphbuild.store.remote.RemoteStore`.
        max_linked: at most this many stored documents are linked against each new one.
        link: link new claims to stored ones (off: documents are stored without links).
    """

    def __init__(self, backend: Backend, *, max_linked: int = 100, link: bool = True, cache_size: int = 2000) -> None:
        self.backend = backend
        self.max_linked = max_linked
        self.link = link
        self._by_id: dict[str, list[StoredDocument]] = backend.documents()
        # Graph -> the ids registered on it: asked for every document added, so never a scan of the
        # whole registry (which grows with the store).
        self._by_graph: dict[str, set[str]] = {}
        for docs in self._by_id.values():
            for doc in docs:
                self._by_graph.setdefault(doc.graph, set()).add(doc.id)
        self._cache: OrderedDict[str, Extraction] = OrderedDict()
        # The linker's views of cached stored documents (built once per graph and run, not per call).
        self._views: dict[str, list[ClaimView]] = {}
        self._cache_size = cache_size

    # -- registry ---------------------------------------------------------------------------------

    def stored(self) -> dict[str, list[StoredDocument]]:
        """Document id -> its stored graph(s), as this ingestor currently sees them."""
        return {k: list(v) for k, v in self._by_id.items()}

    def _ids_in(self, graph: str) -> list[str]:
        return sorted(self._by_graph.get(graph, ()))

    def _register(self, doc: StoredDocument) -> None:
        self._by_id.setdefault(doc.id, []).append(doc)
        self._by_graph.setdefault(doc.graph, set()).add(doc.id)

    def plan(self, document: Document) -> str:
        """``unchanged``, ``alias``, ``changed`` or ``new`` (see the module docstring)."""
        graph = ids.graph_iri(document.sha256)
        mine = self._by_id.get(document.id, [])
        if any(d.graph == graph for d in mine):
            return "unchanged"
        if self._ids_in(graph):
            return "alias"
        return "changed" if mine else "new"

    # -- writing ----------------------------------------------------------------------------------

    def add_alias(self, document: Document) -> Outcome:
        """Register ``document.id`` on the stored graph that already holds the same text."""
        graph = ids.graph_iri(document.sha256)
        self._unregister(document.id, keep=graph)
        self._forget(graph)  # its smallest id, the one read back, may change
        quad = ox.Quad(ox.NamedNode(ids.document_iri(document.sha256)), _DCTERMS_IDENTIFIER,
                       ox.Literal(document.id), ox.NamedNode(graph))
        self.backend.put_graph(graph, [quad])  # adding one quad: all or nothing like any put
        self._register(StoredDocument(document.id, document.sha256, graph))
        return Outcome(document.id, "alias", graph)

    def add(self, extraction: Extraction) -> Outcome:
        """Store one extracted document (replacing an older version of it), linked to stored claims."""
        document = extraction.document
        action = self.plan(document)
        graph = ids.graph_iri(document.sha256)
        if action == "unchanged":
            return Outcome(document.id, "unchanged", graph)
        if action == "alias":
            return self.add_alias(document)
        self._unregister(document.id, keep=None)
        linked: list[Extraction] = []
        relations: list[Relation] = []
        if self.link:
            loaded = self._load(self.candidates(extraction))
            linked = [ex for _, ex in loaded]
            relations = _link(extraction, linked, self._views_of(loaded))
        docs = {c.id: ex.document for ex in linked for c in ex.claims}
        docs.update({c.id: document for c in extraction.claims})
        quads = document_graph_oxigraph(
            extraction, [(rel, docs[rel.source_claim], docs.get(rel.target_claim)) for rel in relations])
        self.backend.put_graph(graph, quads)
        self._register(StoredDocument(document.id, document.sha256, graph))
        if self.link:
            # The document as read_extractions would read it back (parsed from the very quads just
            # written), so later documents of this run link against it without reading the store.
            stored = extraction_from_quads(quads, actors=False)
            if stored is not None:
                self._remember(graph, stored)
        return Outcome(document.id, "added" if action == "new" else "replaced", graph,
                       claims=len(extraction.claims), links=len(relations))

    def remove(self, document_id: str) -> Outcome | None:
        """Take a document out by id; None if the store does not hold it."""
        docs = self._by_id.get(document_id)
        if not docs:
            return None
        graph = docs[0].graph
        self._unregister(document_id, keep=None)
        return Outcome(document_id, "removed", graph)

    def _unregister(self, document_id: str, *, keep: str | None) -> None:
        for doc in self._by_id.pop(document_id, []):
            others = self._by_graph.pop(doc.graph, set()) - {document_id}
            if others:
                self._by_graph[doc.graph] = others
            if doc.graph == keep:
                continue
            if others:
                # Another id shares this text: take only this id off the shared graph.
                self.backend.remove_quad(ox.Quad(ox.NamedNode(ids.document_iri(doc.sha256)), _DCTERMS_IDENTIFIER,
                                                 ox.Literal(document_id), ox.NamedNode(doc.graph)))
            else:
                self.backend.drop_document(doc.graph)
            self._forget(doc.graph)

    def _forget(self, graph: str) -> None:
        self._cache.pop(graph, None)
        self._views.pop(graph, None)

    def _remember(self, graph: str, extraction: Extraction) -> None:
        self._cache[graph] = extraction
        self._cache.move_to_end(graph)
        self._trim()

    def _trim(self) -> None:
        while len(self._cache) > self._cache_size:
            graph, _ = self._cache.popitem(last=False)
            self._views.pop(graph, None)

    # -- incremental linking ----------------------------------------------------------------------

    def candidates(self, extraction: Extraction) -> list[str]:
        """Stored graphs to link a new document against: sharing actors, nearest in date, capped."""
        actors = {ids.agent_iri(a) for c in extraction.claims for a in c.about}
        if not actors or self.max_linked <= 0:
            return []
        own = ids.graph_iri(extraction.document.sha256)
        counts = {g: n for g, n in self.backend.about_counts(actors).items() if g != own}
        day = _date_ordinal(_document_date(extraction))
        dates = self.backend.graph_dates(counts) if day is not None else {}
        ranked = []
        for graph, shared in counts.items():
            other = _date_ordinal(dates.get(graph))
            distance = abs(day - other) if day is not None and other is not None else 10**7
            ranked.append((distance, -shared, graph))
        ranked.sort()
        return [graph for _, _, graph in ranked[: self.max_linked]]

    def load(self, graphs: Sequence[str]) -> list[Extraction]:
        """Stored documents as Extractions (document text, date and claims), cached by graph."""
        return [ex for _, ex in self._load(graphs)]

    def _load(self, graphs: Sequence[str]) -> list[tuple[str, Extraction]]:
        missing = [g for g in graphs if g not in self._cache]
        if missing:
            for graph, extraction in read_extractions(self.backend, missing).items():
                self._cache[graph] = extraction
        out = []
        for g in graphs:
            if g in self._cache:
                self._cache.move_to_end(g)
                out.append((g, self._cache[g]))
        self._trim()
        return out

    def _views_of(self, loaded: Sequence[tuple[str, Extraction]]) -> list[list[ClaimView]] | None:
        """The linker's views of each loaded stored document, built once per graph while it is cached."""
        linker = _linker()
        if linker is None:
            return None
        _, load_lexicon, views_from_extractions = linker
        out = []
        for graph, extraction in loaded:
            views = self._views.get(graph)
            if views is None:
                views = views_from_extractions([extraction], lexicon=load_lexicon())
                if graph in self._cache:  # not kept for a graph the cache has just let go
                    self._views[graph] = views
            out.append(views)
        return out


# -- reading stored documents back as records -------------------------------------------------------
# A document graph is read with one index range scan (``backend.graph_quads``) and parsed here: on
# Oxigraph this stays fast however many documents the store holds, unlike SPARQL over ``VALUES ?graph``.

_NS_GB = "https://w3id.org/graphbuild/ns#"
_RDF_TYPE = "http://www.w3.org/1999/02/22-rdf-syntax-ns#type"
_DCT = "http://purl.org/dc/terms/"
_OA = "http://www.w3.org/ns/oa#"
_SKOS = "http://www.w3.org/2004/02/skos/core#"
_PROV = "http://www.w3.org/ns/prov#"
_RDFS = "http://www.w3.org/2000/01/rdf-schema#"
_CLAIM_PREFIX = ids.IRI_BASE + "claim/"
_LINK_TYPES = {"corroborates": RelationType.CORROBORATES, "contradicts": RelationType.CONTRADICTS,
               "commentsOn": RelationType.COMMENTS_ON}


class _GraphIndex:
    """Subject -> predicate -> sorted objects (values), with the subjects of each rdf:type."""

    def __init__(self, quads: Iterable[ox.Quad]) -> None:
        self.by_subject: dict[str, dict[str, list[str]]] = {}
        for q in quads:
            self.by_subject.setdefault(q.subject.value, {}).setdefault(q.predicate.value, []).append(q.object.value)
        for props in self.by_subject.values():
            for values in props.values():
                values.sort()

    def all(self, subject: str, predicate: str) -> list[str]:
        return self.by_subject.get(subject, {}).get(predicate, [])

    def one(self, subject: str, predicate: str) -> str | None:
        values = self.all(subject, predicate)
        return values[0] if values else None  # several (labels per document): the smallest, always

    def typed(self, cls: str) -> list[str]:
        return sorted(s for s, props in self.by_subject.items() if cls in props.get(_RDF_TYPE, ()))

    def span(self, text: str, resource: str | None) -> Span | None:
        if resource is None:
            return None
        for selector in self.all(resource, _OA + "hasSelector"):
            if _OA + "TextPositionSelector" in self.all(selector, _RDF_TYPE):
                start, end = self.one(selector, _OA + "start"), self.one(selector, _OA + "end")
                if start is not None and end is not None:
                    return Span.of(text, int(start), int(end))
        return None


def _after(iri: str, prefix: str) -> str:
    # Concept IRIs are gb:commitment-certain etc.; the records' enum value is the part after the prefix.
    name = iri.rsplit("#", 1)[-1]
    return name.removeprefix(prefix)


def _agent_id(index: _GraphIndex, iri: str) -> str:
    return index.one(iri, _DCT + "identifier") or (iri.removeprefix(_AGENT_PREFIX))


def extraction_from_quads(quads: Iterable[ox.Quad], *, actors: bool = True) -> Extraction | None:
    """Rebuild one document's Extraction (document, date, claims, actors) from its graph's quads.

    The segmentation is not stored as records (items and comments are RDF nodes), so the rebuilt
    Segmentation holds the document and its date only: enough for linking and the networkx view.
    """
    index = _GraphIndex(quads)
    docs = index.typed(_NS_GB + "Document")
    if not docs:
        return None
    doc_iri = docs[0]
    doc_ids = index.all(doc_iri, _DCT + "identifier")
    text = index.one(doc_iri, _NS_GB + "text") or ""
    # An aliased graph has several ids: the smallest, so every run picks the same one.
    document = Document(id=doc_ids[0] if doc_ids else doc_iri, text=text,
                        sha256=index.one(doc_iri, _NS_GB + "sha256") or "", path=doc_ids[0] if doc_ids else doc_iri)
    claims = []
    for c in index.typed(_NS_GB + "Claim"):
        content = index.span(text, index.one(c, _NS_GB + "content"))
        source_iri = index.one(c, _PROV + "wasAttributedTo")
        if content is None or source_iri is None:
            continue
        source_id = _agent_id(index, source_iri)
        container = index.one(c, _DCT + "isPartOf")
        in_comment = container is not None and _NS_GB + "Comment" in index.all(container, _RDF_TYPE)
        number_of = index.one(container, _DCT + "isPartOf") if in_comment else container
        number = index.one(number_of, _NS_GB + "number") if number_of else None
        relayed = index.one(c, _NS_GB + "relayedBy")
        claims.append(Claim(
            id=index.one(c, _DCT + "identifier") or c.removeprefix(_CLAIM_PREFIX), document=document.id,
            item=int(number) if number is not None else None, in_comment=in_comment, content=content,
            source=Source(id=source_id, label=index.one(source_iri, _SKOS + "prefLabel") or source_id,
                          kind=SourceKind(_after(index.one(source_iri, _NS_GB + "sourceKind") or "", "source-")),
                          mention=index.span(text, index.one(c, _NS_GB + "sourceMention"))),
            cue=index.span(text, index.one(c, _NS_GB + "cue")),
            commitment=Commitment(_after(index.one(c, _NS_GB + "commitment") or "", "commitment-")),
            polarity=Polarity(_after(index.one(c, _NS_GB + "polarity") or "", "polarity-")),
            about=tuple(sorted(_agent_id(index, a) for a in index.all(c, _NS_GB + "about"))),
            relayed_by=_agent_id(index, relayed) if relayed else None,
            sentence=index.span(text, index.one(c, _NS_GB + "sentence")),
        ))
    claims.sort(key=lambda c: (c.content.start, c.content.end, c.id))
    found_actors: list[Actor] = []
    if actors:
        for a in index.typed(_NS_GB + "Actor"):
            actor_id = index.one(a, _DCT + "identifier")
            kind = index.one(a, _NS_GB + "actorKind")
            if actor_id is None or kind is None:
                continue
            label = index.one(a, _SKOS + "prefLabel") or actor_id
            found_actors.append(Actor(actor_id, label, ActorKind(_after(kind, "actor-")),
                                      aliases=tuple(index.all(a, _SKOS + "altLabel"))))
    seg = Segmentation(document=document, meta=DocumentMeta(date=index.one(doc_iri, _DCT + "issued")), sections=(),
                       items=(), redactions=(), furniture=())
    return Extraction(segmentation=seg, actors=tuple(found_actors), claims=tuple(claims))


def relations_from_quads(quads: Iterable[ox.Quad]) -> list[Relation]:
    """The claim links a graph holds (signals and notes; evidence spans are not rebuilt)."""
    index = _GraphIndex(quads)
    out = []
    for link in index.typed(_NS_GB + "ClaimLink"):
        a, b = index.one(link, _NS_GB + "linkFrom"), index.one(link, _NS_GB + "linkTo")
        kind, score = index.one(link, _NS_GB + "linkType"), index.one(link, _NS_GB + "score")
        if not (a and b and kind and score) or kind.rsplit("#", 1)[-1] not in _LINK_TYPES:
            continue
        evidence = tuple(Evidence(index.one(ev, _NS_GB + "signal") or "", (), index.one(ev, _RDFS + "comment") or "")
                         for ev in index.all(link, _NS_GB + "evidence"))
        out.append(Relation(_LINK_TYPES[kind.rsplit("#", 1)[-1]], a.removeprefix(_CLAIM_PREFIX),
                            b.removeprefix(_CLAIM_PREFIX), float(score), evidence))
    return out


def read_extractions(backend: Backend, graphs: Sequence[str], *, actors: bool = False) -> dict[str, Extraction]:
    """The Extractions of stored document graphs (see :func:`extraction_from_quads`)."""
    out = {}
    for graph in graphs:
        extraction = extraction_from_quads(backend.graph_quads(graph), actors=actors)
        if extraction is not None:
            out[graph] = extraction
    return out


def read_records(backend: Backend) -> tuple[list[Extraction], list[Relation]]:
    """Everything in a store as records (for the networkx view, the HTML page, JSON exports)."""
    graphs = sorted({d.graph for docs in backend.documents().values() for d in docs})
    extractions, relations = [], []
    for graph in graphs:
        quads = backend.graph_quads(graph)
        extraction = extraction_from_quads(quads)
        if extraction is not None:
            extractions.append(extraction)
        relations.extend(relations_from_quads(quads))
    return extractions, relations
