"""Content signal: two claims whose predicates agree or oppose.

Two rules, over candidate pairs from :mod:`graphbuild.link.blocking`:

* frames — both claims express a frame of ``oppositions.tsv`` (armistice vs hostilities, unity vs
  friction) about a shared actor (or within one item): same pole -> corroborates, opposite pole ->
  contradicts. Negation is applied first ("have not seen eye to eye" is the disunity pole).
* proposition — the two contents share most of their content words, and one negates them while the
  other does not ("could not accept the proposal" vs "a willingness to accept the proposal")
  -> contradicts; with the same negation and a high overlap -> corroborates.

Claims of one known source are not linked (a source does not corroborate itself); an analyst's
comment claim speaks about its own item, so its links to other items are weakened.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Sequence

from graphbuild.link.combine import Candidate
from graphbuild.link.text import jaccard, overlap_coefficient
from graphbuild.link.views import ClaimView, same_source
from graphbuild.records import Evidence, RelationType

SIGNAL_FRAME = "content:frame"
SIGNAL_PROPOSITION = "content:proposition"

#: Base scores; tuned on the development gold set, see BENCHMARKS.md "Linking".
FRAME_SHARED_ACTOR = 0.6
FRAME_SAME_ITEM = 0.45
SAME_EXPRESSION = 0.1
NEAR_WORDS = 8  # a frame word this close to a shared actor's mention is that actor's stance
FAR_FROM_ACTOR = 0.8
OTHER_ITEM_ANALYST = 0.75  # factor for an analyst comment's link outside its own item


def _net_poles(v: ClaimView) -> dict[str, tuple[int, object]]:
    poles: dict[str, list] = {}
    for hit in v.frames:
        poles.setdefault(hit.frame, []).append(hit)
    out = {}
    for frame, hits in poles.items():
        signs = {h.pole for h in hits}
        if len(signs) == 1:  # a claim that says both ("peace ... but war") takes no side here
            out[frame] = (hits[0].pole, hits[0])
    return out


def _near(v: ClaimView, hit, actors: Sequence[str]) -> bool:
    """Whether the frame word is close to a mention of a shared actor (or none is mentioned at all).

    In "the USSR is attempting to put negotiators under pressure from members anxious for peace",
    the peace is the members', not the USSR's: it stands far from "USSR".
    """
    mentioned = [w for a in actors for w in v.actor_words.get(a, ())]
    return not mentioned or min(abs(w - hit.word) for w in mentioned) <= NEAR_WORDS


def _same_item(a: ClaimView, b: ClaimView) -> bool:
    return a.doc_index == b.doc_index and a.claim.item == b.claim.item


def nested(a: ClaimView, b: ClaimView) -> bool:
    """True when the contents overlap: one claim reports the other ("the announcement that X")."""
    ca, cb = a.claim.content, b.claim.content
    return a.doc_index == b.doc_index and ca.start < cb.end and cb.start < ca.end


def _factor(a: ClaimView, b: ClaimView) -> float:
    for x in (a, b):
        if x.is_analyst and x.claim.in_comment and not _same_item(a, b):
            return OTHER_ITEM_ANALYST
    return 1.0


def frame_candidates(views: Sequence[ClaimView], pairs: Iterable[tuple[int, int]]) -> Iterator[Candidate]:
    """Corroborates / contradicts from shared frames about shared actors."""
    poles = {}
    for i, j in pairs:
        a, b = views[i], views[j]
        if not a.frames or not b.frames or same_source(a, b) or nested(a, b):
            continue
        shared_actors = sorted(a.agents & b.agents)
        if not shared_actors and not _same_item(a, b):
            continue
        pa = poles.get(i) or poles.setdefault(i, _net_poles(a))
        pb = poles.get(j) or poles.setdefault(j, _net_poles(b))
        for frame in sorted(set(pa) & set(pb)):
            (sa, ha), (sb, hb) = pa[frame], pb[frame]
            base = FRAME_SHARED_ACTOR if shared_actors else FRAME_SAME_ITEM
            if ha.span.text.lower() == hb.span.text.lower():
                base += SAME_EXPRESSION  # "let up" vs "not let up": the very same predicate
            score = (base + 0.2 * jaccard(a.stems, b.stems)) * _factor(a, b)
            if shared_actors and not (_near(a, ha, shared_actors) and _near(b, hb, shared_actors)):
                score *= FAR_FROM_ACTOR
            score = min(1.0, score)
            agree = sa == sb
            kind = RelationType.CORROBORATES if agree else RelationType.CONTRADICTS
            about = f" about {', '.join(shared_actors)}" if shared_actors else " in one item"
            note = (f"both {'assert' if sa > 0 else 'deny'} '{frame}'{about}: '{ha.span.text}' / '{hb.span.text}'"
                    if agree else
                    f"opposite poles of '{frame}'{about}: '{ha.span.text}'{' (negated)' if ha.negated else ''}"
                    f" vs '{hb.span.text}'{' (negated)' if hb.negated else ''}")
            yield Candidate(kind, j, i, round(score, 4),
                            Evidence(SIGNAL_FRAME, (ha.span, hb.span), note))


def proposition_candidates(views: Sequence[ClaimView], pairs: Iterable[tuple[int, int]], *,
                           min_shared: int = 2, min_overlap: float = 0.3,
                           corroborate_overlap: float = 0.5, corroborate_shared: int = 4) -> Iterator[Candidate]:
    """Contradicts when one of two overlapping contents is negated; corroborates when near-identical."""
    for i, j in pairs:
        a, b = views[i], views[j]
        shared = a.stems & b.stems
        if len(shared) < min_shared or same_source(a, b) or nested(a, b):
            continue
        ov = overlap_coefficient(a.stems, b.stems)
        if ov < min_overlap or (ov < 0.5 and len(shared) < 4):
            continue
        if {h.frame for h in a.frames} & {h.frame for h in b.frames}:
            continue  # the frame rule knows their predicates; shared words alone would mislead
        neg_a = a.whole_negated or bool(shared & a.negated_stems)
        neg_b = b.whole_negated or bool(shared & b.negated_stems)
        words = ", ".join(sorted(shared)[:6])
        spans = (a.claim.content, b.claim.content)
        if neg_a != neg_b:
            negated = a if neg_a else b
            how = "denied by its source" if negated.whole_negated else "negated"
            score = min(1.0, (0.4 + 0.5 * ov) * _factor(a, b))
            yield Candidate(RelationType.CONTRADICTS, j, i, round(score, 4),
                            Evidence(SIGNAL_PROPOSITION, spans,
                                     f"same proposition ({words}), {how} in one claim only"))
        elif ov >= corroborate_overlap and len(shared) >= corroborate_shared:
            score = min(1.0, (0.25 + 0.5 * ov) * _factor(a, b))
            yield Candidate(RelationType.CORROBORATES, j, i, round(score, 4),
                            Evidence(SIGNAL_PROPOSITION, spans, f"same proposition ({words}) from two sources"))
