"""Records -> a networkx ``MultiDiGraph`` (``kg``) for analysis, Gephi and the HTML view.

Schema (shared with the HTML and linking stages; see ``docs`` in the brief):

- nodes, keyed by record id, with ``kind`` in {document, item, comment, claim, source, actor} and a
  ``label``. Claims also carry ``text``, ``start``, ``end``, ``commitment``, ``polarity``, ``cue``,
  ``source``, ``document``, ``date`` and ``sentence``. A source that is also an actor claims are about
  (``ussr``) is one node of kind ``source`` with ``actor_kind`` set as well.
- edges, whose key is their ``kind``: ``says`` (source -> claim), ``about`` (claim -> actor), ``in``
  (claim -> item or comment, comment -> item, item -> document), and the claim links
  ``corroborates``, ``contradicts``, ``comments_on`` (claim -> claim) with ``score`` and ``evidence``.

Attribute values are plain ``str``/``int``/``float``/``bool`` (never None), so the graph can be
written to GraphML and GEXF as is; :func:`xml_safe` strips characters XML 1.0 cannot hold (OCR
text has form feeds and other control characters).
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterable
from pathlib import Path

import networkx as nx

from graphbuild import ids
from graphbuild.records import Claim, Extraction, Relation, RelationType

__all__ = [
    "EDGE_KINDS", "NODE_KINDS", "contradicted_actors", "most_cited_sources", "source_scores",
    "to_networkx", "write_gexf", "write_graphml", "xml_safe",
]

NODE_KINDS = ("document", "item", "comment", "claim", "source", "actor")
EDGE_KINDS = ("says", "about", "in", "corroborates", "contradicts", "comments_on")

_LABEL_MAX = 80
# Characters XML 1.0 forbids (C0 controls except tab/newline/return, surrogates, U+FFFE/U+FFFF).
_XML_BAD = re.compile("[^\t\n\r\x20-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]")


def _short(text: str, limit: int = _LABEL_MAX) -> str:
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"


def _attrs(**values: object) -> dict[str, object]:
    # GraphML has no null: leave unknown attributes out rather than writing "None".
    return {k: v for k, v in values.items() if v is not None}


def _node(kg: nx.MultiDiGraph, node: str, **attrs: object) -> None:
    if node not in kg:
        kg.add_node(node, **attrs)
        return
    current = kg.nodes[node]
    for key, value in attrs.items():
        current.setdefault(key, value)
    # An actor that also says things is a source: that is the role the views colour it by.
    if attrs.get("kind") == "source":
        current["kind"] = "source"


def _edge(kg: nx.MultiDiGraph, u: str, v: str, kind: str, **attrs: object) -> None:
    kg.add_edge(u, v, key=kind, kind=kind, **attrs)


def _claim_node(kg: nx.MultiDiGraph, ex: Extraction, claim: Claim) -> None:
    text = ex.document.text
    content = text[claim.content.start:claim.content.end]
    _node(kg, claim.id, **_attrs(
        kind="claim", label=_short(content), text=content, start=claim.content.start, end=claim.content.end,
        commitment=claim.commitment.value, polarity=claim.polarity.value,
        cue=claim.cue.text if claim.cue else "", source=claim.source.id, source_label=claim.source.label,
        document=ex.document.id, date=ex.segmentation.meta.date or "",
        sentence=claim.sentence.text if claim.sentence else "", in_comment=claim.in_comment,
        item=claim.item, relayed_by=claim.relayed_by, about=" ".join(claim.about),
    ))


def to_networkx(extractions: Iterable[Extraction], relations: Iterable[Relation] = ()) -> nx.MultiDiGraph:
    """Build the typed who-said-what graph of ``extractions`` and their claim links.

    Args:
        extractions: What the NLP stage found, one per document.
        relations: Claim-claim links (``graphbuild.link.link_claims``).

    Returns:
        A ``MultiDiGraph``; nodes and edges follow the schema in this module's docstring.
    """
    kg = nx.MultiDiGraph()
    for ex in extractions:
        seg, doc = ex.segmentation, ex.document
        meta = seg.meta
        _node(kg, doc.id, **_attrs(kind="document", label=doc.id, sha256=doc.sha256, date=meta.date,
                                   released=meta.released, classification=meta.classification))
        containers: list[tuple[int, int, str]] = []
        for item in seg.items:
            iid = ids.span_id(doc.sha256, "item", item.span.start, item.span.end)
            label = item.headline.text if item.headline else f"item {item.number}" if item.number else doc.id
            _node(kg, iid, **_attrs(kind="item", label=_short(label), number=item.number, section=item.section,
                                    document=doc.id, start=item.span.start, end=item.span.end))
            _edge(kg, iid, doc.id, "in")
            for c in item.comments:
                cid = ids.span_id(doc.sha256, "comment", c.span.start, c.span.end)
                _node(kg, cid, kind="comment", label=f"Comment on {_short(label, 40)}", document=doc.id,
                      start=c.span.start, end=c.span.end)
                _edge(kg, cid, iid, "in")
                containers.append((c.span.start, c.span.end, cid))
            containers.append((item.span.start, item.span.end, iid))
        for actor in ex.actors:
            _node(kg, actor.id, kind="actor", label=actor.label, actor_kind=actor.kind.value,
                  aliases="; ".join(actor.aliases))
        for claim in ex.claims:
            _claim_node(kg, ex, claim)
            _node(kg, claim.source.id, kind="source", label=claim.source.label, source_kind=claim.source.kind.value)
            _edge(kg, claim.source.id, claim.id, "says")
            for actor in claim.about:
                if actor not in kg:
                    _node(kg, actor, kind="actor", label=actor)
                _edge(kg, claim.id, actor, "about")
            # Comments come before their item in ``containers``, so the innermost part wins.
            at = claim.content.start
            where = next((cid for s, e, cid in containers if s <= at < e), doc.id)
            _edge(kg, claim.id, where, "in")
    for rel in relations:
        if rel.source_claim not in kg or rel.target_claim not in kg:
            continue
        evidence = " | ".join(
            ev.signal + (f": {ev.note}" if ev.note else "") + "".join(f' "{s.text}"' for s in ev.spans)
            for ev in rel.evidence
        )
        _edge(kg, rel.source_claim, rel.target_claim, rel.type.value, score=float(rel.score), evidence=evidence)
    return kg


# --- analysis -----------------------------------------------------------------------------------

def most_cited_sources(kg: nx.MultiDiGraph, n: int | None = 10) -> list[tuple[str, str, int]]:
    """Sources by number of claims they make: ``(source id, label, claims)``, most first."""
    counts = Counter(u for u, _, k in kg.edges(keys=True) if k == "says")
    ranked = sorted(counts.items(), key=lambda kv: (-kv[1], kv[0]))
    return [(s, str(kg.nodes[s].get("label", s)), c) for s, c in ranked[:n]]


def _linked_claims(kg: nx.MultiDiGraph, kind: str) -> set[str]:
    return {x for u, v, k in kg.edges(keys=True) if k == kind for x in (u, v)}


def contradicted_actors(kg: nx.MultiDiGraph, n: int | None = 10) -> list[tuple[str, str, int]]:
    """Actors by number of contradicted claims about them: ``(actor id, label, claims)``, most first."""
    contested = _linked_claims(kg, RelationType.CONTRADICTS.value)
    counts = Counter(v for u, v, k in kg.edges(keys=True) if k == "about" and u in contested)
    ranked = sorted(counts.items(), key=lambda kv: (-kv[1], kv[0]))
    return [(a, str(kg.nodes[a].get("label", a)), c) for a, c in ranked[:n]]


def source_scores(kg: nx.MultiDiGraph) -> dict[str, dict[str, int]]:
    """Per source: claims made, and how many of them are corroborated / contradicted."""
    corroborated = _linked_claims(kg, RelationType.CORROBORATES.value)
    contradicted = _linked_claims(kg, RelationType.CONTRADICTS.value)
    out: dict[str, dict[str, int]] = {}
    for u, v, k in kg.edges(keys=True):
        if k != "says":
            continue
        row = out.setdefault(u, {"claims": 0, "corroborated": 0, "contradicted": 0})
        row["claims"] += 1
        row["corroborated"] += v in corroborated
        row["contradicted"] += v in contradicted
    return out


# --- export -------------------------------------------------------------------------------------

def xml_safe(kg: nx.MultiDiGraph) -> nx.MultiDiGraph:
    """A copy whose string attributes hold only characters XML 1.0 allows."""

    def clean(attrs: dict) -> dict:
        return {k: _XML_BAD.sub("\ufffd", v) if isinstance(v, str) else v for k, v in attrs.items()}

    out = nx.MultiDiGraph()
    out.add_nodes_from((_XML_BAD.sub("\ufffd", str(n)), clean(a)) for n, a in kg.nodes(data=True))
    out.add_edges_from((_XML_BAD.sub("\ufffd", str(u)), _XML_BAD.sub("\ufffd", str(v)), k, clean(a))
                       for u, v, k, a in kg.edges(keys=True, data=True))
    return out


def write_graphml(kg: nx.MultiDiGraph, path: str | Path) -> None:
    """Write GraphML for Gephi/yEd atomically."""
    from graphbuild.atomic import atomic_write

    with atomic_write(path, "wb") as f:
        nx.write_graphml(xml_safe(kg), f, encoding="utf-8", prettyprint=True)


def write_gexf(kg: nx.MultiDiGraph, path: str | Path) -> None:
    """Write GEXF for Gephi atomically."""
    from graphbuild.atomic import atomic_write

    with atomic_write(path, "wb") as f:
        nx.write_gexf(xml_safe(kg), f, encoding="utf-8", prettyprint=True)
