"""Linking: each signal on small texts written for the test, symmetry, blocking, assessment, CLI."""

from __future__ import annotations

import argparse
import csv
import io
import json
from contextlib import redirect_stdout
from dataclasses import dataclass

import pytest

from graphbuild import ids
from graphbuild.export.jsonl import write_actors_jsonl, write_claims_jsonl
from graphbuild.export.relations import write_relations_jsonl
from graphbuild.link import SIGNALS, link_claims
from graphbuild.link.assess import assess_sources, rate_claims
from graphbuild.link.blocking import candidate_pairs
from graphbuild.link.lexicon import load_lexicon, parse_oppositions
from graphbuild.link.text import negated_words, stem, word_tokens
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
    Relation,
    RelationType,
    Segmentation,
    Source,
    SourceKind,
    Span,
)


@dataclass
class C:
    """A claim to place in a test text: its source and the exact content substring."""

    source: str
    content: str
    about: tuple[str, ...] = ()
    kind: SourceKind = SourceKind.ORGANIZATION
    polarity: Polarity = Polarity.POSITIVE
    in_comment: bool = False
    item: int | None = 1


def make_doc(text: str, specs: list[C], *, doc_id: str = "doc.txt", date: str | None = "1960-03-01",
             actors: tuple[Actor, ...] = ()) -> Extraction:
    sha = ids.content_hash(text + doc_id)
    document = Document(id=doc_id, text=text, sha256=sha, path=doc_id)
    claims, at = [], 0
    for spec in specs:
        start = text.index(spec.content, at)
        at = start + 1
        span = Span.of(text, start, start + len(spec.content))
        sid = spec.kind.value if spec.kind in (SourceKind.ANALYST, SourceKind.REDACTED) else ids.actor_id(spec.source)
        claims.append(Claim(
            id=ids.claim_id(sha, span.start, span.end, None), document=doc_id, item=spec.item,
            in_comment=spec.in_comment, content=span, source=Source(sid, spec.source, spec.kind), cue=None,
            commitment=Commitment.CERTAIN, polarity=spec.polarity, about=spec.about))
    seg = Segmentation(document, DocumentMeta(date=date), (), (), (), ())
    return Extraction(seg, actors, tuple(claims))


def kinds(relations: list[Relation]) -> list[tuple[str, str, str]]:
    return sorted((r.type.value, r.source_claim, r.target_claim) for r in relations)


def cid(ex: Extraction, n: int) -> str:
    return ex.claims[n].id


def linked(relations: list[Relation], a: str, b: str, kind: RelationType) -> Relation | None:
    for r in relations:
        if r.type == kind and {r.source_claim, r.target_claim} == {a, b}:
            return r
    return None


# --- text helpers -------------------------------------------------------------------------------

def test_stem_matches_inflections():
    assert stem("ending") == stem("end") == stem("ends")
    assert stem("hostilities") == stem("hostility")
    assert stem("continued") == stem("continue")


def test_negation_scope_stops_at_clause_end():
    text = "they could not accept the offer, but signed the pact"
    words = list(word_tokens(text))
    flags = negated_words(text, 0, words, load_lexicon().patterns("negator"))
    negated = {w for (_, _, w), f in zip(words, flags, strict=True) if f}
    assert {"accept", "offer"} <= negated
    assert "signed" not in negated and "pact" not in negated


def test_opposition_lexicon_rejects_bad_rows():
    with pytest.raises(ValueError, match="oppositions.tsv line 1"):
        parse_oppositions("unity\t?\tharmony\n")


# --- signals ------------------------------------------------------------------------------------

def test_similar_comment_cue_corroborates_previous_source():
    text = ("The Legation in Utopia reports that the harbour strike is spreading to the railways. "
            "In a similar comment, the consul in Freeport says that dock workers have joined the walkout.")
    ex = make_doc(text, [C("Legation in Utopia", "the harbour strike is spreading to the railways"),
                         C("consul in Freeport", "dock workers have joined the walkout")])
    rels = link_claims([ex])
    r = linked(rels, cid(ex, 0), cid(ex, 1), RelationType.CORROBORATES)
    assert r is not None and r.evidence[0].signal == "cue"
    cue = r.evidence[0].spans[0]
    assert text[cue.start:cue.end] == cue.text == "In a similar comment"
    assert r.source_claim == cid(ex, 1)  # the later claim corroborates the earlier one


def test_discount_cue_contradicts_what_it_discounts():
    text = ("A traveller claims that a mutiny broke out in the northern garrison. "
            "Comment: There is no confirmation of a mutiny in the north.")
    ex = make_doc(text, [C("traveller", "a mutiny broke out in the northern garrison", kind=SourceKind.PERSON),
                         C("analyst", "There is no confirmation of a mutiny in the north", kind=SourceKind.ANALYST,
                           polarity=Polarity.NEGATIVE, in_comment=True)])
    r = linked(link_claims([ex]), cid(ex, 0), cid(ex, 1), RelationType.CONTRADICTS)
    assert r is not None
    assert any("mutiny" in e.note for e in r.evidence)


def test_anaphoric_comment_comments_on_the_report_before():
    text = ("An informant says that the minister will resign next week. "
            "Comment: Stories of this kind appear every spring.")
    ex = make_doc(text, [C("informant", "the minister will resign next week", kind=SourceKind.REDACTED),
                         C("analyst", "Stories of this kind appear every spring", kind=SourceKind.ANALYST,
                           in_comment=True)])
    rels = link_claims([ex])
    assert kinds(rels) == [("comments_on", cid(ex, 1), cid(ex, 0))]


def test_however_comments_on_the_claim_before():
    text = "Morale in the fleet is said to be high. However, sailors are deserting in the southern ports."
    ex = make_doc(text, [C("unspecified", "Morale in the fleet is said to be high", kind=SourceKind.UNSPECIFIED),
                         C("attache", "sailors are deserting in the southern ports")])
    assert kinds(link_claims([ex])) == [("comments_on", cid(ex, 1), cid(ex, 0))]


def test_frames_oppose_across_documents_about_the_same_actor():
    a = make_doc("The envoy believes that Ruritania wants a truce before winter.",
                 [C("envoy", "Ruritania wants a truce before winter", about=("ruritania",))], doc_id="a.txt")
    b = make_doc("A defector says that Ruritania plans to widen the war into the delta.",
                 [C("defector", "Ruritania plans to widen the war into the delta", about=("ruritania",),
                    kind=SourceKind.PERSON)], doc_id="b.txt", date="1960-03-09")
    rels = link_claims([a, b])
    r = linked(rels, cid(a, 0), cid(b, 0), RelationType.CONTRADICTS)
    assert r is not None and r.evidence[0].signal == "content:frame"
    assert {s.text for s in r.evidence[0].spans} == {"truce", "widen the war"}


def test_frames_agree_and_negation_flips_a_pole():
    a = make_doc("The envoy reports that Ruritania and Borduria are at odds over the canal.",
                 [C("envoy", "Ruritania and Borduria are at odds over the canal", about=("ruritania", "borduria"))],
                 doc_id="a.txt")
    b = make_doc("The attache says that Ruritania and Borduria have not coordinated their plans.",
                 [C("attache", "Ruritania and Borduria have not coordinated their plans",
                    about=("ruritania", "borduria"))], doc_id="b.txt")
    assert linked(link_claims([a, b]), cid(a, 0), cid(b, 0), RelationType.CORROBORATES) is not None


def test_far_apart_dates_are_not_compared():
    a = make_doc("The envoy believes that Ruritania wants a truce.",
                 [C("envoy", "Ruritania wants a truce", about=("ruritania",))], doc_id="a.txt", date="1960-01-01")
    b = make_doc("A defector says that Ruritania will widen the war.",
                 [C("defector", "Ruritania will widen the war", about=("ruritania",))], doc_id="b.txt",
                 date="1961-06-01")
    assert link_claims([a, b]) == []
    assert link_claims([a, b], window_days=1000) != []


def test_negated_proposition_contradicts():
    text = ("The finance ministry states that the republic will repay the bond loan in March. "
            "The central bank says that the republic cannot repay the bond loan this year.")
    ex = make_doc(text, [C("finance ministry", "the republic will repay the bond loan in March"),
                         C("central bank", "the republic cannot repay the bond loan this year")])
    r = linked(link_claims([ex]), cid(ex, 0), cid(ex, 1), RelationType.CONTRADICTS)
    assert r is not None and r.evidence[0].signal == "content:proposition"


def test_denial_by_cue_contradicts_the_same_proposition():
    text = "The rebels report that the bridge at Kessel was destroyed. The army denies that the bridge at Kessel was destroyed."
    first = "the bridge at Kessel was destroyed"
    ex = make_doc(text, [C("rebels", first), C("army", first, polarity=Polarity.NEGATIVE)])
    assert linked(link_claims([ex]), cid(ex, 0), cid(ex, 1), RelationType.CONTRADICTS) is not None


def test_one_source_does_not_corroborate_itself():
    text = ("The embassy reports that Ruritania wants a truce. Later the embassy adds that Ruritania "
            "seeks an armistice soon.")
    ex = make_doc(text, [C("embassy", "Ruritania wants a truce", about=("ruritania",)),
                         C("embassy", "Ruritania seeks an armistice soon", about=("ruritania",))])
    assert link_claims([ex]) == []


def test_stance_far_from_the_actor_is_weak():
    # The peace belongs to "the members", not to Ruritania: no corroboration with the envoy.
    text = ("The envoy says that Ruritania wants an armistice. The consul reports that Ruritania is "
            "pressing the committee through those neutral members who are anxious for an early peace.")
    ruri = Actor("ruritania", "Ruritania", ActorKind.STATE,
                 mentions=tuple(Span.of(text, i, i + 9) for i in (text.index("Ruritania"), text.rindex("Ruritania"))))
    ex = make_doc(text, [
        C("envoy", "Ruritania wants an armistice", about=("ruritania",)),
        C("consul", "Ruritania is pressing the committee through those neutral members who are anxious for an "
                    "early peace", about=("ruritania",))], actors=(ruri,))
    assert link_claims([ex]) == []


# --- combining ----------------------------------------------------------------------------------

def test_a_pair_is_linked_once_per_type_with_all_evidence():
    # Both the cue and the frame signal support this pair: one link, two pieces of evidence.
    text = ("The envoy reports that Ruritania wants an armistice. "
            "In a similar comment, the consul says that Ruritania favors a truce.")
    ex = make_doc(text, [C("envoy", "Ruritania wants an armistice", about=("ruritania",)),
                         C("consul", "Ruritania favors a truce", about=("ruritania",))])
    rels = link_claims([ex])
    assert len(rels) == 1
    assert {e.signal for e in rels[0].evidence} == {"cue", "content:frame"}
    assert 0.8 < rels[0].score <= 1.0
    rel_ids = {ids.relation_id(r.type.value, r.source_claim, r.target_claim) for r in rels}
    assert len(rel_ids) == len(rels)
    assert ids.relation_id("corroborates", cid(ex, 0), cid(ex, 1)) == ids.relation_id("corroborates", cid(ex, 1), cid(ex, 0))


def test_signals_can_be_switched_off_and_unknown_ones_are_refused():
    text = ("The envoy reports that Ruritania wants an armistice. "
            "In a similar comment, the consul says that Ruritania favors a truce.")
    ex = make_doc(text, [C("envoy", "Ruritania wants an armistice", about=("ruritania",)),
                         C("consul", "Ruritania favors a truce", about=("ruritania",))])
    only_frames = link_claims([ex], signals=["frame"])
    assert [e.signal for e in only_frames[0].evidence] == ["content:frame"]
    with pytest.raises(ValueError):
        link_claims([ex], signals=["telepathy"])


def test_links_are_deterministic_and_scores_bounded():
    text = ("The envoy reports that Ruritania wants an armistice. A refugee says that Ruritania will continue "
            "the war. Comment: There is no evidence that Ruritania will continue the war.")
    ex = make_doc(text, [C("envoy", "Ruritania wants an armistice", about=("ruritania",)),
                         C("refugee", "Ruritania will continue the war", about=("ruritania",), kind=SourceKind.PERSON),
                         C("analyst", "There is no evidence that Ruritania will continue the war", about=("ruritania",),
                           kind=SourceKind.ANALYST, polarity=Polarity.NEGATIVE, in_comment=True)])
    first, second = link_claims([ex]), link_claims([ex])
    assert first == second and first
    assert all(0.0 <= r.score <= 1.0 for r in first)
    pairs = [(r.type, frozenset((r.source_claim, r.target_claim))) for r in first]
    assert len(pairs) == len(set(pairs))
    assert linked(first, cid(ex, 1), cid(ex, 2), RelationType.CONTRADICTS) is not None


def test_blocking_grows_linearly():
    def corpus(n: int) -> list[Extraction]:
        docs = []
        for d in range(n // 10):
            sents = [f"Source{k} says that Ruritania wants a truce number{d}x{k}." for k in range(10)]
            text = " ".join(sents)
            docs.append(make_doc(text, [C(f"Source{k}", f"Ruritania wants a truce number{d}x{k}",
                                          about=("ruritania",)) for k in range(10)],
                                 doc_id=f"d{d}.txt", date=f"1960-0{1 + d % 3}-0{1 + d % 9}"))
        return docs

    counts = []
    for n in (200, 800):
        views = views_from_extractions(corpus(n), lexicon=load_lexicon())
        counts.append(sum(1 for _ in candidate_pairs(views, neighbours=10)))
    assert counts[0] > 0
    assert counts[1] <= 4 * counts[0] * 1.1  # all claims share one actor, yet pairs grow ~linearly


# --- assessment, export, CLI --------------------------------------------------------------------

def _contradiction_case() -> tuple[Extraction, list[Relation]]:
    text = ("The envoy reports that Ruritania wants an armistice. In a similar comment, the consul says that "
            "Ruritania favors a truce. A defector says that Ruritania plans to widen the war.")
    ex = make_doc(text, [C("envoy", "Ruritania wants an armistice", about=("ruritania",)),
                         C("consul", "Ruritania favors a truce", about=("ruritania",)),
                         C("defector", "Ruritania plans to widen the war", about=("ruritania",),
                           kind=SourceKind.PERSON)],
                  actors=(Actor("ruritania", "Ruritania", ActorKind.STATE, ("Ruritanian Republic",)),))
    return ex, link_claims([ex])


def test_assessment_counts_independent_corroboration_and_suggests_ratings():
    ex, rels = _contradiction_case()
    sources, ratings = assess_sources(ex.claims, rels)
    by = {s.source: s for s in sources}
    assert by["envoy"].claims == 1 and by["envoy"].corroborated == 1 and by["envoy"].contradicted == 1
    assert by["defector"].corroborated == 0 and by["defector"].contradicted == 1
    defector = ratings[cid(ex, 2)]
    assert defector.suggestion is True and defector.rating in (4, 5)
    assert any("contradicted by 2 sources" in r for r in defector.reasons)
    lone = make_doc("The envoy reports that the river froze.", [C("envoy", "the river froze")])
    assert rate_claims(lone.claims, [])[cid(lone, 0)].rating == 6


def _write_outdir(tmp_path) -> tuple[Extraction, list[Relation]]:
    ex, rels = _contradiction_case()
    write_claims_jsonl(tmp_path / "claims.jsonl", [ex])
    write_actors_jsonl(tmp_path / "actors.jsonl", [ex])
    write_relations_jsonl(tmp_path / "relations.jsonl", rels, [ex])
    return ex, rels


def test_relations_jsonl_lines_carry_ids_and_document_spans(tmp_path):
    ex, rels = _write_outdir(tmp_path)
    lines = [json.loads(line) for line in (tmp_path / "relations.jsonl").read_text(encoding="utf-8").splitlines()]
    assert len(lines) == len(rels) >= 3
    for line in lines:
        assert set(line) == {"id", "type", "from", "to", "score", "evidence"}
        assert line["id"] == ids.relation_id(line["type"], line["from"], line["to"])
        for ev in line["evidence"]:
            for span in ev["spans"]:
                assert span["document"] == "doc.txt"
                assert ex.document.text[span["start"]:span["end"]] == span["text"]


def _cli(argv: list[str]) -> str:
    from graphbuild.cli import contradictions, sources

    parser = argparse.ArgumentParser()
    sub = parser.add_subparsers(dest="command", required=True)
    contradictions.register(sub)
    sources.register(sub)
    args = parser.parse_args(argv)
    out = io.StringIO()
    with redirect_stdout(out):
        assert args.func(args) == 0
    return out.getvalue()


def test_contradictions_cli_lists_pairs_side_by_side(tmp_path):
    _ex, _ = _write_outdir(tmp_path)
    table = _cli(["contradictions", str(tmp_path)])
    assert "Ruritania plans to widen the war" in table and "Ruritania wants an armistice" in table
    assert " | " in table and "why: content:frame" in table
    rows = json.loads(_cli(["contradictions", str(tmp_path), "--format", "json", "--actor", "Ruritanian Republic"]))
    assert len(rows) == 2
    assert {rows[0]["a"]["source"], rows[0]["b"]["source"]} >= {"defector"}
    assert rows[0]["a"]["date"] is None or rows[0]["a"]["date"].startswith("1960")
    assert json.loads(_cli(["contradictions", str(tmp_path), "--format", "json", "--actor", "Borduria"])) == []
    assert json.loads(_cli(["contradictions", str(tmp_path), "--format", "json", "--min-score", "0.99"])) == []
    parsed = list(csv.reader(io.StringIO(_cli(["contradictions", str(tmp_path), "--format", "csv"]))))
    assert parsed[0][:3] == ["link", "score", "a_id"] and len(parsed) == 3


def test_sources_cli_reports_counts_and_suggested_ratings(tmp_path):
    _write_outdir(tmp_path)
    data = json.loads(_cli(["sources", str(tmp_path), "--format", "json"]))
    assert {d["source"]: d["contradicted"] for d in data} == {"envoy": 1, "consul": 1, "defector": 1}
    claims = json.loads(_cli(["sources", str(tmp_path), "--claims", "--format", "json"]))
    assert all(c["suggestion"] is True and 1 <= c["suggested_rating"] <= 6 and c["reasons"] for c in claims)
    assert "SUGGESTIONS" in _cli(["sources", str(tmp_path), "--claims"])


def test_all_signals_are_named():
    assert SIGNALS == ("cue", "comment", "frame", "proposition")
