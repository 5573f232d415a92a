"""Hand-made Extractions for graph-stage tests: two short texts written for the tests, with offsets
found in the text (so ``text[start:end] == span.text`` holds by construction), and three links.

The graph stage must not depend on what the NLP stage happens to find, so these records are built
by hand; end-to-end tests on the seed use the real pipeline.
"""

from __future__ import annotations

from graphbuild import ids
from graphbuild.records import (
    Actor,
    ActorKind,
    Claim,
    Comment,
    Commitment,
    Document,
    DocumentMeta,
    Evidence,
    Extraction,
    Item,
    Passage,
    Polarity,
    Redaction,
    Relation,
    RelationType,
    Section,
    Segmentation,
    Source,
    SourceKind,
    Span,
)

BULLETIN = """TOP SECRET

SECTION 1 (EASTERN EUROPE)

3. USSR. Moscow hints at new talks: The British Embassy in Moscow reports that Soviet officials are ready to reopen talks on Berlin. The Embassy believes that Moscow will not press the blockade.

Comment: The Soviet offer is probably a tactic to delay Western rearmament.

4. Rumors of troop moves: [redacted] Soviet divisions are moving toward the Yugoslav border.

12 Mar 52
"""

CABLE = """Paris, 14 March 1952.
The French Foreign Office denies that Soviet divisions are moving toward the Yugoslav border. "No movement" has been seen, according to Le Monde.
Ref: x" } ; DROP ALL ; # <b>\\u0022
"""


def find(text: str, needle: str, after: int = 0) -> Span:
    start = text.index(needle, after)
    return Span.of(text, start, start + len(needle))


def document(text: str, name: str) -> Document:
    return Document(id=name, text=text, sha256=ids.content_hash(text), path=name)


def _passage(text: str, span: Span) -> Passage:
    return Passage(text[span.start:span.end], ((0, span.start, span.end - span.start),))


def _claim(doc: Document, content: Span, source: Source, *, cue: Span | None, item: int | None,
           commitment: Commitment, polarity: Polarity = Polarity.POSITIVE, about: tuple[str, ...] = (),
           in_comment: bool = False) -> Claim:
    return Claim(
        id=ids.claim_id(doc.sha256, content.start, content.end, source.mention.start if source.mention else None),
        document=doc.id, item=item, in_comment=in_comment, content=content, source=source, cue=cue,
        commitment=commitment, polarity=polarity, about=about,
    )


def bulletin() -> Extraction:
    t = BULLETIN
    doc = document(t, "bulletin.txt")
    item3 = Span.of(t, t.index("3. USSR"), t.index("4. Rumors") - 2)
    item4 = Span.of(t, t.index("4. Rumors"), t.index("border.") + len("border."))
    comment = find(t, "Comment: The Soviet offer is probably a tactic to delay Western rearmament.")
    marker = find(t, "Comment:")
    items = (
        Item(number=3, section="EASTERN EUROPE", country=find(t, "USSR"),
             headline=find(t, "Moscow hints at new talks"), body=_passage(t, item3),
             comments=(Comment(marker=marker, body=_passage(t, Span.of(t, marker.end + 1, comment.end)),
                               span=comment),),
             span=item3),
        Item(number=4, section="EASTERN EUROPE", country=None, headline=find(t, "Rumors of troop moves"),
             body=_passage(t, item4), comments=(), span=item4),
    )
    meta = DocumentMeta(classification="TOP SECRET", classification_span=find(t, "TOP SECRET"),
                        date="1952-03-12", date_span=find(t, "12 Mar 52"))
    seg = Segmentation(
        document=doc, meta=meta, sections=(Section("EASTERN EUROPE", find(t, "SECTION 1 (EASTERN EUROPE)")),),
        items=items, redactions=(Redaction(find(t, "[redacted]"), "[redacted]"),), furniture=(),
    )
    embassy_mention = find(t, "The British Embassy in Moscow")
    embassy = Source("british-embassy-in-moscow", "British Embassy in Moscow", SourceKind.ORGANIZATION,
                     embassy_mention)
    embassy2 = Source(embassy.id, embassy.label, SourceKind.ORGANIZATION, find(t, "The Embassy", after=item3.start + 60))
    analyst = Source("analyst", "analyst", SourceKind.ANALYST, None)
    redacted = Source("redacted", "[redacted]", SourceKind.REDACTED, find(t, "[redacted]"))
    claims = (
        _claim(doc, find(t, "Soviet officials are ready to reopen talks on Berlin"), embassy,
               cue=find(t, "reports"), item=3, commitment=Commitment.CERTAIN, about=("ussr", "berlin")),
        _claim(doc, find(t, "Moscow will not press the blockade"), embassy2, cue=find(t, "believes"), item=3,
               commitment=Commitment.PROBABLE, about=("ussr",)),
        _claim(doc, find(t, "The Soviet offer is probably a tactic to delay Western rearmament"), analyst,
               cue=None, item=3, commitment=Commitment.PROBABLE, about=("ussr",), in_comment=True),
        _claim(doc, find(t, "Soviet divisions are moving toward the Yugoslav border"), redacted, cue=None,
               item=4, commitment=Commitment.REPORTED, about=("ussr", "yugoslavia")),
    )
    actors = (
        Actor("ussr", "USSR", ActorKind.STATE, aliases=("USSR", "Soviet", "Moscow", "Soviet Union"),
              mentions=(find(t, "USSR"), find(t, "Moscow"), find(t, "Soviet"))),
        Actor("berlin", "Berlin", ActorKind.PLACE, aliases=("Berlin",), mentions=(find(t, "Berlin"),)),
        Actor("yugoslavia", "Yugoslavia", ActorKind.STATE, aliases=("Yugoslav",), mentions=(find(t, "Yugoslav"),)),
        Actor(embassy.id, embassy.label, ActorKind.SOURCE, aliases=("The Embassy",), mentions=(embassy_mention,)),
    )
    return Extraction(segmentation=seg, actors=actors, claims=claims)


def cable() -> Extraction:
    t = CABLE
    doc = document(t, "cable.txt")
    body = Span.of(t, 0, len(t))
    seg = Segmentation(document=doc, meta=DocumentMeta(date="1952-03-14", date_span=find(t, "14 March 1952")),
                       sections=(), items=(Item(number=None, section=None, country=None, headline=None,
                                                body=_passage(t, body), comments=(), span=body),),
                       redactions=(), furniture=())
    quai = Source("french-foreign-office", "French Foreign Office", SourceKind.GOVERNMENT,
                  find(t, "The French Foreign Office"))
    monde = Source("le-monde", "Le Monde", SourceKind.PRESS, find(t, "Le Monde"))
    claims = (
        _claim(doc, find(t, "Soviet divisions are moving toward the Yugoslav border"), quai, cue=find(t, "denies"),
               item=None, commitment=Commitment.CERTAIN, polarity=Polarity.NEGATIVE, about=("ussr", "yugoslavia")),
        _claim(doc, find(t, '"No movement" has been seen'), monde, cue=find(t, "according to"), item=None,
               commitment=Commitment.CERTAIN),
    )
    actors = (
        Actor("ussr", "USSR", ActorKind.STATE, aliases=("Soviet",), mentions=(find(t, "Soviet"),)),
        Actor("yugoslavia", "Yugoslavia", ActorKind.STATE, aliases=("Yugoslav",), mentions=(find(t, "Yugoslav"),)),
        Actor(quai.id, quai.label, ActorKind.ORGANIZATION, mentions=(quai.mention,)),
    )
    return Extraction(segmentation=seg, actors=actors, claims=claims)


def links(a: Extraction, b: Extraction) -> list[Relation]:
    rumour, quai_denial = a.claims[3], b.claims[0]
    return [
        Relation(RelationType.CONTRADICTS, quai_denial.id, rumour.id, 0.85, (
            Evidence("negated-cue", (quai_denial.cue,), "denies"),
            Evidence("same-content", (quai_denial.content, rumour.content), 'same words, "opposite" polarity'),
        )),
        Relation(RelationType.COMMENTS_ON, a.claims[2].id, a.claims[0].id, 0.6,
                 (Evidence("comment-in-item", (a.claims[2].content,)),)),
        Relation(RelationType.CORROBORATES, a.claims[1].id, a.claims[0].id, 0.5),
    ]


def sample() -> tuple[list[Extraction], list[Relation]]:
    a, b = bulletin(), cable()
    return [a, b], links(a, b)
