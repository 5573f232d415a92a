"""Analyst comments: a ``Comment:`` speaks about the claims of its own item.

For each item with an analyst comment, the comment's claims are compared with the item's reported
claims (those of other sources that come before them):

* a negative comment claim ("there is no evidence that ...", polarity negative) that shares the
  reported claim's content -> contradicts;
* otherwise the comment's first claim, if no other signal linked it, comments_on the item claim it
  is most similar to (a comment always speaks about its item).
"""

from __future__ import annotations

from collections.abc import Collection, Iterator, Sequence

from graphbuild.link.combine import Candidate
from graphbuild.link.cues import by_document, similarity
from graphbuild.link.views import ClaimView, same_source
from graphbuild.records import Evidence, Polarity, RelationType

SIGNAL = "comment"

STANCE = 0.6
FALLBACK = 0.55
#: A comment claim at least this similar to an item claim is taken to speak about it.
MIN_SIMILARITY = 0.34


def _items(views: Sequence[ClaimView], documents: Collection[int] | None) -> Iterator[list[int]]:
    for doc_index, doc in by_document(views).items():
        if documents is not None and doc_index not in documents:
            continue
        items: dict[object, list[int]] = {}
        for i in doc:
            items.setdefault(views[i].claim.item, []).append(i)
        yield from items.values()


def comment_candidates(views: Sequence[ClaimView], *, linked: frozenset[int] = frozenset(),
                       documents: Collection[int] | None = None) -> Iterator[Candidate]:
    """``linked``: view indices that other signals already linked (no fallback for those);
    ``documents``: only these ``doc_index`` values (a comment speaks about its own item only)."""
    for item in _items(views, documents):
        comments = [i for i in item if views[i].is_analyst and views[i].claim.in_comment]
        if not comments:
            continue
        for n, i in enumerate(comments):
            k = views[i]
            reported = [j for j in item if views[j].order < k.order and not same_source(views[j], k)]
            scored = sorted(((similarity(views[j], k), -abs(views[j].order - k.order), j) for j in reported),
                            reverse=True)
            if not scored:
                continue
            sim, _, j = scored[0]
            target = views[j]
            if k.claim.polarity == Polarity.NEGATIVE and sim >= MIN_SIMILARITY and not k.has("discount"):
                yield Candidate(RelationType.CONTRADICTS, i, j, STANCE,
                                Evidence(SIGNAL, (k.claim.content, target.claim.content),
                                         "the analyst's comment denies what the item reports"))
                continue
            if n == 0 and i not in linked:
                yield Candidate(RelationType.COMMENTS_ON, i, j, FALLBACK,
                                Evidence(SIGNAL, (k.claim.content, target.claim.content),
                                         "the item's comment speaks about its most similar reported claim"))
