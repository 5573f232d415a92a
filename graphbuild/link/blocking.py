"""Candidate pairs for the content signal by blocking, so linking never compares all pairs.

Each claim goes into a few blocks: (frame, actor) for every opposition frame it expresses and every
actor it is about; (frame, item) for frames within one item; and (stem) for its few rarest content
stems. Inside a block, claims are sorted by document date and position and each is paired with at
most ``neighbours`` following claims no more than ``window_days`` later. The number of pairs is
therefore at most ``n * blocks_per_claim * neighbours``: linear in the number of claims ``n``.
"""

from __future__ import annotations

from bisect import bisect_left
from collections import Counter
from collections.abc import Iterator, Sequence
from itertools import chain

from graphbuild.link.views import ClaimView

#: How many of a claim's rarest stems become blocking keys.
RARE_STEMS = 3


def _sort_key(v: ClaimView) -> tuple[int, int, int]:
    # Undated claims sort last and pair only with their neighbours in document order.
    return (v.date if v.date is not None else 10**7, v.doc_index, v.order)


def blocks(views: Sequence[ClaimView], *, rare_stems: int = RARE_STEMS) -> dict[tuple, list[int]]:
    """Block key -> indices of the views in that block."""
    df = Counter(chain.from_iterable(v.stems for v in views))
    out: dict[tuple, list[int]] = {}
    for i, v in enumerate(views):
        keys: set[tuple] = set()
        item = (v.doc_index, v.claim.item)
        for hit in v.frames:
            keys.add(("frame-item", hit.frame, item))
            keys.update(("frame-actor", hit.frame, a) for a in v.claim.about)
        # Stems seen in one claim only cannot pair; among the rest the rarest are the most telling.
        ranked = sorted(zip(map(df.__getitem__, v.stems), v.stems))
        first = bisect_left(ranked, (2,))  # past the stems of count 1
        keys.update(("stem", s) for _, s in ranked[first:first + rare_stems])
        keys.update(("stem", s) for s in v.negated_stems if df[s] > 1)
        for key in keys:
            out.setdefault(key, []).append(i)
    return out


def candidate_pairs(views: Sequence[ClaimView], *, window_days: int = 31, neighbours: int = 30,
                    rare_stems: int = RARE_STEMS) -> Iterator[tuple[int, int]]:
    """Yield each candidate pair ``(i, j)`` of view indices once, ``i < j``."""
    seen: set[tuple[int, int]] = set()
    sort_keys = [_sort_key(v) for v in views]
    dates = [v.date for v in views]
    documents = [v.doc_index for v in views]
    for members in blocks(views, rare_stems=rare_stems).values():
        if len(members) < 2:
            continue
        members.sort(key=sort_keys.__getitem__)
        for p, i in enumerate(members):
            di = dates[i]
            for j in members[p + 1:p + 1 + neighbours]:
                dj = dates[j]
                if di is None or dj is None:
                    # Without a date there is no telling whether two reports are contemporary:
                    # undated claims are compared within their own document only.
                    if documents[i] != documents[j]:
                        continue
                elif dj - di > window_days:
                    break
                pair = (i, j) if i < j else (j, i)
                if pair not in seen:
                    seen.add(pair)
                    yield pair
