"""Actors and sources (graphbuild.nlp.actors): gazetteer, the graphbuild_actors component, sources."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from graphbuild.errors import InputError
from graphbuild.nlp.actors import (
    SPANS_KEY,
    Gazetteer,
    SourceResolver,
    about,
    actor_label,
    classify_source,
    clean_label,
    describe_source,
    is_redaction,
    resolve_mentions,
)
from graphbuild.records import ActorKind, SourceKind

ROOT = Path(__file__).resolve().parents[1]
GAZ = Gazetteer.default()


@pytest.fixture(scope="module")
def actors_nlp():
    """The trained pipeline with only the actor component (independent of the attribution one)."""
    import spacy

    import graphbuild.nlp.factories  # noqa: F401  (registers the factories)
    from graphbuild.nlp.model import resolve_model

    nlp = spacy.load(resolve_model())
    nlp.add_pipe("graphbuild_actors")
    return nlp


def _span(doc, phrase: str):
    """The first occurrence of ``phrase`` as whole words."""
    match = re.search(rf"(?<!\w){re.escape(phrase)}(?!\w)", doc.text)
    assert match is not None, phrase
    span = doc.char_span(*match.span())
    assert span is not None, phrase
    return span


# --- the data file ------------------------------------------------------------------------------


def test_packaged_gazetteer_is_the_ontology_file():
    shipped = (ROOT / "graphbuild" / "nlp" / "data" / "actors.tsv").read_bytes()
    assert (ROOT / "ontology" / "actors.tsv").read_bytes() == shipped


def test_every_alias_resolves_to_its_own_actor():
    assert len(GAZ) > 200
    for entry in GAZ:
        assert isinstance(entry.kind, ActorKind)
        for alias in (entry.label, *entry.aliases):
            assert GAZ.lookup(alias) == (entry.id, entry.label, entry.kind), alias


def test_loader_rejects_an_alias_of_two_actors(tmp_path):
    bad = tmp_path / "actors.tsv"
    bad.write_text("# test\nfoo\tFoo\tstate\tFooland | Bar\nbar\tBar\tstate\t\n", encoding="utf-8")
    with pytest.raises(InputError, match="already an alias"):
        Gazetteer.load(bad)


@pytest.mark.parametrize(
    "line",
    ["x\tX\n", "Bad Id\tX\tstate\n", "x\tX\tcountry\n", "x\tX\tstate\ta\tnewspaper\n"],
)
def test_loader_rejects_malformed_lines(tmp_path, line):
    bad = tmp_path / "actors.tsv"
    bad.write_text(line, encoding="utf-8")
    with pytest.raises(InputError, match=r"actors\.tsv:1"):
        Gazetteer.load(bad)


def test_user_file_extends_and_overrides(tmp_path):
    extra = tmp_path / "mine.tsv"
    extra.write_text("ruritania\tRuritania\tstate\tRuritanian | Strelsau\nussr\tSoviet Union\tstate\tUSSR\n")
    gaz = Gazetteer.load(extra=[extra])
    assert gaz.lookup("Strelsau") == ("ruritania", "Ruritania", ActorKind.STATE)
    assert gaz.lookup("the Kremlin") is None  # the user's ussr row replaced the shipped aliases
    assert gaz.lookup("USSR")[:2] == ("ussr", "Soviet Union")


# --- lookup -------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("name", "actor"),
    [
        ("Soviet", "ussr"),
        ("the Soviets", "ussr"),
        ("Soviet Union", "ussr"),
        ("the Soviet\nUnion", "ussr"),
        ("Moscow", "ussr"),
        ("the Kremlin", "ussr"),
        ("Russians", "ussr"),
        ("Peiping", "communist-china"),
        ("Peiping's", "communist-china"),
        ("Peking", "communist-china"),
        ("Chinese Communists", "communist-china"),
        ("the Central People's Government", "communist-china"),
        ("Central People\u2019s Government", "communist-china"),
        ("UN", "united-nations"),
        ("U.N.", "united-nations"),
        ("United Nations", "united-nations"),
        ("US", "united-states"),
        ("U. S.", "united-states"),
        ("Americans", "united-states"),
        ("Formosa", "nationalist-china"),
        ("KMT", "nationalist-china"),
        ("Chou En-lai", "chou-en-lai"),
        ("Pravda", "pravda"),
    ],
)
def test_lookup_resolves_historical_aliases(name, actor):
    found = GAZ.lookup(name)
    assert found is not None and found[0] == actor


@pytest.mark.parametrize("name", ["us", "turkey", "Embassy", "the government", ""])
def test_lookup_respects_capitalisation_and_rejects_non_names(name):
    assert GAZ.lookup(name) is None


def test_find_is_leftmost_longest_and_offsets_slice_the_text():
    text = (
        "The Chinese Communist Party told us that the Soviets' aims and Chou En-\nlai's views "
        "matter to the Chinese Nationalists, Turkey and U. S. officials; a turkey was eaten."
    )
    found = GAZ.find(text)
    got = [(text[s:e], a) for s, e, a in found]
    assert got == [
        ("Chinese Communist Party", "chinese-communist-party"),
        ("Soviets", "ussr"),
        ("Chou En-\nlai", "chou-en-lai"),
        ("Chinese Nationalists", "nationalist-china"),
        ("Turkey", "turkey"),
        ("U. S.", "united-states"),
    ]
    assert all(0 <= s < e <= len(text) for s, e, _ in found)


def test_clean_label():
    assert clean_label("the American Embassy in\nMoscow") == "American Embassy in Moscow"
    assert clean_label("US High Commis- ioner McCloy") == "US High Commisioner McCloy"
    assert clean_label("Peiping's") == "Peiping"


# --- the component ------------------------------------------------------------------------------


def test_component_on_the_seed(actors_nlp, seed_path):
    text = seed_path.read_text(encoding="utf-8")
    doc = actors_nlp(text)
    spans = list(doc.spans[SPANS_KEY])
    assert spans
    for span in spans:
        assert text[span.start_char : span.end_char] == span.text
        assert span.kb_id_ and span.label_ in {k.value for k in ActorKind}
    ids = {s.kb_id_ for s in spans}
    assert {"ussr", "communist-china", "united-nations", "united-states", "korea"} <= ids
    peiping = _span(doc, "Peiping")
    mention = next(s for s in spans if s.start == peiping.start)
    assert (mention.kb_id_, mention.label_, actor_label(mention)) == (
        "communist-china",
        "state",
        "Communist China",
    )
    # NER debris from the page furniture is not an actor.
    assert not any("SECRET" in s.text for s in spans)
    content = _span(doc, "both the USSR and China want an armistice")
    assert about(content) == ("ussr", "communist-china")


def test_component_keeps_unknown_named_entities(actors_nlp):
    doc = actors_nlp("Ambassador Chataigneau met Premier Kwame Ruritan in Tegucigalpa on Monday.")
    got = {(s.text, s.kb_id_, s.label_) for s in doc.spans[SPANS_KEY]}
    assert ("Ambassador Chataigneau", "chataigneau", "person") in got  # a gazetteer alias
    assert any(kb == "kwame-ruritan" and kind == "person" for _, kb, kind in got)
    assert any(kb == "tegucigalpa" and kind == "place" for _, kb, kind in got)


def test_component_accepts_a_user_gazetteer(tmp_path):
    import spacy

    import graphbuild.nlp.factories  # noqa: F401

    path = tmp_path / "actors.tsv"
    path.write_text("ruritania\tRuritania\tstate\tStrelsau\n", encoding="utf-8")
    nlp = spacy.blank("en")
    nlp.add_pipe("graphbuild_actors", config={"gazetteer": str(path)})
    doc = nlp("Strelsau denies it; Moscow is silent.")
    assert [(s.text, s.kb_id_) for s in doc.spans[SPANS_KEY]] == [("Strelsau", "ruritania")]


# --- sources ------------------------------------------------------------------------------------


SOURCE_TEXT = (
    "The American Embassy in Moscow states that the talks failed. French intelligence in Hanoi "
    "reports troop moves. Ambassador Kennan believes the offer is serious. Pravda claims victory. "
    "The Peiping regime denies it. A source in the Chinese Communist Party says so. [redacted] "
    "The Burmese Government says little."
)


@pytest.mark.parametrize(
    ("phrase", "kind"),
    [
        ("The American Embassy in Moscow", SourceKind.ORGANIZATION),
        ("French intelligence in Hanoi", SourceKind.ORGANIZATION),
        ("Ambassador Kennan", SourceKind.PERSON),
        ("Pravda", SourceKind.PRESS),
        ("The Peiping regime", SourceKind.GOVERNMENT),
        ("A source in the Chinese Communist Party", SourceKind.PERSON),
        ("[redacted]", SourceKind.REDACTED),
        ("The Burmese Government", SourceKind.GOVERNMENT),
    ],
)
def test_classify_source(actors_nlp, phrase, kind):
    doc = actors_nlp(SOURCE_TEXT)
    assert classify_source(_span(doc, phrase)) is kind


def test_describe_source_gives_canonical_labels(actors_nlp):
    doc = actors_nlp(SOURCE_TEXT)
    embassy = describe_source(_span(doc, "The American Embassy in Moscow"))
    assert (embassy.id, embassy.label) == ("american-embassy-in-moscow", "American Embassy in Moscow")
    assert doc.text[embassy.start : embassy.end] == embassy.text
    assert describe_source(_span(doc, "Ambassador Kennan")).id == "kennan"
    assert describe_source(_span(doc, "The Peiping regime")).id == "communist-china"
    assert describe_source(_span(doc, "The Burmese Government")).id == "burma"
    assert describe_source(_span(doc, "[redacted]")).id == "redacted"


@pytest.mark.parametrize("text", ["[redacted]", "25X1", "3.3(h)(2)", "25X1 [redacted]"])
def test_is_redaction(text):
    assert is_redaction(text)


def test_short_mentions_resolve_across_the_docs_of_one_document(actors_nlp):
    first = actors_nlp(
        "The American Embassy in Moscow states that the talks failed. Ambassador Kennan in Moscow "
        "believes the offer is serious."
    )
    second = actors_nlp(
        "The Embassy suggests a delay. The Ambassador adds that he doubts it. The mission agrees."
    )
    resolver = SourceResolver()
    resolver.resolve(_span(first, "The American Embassy in Moscow"))
    resolver.resolve(_span(first, "Ambassador Kennan in Moscow"))
    embassy = resolver.resolve(_span(second, "The Embassy"))
    assert (embassy.id, embassy.label, embassy.kind) == (
        "american-embassy-in-moscow",
        "American Embassy in Moscow",
        SourceKind.ORGANIZATION,
    )
    assert embassy.antecedent == "The American Embassy in Moscow"
    assert second.text[embassy.start : embassy.end] == "The Embassy"
    assert resolver.resolve(_span(second, "The Ambassador")).id == "kennan"
    assert resolver.resolve(_span(second, "he")).id == "kennan"
    mission = resolver.resolve(_span(second, "The mission"))
    assert mission.antecedent is None and mission.is_short  # nothing to resolve to: left as is


def test_resolve_mentions_on_the_seed(actors_nlp, seed_path):
    doc = actors_nlp(seed_path.read_text(encoding="utf-8"))
    mentions = resolve_mentions(doc)
    by_text = {m.text: m for m in mentions}
    assert by_text["The Embassy"].label == "American Embassy in Moscow"
    assert by_text["the British mission in Peiping"].kind is SourceKind.ORGANIZATION
    for m in mentions:
        assert doc.text[m.start : m.end] == m.text


def test_resolver_handles_repeats_appositions_and_pleonastic_it(actors_nlp):
    doc = actors_nlp(
        "The British mission in Peiping reports unrest. It is reported that troops moved. "
        "The British mission adds that it expects more. The senior Soviet member of the UN "
        "Secretariat, Ivan Petrovsky, told a member of the Norwegian delegation that he was hopeful."
    )
    got = {m.text: m for m in resolve_mentions(doc)}
    assert got["The British mission in Peiping"].label == "British mission in Peiping"  # not "... reports"
    assert got["It"].id == "unspecified" and got["It"].antecedent is None
    assert got["The British mission"].id == "british-mission-in-peiping"
    assert got["it"].id == "british-mission-in-peiping"
    titled = got["The senior Soviet member of the UN Secretariat, Ivan Petrovsky"]
    assert (titled.id, titled.label, titled.kind) == ("ivan-petrovsky", "Ivan Petrovsky", SourceKind.PERSON)
    assert got["he"].id == "ivan-petrovsky"


def test_resolver_can_be_seeded_with_a_sender(actors_nlp):
    resolver = SourceResolver()
    sender = describe_source(
        _span(actors_nlp("Ambassador Sebald to the Department of State"), "Ambassador Sebald")
    )
    resolver.remember(sender)
    doc = actors_nlp("The Ambassador believes that Burma needs arms.")
    assert resolver.resolve(_span(doc, "The Ambassador")).id == "sebald"
