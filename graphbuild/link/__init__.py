"""Linking: ``corroborates``, ``contradicts`` and ``comments_on`` between claims, with evidence.

Pure functions over :class:`~graphbuild.records.Claim` records::

    relations = link_claims(extractions)                       # list[Relation]
    assessment = assess_sources(claims, relations)             # graphbuild.link.assess

Signals, each a small module, each proposing candidate links with a score and its evidence:

* :mod:`~graphbuild.link.cues` — explicit discourse cues ("In a similar comment", "contrary to",
  "no reliable evidence of", "However");
* :mod:`~graphbuild.link.comments` — an analyst ``Comment:`` speaks about its item's claims;
* :mod:`~graphbuild.link.content` — predicates that agree or oppose (``data/oppositions.tsv``)
  about the same actors, and negated vs asserted propositions;

candidate pairs for the content signal come from :mod:`~graphbuild.link.blocking` (shared actors,
frames and rare words within a date window: near-linear cost), and :mod:`~graphbuild.link.combine`
merges the proposals into one link per pair and type.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable, Mapping, Sequence

from graphbuild.link.blocking import candidate_pairs
from graphbuild.link.combine import Candidate, combine
from graphbuild.link.comments import comment_candidates
from graphbuild.link.content import frame_candidates, proposition_candidates
from graphbuild.link.cues import cue_candidates
from graphbuild.link.lexicon import Lexicon, load_lexicon
from graphbuild.link.views import ClaimView, views_from_claims, views_from_extractions
from graphbuild.records import Claim, Extraction, Relation

__all__ = ["SIGNALS", "link_claim_records", "link_claims", "link_views", "load_lexicon"]

log = logging.getLogger("graphbuild")

#: Signal names, for ``signals=`` (ablation) and in each link's evidence.
SIGNALS = ("cue", "comment", "frame", "proposition")


def link_claims(extractions: Iterable[Extraction], *, lexicon: Lexicon | None = None, min_score: float = 0.5,
                window_days: int = 31, neighbours: int = 30, signals: Sequence[str] = SIGNALS) -> list[Relation]:
    """Link the claims of all ``extractions`` (within and across items and documents).

    Args:
        extractions: NLP output, one per document (document text and date are read from it).
        lexicon: oppositions and discourse cues; default: the packaged data files.
        min_score: links scoring below this are dropped.
        window_days: documents further apart than this are not compared by content.
        neighbours: at most this many later claims are compared with each claim per block.
        signals: which signals to use (all by default; fewer for ablation).

    Returns:
        Relations sorted by type and ids; symmetric types appear once per pair.
    """
    lexicon = lexicon or load_lexicon()
    views = views_from_extractions(extractions, lexicon=lexicon)
    return link_views(views, min_score=min_score, window_days=window_days, neighbours=neighbours, signals=signals)


def link_claim_records(claims: Iterable[Claim], texts: Mapping[str, str], *,
                       dates: Mapping[str, str | None] | None = None, lexicon: Lexicon | None = None,
                       **options) -> list[Relation]:
    """Like :func:`link_claims` for plain claims; ``texts`` maps ``claim.document`` to its text."""
    lexicon = lexicon or load_lexicon()
    views = views_from_claims(claims, texts, dates=dates, lexicon=lexicon)
    return link_views(views, **options)


def link_views(views: Sequence[ClaimView], *, min_score: float = 0.5, window_days: int = 31,
               neighbours: int = 30, signals: Sequence[str] = SIGNALS) -> list[Relation]:
    """Run the chosen signals over prepared views and combine their proposals."""
    unknown = set(signals) - set(SIGNALS)
    if unknown:
        raise ValueError(f"unknown linking signal(s): {', '.join(sorted(unknown))}")
    candidates: list[Candidate] = []
    if "cue" in signals:
        candidates.extend(cue_candidates(views))
    if "frame" in signals or "proposition" in signals:
        pairs = list(candidate_pairs(views, window_days=window_days, neighbours=neighbours))
        log.debug("linking: %d claims, %d candidate pairs", len(views), len(pairs))
        if "frame" in signals:
            candidates.extend(frame_candidates(views, pairs))
        if "proposition" in signals:
            candidates.extend(proposition_candidates(views, pairs))
    if "comment" in signals:
        # A comment claim already tied to a reported claim of its item needs no fallback link.
        linked = frozenset(x for c in candidates if c.score >= min_score
                           and views[c.source].claim.item == views[c.target].claim.item
                           and views[c.source].doc_index == views[c.target].doc_index
                           and not (views[c.source].is_analyst and views[c.target].is_analyst)
                           for x in (c.source, c.target))
        candidates.extend(comment_candidates(views, linked=linked))
    return combine(views, candidates, min_score=min_score)
