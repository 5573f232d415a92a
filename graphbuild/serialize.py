"""Records to plain JSON-able dicts (the on-disk shapes of segment --json, claims.jsonl, actors.jsonl)."""

from __future__ import annotations

from typing import Any

from graphbuild.records import Actor, Claim, Item, Passage, Segmentation, Span


def _span(span: Span | None) -> dict[str, Any] | None:
    return None if span is None else span.to_json()


def _passage_span(original: str, passage: Passage) -> dict[str, Any]:
    start, end = passage.to_original(0, len(passage.text))
    return {"start": start, "end": end, "text": passage.text}


def item_to_json(original: str, item: Item) -> dict[str, Any]:
    return {
        "number": item.number,
        "section": item.section,
        "country": item.country.text if item.country else None,
        "country_span": _span(item.country),
        "headline": _span(item.headline),
        "span": {"start": item.span.start, "end": item.span.end},
        "body": _passage_span(original, item.body),
        "truncated": item.truncated,
        "is_comment_item": item.is_comment_item,
        "part": item.part,
        "comments": [
            {"marker": _span(c.marker), "span": {"start": c.span.start, "end": c.span.end},
             "body": _passage_span(original, c.body)}
            for c in item.comments
        ],
    }


def segmentation_to_json(seg: Segmentation) -> dict[str, Any]:
    text = seg.document.text
    m = seg.meta
    return {
        "document": seg.document.id,
        "sha256": seg.document.sha256,
        "metadata": {
            "classification": m.classification, "classification_span": _span(m.classification_span),
            "date": m.date, "date_span": _span(m.date_span),
            "released": m.released, "released_span": _span(m.released_span),
            "identifiers": [_span(s) for s in m.identifiers],
        },
        "sections": [{"name": s.name, "heading": _span(s.heading)} for s in seg.sections],
        "items": [item_to_json(text, item) for item in seg.items],
        "redactions": [{"code": r.code, **r.span.to_json()} for r in seg.redactions],
        "furniture": [{"start": s.start, "end": s.end} for s in seg.furniture],
        "diagnostics": [str(d) for d in seg.diagnostics],
    }


def claim_to_json(claim: Claim, *, date: str | None = None) -> dict[str, Any]:
    """One line of claims.jsonl (schema: ontology/claims.schema.json).

    ``date`` is the publication date of the claim's document (ISO 8601), not an event date.
    """
    return {
        "id": claim.id,
        "document": claim.document,
        "item": claim.item,
        "in_comment": claim.in_comment,
        "content": claim.content.to_json(),
        "source": {
            "id": claim.source.id, "label": claim.source.label, "kind": claim.source.kind.value,
            "mention": _span(claim.source.mention),
        },
        "cue": _span(claim.cue),
        "commitment": claim.commitment.value,
        "polarity": claim.polarity.value,
        "about": list(claim.about),
        "relayed_by": claim.relayed_by,
        "sentence": _span(claim.sentence),
        "date": date,
    }


def actor_to_json(actor: Actor, document: str | None = None) -> dict[str, Any]:
    """One line of actors.jsonl."""
    out: dict[str, Any] = {
        "id": actor.id, "label": actor.label, "kind": actor.kind.value, "aliases": list(actor.aliases),
        "mentions": [s.to_json() for s in actor.mentions],
    }
    if document is not None:
        out["document"] = document
    return out
