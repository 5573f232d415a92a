"""The attribution component on small texts written for these tests (real trained pipeline)."""

from __future__ import annotations

import spacy

from graphbuild.nlp.attribution import DEFAULT, HEARSAY, MENTION, NEWS_ONLY, REDACTED, attributions
from graphbuild.records import Commitment, Polarity


def _found(nlp, text):
    doc = nlp(text)
    return doc, attributions(doc)


def _sliced(doc, rng):
    return None if rng is None else doc.text[rng[0]:rng[1]]


def _explicit(atts):
    """Cued attributions, without the news-only stance/headline ones (tested on their own below)."""
    return [a for a in atts if a.kind not in ("narrative", "carry") and a.kind not in NEWS_ONLY]


def test_cue_verb_with_that_clause(nlp):
    doc, atts = _found(nlp, "The Ruritanian Foreign Ministry states that the northern border will remain closed.")
    [a] = _explicit(atts)
    assert _sliced(doc, a.source) == "The Ruritanian Foreign Ministry"
    assert _sliced(doc, a.cue) == "states"
    assert _sliced(doc, a.content) == "the northern border will remain closed"
    assert a.source_role == MENTION
    assert a.commitment == Commitment.CERTAIN and a.polarity == Polarity.POSITIVE


def test_conjoined_content_clauses_are_split(nlp):
    text = ("The consulate reports that the harbour has been mined, that fuel is scarce, "
            "and that the garrison was reinforced last week.")
    doc, atts = _found(nlp, text)
    contents = [_sliced(doc, a.content) for a in _explicit(atts)]
    assert contents == ["the harbour has been mined", "fuel is scarce", "the garrison was reinforced last week"]
    assert {_sliced(doc, a.source) for a in _explicit(atts)} == {"The consulate"}


def test_according_to(nlp):
    doc, atts = _found(nlp, "The harvest failed in the eastern provinces, according to the legation in Zenda.")
    [a] = _explicit(atts)
    assert _sliced(doc, a.cue) == "according to"
    assert _sliced(doc, a.source) == "the legation in Zenda"
    assert _sliced(doc, a.content) == "The harvest failed in the eastern provinces"


def test_passive_hearsay_has_no_source_and_is_reported(nlp):
    doc, atts = _found(nlp, "It is reported that the garrison in the capital has mutinied.")
    [a] = _explicit(atts)
    assert a.source is None and a.source_role == HEARSAY
    assert a.commitment == Commitment.REPORTED
    assert _sliced(doc, a.content) == "the garrison in the capital has mutinied"


def test_noun_cue_takes_the_subject_of_its_light_verb(nlp):
    doc, atts = _found(nlp, "The legation expressed its belief that the cabinet will fall before spring.")
    [a] = _explicit(atts)
    assert _sliced(doc, a.source) == "The legation"
    assert _sliced(doc, a.cue) == "expressed its belief"
    assert a.commitment == Commitment.PROBABLE


def test_quoted_speech_keeps_the_quotation(nlp):
    doc, atts = _found(nlp, '"We will never give up the islands," the admiral said.')
    [a] = _explicit(atts)
    assert _sliced(doc, a.source) == "the admiral"
    assert _sliced(doc, a.cue) == "said"
    assert _sliced(doc, a.content).startswith('"We will never give up the islands')


def test_nested_attribution_records_its_parent(nlp):
    doc, atts = _found(nlp, "The British report that the regime claims the harvest was the best in a decade.")
    outer = next(a for a in atts if _sliced(doc, a.cue) == "report")
    inner = next(a for a in atts if _sliced(doc, a.cue) == "claims")
    assert _sliced(doc, inner.source) == "the regime"
    assert atts[inner.parent] is outer
    assert outer.parent is None


def test_blackout_code_stands_for_source_and_cue(nlp):
    text = "[redacted] the minister of war intends to resign, but that the army opposes his departure."
    doc, atts = _found(nlp, text)
    found = _explicit(atts)
    assert [a.source_role for a in found] == [REDACTED, REDACTED]
    assert _sliced(doc, found[0].source) == "[redacted]"
    assert [_sliced(doc, a.content) for a in found] == [
        "the minister of war intends to resign", "the army opposes his departure"]
    assert all(a.cue is None and a.commitment == Commitment.REPORTED for a in found)


def test_denial_is_negative(nlp):
    _doc, atts = _found(nlp, "The spokesman denied that troops had crossed the river.")
    [a] = _explicit(atts)
    assert a.polarity == Polarity.NEGATIVE


def test_follow_on_sentence_carries_the_source_over(nlp):
    text = "The consulate reports that riots broke out in the port city. The crowds were dispersed by police."
    doc, atts = _found(nlp, text)
    carry = next(a for a in atts if a.kind == "carry")
    assert _sliced(doc, carry.source) == "The consulate"
    assert _sliced(doc, carry.content) == "The crowds were dispersed by police"
    assert atts[carry.carried_from].kind == "verb"


def test_carry_over_stops_at_a_paragraph_break(nlp):
    text = "The consulate reports that riots broke out in the port city.\n\nThe crowds were dispersed by police."
    _doc, atts = _found(nlp, text)
    last = atts[-1]
    assert last.kind == "narrative" and last.source is None and last.source_role == DEFAULT


def test_component_is_a_registered_factory(nlp):
    import graphbuild.nlp.factories  # noqa: F401

    assert "graphbuild_attribution" in nlp.pipe_names
    fresh = spacy.load(nlp.meta["lang"] + "_" + nlp.meta["name"])
    fresh.add_pipe("graphbuild_attribution", config={"carry_over": False})
    doc = fresh("The consulate reports that riots broke out. The crowds were dispersed by police.")
    assert not any(a.kind == "carry" for a in attributions(doc))
    assert [s.text for s in doc.spans["graphbuild_cues"]] == ["reports"]


def test_stance_verbs_are_news_only_attributions(nlp):
    doc, atts = _found(nlp, "The senator backs the pipeline bill and wants to hold hearings in May.")
    stance = {_sliced(doc, a.cue): a for a in atts if a.kind == "stance"}
    assert _sliced(doc, stance["backs"].content) == "the pipeline bill"
    assert _sliced(doc, stance["backs"].source) == "The senator"
    assert _sliced(doc, stance["wants"].content) == "to hold hearings in May"
    # They never replace the sentence's own reading: a voiced text (bulletin) still gets its narrative.
    assert any(a.kind == "narrative" for a in atts)


def test_stance_inside_a_quotation_is_the_speaker_s_words(nlp):
    doc, atts = _found(nlp, '"We want a fair vote," the mayor said.')
    assert not [a for a in atts if a.kind == "stance"]
    [a] = _explicit(atts)
    assert _sliced(doc, a.cue) == "said"


def test_headline_label_with_a_colon(nlp):
    doc, atts = _found(nlp, "Clinton: Trump's view of the world is dangerously wrong\n\nShe spoke in San Diego.")
    [a] = [a for a in atts if a.kind == "heading"]
    assert (_sliced(doc, a.source), _sliced(doc, a.cue)) == ("Clinton", ":")
    assert _sliced(doc, a.content) == "Trump's view of the world is dangerously wrong"


def test_quotation_resumed_after_its_attribution_is_one_content(nlp):
    text = '"The plant will close," Smith said on Monday. "Nobody here wants that to happen."'
    doc, atts = _found(nlp, text)
    [a] = _explicit(atts)
    assert _sliced(doc, a.content) == text
    assert _sliced(doc, a.cue) == "said" and _sliced(doc, a.source) == "Smith"


def test_cue_keeps_its_adverb_and_colon(nlp):
    doc, atts = _found(nlp, 'The governor also added: "The budget is balanced."')
    [a] = _explicit(atts)
    assert _sliced(doc, a.cue) == "also added:"
