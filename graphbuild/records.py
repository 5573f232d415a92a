"""Typed records that flow forward through the pipeline.

read -> segment -> nlp -> graph -> link -> export/query. Every stage consumes and produces these
frozen dataclasses; none of them holds a spaCy, networkx or rdflib object, so they can be pickled
to Dask workers, serialised to JSON and compared in tests. Standard library only.

All offsets are half-open code-point offsets into the ORIGINAL decoded input text of the document
(``document.text[span.start:span.end] == span.text``).
"""

from __future__ import annotations

import bisect
from collections.abc import Mapping
from dataclasses import dataclass, field
from enum import StrEnum
from types import MappingProxyType
from typing import Any


@dataclass(frozen=True, slots=True, order=True)
class Span:
    """Evidence: a half-open slice ``[start, end)`` of the original text, with the text it covers."""

    start: int
    end: int
    text: str

    @classmethod
    def of(cls, source: str, start: int, end: int) -> Span:
        return cls(start, end, source[start:end])

    def to_json(self) -> dict[str, Any]:
        return {"text": self.text, "start": self.start, "end": self.end}


@dataclass(frozen=True, slots=True)
class Passage:
    """Text handed to NLP, with a map back to the original.

    Page furniture is cut out and OCR line-break hyphenation ("re- sumption") is repaired, so the
    passage text is not a slice of the original. ``pieces`` holds ``(passage_offset,
    original_offset, length)`` runs, sorted by passage offset; each run is copied verbatim.
    """

    text: str
    pieces: tuple[tuple[int, int, int], ...]

    def to_original(self, start: int, end: int) -> tuple[int, int]:
        """Map a half-open passage range to the smallest original range that covers it."""
        if end <= start:
            pos = self._char_origin(start) if start < len(self.text) else self._end_origin()
            return pos, pos
        return self._char_origin(start), self._char_origin(end - 1) + 1

    def _char_origin(self, offset: int) -> int:
        i = max(0, bisect.bisect_right(self.pieces, (offset, float("inf"), 0)) - 1)
        p_start, o_start, length = self.pieces[i]
        return o_start + min(offset - p_start, max(0, length - 1))

    def _end_origin(self) -> int:
        p_start, o_start, length = self.pieces[-1] if self.pieces else (0, 0, 0)
        return o_start + length

    def original_span(self, original: str, start: int, end: int) -> Span:
        o_start, o_end = self.to_original(start, end)
        return Span.of(original, o_start, o_end)


class Commitment(StrEnum):
    """How firmly the source commits to the content (FactBank-style)."""

    CERTAIN = "certain"
    PROBABLE = "probable"
    POSSIBLE = "possible"
    REPORTED = "reported"


class Polarity(StrEnum):
    POSITIVE = "positive"
    NEGATIVE = "negative"


class SourceKind(StrEnum):
    ORGANIZATION = "organization"
    PERSON = "person"
    GOVERNMENT = "government"
    PRESS = "press"
    REDACTED = "redacted"
    ANALYST = "analyst"
    UNSPECIFIED = "unspecified"


class ActorKind(StrEnum):
    STATE = "state"
    ORGANIZATION = "organization"
    PERSON = "person"
    GROUP = "group"
    PLACE = "place"
    SOURCE = "source"


class RelationType(StrEnum):
    CORROBORATES = "corroborates"
    CONTRADICTS = "contradicts"
    COMMENTS_ON = "comments_on"


class Severity(StrEnum):
    WARNING = "warning"
    ERROR = "error"


def _frozen_mapping(value: Mapping[str, Any] | None) -> Mapping[str, Any]:
    return MappingProxyType(dict(value or {}))


@dataclass(frozen=True, slots=True)
class Diagnostic:
    """Something worth telling the user about one input; never fatal to the other inputs."""

    path: str
    code: str
    message: str
    severity: Severity = Severity.ERROR
    item: int | None = None

    def __str__(self) -> str:
        where = self.path if self.item is None else f"{self.path} (item {self.item})"
        return f"{where}: {self.severity.value}: {self.message} [{self.code}]"


@dataclass(frozen=True, slots=True)
class Document:
    """One decoded input text. ``id`` is the input path as given, or the JSONL ``id``."""

    id: str
    text: str
    sha256: str
    path: str
    encoding: str = "utf-8"
    line: int | None = None  # 1-based line number for JSONL inputs
    metadata: Mapping[str, Any] = field(default_factory=dict, hash=False, compare=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "metadata", _frozen_mapping(self.metadata))

    def __reduce__(self):
        # A mappingproxy does not pickle; worker processes (``--jobs``, Dask) ship documents both ways.
        return (Document, (self.id, self.text, self.sha256, self.path, self.encoding, self.line,
                           dict(self.metadata)))


@dataclass(frozen=True, slots=True)
class DocumentMeta:
    """Bulletin header facts, each value with the span it was read from."""

    classification: str | None = None
    classification_span: Span | None = None
    date: str | None = None  # ISO 8601 publication date
    date_span: Span | None = None
    released: str | None = None  # ISO 8601 release / approval date
    released_span: Span | None = None
    identifiers: tuple[Span, ...] = ()


@dataclass(frozen=True, slots=True)
class Section:
    name: str  # normalised heading, e.g. "SOVIET", "FAR EAST"
    heading: Span


@dataclass(frozen=True, slots=True)
class Redaction:
    span: Span
    code: str  # "[redacted]", "25X1", "3.5(c)", ...


@dataclass(frozen=True, slots=True)
class Comment:
    """An analyst's ``Comment:`` paragraph attached to its item."""

    marker: Span  # "Comment:" as printed (also OCR forms such as "Co ent:")
    body: Passage
    span: Span  # marker + body in the original


@dataclass(frozen=True, slots=True)
class Item:
    """A numbered bulletin item (or the whole of a document without numbered items)."""

    number: int | None
    section: str | None
    country: Span | None
    headline: Span | None
    body: Passage
    comments: tuple[Comment, ...]
    span: Span
    truncated: bool = False  # the excerpt ends inside this item
    is_comment_item: bool = False  # "Comment on X:" items are analyst text throughout
    # "item" for numbered items and whole-document items; "preamble" / "footnotes" for the unnumbered
    # text before a telegram's numbered paragraphs and after them (kept so their claims are not lost)
    part: str = "item"


@dataclass(frozen=True, slots=True)
class Segmentation:
    """A document cut into the parts analysts reason about."""

    document: Document
    meta: DocumentMeta
    sections: tuple[Section, ...]
    items: tuple[Item, ...]
    redactions: tuple[Redaction, ...]
    furniture: tuple[Span, ...]
    diagnostics: tuple[Diagnostic, ...] = ()


@dataclass(frozen=True, slots=True)
class Actor:
    """A canonical actor (state, organisation, person, group, place) or a source."""

    id: str
    label: str
    kind: ActorKind
    aliases: tuple[str, ...] = ()
    mentions: tuple[Span, ...] = ()


@dataclass(frozen=True, slots=True)
class Source:
    """Who makes a claim. ``id`` is an actor id; ``mention`` is where the text names it, if it does."""

    id: str
    label: str
    kind: SourceKind
    mention: Span | None = None


@dataclass(frozen=True, slots=True)
class Claim:
    """An attribution relation: ``source`` says ``content`` (via ``cue``), with its stance."""

    id: str
    document: str
    item: int | None
    in_comment: bool
    content: Span
    source: Source
    cue: Span | None
    commitment: Commitment
    polarity: Polarity
    about: tuple[str, ...] = ()
    relayed_by: str | None = None
    sentence: Span | None = None  # the whole original sentence, for display


@dataclass(frozen=True, slots=True)
class Evidence:
    """Why a link was made: the signal that fired and the text that supports it."""

    signal: str
    spans: tuple[Span, ...] = ()
    note: str = ""


@dataclass(frozen=True, slots=True)
class Relation:
    """A claim-claim link. ``corroborates``/``contradicts`` are symmetric: stored once per pair."""

    type: RelationType
    source_claim: str
    target_claim: str
    score: float
    evidence: tuple[Evidence, ...] = ()


@dataclass(frozen=True, slots=True)
class Extraction:
    """Everything the NLP stage found in one document."""

    segmentation: Segmentation
    actors: tuple[Actor, ...]
    claims: tuple[Claim, ...]
    diagnostics: tuple[Diagnostic, ...] = ()

    @property
    def document(self) -> Document:
        return self.segmentation.document
