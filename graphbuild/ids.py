"""The only place identifiers are minted.

Identifiers are deterministic: derived from the document's content hash and character spans, so
building the same inputs twice gives the same ids, and text never leaks into a file name or an IRI
unescaped.
"""

from __future__ import annotations

import hashlib
import re
import unicodedata
import uuid

_SLUG_UNSAFE = re.compile(r"[^a-z0-9]+")


def content_hash(text: str) -> str:
    """SHA-256 of the UTF-8 text: the identity of a document's content."""
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def _digest(*parts: object, length: int = 16) -> str:
    h = hashlib.sha256("\x1f".join(str(p) for p in parts).encode("utf-8"))
    return h.hexdigest()[:length]


def slug(label: str, *, max_length: int = 48) -> str:
    """A lowercase ASCII slug, safe in IRIs and file names (never empty)."""
    ascii_label = unicodedata.normalize("NFKD", label).encode("ascii", "ignore").decode("ascii")
    s = _SLUG_UNSAFE.sub("-", ascii_label.lower()).strip("-")[:max_length].strip("-")
    return s or "x" + _digest(label, length=8)


def document_id(sha256: str) -> str:
    """Short content-derived id of a document (used in IRIs)."""
    return "d" + sha256[:16]


def claim_id(document_sha256: str, content_start: int, content_end: int, source_start: int | None) -> str:
    """Stable id of a claim: the document content plus its content span and source mention."""
    return "c" + _digest(document_sha256, content_start, content_end, source_start)


def actor_id(label: str) -> str:
    """Stable id of an actor from its canonical label (gazetteer ids are used as given)."""
    return slug(label)


def span_id(document_sha256: str, kind: str, start: int, end: int) -> str:
    """Id of any other span-anchored node (item, comment, mention, redaction)."""
    return kind[:1] + _digest(document_sha256, kind, start, end)


def relation_id(kind: str, a: str, b: str) -> str:
    """Id of a claim-claim link; symmetric kinds are ordered so a pair has one id per type."""
    if kind in ("corroborates", "contradicts") and b < a:
        a, b = b, a
    return "r" + _digest(kind, a, b)


# --- IRIs (RDF) ---------------------------------------------------------------------------------
# Instance IRIs are built here, from the same content-hash and span ids as the records, so the RDF
# of one input is identical on every build and a second ingest of a document adds nothing.

#: Namespace of graphbuild's ontology terms (ontology/graphbuild.ttl).
ONTOLOGY_IRI = "https://w3id.org/graphbuild/ns#"
#: Base of every instance IRI graphbuild mints.
IRI_BASE = "https://w3id.org/graphbuild/id/"

_IRI_SAFE = re.compile(r"[A-Za-z0-9._~-]+")


def _segment(value: str) -> str:
    # Record ids are slug-like already; anything else (a user's own actor id) is hashed rather than
    # percent-encoded, so no character of input text ever reaches an IRI.
    return value if _IRI_SAFE.fullmatch(value) else "x" + _digest(value)


def document_iri(sha256: str) -> str:
    """IRI of a document: its content hash, so the same text always has the same IRI."""
    return f"{IRI_BASE}doc/{document_id(sha256)}"


def graph_iri(sha256: str) -> str:
    """IRI of the named graph that holds one document's triples (replaced or dropped as a unit)."""
    return f"{IRI_BASE}graph/{document_id(sha256)}"


def claim_iri(claim: str) -> str:
    """IRI of a claim from its record id (``claim_id``)."""
    return f"{IRI_BASE}claim/{_segment(claim)}"


def agent_iri(actor: str) -> str:
    """IRI of an actor or source from its actor id; an actor that is also a source has one IRI."""
    return f"{IRI_BASE}actor/{_segment(actor)}"


def part_iri(document_sha256: str, kind: str, start: int, end: int) -> str:
    """IRI of a span-anchored part of a document: item, comment, section, redaction."""
    return f"{IRI_BASE}{_segment(kind)}/{span_id(document_sha256, kind, start, end)}"


def span_iri(document_sha256: str, role: str, start: int, end: int) -> str:
    """IRI of an evidence span (an ``oa:SpecificResource``) playing ``role`` (content, cue, ...)."""
    return f"{IRI_BASE}span/{document_id(document_sha256)}-{_segment(role)}-{start}-{end}"


def relation_iri(relation: str) -> str:
    """IRI of the qualified node of a claim-claim link, from its ``relation_id``."""
    return f"{IRI_BASE}link/{_segment(relation)}"


# --- STIX 2.1 ------------------------------------------------------------------------------------
#: UUIDv5 namespace of graphbuild's STIX ids, itself derived from the IRI base.
STIX_NAMESPACE = uuid.uuid5(uuid.NAMESPACE_URL, IRI_BASE + "stix")


def stix_id(object_type: str, key: str) -> str:
    """Deterministic STIX 2.1 id ``<type>--<UUIDv5>`` of the object exported for a graphbuild id."""
    return f"{object_type}--{uuid.uuid5(STIX_NAMESPACE, f'{object_type}/{key}')}"


def file_graph_iri() -> str:
    """IRI of the named graph a triples-only file (Turtle, N-Triples) is loaded into for querying."""
    return f"{IRI_BASE}graph/file"
