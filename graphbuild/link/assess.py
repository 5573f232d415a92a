"""Source assessment from the links: who is corroborated, who is contradicted.

For each source: how many claims it made, how many of them an *independent* source corroborates and
how many are contradicted. For each claim: a SUGGESTED information-credibility rating on the
Admiralty (NATO STANAG 2511) scale, with the reasons that led to it:

    1 confirmed by other sources   2 probably true   3 possibly true
    4 doubtful                     5 improbable      6 truth cannot be judged

The rating is a suggestion derived mechanically from the links, never an analyst's assessment: it
counts agreeing and disagreeing independent sources and nothing else.

Two claims are independent when their sources differ. Unknown sources ("redacted", "unspecified")
cannot be told apart, so two of them count as independent only when they are in different documents.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass

from graphbuild.records import Claim, Relation, RelationType, SourceKind

_ANONYMOUS = (SourceKind.REDACTED, SourceKind.UNSPECIFIED)

#: Admiralty information-credibility labels.
CREDIBILITY = {
    1: "confirmed by other sources",
    2: "probably true",
    3: "possibly true",
    4: "doubtful",
    5: "improbable",
    6: "truth cannot be judged",
}


@dataclass(frozen=True, slots=True)
class ClaimRating:
    """A suggested Admiralty information-credibility rating for one claim."""

    claim: str
    rating: int  # 1-6
    label: str
    reasons: tuple[str, ...]
    corroborated_by: tuple[str, ...]  # independent source ids
    contradicted_by: tuple[str, ...]
    suggestion: bool = True  # always: a mechanical suggestion, not an assessment


@dataclass(frozen=True, slots=True)
class SourceAssessment:
    source: str
    label: str
    kind: SourceKind
    claims: int
    corroborated: int  # claims corroborated by at least one independent source
    contradicted: int  # claims contradicted by at least one other source
    ratings: Mapping[int, int]  # suggested rating -> number of this source's claims


def independent(a: Claim, b: Claim) -> bool:
    """Whether two claims come from sources known to be different."""
    if a.source.kind in _ANONYMOUS and b.source.kind in _ANONYMOUS:
        return a.document != b.document
    return a.source.id != b.source.id


def _suggest(n_corr: int, n_contra: int, contra_score: float) -> tuple[int, list[str]]:
    if n_corr == 0 and n_contra == 0:
        return 6, ["no other source corroborates or contradicts it"]
    reasons = []
    if n_corr:
        reasons.append(f"corroborated by {n_corr} independent source{'s' if n_corr > 1 else ''}")
    if n_contra:
        reasons.append(f"contradicted by {n_contra} source{'s' if n_contra > 1 else ''}")
    if n_contra == 0:
        return (1 if n_corr >= 2 else 2), reasons
    if n_corr == 0:
        strong = n_contra >= 2 or contra_score >= 0.8
        if strong:
            reasons.append("the contradiction is strong (several sources or an explicit denial)")
        return (5 if strong else 4), reasons
    return (3 if n_corr >= n_contra else 4), reasons


def rate_claims(claims: Iterable[Claim], relations: Iterable[Relation]) -> dict[str, ClaimRating]:
    """Suggested rating of every claim, by claim id."""
    by_id = {c.id: c for c in claims}
    corr: dict[str, set[str]] = defaultdict(set)
    contra: dict[str, set[str]] = defaultdict(set)
    contra_score: dict[str, float] = defaultdict(float)
    for r in relations:
        a, b = by_id.get(r.source_claim), by_id.get(r.target_claim)
        if a is None or b is None:
            continue
        if r.type == RelationType.CORROBORATES and independent(a, b):
            corr[a.id].add(b.source.id if b.source.kind not in _ANONYMOUS else f"{b.source.id}@{b.document}")
            corr[b.id].add(a.source.id if a.source.kind not in _ANONYMOUS else f"{a.source.id}@{a.document}")
        elif r.type == RelationType.CONTRADICTS:
            for x, y in ((a, b), (b, a)):
                contra[x.id].add(y.source.id if y.source.kind not in _ANONYMOUS else f"{y.source.id}@{y.document}")
                contra_score[x.id] = max(contra_score[x.id], r.score)
    out = {}
    for cid in by_id:
        rating, reasons = _suggest(len(corr[cid]), len(contra[cid]), contra_score[cid])
        out[cid] = ClaimRating(cid, rating, CREDIBILITY[rating], tuple(reasons),
                               tuple(sorted(corr[cid])), tuple(sorted(contra[cid])))
    return out


def assess_sources(claims: Iterable[Claim], relations: Iterable[Relation]
                   ) -> tuple[list[SourceAssessment], dict[str, ClaimRating]]:
    """Per-source counts and per-claim suggested ratings.

    Returns:
        (sources sorted by number of claims, then id; ratings by claim id).
    """
    claims = list(claims)
    ratings = rate_claims(claims, relations)
    per: dict[str, list[Claim]] = defaultdict(list)
    for c in claims:
        per[c.source.id].append(c)
    sources = []
    for sid, cs in per.items():
        hist: dict[int, int] = defaultdict(int)
        for c in cs:
            hist[ratings[c.id].rating] += 1
        sources.append(SourceAssessment(
            source=sid, label=cs[0].source.label, kind=cs[0].source.kind, claims=len(cs),
            corroborated=sum(1 for c in cs if ratings[c.id].corroborated_by),
            contradicted=sum(1 for c in cs if ratings[c.id].contradicted_by),
            ratings=dict(sorted(hist.items())),
        ))
    sources.sort(key=lambda s: (-s.claims, s.source))
    return sources, ratings
