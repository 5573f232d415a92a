"""Explicit discourse cues: wording that itself relates a claim to an earlier one.

* before a claim: "In a similar comment", "Similarly" -> corroborates the previous source's view;
  "Contrary to", "In contrast to" -> contradicts it; "However", "On the other hand" -> comments_on
  the claim just before;
* a claim's own cue: "confirms", "concurs" -> corroborates, "denies", "does not concur" ->
  contradicts the most similar claim of another source in the document;
* inside a claim: "no (reliable) evidence of X", "have not been confirmed", "despite rumors of X"
  -> contradicts the earlier claims that assert X; "Rumors of this type", "these reports" ->
  comments_on the nearest earlier claim of another source; "no more than" -> comments_on the
  most similar earlier claim.

Cues are read from ``data/link_cues.tsv``; the claim order is the order of their contents in the
document, so these rules cost one pass over each document.
"""

from __future__ import annotations

from collections.abc import Collection, Iterator, Sequence

from graphbuild.link.combine import Candidate
from graphbuild.link.text import jaccard, overlap_coefficient
from graphbuild.link.views import ClaimView, same_source
from graphbuild.records import Evidence, RelationType

SIGNAL = "cue"

SIMILAR = 0.8
CONTRARY = 0.75
CONTRAST = 0.55
CONFIRM_DENY = 0.7
DISCOUNT_SAME_ITEM = 0.75
DISCOUNT_OTHER_ITEM = 0.55
ANAPHOR = 0.6
MINIMIZE = 0.6


def by_document(views: Sequence[ClaimView]) -> dict[int, list[int]]:
    """View indices per document, in document order."""
    docs: dict[int, list[int]] = {}
    for i, v in enumerate(views):
        docs.setdefault(v.doc_index, []).append(i)
    for members in docs.values():
        members.sort(key=lambda i: views[i].order)
    return docs


def similarity(a: ClaimView, b: ClaimView) -> float:
    """Content-word overlap plus shared actors: how likely two claims speak of the same thing."""
    return overlap_coefficient(a.stems, b.stems) + 0.5 * jaccard(frozenset(a.claim.about), frozenset(b.claim.about))


def _previous_head(views: Sequence[ClaimView], doc: list[int], pos: int) -> int | None:
    """The first claim of the previous source's run of claims before ``doc[pos]``."""
    me = views[doc[pos]]
    k = pos - 1
    while k >= 0 and same_source(views[doc[k]], me):
        k -= 1
    if k < 0:
        return None
    other = views[doc[k]]
    while k > 0 and views[doc[k - 1]].source_id == other.source_id and views[doc[k - 1]].claim.item == other.claim.item:
        k -= 1
    return doc[k]


def _is_run_head(views: Sequence[ClaimView], doc: list[int], pos: int) -> bool:
    return pos == 0 or views[doc[pos - 1]].source_id != views[doc[pos]].source_id


def cue_candidates(views: Sequence[ClaimView], *, documents: Collection[int] | None = None) -> Iterator[Candidate]:
    """Cue proposals; ``documents``: only these ``doc_index`` values (cues never cross documents)."""
    for doc_index, doc in by_document(views).items():
        if documents is not None and doc_index not in documents:
            continue
        for pos, i in enumerate(doc):
            v = views[i]
            yield from _lead(views, doc, pos, v)
            yield from _inner(views, doc, pos, v)


def _lead(views: Sequence[ClaimView], doc: list[int], pos: int, v: ClaimView) -> Iterator[Candidate]:
    i = doc[pos]
    for hit in v.lead_cues:
        if hit.kind in ("similar", "contrary") and _is_run_head(views, doc, pos):
            j = _previous_head(views, doc, pos)
            if j is not None:
                agree = hit.kind == "similar"
                yield Candidate(RelationType.CORROBORATES if agree else RelationType.CONTRADICTS, i, j,
                                SIMILAR if agree else CONTRARY,
                                Evidence(SIGNAL, (hit.span,), f"'{hit.span.text}': this source's view "
                                         f"{'parallels' if agree else 'opposes'} the previous source's"))
        elif hit.kind == "contrast" and pos > 0:
            j = doc[pos - 1]
            if views[j].claim.content.end <= v.claim.content.end:
                yield Candidate(RelationType.COMMENTS_ON, i, j, CONTRAST,
                                Evidence(SIGNAL, (hit.span,), f"'{hit.span.text}' qualifies the claim before"))
        elif hit.kind in ("confirm", "deny"):
            best = _most_similar(views, doc, v, earlier_only=False, min_similarity=0.3)
            if best is not None:
                agree = hit.kind == "confirm"
                yield Candidate(RelationType.CORROBORATES if agree else RelationType.CONTRADICTS, i, best,
                                CONFIRM_DENY, Evidence(SIGNAL, (hit.span, views[best].claim.content),
                                                       f"'{hit.span.text}' {'confirms' if agree else 'denies'} "
                                                       "a matching claim of another source"))


def _most_similar(views: Sequence[ClaimView], doc: list[int], v: ClaimView, *, earlier_only: bool,
                  min_similarity: float, same_item: bool = False) -> int | None:
    best, best_key = None, None
    for j in doc:
        u = views[j]
        if u is v or same_source(u, v):
            continue
        if earlier_only and u.order >= v.order:
            continue
        if same_item and u.claim.item != v.claim.item:
            continue
        sim = similarity(u, v)
        if sim < min_similarity:
            continue
        key = (sim, -abs(u.order - v.order))
        if best_key is None or key > best_key:
            best, best_key = j, key
    return best


def _inner(views: Sequence[ClaimView], doc: list[int], pos: int, v: ClaimView) -> Iterator[Candidate]:
    i = doc[pos]
    discount = v.cue("discount")
    if discount is not None and v.discounted:
        for j in doc:
            u = views[j]
            if u.order >= v.order or same_source(u, v) or u.cue("discount"):
                continue
            named = v.discounted & u.stems
            if not named:
                continue
            same_item = u.claim.item == v.claim.item
            yield Candidate(RelationType.CONTRADICTS, i, j, DISCOUNT_SAME_ITEM if same_item else DISCOUNT_OTHER_ITEM,
                            Evidence(SIGNAL, (discount.span, u.claim.content),
                                     f"'{discount.span.text}' discounts what the earlier claim asserts "
                                     f"({', '.join(sorted(named))})"))
    anaphor = v.cue("anaphor")
    if anaphor is not None:
        j = next((doc[k] for k in range(pos - 1, -1, -1) if not same_source(views[doc[k]], v)), None)
        if j is not None:
            yield Candidate(RelationType.COMMENTS_ON, i, j, ANAPHOR,
                            Evidence(SIGNAL, (anaphor.span,), f"'{anaphor.span.text}' refers back to the report before"))
    minimize = v.cue("minimize")
    if minimize is not None:
        j = _most_similar(views, doc, v, earlier_only=True, min_similarity=0.1, same_item=True)
        if j is not None:
            yield Candidate(RelationType.COMMENTS_ON, i, j, MINIMIZE,
                            Evidence(SIGNAL, (minimize.span, views[j].claim.content),
                                     f"'{minimize.span.text}' plays down the earlier claim"))
