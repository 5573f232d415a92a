"""graphbuild's RDF vocabulary as a closed rdflib namespace, plus the standard ones it builds on.

``GB`` mirrors ``ontology/graphbuild.ttl`` term for term (``tests/test_rdf.py`` checks both ways), and
``_fail = True`` turns a typo such as ``GB.corroborate`` into an AttributeError instead of a silently
minted IRI. Concepts of the closed value lists have hyphenated names (``gb:commitment-certain``);
reach them with :func:`commitment`, :func:`polarity`, :func:`source_kind` and :func:`actor_kind`.
"""

from __future__ import annotations

from rdflib import Namespace, URIRef
from rdflib.namespace import DCTERMS, OWL, PROV, RDF, RDFS, SKOS, XSD, DefinedNamespace

from graphbuild.ids import ONTOLOGY_IRI
from graphbuild.records import ActorKind, Commitment, Polarity, RelationType, SourceKind

#: W3C Web Annotation vocabulary (rdflib ships no closed namespace for it).
OA = Namespace("http://www.w3.org/ns/oa#")

__all__ = [
    "DCTERMS", "GB", "OA", "OWL", "PREFIXES", "PROV", "RDF", "RDFS", "SKOS", "XSD",
    "actor_kind", "commitment", "link_property", "polarity", "source_kind",
]


class GB(DefinedNamespace):
    """Terms of ``ontology/graphbuild.ttl`` (labels and comments live there, not here)."""

    _NS = Namespace(ONTOLOGY_IRI)
    _fail = True

    # Classes
    Document: URIRef
    Section: URIRef
    Item: URIRef
    Comment: URIRef
    Claim: URIRef
    Source: URIRef
    Actor: URIRef
    Redaction: URIRef
    ClaimLink: URIRef
    Evidence: URIRef
    # Concept schemes
    CommitmentScheme: URIRef
    PolarityScheme: URIRef
    SourceKindScheme: URIRef
    ActorKindScheme: URIRef
    # Attribution and stance
    cue: URIRef
    content: URIRef
    sourceMention: URIRef
    sentence: URIRef
    commitment: URIRef
    polarity: URIRef
    about: URIRef
    relayedBy: URIRef
    sourceKind: URIRef
    # Copies on the claim of facts reached through other nodes, for fast listings (see rdf.py)
    sourceLabel: URIRef
    claimSourceKind: URIRef
    contentStart: URIRef
    cueText: URIRef
    actorKind: URIRef
    mention: URIRef
    # Claim-to-claim links
    corroborates: URIRef
    contradicts: URIRef
    commentsOn: URIRef
    linkFrom: URIRef
    linkTo: URIRef
    linkType: URIRef
    score: URIRef
    evidence: URIRef
    signal: URIRef
    evidenceSpan: URIRef
    # Document structure and metadata
    text: URIRef
    sha256: URIRef
    classification: URIRef
    releaseDate: URIRef
    span: URIRef
    headline: URIRef
    country: URIRef
    section: URIRef
    number: URIRef
    truncated: URIRef
    commentItem: URIRef
    code: URIRef

    # Not identifiers, so not annotations; a tuple, so nobody appends a term at run time.
    _extras = (
        *(f"commitment-{c.value}" for c in Commitment),
        *(f"polarity-{p.value}" for p in Polarity),
        *(f"source-{k.value}" for k in SourceKind),
        *(f"actor-{k.value}" for k in ActorKind),
    )


#: Prefixes bound in every serialisation and SPARQL preset.
PREFIXES: dict[str, str] = {
    "gb": ONTOLOGY_IRI,
    "prov": str(PROV),
    "dcterms": str(DCTERMS),
    "oa": str(OA),
    "skos": str(SKOS),
    "rdfs": str(RDFS),
    "xsd": str(XSD),
}


def commitment(value: Commitment) -> URIRef:
    return GB[f"commitment-{Commitment(value).value}"]


def polarity(value: Polarity) -> URIRef:
    return GB[f"polarity-{Polarity(value).value}"]


def source_kind(value: SourceKind) -> URIRef:
    return GB[f"source-{SourceKind(value).value}"]


def actor_kind(value: ActorKind) -> URIRef:
    return GB[f"actor-{ActorKind(value).value}"]


_LINKS = {
    RelationType.CORROBORATES: GB.corroborates,
    RelationType.CONTRADICTS: GB.contradicts,
    RelationType.COMMENTS_ON: GB.commentsOn,
}


def link_property(value: RelationType) -> URIRef:
    """The direct claim-to-claim property of a relation type."""
    return _LINKS[RelationType(value)]
