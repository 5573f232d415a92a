"""Incremental linking: ``link_new`` gives exactly link_claims' links that involve a new claim."""

from __future__ import annotations

import datetime as dt
import random

import pytest

from graphbuild import ids
from graphbuild.link import link_claims, link_new
from graphbuild.link.blocking import candidate_pairs
from graphbuild.link.combine import combine
from graphbuild.link.content import frame_candidates, proposition_candidates
from graphbuild.link.cues import cue_candidates
from graphbuild.link.lexicon import load_lexicon
from graphbuild.link.views import views_from_extractions
from graphbuild.records import (
    Actor,
    ActorKind,
    Claim,
    Commitment,
    Document,
    DocumentMeta,
    Extraction,
    Polarity,
    RelationType,
    Segmentation,
    Source,
    SourceKind,
    Span,
)

# Predicates that hit the opposition frames (both poles), near-identical propositions and neutral ones,
# over few actors and sources within a few weeks: many links, and triangles of corroborations.
PREDICATES = ["wants an armistice", "favors ending the conflict", "seeks to widen the war", "continues hostilities",
              "shows unity", "reports friction", "will accept the proposal", "rejects the proposal",
              "will not accept the proposal", "has sent a delegation", "held talks about the border"]
LEADS = ["", "", "However, ", "In a similar comment, ", "Contrary to this, "]


def corpus(n_docs: int, *, seed: int) -> list[Extraction]:
    rng = random.Random(seed)
    actors = ["Moravia", "Borduria", "Syldavia", "Ruritania"]
    out = []
    for d in range(n_docs):
        parts, pending, pos = [], [], 0
        for _ in range(rng.randint(2, 6)):
            actor, src = rng.choice(actors), rng.choice(["Embassy", "Legation", "Consulate", "Ministry", "Radio"])
            comment = rng.random() < 0.15
            prefix = "Comment: There is no evidence that " if comment else f"{rng.choice(LEADS)}The {src} says that "
            content = f"{actor} {rng.choice(PREDICATES)} near Vistula {rng.choice(['soon', 'today', 'again'])}"
            sentence = prefix + content + ". "
            pending.append((pos + len(prefix), content, actor, src, comment))
            parts.append(sentence)
            pos += len(sentence)
        text = "".join(parts)
        sha = ids.content_hash(text + str(d))
        doc = Document(id=f"doc-{d:03d}", text=text, sha256=sha, path="")
        claims = []
        for start, content, actor, src, comment in pending:
            span = Span.of(text, start, start + len(content))
            source = (Source("analyst", "analyst", SourceKind.ANALYST) if comment
                      else Source(ids.actor_id(src), src, SourceKind.ORGANIZATION))
            claims.append(Claim(id=ids.claim_id(sha, span.start, span.end, None), document=doc.id, item=1,
                                in_comment=comment, content=span, source=source, cue=None,
                                commitment=Commitment.CERTAIN,
                                polarity=Polarity.NEGATIVE if comment else Polarity.POSITIVE,
                                about=(ids.actor_id(actor), "vistula")))
        date = dt.date(1952, 3, 1) + dt.timedelta(days=rng.randint(0, 40))
        # Some documents know "Vistula" is a place (no stance): places count across all documents.
        found = (Actor("vistula", "Vistula", ActorKind.PLACE),) if d % 4 == 0 else ()
        out.append(Extraction(Segmentation(doc, DocumentMeta(date=date.isoformat()), (), (), (), ()), found,
                              tuple(claims)))
    return out


def _involving(relations, new_ids):
    return [r for r in relations if r.source_claim in new_ids or r.target_claim in new_ids]


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_link_new_equals_link_claims_restricted_to_new_claims(seed):
    lexicon = load_lexicon()
    extractions = corpus(14, seed=seed)
    # Views built and cached one document at a time (doc_index 0 each), as the store's ingest does.
    cached = [views_from_extractions([ex], lexicon=lexicon) for ex in extractions]
    places = {a.id for ex in extractions for a in ex.actors if a.kind == ActorKind.PLACE}
    checked = links = 0
    for k in range(len(extractions)):
        stored = [ex for i, ex in enumerate(extractions) if i != k]
        new = extractions[k]
        expected = _involving(link_claims([*stored, new]), {c.id for c in new.claims})
        stored_views = [v for i, vs in enumerate(cached) if i != k for v in vs]
        got = link_new(cached[k], stored_views, places=places)
        assert got == expected  # same pairs, types, directions, scores and evidence, same order
        checked += 1
        links += len(got)
    assert checked == 14 and links > 20
    # Two new documents at once, and nothing stored.
    new_ids = {c.id for ex in extractions[-2:] for c in ex.claims}
    both = [v for vs in cached[-2:] for v in vs]
    assert link_new(both, [v for vs in cached[:-2] for v in vs], places=places) == _involving(
        link_claims(extractions), new_ids)
    assert link_new(both, [], places=places) == link_claims(extractions[-2:])
    assert link_new([], both, places=places) == []


def test_renumbered_cached_views_equal_views_built_together():
    from graphbuild.link import _renumber

    lexicon = load_lexicon()
    extractions = corpus(8, seed=4)
    places = frozenset(a.id for ex in extractions for a in ex.actors if a.kind == ActorKind.PLACE)
    cached = [v for ex in extractions for v in views_from_extractions([ex], lexicon=lexicon)]
    together = views_from_extractions(extractions, lexicon=lexicon)
    assert places and any("vistula" in v.agents for v in cached)
    assert _renumber(cached, places) == together


def test_the_corpus_exercises_triangles_through_stored_claims():
    """Without scoring stored-stored pairs for the triangle rule, link_new would keep extra links."""
    lexicon = load_lexicon()
    extractions = corpus(14, seed=2)
    views = views_from_extractions(extractions, lexicon=lexicon)
    pairs = list(candidate_pairs(views))
    candidates = [*cue_candidates(views), *frame_candidates(views, pairs), *proposition_candidates(views, pairs)]
    pruned = {(r.type, r.source_claim, r.target_claim) for r in combine(views, candidates)}
    unpruned = combine(views, candidates, prune_triangles=False)
    dropped = [r for r in unpruned if (r.type, r.source_claim, r.target_claim) not in pruned]
    assert any(r.type == RelationType.CORROBORATES for r in dropped)


def test_link_new_refuses_unknown_signals():
    with pytest.raises(ValueError, match="bogus"):
        link_new([], [], signals=("cue", "bogus"))


def test_ingest_stores_the_links_link_claims_gives_with_cached_views(tmp_path):
    """Each ingested document's graph holds link_claims' links (over stored + new) that touch it."""
    from graphbuild.store import EmbeddedStore, Ingestor
    from graphbuild.store.ingest import read_extractions, relations_from_quads

    extractions = corpus(8, seed=3)
    with EmbeddedStore(tmp_path / "s") as store:
        ingestor = Ingestor(store, max_linked=100)
        expected_links = 0
        for k, new in enumerate(extractions):
            graphs = ingestor.candidates(new)
            stored = list(read_extractions(store, graphs).values())  # what the ingestor links against
            expected = _involving(link_claims([*stored, new]), {c.id for c in new.claims})
            outcome = ingestor.add(new)
            got = relations_from_quads(store.graph_quads(outcome.graph))
            key = lambda r: (r.type.value, r.source_claim, r.target_claim)
            assert sorted((key(r), r.score) for r in got) == sorted((key(r), r.score) for r in expected)
            assert outcome.links == len(expected)
            expected_links += len(expected)
        assert expected_links > 5
        assert len(ingestor._views) == len(extractions) - 1  # stored views built once each, then reused
