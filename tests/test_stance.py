"""Stance: commitment (FactBank-style) and polarity, from the lexicon data files and in context."""

from __future__ import annotations

import pytest

from graphbuild.nlp.attribution import attributions
from graphbuild.nlp.stance import commitment_of, load_lexicon, parse_cues, polarity_of, weaker
from graphbuild.records import Commitment, Polarity

C, PR, PO, R = Commitment.CERTAIN, Commitment.PROBABLE, Commitment.POSSIBLE, Commitment.REPORTED


@pytest.fixture(scope="module")
def lex():
    return load_lexicon()


def test_lexicon_defaults_follow_factbank(lex):
    assert lex.verbs["state"].commitment == C
    assert lex.verbs["believe"].commitment == PR
    assert lex.verbs["suggest"].commitment == PO
    assert lex.verbs["allege"].commitment == R
    assert lex.verbs["deny"].polarity == Polarity.NEGATIVE
    assert lex.nouns["belief"].commitment == PR
    assert "np" in lex.verbs["deny"].flags


@pytest.mark.parametrize(("a", "b", "expected"), [
    (C, PR, PR), (PR, PO, PO), (C, R, R), (PR, R, R), (PO, R, PO), (C, C, C),
])
def test_weaker_takes_the_weaker_value(a, b, expected):
    assert weaker(a, b) == expected
    assert weaker(b, a) == expected


def test_hedges_weaken_the_cue_default(lex):
    assert commitment_of(C, ["was", "probably", "consulted"], lex) == PR
    assert commitment_of(C, ["troops", "may", "withdraw"], lex) == PO
    assert commitment_of(PR, ["reportedly", "left"], lex) == R
    assert commitment_of(C, ["the", "talks", "ended"], lex) == C


def test_negators(lex):
    assert polarity_of(Polarity.POSITIVE, None, "there is as yet no reliable evidence of such disunity",
                       lex) == Polarity.NEGATIVE
    assert polarity_of(Polarity.POSITIVE, None, "the reports have not been confirmed", lex) == Polarity.NEGATIVE
    assert polarity_of(Polarity.POSITIVE, "sees no indication", "the talks will resume", lex) == Polarity.NEGATIVE
    # A plain statement that contains "not" stays positive.
    assert polarity_of(Polarity.POSITIVE, "states", "the army will not attack before May", lex) == Polarity.POSITIVE


def test_bad_cue_rows_are_refused():
    with pytest.raises(ValueError, match="row 1"):
        parse_cues("state\tVERB\n")
    with pytest.raises(ValueError):
        parse_cues("state\tVERB\tsure\tpositive\t-\n")


def test_user_lexicon_file_extends_the_cues(tmp_path):
    path = tmp_path / "cues.tsv"
    path.write_text("# mine\nopine\tVERB\tprobable\tpositive\t-\n", encoding="utf-8")
    lex = load_lexicon(cues_path=path)
    assert set(lex.verbs) == {"opine"} and lex.verbs["opine"].commitment == PR


@pytest.mark.parametrize(("text", "commitment", "polarity"), [
    ("The embassy believes that the premier will resign.", PR, Polarity.POSITIVE),
    ("The embassy suggests that the premier is losing support.", PO, Polarity.POSITIVE),
    ("The embassy states that the premier was probably consulted.", PR, Polarity.POSITIVE),
    ("The embassy reports that rebels allegedly seized the airfield.", R, Polarity.POSITIVE),
    ("The ministry denies that its troops crossed the frontier.", C, Polarity.NEGATIVE),
    ("The attache does not believe that the fleet has sailed.", PR, Polarity.NEGATIVE),
])
def test_stance_in_context(nlp, text, commitment, polarity):
    [a] = [a for a in attributions(nlp(text)) if a.cue is not None]
    assert (a.commitment, a.polarity) == (commitment, polarity)


def test_follow_on_sentence_keeps_hearsay_but_not_the_belief(nlp):
    believed = attributions(nlp("The consulate believes that riots broke out in the port. "
                                "The crowds were dispersed by police."))
    [carry] = [a for a in believed if a.kind == "carry"]
    assert carry.commitment == C  # the belief verb does not reach the next sentence
    heard = attributions(nlp("The consulate has heard that riots broke out in the port. "
                             "The crowds were dispersed by police."))
    [carry] = [a for a in heard if a.kind == "carry"]
    assert carry.commitment == R  # hearsay does
