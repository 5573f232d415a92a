"""The one converter from spaCy output to records: a Segmentation in, an Extraction out.

Every passage of the document (item bodies and Comment bodies) goes through ``nlp.pipe`` once;
the attribution component leaves plain-data attributions on each Doc, and this module turns them
into :class:`~graphbuild.records.Claim` records with offsets mapped back to the ORIGINAL text
(``Passage.original_span``), sources resolved to actors, and nested claims linked by ``relayed_by``.

Who speaks when the text names nobody (the passage's *voice*) depends on the genre:

* a bulletin Comment (and a "Comment on X" item): the analyst (label configurable);
* a bulletin item body: "unspecified" (the bulletin presents it as reported fact);
* a telegram or dispatch: its sender, read from the heading line ("The Ambassador in Burma
  (Sebald) to the Department of State"); first-person "I"/"we" also resolve to the sender;
* anything else (news): nobody, so only cued attributions become claims.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Iterable
from dataclasses import dataclass, replace

from graphbuild import ids
from graphbuild.ingest.passages import split_passage
from graphbuild.nlp.actors import SourceResolver, about, actor_label, actor_spans
from graphbuild.nlp.attribution import DEFAULT, HEARSAY, NEWS_ONLY, REDACTED, Attribution, attributions
from graphbuild.nlp.stance import commitment_of, load_lexicon
from graphbuild.records import (
    Actor,
    ActorKind,
    Claim,
    Commitment,
    Extraction,
    Item,
    Passage,
    Segmentation,
    Source,
    SourceKind,
    Span,
)

log = logging.getLogger("graphbuild")

UNSPECIFIED = Source("unspecified", "unspecified", SourceKind.UNSPECIFIED)

_FIRST_PERSON = {"i", "we", "me", "us", "my", "our", "myself", "ourselves"}
_PERSON_PRONOUNS = {"he", "she", "him", "her", "his"}
_DETERMINERS = re.compile(r"^(?:the|a|an|this|that|these|those)\s+", re.IGNORECASE)
#: A telegram/dispatch heading line: "The Ambassador in Japan (Murphy) to the Department of State" or
#: "249. Telegram From Operation X Headquarters to the Central Intelligence Agency".
_SENDER_LINE = re.compile(
    r"^(?:No\.\s*\d+\s+|\d+\.\s+)?(?:(?:Telegram|Despatch|Dispatch|Memorandum|Letter|Message|Airgram|Cable)\s+"
    r"[Ff]rom\s+(?:the\s+)?(?P<s1>[A-Z][^\n]{2,150}?)|(?:The|the)\s+(?P<s2>[A-Z][^\n]{2,150}?))\s+to\s+"
    r"(?:the\s+)?(?:Secretary|Department|Embassy|Legation|Central|President|Director|Acting|Ambassador|"
    r"Consul|Mission|Chargé|Office|Foreign|Government|Prime|Minister|Commander|Chief|Joint|National|"
    r"United|[A-Z][a-z]+\s+(?:Office|Department|Embassy|Government))",
    re.MULTILINE)
_FOOTNOTES = re.compile(r"^\s*Footnotes?:?\s*$", re.MULTILINE | re.IGNORECASE)


@dataclass(frozen=True, slots=True)
class _Context:
    """Where a passage sits and who speaks in it when no one is named."""

    item: Item
    passage: Passage
    in_comment: bool
    voice: Source | None
    voice_cue: Span | None
    is_comment: bool


def _telegram_sender(text: str) -> tuple[Source, int] | None:
    """The sender of a telegram/dispatch from its heading lines, and where the heading ends."""
    head = text[:1500]
    m = _SENDER_LINE.search(head)
    if not m:
        return None
    # The heading line must be among the first few non-empty lines.
    if sum(1 for ln in head[:m.start()].splitlines() if ln.strip()) > 6:
        return None
    group = "s1" if m.group("s1") else "s2"
    start, end = m.start(group), m.end(group)
    label = re.sub(r"\[fn\d+\]", "", text[start:end]).strip()
    person = bool(re.search(r"\([A-Z][\w.' -]+\)", label)) and bool(
        re.match(r"(?:Acting\s+)?(?:Ambassador|Minister|Secretary|Chargé|Charge|President|High Commissioner)",
                 label))
    kind = SourceKind.PERSON if person else SourceKind.ORGANIZATION
    source = Source(ids.actor_id(label), label, kind, mention=Span.of(text, start, end))
    line_end = text.find("\n", m.end())
    return source, (len(text) if line_end < 0 else line_end)


def _is_bulletin(seg: Segmentation) -> bool:
    return any(item.number is not None or item.comments or item.is_comment_item for item in seg.items) or (
        seg.meta.classification is not None and not seg.document.id.endswith(".jsonl"))


def _contexts(seg: Segmentation, analyst: Source, sender: Source | None) -> list[_Context]:
    bulletin = _is_bulletin(seg)
    out = []
    for item in seg.items:
        if item.part == "footnotes":
            # Editors' notes: only their explicitly attributed statements are claims.
            voice, in_comment = None, False
        elif item.is_comment_item:
            voice, in_comment = analyst, True
        elif sender is not None:
            voice, in_comment = sender, False
        elif bulletin:
            voice, in_comment = UNSPECIFIED, False
        else:
            voice, in_comment = None, False
        out.append(_Context(item, item.body, in_comment, voice, None, item.is_comment_item))
        for comment in item.comments:
            # A Comment section inside a telegram belongs to the sender, not to the analyst.
            cvoice = sender if sender is not None else analyst
            out.append(_Context(item, comment.body, True, cvoice, comment.marker if sender is None else None, True))
    return out


def _clean_label(text: str) -> str:
    label = " ".join(text.split())
    label = _DETERMINERS.sub("", label)
    return label.strip(" ,;:'\"“”") or text.strip()


class _SourceResolver:
    """Source mentions -> Sources: first person -> the sender, otherwise the actors resolver."""

    def __init__(self, sender: Source | None) -> None:
        self.sender = sender
        self.resolver = SourceResolver()

    def resolve(self, mention: Span, doc, start: int, end: int, voice: Source | None) -> Source:
        low = mention.text.strip().lower()
        if low in _FIRST_PERSON:
            who = self.sender or (voice if voice is not None and voice.kind == SourceKind.ANALYST else None)
            # With no sender (news), "I" is whoever speaks there: unknown, but the mention is kept.
            who = who or UNSPECIFIED
            return Source(who.id, who.label, who.kind, mention=mention)
        span = doc.char_span(start, end, alignment_mode="expand")
        if span is None or not len(span):
            return voice or UNSPECIFIED
        found = self.resolver.resolve(span)
        if found.id == "unspecified" and low in _PERSON_PRONOUNS:
            person = _person_before(doc, start)
            if person is not None:
                return Source(person[0], person[1], SourceKind.PERSON, mention=mention)
        if found.kind == SourceKind.UNSPECIFIED:
            # Not recognisably a source (a misparsed subject of telegraphese, "many", "anything"):
            # the passage's own voice speaks, if it has one.
            if voice is not None:
                return voice
            label = _clean_label(mention.text)
            return Source(ids.actor_id(label), label, SourceKind.ORGANIZATION, mention=mention)
        return Source(found.id, found.label, found.kind, mention=mention)


def _person_before(doc, start: int) -> tuple[str, str] | None:
    """The latest person named before ``start`` in ``doc`` (antecedent of "he"/"she")."""
    best = subject = None
    for s in actor_spans(doc):
        if s.end_char <= start and s.label_ == ActorKind.PERSON.value:
            best = (s.kb_id_ or ids.actor_id(s.text), actor_label(s))
            if s.root.dep_ in ("nsubj", "nsubjpass"):
                subject = best
    # The latest person who was a subject is the likelier antecedent than a person in an object.
    best = subject or best
    if best is None:
        for e in doc.ents:
            if e.end_char <= start and e.label_ == "PERSON":
                label = _clean_label(e.text)
                best = (ids.actor_id(label), label)
    return best


def _about(doc, start: int, end: int) -> tuple[str, ...]:
    """Actor ids mentioned inside a content range of ``doc`` (passage offsets)."""
    span = doc.char_span(start, end, alignment_mode="expand")
    return about(span) if span is not None else ()


def _actors(doc_actor_spans: Iterable[tuple[str, str, str, Span]]) -> tuple[Actor, ...]:
    by_id: dict[str, dict] = {}
    for actor_id, label, kind, span in doc_actor_spans:
        entry = by_id.setdefault(actor_id, {"label": label, "kind": kind, "aliases": [], "mentions": []})
        if span.text not in entry["aliases"]:
            entry["aliases"].append(span.text)
        entry["mentions"].append(span)
    out = []
    for actor_id, e in sorted(by_id.items()):
        try:
            kind = ActorKind(e["kind"])
        except ValueError:
            kind = ActorKind.SOURCE
        out.append(Actor(actor_id, e["label"], kind, tuple(e["aliases"]), tuple(sorted(set(e["mentions"])))))
    return tuple(out)


def extract_claims(segmentation: Segmentation, nlp, *, analyst_label: str = "analyst",
                   batch_size: int = 16) -> Extraction:
    """Claims and actors of one segmented document.

    Args:
        segmentation: the document cut into items and comments (``ingest.segment``).
        nlp: a pipeline from :func:`graphbuild.nlp.load_pipeline` (or any with a parser and the
            ``graphbuild_attribution`` component).
        analyst_label: source label for the bulletin's own ``Comment:`` sentences.
        batch_size: passages per ``nlp.pipe`` batch.

    Returns:
        The document's :class:`Extraction`; every offset indexes ``segmentation.document.text``.
    """
    return extract_many([segmentation], nlp, analyst_label=analyst_label, batch_size=batch_size)[0]


def extract_many(segmentations: Iterable[Segmentation], nlp, *, analyst_label: str = "analyst",
                 batch_size: int = 16) -> list[Extraction]:
    """:func:`extract_claims` for several documents whose passages share ``nlp.pipe`` batches.

    A news article is one passage, so documents piped one by one give spaCy batches of one; sharing
    batches across documents is faster and gives the same annotations.
    """
    readers = [_DocumentReader(s, analyst_label) for s in segmentations]
    work = [(reader, ctx) for reader in readers for ctx in reader.contexts]
    texts = (ctx.passage.text for _, ctx in work)
    for (reader, ctx), doc in zip(work, nlp.pipe(texts, batch_size=batch_size)):
        reader.read(ctx, doc)
    return [reader.extraction() for reader in readers]


class _DocumentReader:
    """One document's passages, and what is found in them as their Docs come back in order."""

    def __init__(self, segmentation: Segmentation, analyst_label: str) -> None:
        self.segmentation = segmentation
        self.document = segmentation.document
        self.original = self.document.text
        analyst = Source(ids.actor_id(analyst_label) if analyst_label != "analyst" else "analyst", analyst_label,
                         SourceKind.ANALYST)
        found_sender = _telegram_sender(self.original)
        self.sender, self.header_end = (found_sender if found_sender else (None, 0))
        footnotes = _FOOTNOTES.search(self.original)
        self.footnotes_at = footnotes.start() if footnotes else len(self.original)
        # Very long passages go to spaCy in chunks (bounded memory, never over nlp.max_length); each
        # chunk maps back to the original through its own pieces.
        self.contexts = [replace(c, passage=chunk) for c in _contexts(segmentation, analyst, self.sender)
                         for chunk in split_passage(c.passage) if chunk.text.strip()]
        self.resolver = _SourceResolver(self.sender)
        self.lexicon = load_lexicon()
        self.claims: list[Claim] = []
        self.actor_spans: list[tuple[str, str, str, Span]] = []
        sender = self.sender
        if sender is not None and sender.mention is not None:
            self.actor_spans.append((sender.id, sender.label, ActorKind.SOURCE.value, sender.mention))

    def read(self, ctx: _Context, doc) -> None:
        """Take the claims and actor mentions of one passage's Doc (passages in text order)."""
        passage, original, sender = ctx.passage, self.original, self.sender
        found = attributions(doc)
        made: dict[int, Claim] = {}
        for i, att in enumerate(found):
            o_start, _ = passage.to_original(*att.sentence)
            in_footnotes = o_start >= self.footnotes_at
            in_header = sender is not None and o_start < self.header_end
            voice = None if in_footnotes else ctx.voice
            if in_header and att.cue is None:
                continue
            if att.kind in ("narrative", "carry") and voice is None:
                continue
            if att.kind in NEWS_ONLY and (ctx.voice is not None or in_footnotes):
                continue  # a bulletin's or telegram's own sentence is the claim there
            claim = _to_claim(att, i, doc, ctx, voice, original, self.document, self.resolver, made, self.lexicon)
            if claim is not None:
                made[i] = claim
        seen_keys: set[tuple[int, int, str]] = set()
        for claim in made.values():
            key = (claim.content.start, claim.content.end, claim.source.id)
            if key in seen_keys:
                continue
            seen_keys.add(key)
            self.claims.append(claim)
        for s in actor_spans(doc):
            self.actor_spans.append((s.kb_id_ or ids.actor_id(s.text), actor_label(s), s.label_ or "group",
                                     passage.original_span(original, s.start_char, s.end_char)))

    def extraction(self) -> Extraction:
        found = list(self.actor_spans)
        for c in self.claims:
            if c.source.mention is not None and c.source.kind not in (SourceKind.REDACTED,) and c.source.id not in (
                    "analyst", "unspecified"):
                found.append((c.source.id, c.source.label, ActorKind.SOURCE.value, c.source.mention))
        return Extraction(segmentation=self.segmentation, actors=_actors(found), claims=tuple(self.claims),
                          diagnostics=())


def _to_claim(att: Attribution, index: int, doc, ctx: _Context, voice: Source | None, original: str,
              document, resolver: _SourceResolver, made: dict[int, Claim], lexicon) -> Claim | None:
    passage = ctx.passage
    content = passage.original_span(original, *att.content)
    if not content.text.strip():
        return None
    commitment = att.commitment
    cue = passage.original_span(original, *att.cue) if att.cue else None
    kind = att.kind
    if kind == "carry" and ctx.is_comment:
        # In a Comment the analyst's own voice resumes after a reported sentence.
        kind = "narrative"
        commitment = commitment_of(Commitment.CERTAIN, re.findall(r"[\w']+", content.text.lower()), lexicon)
    if kind == "carry":
        origin = made.get(att.carried_from) if att.carried_from is not None else None
        if origin is None:
            return None
        source = origin.source
    elif kind == "narrative" or att.source_role == DEFAULT:
        source = voice or UNSPECIFIED
        if kind == "narrative" and voice is not None and voice.kind == SourceKind.ANALYST:
            cue = ctx.voice_cue
    elif att.source_role == HEARSAY:
        source = UNSPECIFIED
    elif att.source_role == REDACTED:
        source = Source("redacted", "[redacted]", SourceKind.REDACTED,
                        mention=passage.original_span(original, *att.source))
    else:
        mention = passage.original_span(original, *att.source)
        source = resolver.resolve(mention, doc, att.source[0], att.source[1], voice)
    parent = made.get(att.parent) if att.parent is not None else None
    source_start = source.mention.start if source.mention is not None else None
    return Claim(
        id=ids.claim_id(document.sha256, content.start, content.end, source_start),
        document=document.id,
        item=ctx.item.number,
        in_comment=ctx.in_comment,
        content=content,
        source=source,
        cue=cue,
        commitment=commitment,
        polarity=att.polarity,
        about=_about(doc, *att.content),
        relayed_by=parent.id if parent is not None else None,
        sentence=passage.original_span(original, *att.sentence),
    )
