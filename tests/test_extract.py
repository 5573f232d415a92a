"""extract_claims end to end: the seed's gold claims, the output shape, and offsets into the original."""

from __future__ import annotations

import json

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from graphbuild.ids import content_hash
from graphbuild.ingest.segment import segment_document
from graphbuild.nlp import extract_claims
from graphbuild.records import Document, Extraction, SourceKind
from graphbuild.serialize import claim_to_json


def _document(text: str, name: str = "t.txt") -> Document:
    return Document(id=name, text=text, sha256=content_hash(text), path=name)


@pytest.fixture(scope="module")
def seed(nlp, seed_path) -> Extraction:
    text = seed_path.read_text(encoding="utf-8")
    return extract_claims(segment_document(_document(text, str(seed_path))), nlp)


@pytest.fixture(scope="module")
def gold(data_dir):
    return json.loads((data_dir / "gold" / "000_59ef3454e874c2d8.gold.json").read_text(encoding="utf-8"))


def _match(extraction: Extraction, content: str):
    """The predicted claim whose content overlaps the gold content by at least half the shorter."""
    text = extraction.document.text
    g0 = text.find(content)
    assert g0 >= 0
    g1 = g0 + len(content)
    best, best_ov = None, 0.0
    for c in extraction.claims:
        inter = max(0, min(g1, c.content.end) - max(g0, c.content.start))
        ov = inter / max(1, min(g1 - g0, c.content.end - c.content.start))
        if ov > best_ov:
            best, best_ov = c, ov
    assert best is not None and best_ov >= 0.5, f"no claim for {content!r}"
    return best


def test_seed_claims_match_the_gold(seed, gold):
    for g in gold["claims"]:
        claim = _match(seed, g["content"])
        assert claim.source.kind.value == g["source_kind"], g["key"]
        assert claim.commitment.value == g["commitment"], g["key"]
        assert claim.polarity.value == g["polarity"], g["key"]
        assert claim.in_comment == g["in_comment"], g["key"]
        assert claim.item == g["item"], g["key"]
        if g["source_kind"] not in ("analyst", "redacted"):
            assert g["source"].lower() in claim.source.label.lower(), g["key"]
        if g["cue"] and g["cue"] != "Comment:":
            assert claim.cue is not None and claim.cue.text == g["cue"], g["key"]


def test_seed_named_claims(seed):
    text = seed.document.text
    states = _match(seed, "Soviet proposals for UN discussion of the Korean problem represent tactical stalling")
    assert (states.source.label, states.cue.text, states.commitment.value) == (
        "American Embassy in Moscow", "states", "certain")
    suggests = _match(seed, "the USSR is attempting to put UN negotiators under added pressure")
    assert suggests.source.id == states.source.id  # "The Embassy" resolves to the full mention
    assert suggests.source.mention.text == "The Embassy" and suggests.commitment.value == "possible"
    # "adds its belief that A and that B": two claims, both probable, by the mission.
    a = _match(seed, 'both the USSR and China want an armistice on "reasonable" terms')
    b = _match(seed, "the Central People's Government was probably consulted on the Soviet maneuvers in the UN")
    assert a is not b and a.cue.text == b.cue.text == "adds its belief"
    assert a.source.label == b.source.label == "British mission in Peiping"
    assert "ussr" in a.about and "communist-china" in a.about
    # Redacted informant; the analyst's negative comment.
    c7 = _match(seed, "the USSR desires to involve the US in hostilities in Manchuria")
    assert c7.source.kind == SourceKind.REDACTED and c7.source.mention.text == "[redacted]"
    k3 = _match(seed, "there is as yet no reliable evidence of such disunity")
    assert k3.source.id == "analyst" and k3.polarity.value == "negative" and k3.cue.text.startswith("Comment")
    for c in seed.claims:
        assert text[c.content.start:c.content.end] == c.content.text


def test_analyst_label_is_configurable(nlp, seed_path):
    text = seed_path.read_text(encoding="utf-8")
    ex = extract_claims(segment_document(_document(text)), nlp, analyst_label="Office of Current Intelligence")
    labels = {c.source.label for c in ex.claims if c.source.kind == SourceKind.ANALYST}
    assert labels == {"Office of Current Intelligence"}


def test_claim_ids_are_stable_and_unique(nlp, seed, seed_path):
    again = extract_claims(segment_document(_document(seed_path.read_text(encoding="utf-8"), str(seed_path))), nlp)
    assert [c.id for c in again.claims] == [c.id for c in seed.claims]
    assert len({c.id for c in seed.claims}) == len(seed.claims)


def test_relayed_claims_point_at_their_outer_claim(nlp):
    text = "The British report that the regime claims the harvest was the best in a decade.\n"
    ex = extract_claims(segment_document(_document(text)), nlp)
    inner = next(c for c in ex.claims if c.cue and c.cue.text == "claims")
    outer = next(c for c in ex.claims if c.cue and c.cue.text == "report")
    assert inner.relayed_by == outer.id and outer.relayed_by is None


def test_telegram_sender_speaks_uncued_sentences(nlp):
    text = ("Telegram\nThe Ambassador in Ruritania (Smith) to the Department of State\nZenda, May 1, 1952.\n\n"
            "1. The cabinet met twice this week without reaching a decision on the treaty. "
            "We believe that the premier will resign before the vote.\n")
    ex = extract_claims(segment_document(_document(text, "cable.txt")), nlp)
    cabinet = _match(ex, "The cabinet met twice this week without reaching a decision on the treaty")
    assert "Smith" in cabinet.source.label and cabinet.cue is None
    premier = _match(ex, "the premier will resign before the vote")
    assert premier.source.id == cabinet.source.id and premier.source.mention.text == "We"
    assert premier.commitment.value == "probable"


def test_news_keeps_only_cued_claims(nlp):
    text = "Rain fell all day in the capital. The mayor said the parade would go ahead on Sunday.\n"
    ex = extract_claims(segment_document(_document(text, "news.txt")), nlp)
    assert [c.content.text for c in ex.claims] == ["the parade would go ahead on Sunday"]
    assert claim_to_json(ex.claims[0])["source"]["mention"]["text"] == "The mayor"


_PIECES = st.sampled_from([
    "The Embassy states that the talks have failed. ",
    "According to the legation, the harvest was poor, and that prices rose. ",
    "[redacted] the minister will resign. ",
    "25X1 troops are moving north. ",
    '"We will fight on," the general said. ',
    "It is reported that the garrison mutinied. ",
    "The crowds were dispersed. ",
    "\n\nComment: There is no evidence of such plans. ",
    "\n2. Peiping reportedly rejects the offer: ",
    "The mission adds its belief that the regime is stable and that \nthe army is loyal. ",
    "re-\nsumption of talks is expected. ",
    "\u00a0\u2014 ",
    "\n",
])


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.lists(_PIECES, min_size=1, max_size=8))
def test_every_offset_slices_the_original_text(nlp, pieces):
    text = "1. Example headline: " + "".join(pieces)
    ex = extract_claims(segment_document(_document(text)), nlp)
    for c in ex.claims:
        for span in (c.content, c.cue, c.source.mention, c.sentence):
            if span is not None:
                assert text[span.start:span.end] == span.text
                assert 0 <= span.start <= span.end <= len(text)
    for actor in ex.actors:
        for m in actor.mentions:
            assert text[m.start:m.end] == m.text


def test_claims_and_actors_follow_their_json_schemas(seed):
    jsonschema = pytest.importorskip("jsonschema")
    from pathlib import Path

    from graphbuild.serialize import actor_to_json

    ontology = Path(__file__).resolve().parent.parent / "ontology"
    claims = jsonschema.Draft202012Validator(json.loads((ontology / "claims.schema.json").read_text("utf-8")))
    actors = jsonschema.Draft202012Validator(json.loads((ontology / "actors.schema.json").read_text("utf-8")))
    for c in seed.claims:
        claims.validate(claim_to_json(c))
    for a in seed.actors:
        actors.validate(actor_to_json(a, seed.document.id))
    bad = claim_to_json(seed.claims[0]) | {"commitment": "sure"}
    assert not claims.is_valid(bad)
