"""spaCy factories of graphbuild's components, declared in one module.

Registered under spaCy's ``spacy_factories`` entry point too (pyproject.toml), so
``nlp.add_pipe("graphbuild_actors")`` works in a user's own pipeline once graphbuild is installed.
"""

from __future__ import annotations

from spacy.language import Language

from graphbuild.nlp.actors import NER_LABELS, SPANS_KEY, ActorRecognizer
from graphbuild.nlp.attribution import EXTENSION, AttributionExtractor


@Language.factory(
    "graphbuild_actors",
    default_config={"gazetteer": None, "ner_labels": list(NER_LABELS), "spans_key": SPANS_KEY},
    assigns=["doc.spans"],
    requires=["doc.ents"],
)
def make_actor_recognizer(
    nlp: Language, name: str, gazetteer: str | None, ner_labels: list[str], spans_key: str
) -> ActorRecognizer:
    """Actor mentions (gazetteer + NER) in ``doc.spans[spans_key]``; ``gazetteer`` is a TSV path or None."""
    return ActorRecognizer(nlp, name, gazetteer=gazetteer, ner_labels=ner_labels, spans_key=spans_key)


@Language.factory(
    "graphbuild_attribution",
    default_config={"cues_path": None, "hedges_path": None, "negators_path": None, "redactions_path": None,
                    "carry_over": True, "carry_limit": 1, "min_words": 4},
    assigns=[f"doc._.{EXTENSION}", "doc.spans"],
    requires=["token.dep", "token.lemma", "token.pos", "doc.sents"],
)
def make_attribution_extractor(
    nlp: Language, name: str, cues_path: str | None, hedges_path: str | None, negators_path: str | None,
    redactions_path: str | None, carry_over: bool, carry_limit: int, min_words: int
) -> AttributionExtractor:
    """Who-said-what: source, cue and content of attribution relations, with their stance (``attribution.py``)."""
    return AttributionExtractor(nlp, name, cues_path=cues_path, hedges_path=hedges_path,
                                negators_path=negators_path, redactions_path=redactions_path,
                                carry_over=carry_over, carry_limit=carry_limit, min_words=min_words)
