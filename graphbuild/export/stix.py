"""Who-said-what as a STIX 2.1 bundle, for CTI platforms (OpenCTI, MISP, any TAXII feed).

The mapping (explained at length, with the OpenCTI view of it, in ``docs/stix.md``):

=============================  ==================================================================
graphbuild                     STIX 2.1
=============================  ==================================================================
document                       ``report`` (``published`` = bulletin date; ``object_refs`` = all
                               objects derived from it; external reference with the SHA-256)
source                         ``identity`` (``identity_class``/``sectors`` from the source kind,
                               ``roles: ["source"]``)
actor (state, organisation,    ``identity`` (state: organisation with sector government-national;
person, group)                 person: individual; group: group)
actor (place)                  ``location`` (``region`` = the actor id; graphbuild does not geocode)
claim                          ``note``: ``content`` = the claim text, ``object_refs`` = the actors
                               it is about + its report, ``created_by_ref``/``authors`` = its
                               source, ``confidence`` = suggested Admiralty credibility via the
                               STIX 2.1 Appendix A mapping, external reference to the document
                               span (and page), stance and cue in ``x_graphbuild_*`` properties
analyst claim that             ``opinion`` on the other claim's note: ``agree`` (corroborates),
corroborates / contradicts /   ``disagree`` (contradicts), ``neutral`` (comments on)
comments on a claim
claim-claim link               ``relationship`` between the two notes, custom types
                               ``corroborates`` / ``contradicts`` / ``comments-on`` (or
                               ``related-to`` with ``opencti=True``); ``confidence`` = score x 100
=============================  ==================================================================

Every id is a UUIDv5 of the graphbuild id (:func:`graphbuild.ids.stix_id`) and every timestamp is
fixed (``created``), so the same build exports the same bundle byte for byte.

``stix2`` is an optional dependency (``pip install 'graphbuild[stix]'``), imported when exporting.
"""

from __future__ import annotations

import hashlib
import json
import logging
import re
from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import Any

from graphbuild import ids
from graphbuild.atomic import write_text
from graphbuild.errors import OutputError
from graphbuild.export.outdir import BuildOutput
from graphbuild.ingest.pdf import page_at
from graphbuild.records import ActorKind, Claim, Relation, RelationType, SourceKind

log = logging.getLogger("graphbuild")

INSTALL_HINT = "STIX export needs stix2: pip install 'graphbuild[stix]' (or: pip install stix2)"

#: ``created``/``modified`` when the build has no dated document (override with ``created=``).
EPOCH = "1970-01-01T00:00:00Z"

#: Admiralty information credibility -> the label stix2's Appendix A scale function takes.
ADMIRALTY_CREDIBILITY = {
    1: "1 - Confirmed by other sources",
    2: "2 - Probably True",
    3: "3 - Possibly True",
    4: "4 - Doubtful",
    5: "5 - Improbable",
    6: "6 - Truth cannot be judged",
}

# actor kind -> (STIX type, identity_class, sectors)
_ACTOR_KINDS: dict[ActorKind, tuple[str, str, tuple[str, ...]]] = {
    ActorKind.STATE: ("identity", "organization", ("government-national",)),
    ActorKind.ORGANIZATION: ("identity", "organization", ()),
    ActorKind.PERSON: ("identity", "individual", ()),
    ActorKind.GROUP: ("identity", "group", ()),
    ActorKind.SOURCE: ("identity", "unknown", ()),
    ActorKind.PLACE: ("location", "", ()),
}
# source kind -> (identity_class, sectors)
_SOURCE_KINDS: dict[SourceKind, tuple[str, tuple[str, ...]]] = {
    SourceKind.ORGANIZATION: ("organization", ()),
    SourceKind.GOVERNMENT: ("organization", ("government-national",)),
    SourceKind.PRESS: ("organization", ("communications",)),
    SourceKind.PERSON: ("individual", ()),
    SourceKind.ANALYST: ("organization", ()),
    SourceKind.REDACTED: ("unknown", ()),
    SourceKind.UNSPECIFIED: ("unknown", ()),
}
_OPINIONS = {
    RelationType.CORROBORATES: "agree",
    RelationType.CONTRADICTS: "disagree",
    RelationType.COMMENTS_ON: "neutral",
}
_TYPE_ORDER = ("identity", "location", "report", "note", "opinion", "relationship")
_DATE = re.compile(r"(\d{4})(?:-(\d{2}))?(?:-(\d{2}))?")


def stix_confidence(credibility: int | None) -> int | None:
    """STIX ``confidence`` (0-100) of an Admiralty credibility rating, per STIX 2.1 Appendix A.

    Rating 6 ("truth cannot be judged") and unknown ratings have no confidence value.

    >>> [stix_confidence(n) for n in (1, 2, 3, 4, 5, 6, None)]
    [90, 70, 50, 30, 10, None, None]
    """
    if credibility not in ADMIRALTY_CREDIBILITY or credibility == 6:
        return None
    from stix2.confidence.scales import admiralty_credibility_to_value

    return admiralty_credibility_to_value(ADMIRALTY_CREDIBILITY[credibility])


def to_stix_objects(output: BuildOutput, *, created: str | None = None, opencti: bool = False) -> list[Any]:
    """The STIX 2.1 objects of a build, in a stable order.

    Args:
        output: a loaded build (:func:`graphbuild.export.outdir.load_build_output`).
        created: ``created``/``modified`` timestamp of every object; default: the latest bulletin
            date of the build (or 1970-01-01), so that the export is reproducible.
        opencti: emit claim-claim links as ``related-to`` (OpenCTI refuses custom relationship types).

    Raises:
        OutputError: stix2 is not installed.
    """
    stix2 = _stix2()
    stamp = created or _default_timestamp(output)
    exporter = _Exporter(stix2, output, stamp, opencti=opencti)
    return exporter.run()


def to_stix_bundle(output: BuildOutput, *, created: str | None = None, opencti: bool = False) -> Any:
    """A ``stix2.v21.Bundle`` of :func:`to_stix_objects`, its id derived from the objects' ids."""
    stix2 = _stix2()
    objects = to_stix_objects(output, created=created, opencti=opencti)
    digest = hashlib.sha256("\n".join(o.id for o in objects).encode("ascii")).hexdigest()
    return stix2.v21.Bundle(objects=objects, id=ids.stix_id("bundle", digest), allow_custom=True)


def write_stix_bundle(
    output: BuildOutput, path: str | Path, *, created: str | None = None, opencti: bool = False
) -> int:
    """Write the bundle as JSON (atomically); return the number of objects."""
    bundle = to_stix_bundle(output, created=created, opencti=opencti)
    write_text(path, serialize_bundle(bundle))
    return len(bundle.objects)


def serialize_bundle(bundle: Any) -> str:
    """Indented JSON of a bundle, keys in stix2's property order.

    stix2's own ``serialize(pretty=True)`` sorts properties in quadratic time (minutes for a few
    hundred objects); compact serialisation re-indented by :mod:`json` is linear and byte-stable.
    """
    return json.dumps(json.loads(bundle.serialize()), indent=2, ensure_ascii=False) + "\n"


def _stix2() -> Any:
    try:
        import stix2
    except ImportError as exc:
        raise OutputError(INSTALL_HINT) from exc
    return stix2


def _timestamp(date: str | None) -> str | None:
    """``YYYY[-MM[-DD]]...`` -> a STIX timestamp at midnight UTC (missing parts = 01)."""
    m = _DATE.match(date or "")
    if not m:
        return None
    year, month, day = m.group(1), m.group(2) or "01", m.group(3) or "01"
    return f"{year}-{month}-{day}T00:00:00Z"


def _default_timestamp(output: BuildOutput) -> str:
    dates = [d.get("date") for d in output.documents.values()] + list(output.dates.values())
    stamps = sorted(t for t in (_timestamp(d) for d in dates if isinstance(d, str)) if t)
    return stamps[-1] if stamps else EPOCH


class _Exporter:
    """Builds the objects of one bundle; one pass over claims, actors and relations."""

    def __init__(self, stix2: Any, output: BuildOutput, created: str, *, opencti: bool) -> None:
        self.v21 = stix2.v21
        self.output = output
        self.common = {"created": created, "modified": created, "allow_custom": True}
        self.opencti = opencti
        self.claims: dict[str, Claim] = {c.id: c for c in output.claims}
        # identity/location properties collected before the objects are made (a source can also be
        # an actor: one object, properties merged)
        self.agents: dict[str, dict[str, Any]] = {}
        self.report_refs: dict[str, list[str]] = {}

    # -- ids -------------------------------------------------------------------------------------
    def agent_ref(self, actor_id: str) -> str:
        return self.agents[actor_id]["id"]

    @staticmethod
    def note_ref(claim_id: str) -> str:
        return ids.stix_id("note", claim_id)

    def report_key(self, document: str) -> str:
        sha = (self.output.documents.get(document) or {}).get("sha256")
        return ids.document_id(sha) if isinstance(sha, str) else document

    def report_ref(self, document: str) -> str:
        return ids.stix_id("report", self.report_key(document))

    # -- run -------------------------------------------------------------------------------------
    def run(self) -> list[Any]:
        analyst = self._analyst_id()
        # actors first: an id that is both a place and a source stays a location
        for claim in self.output.claims:
            for actor_id in claim.about:
                self._add_actor(actor_id)
        for claim in self.output.claims:
            self._add_source(claim)
        self._add_analyst(analyst)
        objects: list[Any] = []
        for claim in self.output.claims:
            objects.append(self._note(claim))
        objects.extend(self._links())
        objects.extend(self._reports(analyst))
        objects.extend(self._agent_objects())
        order = {t: i for i, t in enumerate(_TYPE_ORDER)}
        return sorted(objects, key=lambda o: (order.get(o.type, 99), o.id))

    def _analyst_id(self) -> str:
        for claim in self.output.claims:
            if claim.source.kind is SourceKind.ANALYST:
                return claim.source.id
        return "analyst"

    # -- agents ----------------------------------------------------------------------------------
    def _agent(self, actor_id: str, stix_type: str, label: str) -> dict[str, Any]:
        agent = self.agents.get(actor_id)
        if agent is None:
            agent = self.agents[actor_id] = {
                "type": stix_type,
                "id": ids.stix_id(stix_type, actor_id),
                "name": label,
                "graphbuild": actor_id,
                "sectors": [],
                "roles": [],
                "class": None,
                "kinds": [],
            }
        return agent

    def identity_ref(self, actor_id: str) -> str | None:
        """The identity of a source, if it has one (``created_by_ref`` must name an identity)."""
        agent = self.agents.get(actor_id)
        return agent["id"] if agent and agent["type"] == "identity" else None

    def _add_actor(self, actor_id: str) -> None:
        actor = self.output.actors.get(actor_id)
        kind = actor.kind if actor else ActorKind.SOURCE
        stix_type, identity_class, sectors = _ACTOR_KINDS[kind]
        agent = self._agent(actor_id, stix_type, actor.label if actor else actor_id)
        agent["actor"] = True
        agent["class"] = agent["class"] or identity_class
        _extend(agent["sectors"], sectors)
        _extend(agent["kinds"], [kind.value])
        if actor and actor.aliases:
            agent["aliases"] = list(actor.aliases)

    def _add_source(self, claim: Claim) -> None:
        source = claim.source
        existing = self.agents.get(source.id)
        if existing is not None and existing["type"] == "location":
            return  # a place quoted as a source ("Moscow announced") stays the place
        identity_class, sectors = _SOURCE_KINDS[source.kind]
        agent = self._agent(source.id, "identity", source.label)
        agent["class"] = agent["class"] or identity_class
        _extend(agent["sectors"], sectors)
        _extend(agent["roles"], ["source"])
        _extend(agent["kinds"], [f"source:{source.kind.value}"])

    def _add_analyst(self, analyst: str) -> None:
        # the document's own voice: author of every report, even one without analyst claims
        if analyst not in self.agents:
            agent = self._agent(analyst, "identity", "analyst")
            agent["class"] = "organization"
            agent["roles"].append("source")
            agent["kinds"].append("source:analyst")

    def _agent_objects(self) -> Iterable[Any]:
        for agent in self.agents.values():
            custom = {"x_graphbuild_id": agent["graphbuild"], "x_graphbuild_kinds": agent["kinds"]}
            if agent["type"] == "location":
                yield self.v21.Location(
                    id=agent["id"],
                    name=agent["name"],
                    region=ids.slug(agent["graphbuild"]),
                    x_opencti_location_type="Region",
                    **custom,
                    **self.common,
                )
                continue
            props: dict[str, Any] = {"identity_class": agent["class"] or "unknown"}
            if agent["sectors"]:
                props["sectors"] = agent["sectors"]
            if agent["roles"]:
                props["roles"] = agent["roles"]
            if agent.get("aliases"):
                props["x_graphbuild_aliases"] = agent["aliases"]
            yield self.v21.Identity(id=agent["id"], name=agent["name"], **props, **custom, **self.common)

    # -- claims ----------------------------------------------------------------------------------
    def _note(self, claim: Claim) -> Any:
        refs = list(dict.fromkeys(self.agent_ref(a) for a in claim.about))
        report = self.report_ref(claim.document)
        refs.append(report)
        cue = claim.cue.text if claim.cue else None
        props: dict[str, Any] = {
            "abstract": f"{claim.source.label} — {cue or 'says'} ({claim.commitment.value}, {claim.polarity.value})",
            "content": claim.content.text,
            "authors": [claim.source.label],
            "object_refs": refs,
            "created_by_ref": self.identity_ref(claim.source.id),
            "labels": [f"commitment:{claim.commitment.value}", f"polarity:{claim.polarity.value}"]
            + (["analyst-comment"] if claim.in_comment else []),
            "external_references": self._claim_references(claim),
            "x_graphbuild_claim": claim.id,
            "x_graphbuild_document": claim.document,
            "x_graphbuild_source": claim.source.id,
            "x_graphbuild_commitment": claim.commitment.value,
            "x_graphbuild_polarity": claim.polarity.value,
            "x_graphbuild_span": [claim.content.start, claim.content.end],
        }
        if cue:
            props["x_graphbuild_cue"] = cue
        if claim.sentence:
            props["x_graphbuild_sentence"] = claim.sentence.text
        if claim.relayed_by:
            props["x_graphbuild_relayed_by"] = claim.relayed_by
        date = self.output.dates.get(claim.id)
        if date:
            props["x_graphbuild_bulletin_date"] = date
        rating = self.output.credibility.get(claim.id)
        if rating is not None:
            props["x_graphbuild_credibility"] = ADMIRALTY_CREDIBILITY[rating]
            reasons = self.output.credibility_reasons.get(claim.id)
            if reasons:
                props["x_graphbuild_credibility_reasons"] = list(reasons)
            confidence = stix_confidence(rating)
            if confidence is not None:
                props["confidence"] = confidence
        page = self._page(claim)
        if page is not None:
            props["x_graphbuild_page"] = page
        self.report_refs.setdefault(claim.document, []).extend([self.note_ref(claim.id), *refs[:-1]])
        if props["created_by_ref"]:
            self.report_refs[claim.document].append(props["created_by_ref"])
        else:
            del props["created_by_ref"]
        return self.v21.Note(id=self.note_ref(claim.id), **props, **self.common)

    def _page(self, claim: Claim) -> int | None:
        pages = (self.output.documents.get(claim.document) or {}).get("pages")
        return page_at(pages, claim.content.start) if pages else None

    def _claim_references(self, claim: Claim) -> list[dict[str, Any]]:
        where = f"characters {claim.content.start}-{claim.content.end} of {claim.document}"
        page = self._page(claim)
        if page is not None:
            where += f", page {page}"
        span_ref: dict[str, Any] = {
            "source_name": "graphbuild-document",
            "description": where,
            "external_id": claim.document,
        }
        sha = (self.output.documents.get(claim.document) or {}).get("sha256")
        if isinstance(sha, str):
            span_ref["hashes"] = {"SHA-256": sha}
        return [
            {"source_name": "graphbuild", "external_id": claim.id, "description": "graphbuild claim id"},
            span_ref,
        ]

    # -- links -----------------------------------------------------------------------------------
    def _links(self) -> Iterable[Any]:
        for relation in self.output.relations:
            a, b = self.claims.get(relation.source_claim), self.claims.get(relation.target_claim)
            if a is None or b is None:
                log.warning(
                    "relation %s -> %s names a claim not in claims.jsonl; skipped",
                    relation.source_claim,
                    relation.target_claim,
                )
                continue
            rel_id = ids.relation_id(relation.type.value, a.id, b.id)
            yield self._relationship(rel_id, relation, a, b)
            opinion = self._opinion(rel_id, relation, a, b)
            if opinion is not None:
                yield opinion

    def _relationship(self, rel_id: str, relation: Relation, a: Claim, b: Claim) -> Any:
        kind = relation.type.value.replace("_", "-")
        evidence = [
            {"signal": e.signal, "note": e.note, "spans": [s.to_json() for s in e.spans]}
            for e in relation.evidence
        ]
        description = "; ".join(f"{e.signal}: {e.note}" if e.note else e.signal for e in relation.evidence)
        props: dict[str, Any] = {
            "relationship_type": "related-to" if self.opencti else kind,
            "source_ref": self.note_ref(a.id),
            "target_ref": self.note_ref(b.id),
            "confidence": max(0, min(100, round(relation.score * 100))),
            "x_graphbuild_relation": kind,
            "x_graphbuild_score": relation.score,
            "x_graphbuild_evidence": evidence,
        }
        if self.opencti or description:
            props["description"] = (f"{kind}: " if self.opencti else "") + description
        stix_id = ids.stix_id("relationship", rel_id)
        self.report_refs.setdefault(a.document, []).append(stix_id)
        return self.v21.Relationship(id=stix_id, **props, **self.common)

    def _opinion(self, rel_id: str, relation: Relation, a: Claim, b: Claim) -> Any | None:
        # The analyst's comment is an assessment of the other claim: who holds the opinion is the
        # analyst side (for comments_on, only its source side comments).
        if relation.type is RelationType.COMMENTS_ON:
            holder, target = (a, b) if _is_analyst(a) and not _is_analyst(b) else (None, None)
        elif _is_analyst(a) != _is_analyst(b):
            holder, target = (a, b) if _is_analyst(a) else (b, a)
        else:
            holder, target = None, None
        if holder is None or target is None:
            return None
        stix_id = ids.stix_id("opinion", rel_id)
        props: dict[str, Any] = {
            "opinion": _OPINIONS[relation.type],
            "explanation": holder.content.text,
            "authors": [holder.source.label],
            "object_refs": [self.note_ref(target.id)],
            "x_graphbuild_claim": holder.id,
            "x_graphbuild_relation": relation.type.value,
        }
        if self.identity_ref(holder.source.id):
            props["created_by_ref"] = self.identity_ref(holder.source.id)
        self.report_refs.setdefault(holder.document, []).append(stix_id)
        return self.v21.Opinion(id=stix_id, **props, **self.common)

    # -- reports ---------------------------------------------------------------------------------
    def _reports(self, analyst: str) -> Iterable[Any]:
        documents = dict.fromkeys([c.document for c in self.output.claims] + list(self.output.documents))
        author = self.identity_ref(analyst)
        for document in documents:
            entry = self.output.documents.get(document) or {}
            refs = list(dict.fromkeys(self.report_refs.get(document) or ([author] if author else [])))
            reference: dict[str, Any] = {"source_name": "graphbuild-document", "external_id": document}
            if isinstance(entry.get("sha256"), str):
                reference["hashes"] = {"SHA-256": entry["sha256"]}
            props: dict[str, Any] = {
                "name": entry.get("title") or document,
                "published": _timestamp(entry.get("date")) or self.common["created"],
                "report_types": ["threat-report"],
                "object_refs": refs,
                "external_references": [reference],
                "x_graphbuild_document": document,
            }
            if author:
                props["created_by_ref"] = author
            if entry.get("date"):
                props["x_graphbuild_bulletin_date"] = entry["date"]
            yield self.v21.Report(id=ids.stix_id("report", self.report_key(document)), **props, **self.common)


def _is_analyst(claim: Claim) -> bool:
    return claim.source.kind is SourceKind.ANALYST or claim.in_comment


def _extend(target: list[str], values: Iterable[str]) -> None:
    for value in values:
        if value not in target:
            target.append(value)


def bundle_summary(objects: Iterable[Any]) -> Mapping[str, int]:
    """Count of objects per STIX type (for the CLI's one-line report)."""
    counts: dict[str, int] = {}
    for o in objects:
        counts[o.type] = counts.get(o.type, 0) + 1
    return counts
