"""Read a build output folder back into records: claims.jsonl, actors.jsonl, relations.jsonl, texts/.

Commands that work on a finished build (``export stix``, ``timeline``) start here, so they depend on
the on-disk shapes only (``graphbuild.serialize`` writes them; this module is their inverse), never on
re-running the NLP. Missing optional files (relations, texts) read as empty.

Two facts are not (yet) on every claims.jsonl line and are looked up in order:

- the bulletin date: the line's ``date``, else the date of its document in ``texts/index.jsonl``
  (the segmenter's publication date, or a ``date`` given with a JSONL / web-page input);
- the suggested Admiralty information credibility (1-6): the line's ``credibility`` (an integer,
  or an object with ``value``/``rating``), else the linking stage's suggestion computed from the
  relations (:func:`graphbuild.link.assess.rate_claims`), with its reasons.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from types import MappingProxyType
from typing import Any

from graphbuild.errors import InputError
from graphbuild.export.texts import load_index
from graphbuild.link.assess import rate_claims
from graphbuild.records import (
    Actor,
    ActorKind,
    Claim,
    Commitment,
    Evidence,
    Extraction,
    Polarity,
    Relation,
    RelationType,
    Source,
    SourceKind,
    Span,
)

CLAIMS = "claims.jsonl"
ACTORS = "actors.jsonl"
RELATIONS = "relations.jsonl"


@dataclass(frozen=True, slots=True)
class BuildOutput:
    """What a build folder holds, as records, with per-claim facts kept beside the claims."""

    claims: tuple[Claim, ...]
    actors: Mapping[str, Actor]  # by actor id; mentions merged over documents
    relations: tuple[Relation, ...]
    documents: Mapping[str, Mapping[str, Any]] = field(default_factory=dict)  # texts/index.jsonl by id
    dates: Mapping[str, str] = field(default_factory=dict)  # claim id -> bulletin date (ISO 8601)
    credibility: Mapping[str, int] = field(default_factory=dict)  # claim id -> Admiralty 1-6 (suggested)
    credibility_reasons: Mapping[str, tuple[str, ...]] = field(default_factory=dict)  # claim id -> why


def load_build_output(outdir: str | Path) -> BuildOutput:
    """Load a ``graphbuild build`` output folder.

    Raises:
        InputError: the folder has no claims.jsonl, or a line is not valid JSON of the known shape.
    """
    outdir = Path(outdir)
    if not (outdir / CLAIMS).is_file():
        raise InputError(f"no {CLAIMS} here; is this a graphbuild build output folder?", path=str(outdir))
    documents = load_index(outdir)
    claims: list[Claim] = []
    dates: dict[str, str] = {}
    credibility: dict[str, int] = {}
    for where, line in _iter_jsonl(outdir / CLAIMS):
        claim = _parse(claim_from_json, line, where)
        claims.append(claim)
        date = line.get("date") or (documents.get(claim.document) or {}).get("date")
        if isinstance(date, str) and date:
            dates[claim.id] = date
        rating = _credibility(line.get("credibility"))
        if rating is not None:
            credibility[claim.id] = rating
    actors: dict[str, Actor] = {}
    if (outdir / ACTORS).is_file():
        for where, line in _iter_jsonl(outdir / ACTORS):
            actor = _parse(actor_from_json, line, where)
            known = actors.get(actor.id)
            actors[actor.id] = actor if known is None else _merge(known, actor)
    relations: list[Relation] = []
    if (outdir / RELATIONS).is_file():
        relations = [
            _parse(relation_from_json, line, where) for where, line in _iter_jsonl(outdir / RELATIONS)
        ]
    reasons: dict[str, tuple[str, ...]] = {}
    # the suggestion is cheap to recompute: it fills unrated claims and explains the rated ones
    # whose stored rating is that same suggestion
    for claim_id, rating in rate_claims(claims, relations).items():
        credibility.setdefault(claim_id, rating.rating)
        if credibility[claim_id] == rating.rating:
            reasons[claim_id] = rating.reasons
    return BuildOutput(
        claims=tuple(claims),
        actors=MappingProxyType(actors),
        relations=tuple(relations),
        documents=MappingProxyType(documents),
        dates=MappingProxyType(dates),
        credibility=MappingProxyType(credibility),
        credibility_reasons=MappingProxyType(reasons),
    )


def output_from_records(extractions: Iterable[Extraction], relations: Iterable[Relation]) -> BuildOutput:
    """The same view of records held in memory or read back from a store."""
    extractions, relations = list(extractions), tuple(relations)
    claims = tuple(c for ex in extractions for c in ex.claims)
    actors: dict[str, Actor] = {}
    for ex in extractions:
        for actor in ex.actors:
            known = actors.get(actor.id)
            actors[actor.id] = actor if known is None else _merge(known, actor)
    dates = {c.id: ex.segmentation.meta.date for ex in extractions for c in ex.claims
             if ex.segmentation.meta.date}
    ratings = rate_claims(claims, relations)
    return BuildOutput(
        claims=claims,
        actors=MappingProxyType(actors),
        relations=relations,
        dates=MappingProxyType(dates),
        credibility=MappingProxyType({cid: r.rating for cid, r in ratings.items()}),
        credibility_reasons=MappingProxyType({cid: r.reasons for cid, r in ratings.items()}),
    )


def claim_from_json(d: Mapping[str, Any]) -> Claim:
    """Inverse of :func:`graphbuild.serialize.claim_to_json`."""
    src = d["source"]
    return Claim(
        id=d["id"],
        document=d["document"],
        item=d.get("item"),
        in_comment=bool(d.get("in_comment")),
        content=_span(d["content"]),
        source=Source(
            id=src["id"],
            label=src.get("label") or src["id"],
            kind=SourceKind(src.get("kind", "unspecified")),
            mention=_opt_span(src.get("mention")),
        ),
        cue=_opt_span(d.get("cue")),
        commitment=Commitment(d.get("commitment", "certain")),
        polarity=Polarity(d.get("polarity", "positive")),
        about=tuple(d.get("about") or ()),
        relayed_by=d.get("relayed_by"),
        sentence=_opt_span(d.get("sentence")),
    )


def actor_from_json(d: Mapping[str, Any]) -> Actor:
    """Inverse of :func:`graphbuild.serialize.actor_to_json` (the ``document`` key is dropped)."""
    return Actor(
        id=d["id"],
        label=d.get("label") or d["id"],
        kind=ActorKind(d.get("kind", "group")),
        aliases=tuple(d.get("aliases") or ()),
        mentions=tuple(_span(m) for m in d.get("mentions") or ()),
    )


def relation_from_json(d: Mapping[str, Any]) -> Relation:
    """One relations.jsonl line: ``{"id","type","from","to","score","evidence":[...]}``."""
    return Relation(
        type=RelationType(d["type"]),
        source_claim=d["from"],
        target_claim=d["to"],
        score=float(d.get("score", 0.0)),
        evidence=tuple(
            Evidence(
                signal=str(e.get("signal", "")),
                note=str(e.get("note", "")),
                spans=tuple(_span(s) for s in e.get("spans") or ()),
            )
            for e in d.get("evidence") or ()
        ),
    )


def _span(d: Mapping[str, Any]) -> Span:
    return Span(int(d["start"]), int(d["end"]), str(d["text"]))


def _opt_span(d: Mapping[str, Any] | None) -> Span | None:
    return None if not d else _span(d)


def _merge(a: Actor, b: Actor) -> Actor:
    aliases = tuple(dict.fromkeys(a.aliases + b.aliases))
    return Actor(id=a.id, label=a.label, kind=a.kind, aliases=aliases, mentions=a.mentions + b.mentions)


def _credibility(value: Any) -> int | None:
    if isinstance(value, Mapping):
        value = value.get("value", value.get("rating"))
    if isinstance(value, str) and value[:1].isdigit():
        value = int(value[0])
    if isinstance(value, int) and not isinstance(value, bool) and 1 <= value <= 6:
        return value
    return None


def _iter_jsonl(path: Path) -> Iterator[tuple[str, dict[str, Any]]]:
    with open(path, encoding="utf-8") as f:
        for number, raw in enumerate(f, start=1):
            if not raw.strip():
                continue
            where = f"{path.name}:{number}"
            try:
                line = json.loads(raw)
            except json.JSONDecodeError as exc:
                raise InputError(f"{where}: not valid JSON ({exc.msg})", path=str(path)) from exc
            if not isinstance(line, dict):
                raise InputError(f"{where}: expected a JSON object", path=str(path))
            yield where, line


def _parse(convert, line: dict[str, Any], where: str):
    try:
        return convert(line)
    except (KeyError, TypeError, ValueError) as exc:
        raise InputError(f"{where}: unexpected shape ({type(exc).__name__}: {exc})") from exc
