"""Per-claim features computed once and shared by every signal (words, stems, frames, cues).

A :class:`ClaimView` wraps a :class:`~graphbuild.records.Claim` with what the signals need: its
document text, date and position, the stems of its content, the opposition frames it expresses
(after negation), and the discourse cues around it. All spans are offsets into the original text.
"""

from __future__ import annotations

import bisect
import datetime as dt
import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass

from graphbuild.link.lexicon import Lexicon
from graphbuild.link.text import STOPWORDS, content_stems, negated_words, stem, word_tokens
from graphbuild.records import ActorKind, Claim, Extraction, Polarity, SourceKind, Span

#: Sources whose identity is unknown: two such claims may come from different informants.
ANONYMOUS = frozenset({SourceKind.REDACTED, SourceKind.UNSPECIFIED})
#: How far before a claim's content its lead-in (source, cue, discourse adverbs) is looked for.
LEAD_IN_CHARS = 240
#: Gap (in words) allowed between the words of a multi-word frame expression.
FRAME_GAP = 3
_SENTENCE_END = re.compile(r"[.!?][\"')\]]*\s+(?=[A-Z\[\"(])|\n\s*\n")


@dataclass(frozen=True, slots=True)
class FrameHit:
    frame: str
    pole: int  # after negation: +1 / -1
    span: Span
    negated: bool
    word: int  # index of its first word in the content


@dataclass(frozen=True, slots=True)
class CueHit:
    kind: str
    span: Span


@dataclass(frozen=True, slots=True)
class ClaimView:
    """A claim with its linking features. ``order`` is its rank in its document (by content start)."""

    claim: Claim
    text: str  # the document's original text
    date: int | None  # proleptic ordinal of the document date, if known
    doc_index: int
    order: int
    stems: frozenset[str]
    negated_stems: frozenset[str]
    whole_negated: bool  # negative polarity stated outside the content ("denies that X")
    frames: tuple[FrameHit, ...]
    lead_cues: tuple[CueHit, ...]  # similar / contrary / contrast / confirm / deny before or at the head
    content_cues: tuple[CueHit, ...]  # discount / minimize / anaphor inside the content
    discounted: frozenset[str]  # stems named as unsupported by a discount cue
    agents: frozenset[str]  # actors the claim is about that can hold a stance (not places)
    actor_words: Mapping[str, tuple[int, ...]]  # actor id -> word indices of its mentions in the content

    @property
    def id(self) -> str:
        return self.claim.id

    @property
    def source_id(self) -> str:
        return self.claim.source.id

    @property
    def anonymous(self) -> bool:
        return self.claim.source.kind in ANONYMOUS

    @property
    def is_analyst(self) -> bool:
        return self.claim.source.kind == SourceKind.ANALYST

    def has(self, kind: str) -> bool:
        return any(c.kind == kind for c in self.lead_cues + self.content_cues)

    def cue(self, kind: str) -> CueHit | None:
        return next((c for c in self.lead_cues + self.content_cues if c.kind == kind), None)


def same_source(a: ClaimView, b: ClaimView) -> bool:
    """True when both claims come from one known source (anonymous sources may differ)."""
    return a.source_id == b.source_id and not (a.anonymous and b.anonymous)


def parse_date(value: object) -> int | None:
    """Ordinal day of an ISO date (``YYYY-MM-DD``, or ``YYYY-MM``/``YYYY``, first day), else None."""
    if not isinstance(value, str):
        return None
    m = re.match(r"(\d{4})(?:-(\d{2}))?(?:-(\d{2}))?", value.strip())
    if not m:
        return None
    try:
        return dt.date(int(m[1]), int(m[2] or 1), int(m[3] or 1)).toordinal()
    except ValueError:
        return None


def _frames(words: Sequence[tuple[int, int, str]], negated: Sequence[bool], whole_negated: bool,
            text: str, lexicon: Lexicon) -> tuple[FrameHit, ...]:
    stems = [stem(w) for _, _, w in words]
    found: list[tuple[int, int, int, object]] = []  # (length, first, last, entry)
    topics = {e.stems[0] for e in lexicon.frames.get("_topic_index", ())}
    for i, s in enumerate(stems):
        for entry in lexicon.frames.get(s, ()):
            if entry.frame == "_topic":
                continue
            j, ok = i, True
            for want in entry.stems[1:]:
                nxt = next((k for k in range(j + 1, min(len(stems), j + 2 + FRAME_GAP)) if stems[k] == want), None)
                if nxt is None:
                    ok = False
                    break
                j = nxt
            if ok and not (j + 1 < len(stems) and stems[j + 1] in topics):
                found.append((len(entry.stems), i, j, entry))
    taken: set[int] = set()
    hits: list[FrameHit] = []
    for _, i, j, entry in sorted(found, key=lambda f: (-f[0], f[1])):
        if taken & set(range(i, j + 1)):
            continue
        taken.update(range(i, j + 1))
        neg = negated[i] != whole_negated  # a negated expression under a denial is asserted again
        start, end = words[i][0], words[j][1]
        hits.append(FrameHit(entry.frame, -entry.pole if neg else entry.pole, Span.of(text, start, end), neg, i))
    return tuple(sorted(hits, key=lambda h: h.span.start))


def _cue_hits(text: str, start: int, end: int, kinds: Iterable[str], lexicon: Lexicon) -> list[CueHit]:
    out = []
    for kind in kinds:
        for pattern in lexicon.patterns(kind):
            for m in pattern.finditer(text, start, end):
                a, b = m.start(), m.end()
                # Trim the separators some patterns include (". however" -> "however").
                while a < b and not text[a].isalnum():
                    a += 1
                out.append(CueHit(kind, Span.of(text, a, b)))
    return out


def build_view(claim: Claim, text: str, *, date: int | None, doc_index: int, order: int,
               lead_start: int, lexicon: Lexicon, places: frozenset[str] = frozenset(),
               mentions: Sequence[tuple[int, int, str]] = ()) -> ClaimView:
    """Compute a claim's features.

    ``lead_start``: where its lead-in may begin (the end of the previous claim); ``mentions``: the
    document's actor mentions as ``(start, end, actor id)``, sorted by start.
    """
    c = claim.content
    words = list(word_tokens(c.text, c.start))
    local_negators = [m for p in lexicon.patterns("negator") for m in p.finditer(c.text)]
    negated = negated_words(c.text, c.start, words, lexicon.patterns("negator"))
    # Aversion flips frames ("depressed by the possibility that the war will continue") only.
    averse = negated_words(c.text, c.start, words, lexicon.patterns("averse"))
    frame_negated = [n != a for n, a in zip(negated, averse, strict=True)]
    # Negative polarity with no negator inside the content was said by the cue ("denies that X",
    # "does not concur with the suggestion that X"): the whole content is denied.
    whole_negated = claim.polarity == Polarity.NEGATIVE and not local_negators
    stems_all = content_stems(words)
    neg_stems = frozenset(stem(w) for (_, _, w), n in zip(words, negated, strict=True) if n and w not in STOPWORDS)
    frames = _frames(words, frame_negated, whole_negated, text, lexicon)

    lead_from = max(lead_start, c.start - LEAD_IN_CHARS, 0)
    if claim.sentence is not None and claim.sentence.start <= c.start:
        lead_from = max(lead_from, claim.sentence.start)
    # Cues of an earlier sentence ("... service attaches concur. Telegram 655 reported that") are
    # not this claim's: the lead-in starts after the last sentence end before the content.
    ends = list(_SENTENCE_END.finditer(text, lead_from, c.start))
    if ends:
        lead_from = ends[-1].end()
    head_end = min(c.end, c.start + 60)  # "Some of the operations continued, however, ..."
    lead = _cue_hits(text, lead_from, c.start, ("similar", "contrary", "contrast", "confirm", "deny"), lexicon)
    lead += [h for h in _cue_hits(text, c.start, head_end, ("contrast",), lexicon)]
    if claim.cue is not None and not (lead_from <= claim.cue.start < c.start):
        lead += _cue_hits(text, claim.cue.start, claim.cue.end, ("confirm", "deny"), lexicon)
    denials = [h.span for h in lead if h.kind == "deny"]
    # "does not concur" is a denial, not the confirmation its last word would be.
    lead = [h for h in lead if not (h.kind == "confirm" and any(d.start <= h.span.start < d.end for d in denials))]
    inner = _cue_hits(text, c.start, c.end, ("discount", "minimize", "anaphor"), lexicon)

    discounted: set[str] = set()
    for hit in inner:
        if hit.kind != "discount":
            continue
        # What is discounted: the words after the cue up to the clause end ("no evidence of such
        # disunity"), or, for a trailing cue ("reports of X have not been confirmed"), the words before.
        after = [w for (s, _, w) in words if s >= hit.span.end]
        before = [w for (_, e, w) in words if e <= hit.span.start]
        tail = re.split(r"[,;:.]", text[hit.span.end:c.end], maxsplit=1)[0]
        after = [w for _, _, w in word_tokens(tail)] if after else []
        chosen = after if after else before
        discounted |= {stem(w) for w in chosen if w not in STOPWORDS and len(w) > 2}
    starts = [w[0] for w in words]
    actor_words: dict[str, list[int]] = {}
    for m_start, m_end, actor in mentions[bisect.bisect_left(mentions, (c.start, -1, "")):]:
        if m_start >= c.end:
            break
        if m_end <= c.end:
            actor_words.setdefault(actor, []).append(max(0, bisect.bisect_right(starts, m_start) - 1))
    return ClaimView(claim, text, date, doc_index, order, stems_all, neg_stems, whole_negated, frames,
                     tuple(lead), tuple(inner), frozenset(discounted), frozenset(claim.about) - places,
                     {k: tuple(v) for k, v in actor_words.items()})


def views_from_claims(claims: Iterable[Claim], texts: Mapping[str, str], *,
                      dates: Mapping[str, str | None] | None = None, lexicon: Lexicon,
                      places: Iterable[str] = ()) -> list[ClaimView]:
    """Views of plain claims; ``texts`` maps each claim's ``document`` to its original text.

    ``places``: ids of actors that are places (a place holds no stance, so sharing one is weak).
    """
    by_doc: dict[str, list[Claim]] = {}
    for claim in claims:
        by_doc.setdefault(claim.document, []).append(claim)
    groups = ((texts[doc], (dates or {}).get(doc), doc_claims, ()) for doc, doc_claims in by_doc.items())
    return _views(groups, lexicon, frozenset(places))


def views_from_extractions(extractions: Iterable[Extraction], *, lexicon: Lexicon) -> list[ClaimView]:
    """Views of every claim of every extraction (document text and date from its segmentation)."""
    extractions = list(extractions)
    places = frozenset(a.id for ex in extractions for a in ex.actors if a.kind == ActorKind.PLACE)
    groups = ((ex.document.text, ex.segmentation.meta.date or ex.document.metadata.get("date"), list(ex.claims),
               sorted((m.start, m.end, a.id) for a in ex.actors for m in a.mentions))
              for ex in extractions)
    return _views(groups, lexicon, places)


def _views(groups: Iterable[tuple[str, object, list[Claim], Sequence[tuple[int, int, str]]]], lexicon: Lexicon,
           places: frozenset[str]) -> list[ClaimView]:
    views: list[ClaimView] = []
    for doc_index, (text, date_value, doc_claims, mentions) in enumerate(groups):
        date = parse_date(date_value)
        prev_end = 0
        for order, claim in enumerate(sorted(doc_claims, key=lambda c: (c.content.start, c.content.end, c.id))):
            # The lead-in starts where the previous claim ended; a nested claim has none of its own.
            lead_start = min(prev_end, claim.content.start)
            views.append(build_view(claim, text, date=date, doc_index=doc_index, order=order,
                                    lead_start=lead_start, lexicon=lexicon, places=places, mentions=mentions))
            prev_end = max(prev_end, claim.content.end)
    return views
