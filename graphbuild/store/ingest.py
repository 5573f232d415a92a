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

import pyoxigraph as ox
from rdflib import BNode, Literal, URIRef

from graphbuild import ids
from graphbuild.graph.rdf import document_quads, relation_quads
from graphbuild.records import (
    Actor, ActorKind, Claim, Commitment, Document, DocumentMeta, Evidence, Extraction, Polarity, Relation,
    RelationType, Segmentation, Source, SourceKind, Span,
)
from graphbuild.store.backend import Backend, StoredDocument, load_query, term_value, with_values

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


def to_ox(term: object) -> ox.NamedNode | ox.Literal | ox.BlankNode:
    """An rdflib term as a pyoxigraph term (same lexical form, datatype and language)."""
    if isinstance(term, URIRef):
        return ox.NamedNode(str(term))
    if isinstance(term, Literal):
        if term.language:
            return ox.Literal(str(term), language=term.language)
        if term.datatype is not None:
            return ox.Literal(str(term), datatype=ox.NamedNode(str(term.datatype)))
        return ox.Literal(str(term))
    if isinstance(term, BNode):
        return ox.BlankNode(str(term))
    raise TypeError(f"not an RDF term: {term!r}")


def _quads(rdf_quads: Iterable[tuple], graph: str) -> list[ox.Quad]:
    target = ox.NamedNode(graph)
    seen: set[ox.Quad] = set()
    out: list[ox.Quad] = []
    for s, p, o, _ in rdf_quads:
        q = ox.Quad(to_ox(s), to_ox(p), to_ox(o), target)
        if q not in seen:
            seen.add(q)
            out.append(q)
    return out


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


def _link(new: Extraction, stored: Sequence[Extraction]) -> list[Relation]:
    """Links between the new document's claims and the stored ones (and among the new ones)."""
    try:
        from graphbuild.link import link_claims
    except ImportError:  # the linking stage is optional at this layer; say so once
        if not getattr(_link, "_warned", False):
            log.warning("graphbuild.link.link_claims is not available; documents are stored without links")
            _link._warned = True  # type: ignore[attr-defined]
        return []
    new_ids = {c.id for c in new.claims}
    relations = link_claims([*stored, new])
    return [r for r in relations if r.source_claim in new_ids or r.target_claim in new_ids]


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
        self._cache: OrderedDict[str, Extraction] = OrderedDict()
        self._cache_size = cache_size

    # -- registry ---------------------------------------------------------------------------------

    def stored(self) -> dict[str, list[StoredDocument]]:
        """Document id -> its stored graph(s), as this ingestor currently sees them."""
        return {k: list(v) for k, v in self._by_id.items()}

    def _ids_in(self, graph: str) -> list[str]:
        return sorted(i for i, docs in self._by_id.items() if any(d.graph == graph for d in docs))

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
        quad = ox.Quad(ox.NamedNode(ids.document_iri(document.sha256)), _DCTERMS_IDENTIFIER,
                       ox.Literal(document.id), ox.NamedNode(graph))
        self.backend.put_graph(graph, [quad])  # adding one quad: all or nothing like any put
        self._by_id.setdefault(document.id, []).append(StoredDocument(document.id, document.sha256, graph))
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
        linked = self.load(self.candidates(extraction)) if self.link else []
        relations = _link(extraction, linked) if self.link else []
        docs = {c.id: ex.document for ex in linked for c in ex.claims}
        docs.update({c.id: document for c in extraction.claims})
        rdf_quads = list(document_quads(extraction))
        for rel in relations:
            rdf_quads.extend(relation_quads(rel, docs[rel.source_claim], docs.get(rel.target_claim)))
        self.backend.put_graph(graph, _quads(rdf_quads, graph))
        self._by_id[document.id] = [StoredDocument(document.id, document.sha256, graph)]
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
            if doc.graph == keep:
                continue
            if any(i != document_id for i in self._ids_in(doc.graph)):
                # Another id shares this text: take only this id off the shared graph.
                self.backend.remove_quad(ox.Quad(ox.NamedNode(ids.document_iri(doc.sha256)), _DCTERMS_IDENTIFIER,
                                                 ox.Literal(document_id), ox.NamedNode(doc.graph)))
            else:
                self.backend.drop_document(doc.graph)
                self._cache.pop(doc.graph, None)

    # -- incremental linking ----------------------------------------------------------------------

    def candidates(self, extraction: Extraction) -> list[str]:
        """Stored graphs to link a new document against: sharing actors, nearest in date, capped."""
        actors = {ids.agent_iri(a) for c in extraction.claims for a in c.about}
        if not actors or self.max_linked <= 0:
            return []
        own = ids.graph_iri(extraction.document.sha256)
        rows = self.backend.select(with_values(load_query("candidates"), "actor", actors))
        day = _date_ordinal(_document_date(extraction))
        ranked = []
        for row in rows:
            graph = term_value(row.get("graph"))
            if not graph or graph == own:
                continue
            shared = int(term_value(row.get("shared")) or 0)
            other = _date_ordinal(term_value(row.get("date")) if row.get("date") is not None else None)
            distance = abs(day - other) if day is not None and other is not None else 10**7
            ranked.append((distance, -shared, graph))
        ranked.sort()
        return [graph for _, _, graph in ranked[: self.max_linked]]

    def load(self, graphs: Sequence[str]) -> list[Extraction]:
        """Stored documents as Extractions (document text, date and claims), cached by graph."""
        missing = [g for g in graphs if g not in self._cache]
        if missing:
            for graph, extraction in read_extractions(self.backend, missing).items():
                self._cache[graph] = extraction
        out = []
        for g in graphs:
            if g in self._cache:
                self._cache.move_to_end(g)
                out.append(self._cache[g])
        while len(self._cache) > self._cache_size:
            self._cache.popitem(last=False)
        return out


# -- reading stored documents back as records -------------------------------------------------------


def _int(row: dict, name: str) -> int | None:
    value = row.get(name)
    return int(value.value) if value is not None else None


def _span(text: str, row: dict, start: str, end: str) -> Span | None:
    a, b = _int(row, start), _int(row, end)
    return None if a is None or b is None else Span.of(text, a, b)


def _after(iri: str, prefix: str) -> str:
    # Concept IRIs are gb:commitment-certain etc.; the records' enum value is the part after the prefix.
    name = iri.rsplit("#", 1)[-1]
    return name[len(prefix):] if name.startswith(prefix) else name


def _agent_id(iri: str, identifier: str | None) -> str:
    if identifier:
        return identifier
    return iri[len(_AGENT_PREFIX):] if iri.startswith(_AGENT_PREFIX) else iri


def read_extractions(backend: Backend, graphs: Sequence[str], *, actors: bool = False) -> dict[str, Extraction]:
    """Rebuild the Extractions (document, date, claims; actors if asked) of stored document graphs.

    The segmentation is not stored as records (items and comments are RDF nodes), so the rebuilt
    Segmentation has the document and its date only: enough for linking and the networkx view.
    """
    if not graphs:
        return {}
    documents: dict[str, Document] = {}
    dates: dict[str, str | None] = {}
    for row in backend.select(with_values(load_query("stored_documents"), "graph", graphs)):
        graph = row["graph"].value
        doc = Document(id=row["id"].value, text=row["text"].value, sha256=row["sha256"].value, path=row["id"].value)
        # An aliased graph has several ids: keep the smallest, so every run picks the same one.
        if graph not in documents or doc.id < documents[graph].id:
            documents[graph] = doc
            dates[graph] = term_value(row["issued"]) if "issued" in row else None
    about: dict[str, set[str]] = {}
    for row in backend.select(with_values(load_query("stored_about"), "graph", graphs)):
        actor_id = row["actorId"].value if "actorId" in row else None
        about.setdefault(row["claim"].value, set()).add(_agent_id(row["actor"].value, actor_id))
    claims: dict[str, dict[str, Claim]] = {}
    for row in backend.select(with_values(load_query("stored_claims"), "graph", graphs)):
        graph = row["graph"].value
        doc = documents.get(graph)
        if doc is None:
            continue
        text = doc.text
        claim_iri = row["claim"].value
        source = Source(
            id=row["sourceId"].value,
            label=row["sourceLabel"].value if "sourceLabel" in row else row["sourceId"].value,
            kind=SourceKind(_after(row["sourceKind"].value, "source-")),
            mention=_span(text, row, "mentionStart", "mentionEnd"),
        )
        claim = Claim(
            id=row["id"].value, document=doc.id, item=_int(row, "item"),
            in_comment=row["inComment"].value == "true" if "inComment" in row else False,
            content=Span.of(text, int(row["start"].value), int(row["end"].value)),
            source=source, cue=_span(text, row, "cueStart", "cueEnd"),
            commitment=Commitment(_after(row["commitment"].value, "commitment-")),
            polarity=Polarity(_after(row["polarity"].value, "polarity-")),
            about=tuple(sorted(about.get(claim_iri, ()))),
            relayed_by=_agent_id(row["relayedBy"].value, None) if "relayedBy" in row else None,
            sentence=_span(text, row, "sentenceStart", "sentenceEnd"),
        )
        # Several labels for one source give several rows: keep one deterministic choice.
        previous = claims.setdefault(graph, {}).get(claim.id)
        if previous is None or (claim.source.label, str(claim)) < (previous.source.label, str(previous)):
            claims[graph][claim.id] = claim
    found_actors = _read_actors(backend, graphs) if actors else {}
    out: dict[str, Extraction] = {}
    for graph, doc in documents.items():
        seg = Segmentation(document=doc, meta=DocumentMeta(date=dates.get(graph)), sections=(), items=(),
                           redactions=(), furniture=())
        ordered = sorted(claims.get(graph, {}).values(), key=lambda c: (c.content.start, c.content.end, c.id))
        out[graph] = Extraction(segmentation=seg, actors=found_actors.get(graph, ()), claims=tuple(ordered))
    return out


def _read_actors(backend: Backend, graphs: Sequence[str]) -> dict[str, tuple[Actor, ...]]:
    rows: dict[tuple[str, str], dict] = {}
    for row in backend.select(with_values(load_query("stored_actors"), "graph", graphs)):
        key = (row["graph"].value, row["id"].value)
        entry = rows.setdefault(key, {"label": row["label"].value, "kind": row["kind"].value, "aliases": set()})
        entry["label"] = min(entry["label"], row["label"].value)
        if "alias" in row:
            entry["aliases"].add(row["alias"].value)
    out: dict[str, list[Actor]] = {}
    for (graph, actor_id), e in sorted(rows.items()):
        out.setdefault(graph, []).append(Actor(actor_id, e["label"], ActorKind(_after(e["kind"], "actor-")),
                                               aliases=tuple(sorted(e["aliases"]))))
    return {g: tuple(a) for g, a in out.items()}


_CLAIM_PREFIX = ids.IRI_BASE + "claim/"
_LINK_TYPES = {"corroborates": RelationType.CORROBORATES, "contradicts": RelationType.CONTRADICTS,
               "commentsOn": RelationType.COMMENTS_ON}


def read_relations(backend: Backend, graphs: Sequence[str]) -> list[Relation]:
    """The claim links stored in ``graphs`` (signals and notes; evidence spans are not rebuilt)."""
    links: dict[str, dict] = {}
    for row in backend.select(with_values(load_query("stored_links"), "graph", graphs)):
        entry = links.setdefault(row["link"].value, {
            "from": row["from"].value.removeprefix(_CLAIM_PREFIX), "to": row["to"].value.removeprefix(_CLAIM_PREFIX),
            "type": _LINK_TYPES[row["type"].value.rsplit("#", 1)[-1]], "score": float(row["score"].value),
            "evidence": {},
        })
        if "evidence" in row:
            entry["evidence"][row["evidence"].value] = Evidence(
                row["signal"].value, (), row["note"].value if "note" in row else "")
    return [Relation(e["type"], e["from"], e["to"], e["score"], tuple(e["evidence"][k] for k in sorted(e["evidence"])))
            for _, e in sorted(links.items())]


def read_records(backend: Backend) -> tuple[list[Extraction], list[Relation]]:
    """Everything in a store as records (for the networkx view, the HTML page, JSON exports)."""
    graphs = sorted({d.graph for docs in backend.documents().values() for d in docs})
    extractions = read_extractions(backend, graphs, actors=True)
    return [extractions[g] for g in graphs if g in extractions], read_relations(backend, graphs)
