"""Linking: ``corroborates``, ``contradicts`` and ``comments_on`` between claims, with evidence.

Pure functions over :class:`~graphbuild.records.Claim` records::

    relations = link_claims(extractions)                       # list[Relation]
    relations = link_new(new_views, stored_views)              # only pairs with a new claim
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

import dataclasses
import logging
import operator
from collections.abc import Iterable, Mapping, Sequence

from graphbuild.link.blocking import candidate_pairs
from graphbuild.link.combine import (
    SYMMETRIC,
    Candidate,
    combine,
    kept,
    prune_corroboration_triangles,
    to_relations,
)
from graphbuild.link.comments import comment_candidates
from graphbuild.link.content import frame_candidates, proposition_candidates
from graphbuild.link.cues import cue_candidates
from graphbuild.link.lexicon import Lexicon, load_lexicon
from graphbuild.link.views import ClaimView, views_from_claims, views_from_extractions
from graphbuild.records import Claim, Extraction, Relation, RelationType

__all__ = ["SIGNALS", "ClaimView", "link_claim_records", "link_claims", "link_new", "link_views", "load_lexicon",
           "views_from_extractions"]

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


def _renumber(views: Sequence[ClaimView], places: frozenset[str]) -> list[ClaimView]:
    """Views with ``doc_index`` = rank of their document in ``views`` (as link_claims numbers them).

    Views are grouped into documents by runs of equal ``(document, doc_index)``, so views built one
    document at a time (all with ``doc_index`` 0, e.g. cached) still get distinct documents. Actors in
    ``places`` hold no stance: they are taken out of every view's ``agents``, as
    :func:`views_from_extractions` does with the places of all the extractions it is given.
    """
    out: list[ClaimView] = []
    previous, index = None, -1
    for v in views:
        key = (v.claim.document, v.doc_index)
        if key != previous:
            previous, index = key, index + 1
        agents = v.agents - places if places and v.agents & places else v.agents
        if v.doc_index != index or agents is not v.agents:
            # What dataclasses.replace(v, doc_index=..., agents=...) makes, several times faster (this
            # runs over every stored view on every ingest).
            values = list(_VIEW_VALUES(v))
            values[_DOC_INDEX], values[_AGENTS] = index, agents
            v = ClaimView(*values)
        out.append(v)
    return out


_VIEW_FIELDS = tuple(f.name for f in dataclasses.fields(ClaimView))
_VIEW_VALUES = operator.attrgetter(*_VIEW_FIELDS)
_DOC_INDEX, _AGENTS = _VIEW_FIELDS.index("doc_index"), _VIEW_FIELDS.index("agents")


def link_new(new_views: Sequence[ClaimView], stored_views: Sequence[ClaimView], *, places: Iterable[str] = (),
             min_score: float = 0.5, window_days: int = 31, neighbours: int = 30,
             signals: Sequence[str] = SIGNALS) -> list[Relation]:
    """The links of :func:`link_views` over ``[*stored_views, *new_views]`` that involve a new claim.

    Exactly those relations, with the same scores and evidence, but only pairs with at least one new
    claim are scored (plus, within a document that holds a new claim, its other pairs, which decide
    the comment fallback). Stored-stored pairs are otherwise scored only where the triangle rule
    needs them: a corroboration new-B is dropped when a stronger path new-C-B exists, so B-C is
    scored when both B and C corroborate the same new claim.

    Args:
        new_views: views of the new document(s), in document order.
        stored_views: views of the stored documents, in the order link_claims would see them; views
            may be built once per document and cached (``doc_index`` is renumbered here).
        places: ids of actors that are places in any of the documents (no stance; see
            :func:`views_from_extractions`).
        min_score, window_days, neighbours, signals: as for :func:`link_claims`.
    """
    unknown = set(signals) - set(SIGNALS)
    if unknown:
        raise ValueError(f"unknown linking signal(s): {', '.join(sorted(unknown))}")
    views = _renumber([*stored_views, *new_views], frozenset(places))
    first_new = len(stored_views)
    if first_new == len(views):
        return []
    touched = frozenset(v.doc_index for v in views[first_new:])

    def covered(i: int, j: int) -> bool:
        return i >= first_new or j >= first_new or (views[i].doc_index == views[j].doc_index
                                                       and views[i].doc_index in touched)

    # Blocking is run over all views: its rare-stem keys and neighbour caps depend on every claim,
    # and enumerating pairs is cheap next to scoring them.
    all_pairs: list[tuple[int, int]] = []
    if "frame" in signals or "proposition" in signals:
        all_pairs = list(candidate_pairs(views, window_days=window_days, neighbours=neighbours))
    candidates = _signal_candidates(views, [p for p in all_pairs if covered(*p)], touched, signals, min_score)
    keep, evidence = kept(views, candidates, min_score=min_score)

    corroborates = RelationType.CORROBORATES
    neighbours_of: dict[int, set[int]] = {}
    for kind, a, b in keep:
        if kind == corroborates:
            for x, y in ((a, b), (b, a)):
                if x >= first_new:
                    neighbours_of.setdefault(x, set()).add(y)
    needed = {(b, c) for around in neighbours_of.values() for b in around for c in around
              if b < c and not covered(b, c)}
    merged = dict(keep)
    if needed:
        same_doc = frozenset(views[b].doc_index for b, c in needed if views[b].doc_index == views[c].doc_index)
        extra = _signal_candidates(views, [p for p in all_pairs if p in needed], same_doc, signals, min_score,
                                   stance_only=True)
        extra_keep, _ = kept(views, (c for c in extra if (min(c.source, c.target), max(c.source, c.target)) in needed),
                             min_score=min_score)
        merged.update(extra_keep)
    prune_corroboration_triangles(views, merged)
    final = {key: s for key, s in keep.items()
             if key in merged and (key[1] >= first_new or key[2] >= first_new)}
    log.debug("linking %d new claims against %d stored: %d candidate pairs scored, %d for triangles",
              len(views) - first_new, first_new, sum(1 for p in all_pairs if covered(*p)), len(needed))
    return to_relations(views, final, evidence)


def _signal_candidates(views: Sequence[ClaimView], pairs: list[tuple[int, int]], documents: frozenset[int],
                       signals: Sequence[str], min_score: float, *, stance_only: bool = False) -> list[Candidate]:
    """The candidates of :func:`link_views`, restricted to ``pairs`` (content) and ``documents`` (cues,
    comments). ``stance_only``: only corroborates / contradicts (all a triangle check needs)."""
    candidates: list[Candidate] = []
    if "cue" in signals:
        candidates.extend(cue_candidates(views, documents=documents))
    if "frame" in signals:
        candidates.extend(frame_candidates(views, pairs))
    if "proposition" in signals:
        candidates.extend(proposition_candidates(views, pairs))
    if "comment" in signals:
        linked: frozenset[int] = frozenset()
        if not stance_only:
            linked = frozenset(x for c in candidates if c.score >= min_score
                               and views[c.source].claim.item == views[c.target].claim.item
                               and views[c.source].doc_index == views[c.target].doc_index
                               and not (views[c.source].is_analyst and views[c.target].is_analyst)
                               for x in (c.source, c.target))
        candidates.extend(comment_candidates(views, linked=linked, documents=documents))
    if stance_only:
        candidates = [c for c in candidates if c.type in SYMMETRIC]
    return candidates
