"""Merge what the signals propose into one link per pair and type, with all its evidence.

Each signal yields :class:`Candidate` links. Here they are grouped by (type, pair) — unordered for the
symmetric ``corroborates``/``contradicts``, ordered for ``comments_on`` — and their scores combined
by noisy-or (independent signals that agree make a link more certain). A pair proposed as both
corroborating and contradicting keeps the stronger; a ``comments_on`` between claims already linked
by a stance is dropped (the stance says more). Finally, in a triangle of corroborations the weakest
edge is dropped: it is implied by the two others.
"""

from __future__ import annotations

import logging
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from graphbuild.link.views import ClaimView
from graphbuild.records import Evidence, Relation, RelationType

log = logging.getLogger("graphbuild")

SYMMETRIC = (RelationType.CORROBORATES, RelationType.CONTRADICTS)


@dataclass(frozen=True, slots=True)
class Candidate:
    """One signal's proposal: ``source`` -> ``target`` (view indices) with a score in [0, 1]."""

    type: RelationType
    source: int
    target: int
    score: float
    evidence: Evidence


def _key(c: Candidate) -> tuple[RelationType, int, int]:
    if c.type in SYMMETRIC:
        return (c.type, min(c.source, c.target), max(c.source, c.target))
    return (c.type, c.source, c.target)


def _position(v: ClaimView) -> tuple[int, int, int]:
    return (v.date if v.date is not None else 10**7, v.doc_index, v.order)


def combine(views: Sequence[ClaimView], candidates: Iterable[Candidate], *, min_score: float = 0.5,
            prune_triangles: bool = True) -> list[Relation]:
    """Relations from candidates: merged, conflicts resolved, thresholded, sorted."""
    keep, evidence = kept(views, candidates, min_score=min_score)
    if prune_triangles:
        prune_corroboration_triangles(views, keep)
    return to_relations(views, keep, evidence)


Key = tuple[RelationType, int, int]


def kept(views: Sequence[ClaimView], candidates: Iterable[Candidate], *,
         min_score: float = 0.5) -> tuple[dict[Key, float], dict[Key, tuple[Evidence, ...]]]:
    """Merged scores of the links that survive conflicts and the threshold, with their evidence.

    Every decision here is per pair (all candidates of one pair are needed, none of other pairs),
    which is what lets :func:`graphbuild.link.link_new` score a subset of pairs exactly.
    """
    grouped: dict[tuple[RelationType, int, int], list[Candidate]] = defaultdict(list)
    for c in candidates:
        if c.source != c.target and views[c.source].id != views[c.target].id:
            grouped[_key(c)].append(c)
    scores: dict[tuple[RelationType, int, int], float] = {}
    evidence: dict[tuple[RelationType, int, int], tuple[Evidence, ...]] = {}
    for key, cands in grouped.items():
        miss = 1.0
        for c in cands:
            miss *= 1.0 - max(0.0, min(1.0, c.score))
        scores[key] = round(1.0 - miss, 4)
        evidence[key] = tuple(dict.fromkeys(c.evidence for c in cands))

    stance: dict[tuple[int, int], float] = {}
    for (t, a, b), s in scores.items():
        if t in SYMMETRIC:
            stance[(a, b)] = max(stance.get((a, b), 0.0), s)
    keep: dict[tuple[RelationType, int, int], float] = {}
    for key, s in scores.items():
        t, a, b = key
        if t in SYMMETRIC:
            other = (RelationType.CONTRADICTS if t == RelationType.CORROBORATES else RelationType.CORROBORATES, a, b)
            if scores.get(other, -1.0) > s or (scores.get(other) == s and t == RelationType.CORROBORATES):
                log.debug("link %s-%s: %s dropped for the stronger opposite", views[a].id, views[b].id, t.value)
                continue
        elif (min(a, b), max(a, b)) in stance:
            continue
        if s >= min_score:
            keep[key] = s
    return keep, evidence


def to_relations(views: Sequence[ClaimView], keep: dict[Key, float],
                 evidence: dict[Key, tuple[Evidence, ...]]) -> list[Relation]:
    """Relations of the kept keys, the later claim as the source of a symmetric link, sorted."""
    relations = []
    for key, s in keep.items():
        t, a, b = key
        if t in SYMMETRIC and _position(views[a]) < _position(views[b]):
            a, b = b, a  # the later claim is the one that corroborates / contradicts the earlier
        relations.append(Relation(t, views[a].id, views[b].id, s, evidence[key]))
    relations.sort(key=lambda r: (r.type.value, r.source_claim, r.target_claim))
    return relations


def prune_corroboration_triangles(views: Sequence[ClaimView], keep: dict[Key, float]) -> None:
    """Drop each corroboration implied by a stronger two-step path (in place).

    An edge is dropped exactly when some third claim joins its ends by two edges that both rank
    above it (score, then closeness): edges ranking above it are only examined later, so they are
    all still present when it is examined. Whether an edge goes therefore depends only on the edges
    around its two ends, not on the order of earlier deletions.
    """
    t = RelationType.CORROBORATES
    adj: dict[int, dict[int, float]] = defaultdict(dict)
    for (kind, a, b), s in keep.items():
        if kind == t:
            adj[a][b] = s
            adj[b][a] = s

    def distance(a: int, b: int) -> int:
        va, vb = views[a], views[b]
        return abs(va.order - vb.order) if va.doc_index == vb.doc_index else 10**6

    # Weakest (then farthest apart) edges first: each is dropped when a stronger two-step path joins
    # its ends, so what remains is the strongest evidence without redundant shortcuts.
    edges = sorted(((s, -distance(a, b), a, b) for (kind, a, b), s in keep.items() if kind == t))
    for s, negdist, a, b in edges:
        for c in set(adj[a]) & set(adj[b]):
            ac, bc = adj[a][c], adj[b][c]
            if (ac, -distance(a, c)) > (s, negdist) and (bc, -distance(b, c)) > (s, negdist):
                del keep[(t, a, b)]
                del adj[a][b], adj[b][a]
                break
