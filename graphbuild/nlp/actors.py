"""Actors and sources: who is mentioned, and who speaks.

Three pieces, all driven by data files a user can extend without touching Python:

- :class:`Gazetteer` maps historical aliases to canonical actors with stable ids ("Peiping",
  "Chinese Communists", "Central People's Government" -> ``communist-china``). The user-facing file is
  ``ontology/actors.tsv``; the package ships an identical copy (``graphbuild/nlp/data/actors.tsv``)
  so an installed graphbuild works outside a source checkout.
- :class:`ActorRecognizer`, the ``graphbuild_actors`` spaCy component, merges gazetteer matches with
  the trained NER (GPE, NORP, ORG, PERSON, LOC, FAC) into ``doc.spans["graphbuild_actors"]``: each
  span's ``kb_id_`` is the actor id and ``label_`` the actor kind; the group's ``attrs["labels"]``
  maps ids to display labels.
- Sources: :func:`classify_source` tells what kind of source a noun phrase names,
  :func:`describe_source` gives its canonical id and label, and :class:`SourceResolver` links later
  short mentions ("the Embassy", "the Ambassador", "he") to the earlier full mention across the
  items of one document.
"""

from __future__ import annotations

import dataclasses
import functools
import logging
import re
import unicodedata
import weakref
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from importlib import resources
from pathlib import Path
from types import MappingProxyType
from typing import Any

from spacy.language import Language
from spacy.tokens import Doc, Span, SpanGroup, Token

from graphbuild import ids
from graphbuild.errors import InputError
from graphbuild.records import ActorKind, SourceKind

log = logging.getLogger("graphbuild")

SPANS_KEY = "graphbuild_actors"
#: NER labels that name actors; the rest (DATE, CARDINAL, EVENT ...) never do.
NER_LABELS: tuple[str, ...] = ("GPE", "NORP", "ORG", "PERSON", "LOC", "FAC")
_NER_KIND = {
    "PERSON": ActorKind.PERSON,
    "ORG": ActorKind.ORGANIZATION,
    "NORP": ActorKind.GROUP,
    "GPE": ActorKind.PLACE,
    "LOC": ActorKind.PLACE,
    "FAC": ActorKind.PLACE,
}
_DEFAULT_SOURCE_KIND = {
    ActorKind.STATE: SourceKind.GOVERNMENT,
    ActorKind.PERSON: SourceKind.PERSON,
    # A city or region that speaks ("Hanoi announced") stands for the authorities there.
    ActorKind.PLACE: SourceKind.GOVERNMENT,
}

_DATA = "graphbuild.nlp.data"
_DETERMINERS = frozenset(
    [
        "the",
        "a",
        "an",
        "this",
        "that",
        "these",
        "those",
        "his",
        "her",
        "its",
        "their",
        "our",
        "my",
        "your",
        "one",
        "another",
        "some",
        "several",
        "same",
        "said",
        "such",
        "both",
        "all",
        "each",
        "either",
        "neither",
        "many",
        "most",
    ]
)
# Classification banners and page furniture that the NER model tags as ORG in OCR'd bulletins.
_FURNITURE = frozenset(
    {
        "secret",
        "top secret",
        "confidential",
        "restricted",
        "unclassified",
        "security information",
        "eyes only",
        "noforn",
        "comment",
        "summary",
    }
)
_APOSTROPHES = str.maketrans({"\u2019": "'", "\u2018": "'", "\u02bc": "'", "`": "'"})
_HYPHEN_BREAK = re.compile(r"(?<=\w)-\s*\n\s*(?=\w)|(?<=[a-z])- (?=[a-z])")
_SPACES = re.compile(r"\s+")
_DOTTED = re.compile(r"(?<=\.) (?=\w\.)")


# --------------------------------------------------------------------------------------------------
# Gazetteer


@dataclass(frozen=True, slots=True)
class GazetteerEntry:
    """One canonical actor of the gazetteer."""

    id: str
    label: str
    kind: ActorKind
    aliases: tuple[str, ...] = ()
    source_kind: SourceKind = SourceKind.ORGANIZATION


@dataclass(frozen=True, slots=True)
class _Form:
    """How an alias is written, for the capitalisation rule."""

    actor_id: str
    acronym: bool  # capitals only (US, UN, NATO): match only in capitals
    capitalised: bool  # starts with a capital: never match a lower-case word ...
    single_word: bool  # ... if it is a single word ("Turkey"; but "neutral bloc" = "Neutral bloc")


def normalize_name(text: str) -> str:
    """The lookup key of a name: case, spacing, apostrophes, line-break hyphens and articles folded.

    >>> normalize_name("the  Soviet\\nUnion's")
    "soviet union's"
    >>> normalize_name("U. S.")
    'u.s.'
    """
    s = unicodedata.normalize("NFKC", text).translate(_APOSTROPHES)
    s = _HYPHEN_BREAK.sub(lambda m: "-" if m.group(0).startswith("-") and "\n" in m.group(0) else "", s)
    s = _SPACES.sub(" ", s).strip(" \t\n.,;:!?\"'()[]")
    s = _DOTTED.sub("", s + ".").rstrip(".") if "." in s else s
    words = s.split(" ")
    while len(words) > 1 and words[0].lower() in _DETERMINERS:
        words = words[1:]
    return " ".join(words).lower()


def _without_determiners(text: str) -> str:
    words = text.split()
    while len(words) > 1 and words[0].lower() in _DETERMINERS:
        words = words[1:]
    return " ".join(words)


def _is_acronym(alias: str) -> bool:
    letters = [c for c in alias if c.isalpha()]
    return len(letters) >= 2 and all(c.isupper() for c in letters)


def _case_ok(form: _Form, matched: str) -> bool:
    letters = [c for c in matched if c.isalpha()]
    if form.acronym:
        return all(c.isupper() for c in letters)
    if form.capitalised and form.single_word:
        return bool(letters) and letters[0].isupper()
    return True


def _alias_pattern(alias: str) -> str:
    """Regular expression for one alias: flexible spaces, line-break hyphens, apostrophes, dots."""
    out: list[str] = []
    for i, ch in enumerate(alias):
        nxt = alias[i + 1] if i + 1 < len(alias) else ""
        if ch.isspace():
            if not out or out[-1] != r"\s+":
                out.append(r"\s+")
        elif ch == "-":
            out.append(r"-\s*")
        elif ch in "'\u2019":
            out.append("['\u2019]")
        elif ch == ".":
            out.append(r"\.\s?" if nxt.isalnum() else r"\.")
        else:
            out.append(re.escape(ch))
    return "".join(out)


class Gazetteer:
    """Historical aliases -> canonical actors.

    Build it with :meth:`load`; it is immutable afterwards and safe to share between pipelines.
    """

    def __init__(self, entries: Iterable[GazetteerEntry], *, origin: str = "<memory>") -> None:
        self.origin = origin
        by_id: dict[str, GazetteerEntry] = {}
        forms: dict[str, list[_Form]] = {}
        for entry in entries:
            by_id[entry.id] = entry
        for entry in by_id.values():
            for alias in (entry.label, *entry.aliases):
                key = normalize_name(alias)
                if not key:
                    continue
                known = forms.setdefault(key, [])
                clash = {f.actor_id for f in known} - {entry.id}
                if clash:
                    raise InputError(
                        f"alias {alias!r} of {entry.id!r} is already an alias of {min(clash)!r}",
                        path=origin,
                    )
                known.append(
                    _Form(entry.id, _is_acronym(alias), alias[:1].isupper(), " " not in alias.strip())
                )
        self._entries: Mapping[str, GazetteerEntry] = MappingProxyType(by_id)
        self._forms = {k: tuple(v) for k, v in forms.items()}
        self._aliases = sorted(
            {a for e in by_id.values() for a in (e.label, *e.aliases) if normalize_name(a)},
            key=lambda a: (-len(a), a),
        )
        self._regex: re.Pattern[str] | None = None

    # -- construction --------------------------------------------------------------------------

    @classmethod
    def load(cls, path: str | Path | None = None, *, extra: Sequence[str | Path] = ()) -> Gazetteer:
        """Read a gazetteer file (default: the packaged copy of ``ontology/actors.tsv``).

        Args:
            path: a TSV file in the ``ontology/actors.tsv`` format; None for the shipped one.
            extra: further files whose actors are added; an actor id given again replaces the
                earlier entry, so a user file can correct a shipped actor.

        Raises:
            InputError: a file is missing or malformed, or one alias names two actors.
        """
        if path is None:
            text = resources.files(_DATA).joinpath("actors.tsv").read_text(encoding="utf-8")
            entries = list(_parse_tsv(text, origin="graphbuild/nlp/data/actors.tsv"))
            origin = "actors.tsv"
        else:
            entries = list(_parse_tsv(_read(path), origin=str(path)))
            origin = str(path)
        for more in extra:
            entries.extend(_parse_tsv(_read(more), origin=str(more)))
            origin += f"+{more}"
        return cls(entries, origin=origin)

    @classmethod
    @functools.cache
    def default(cls) -> Gazetteer:
        """The shipped gazetteer, loaded once per process."""
        return cls.load()

    # -- queries -------------------------------------------------------------------------------

    def __len__(self) -> int:
        return len(self._entries)

    def __contains__(self, actor_id: object) -> bool:
        return actor_id in self._entries

    def __iter__(self) -> Iterator[GazetteerEntry]:
        return iter(self._entries.values())

    def get(self, actor_id: str) -> GazetteerEntry | None:
        """The entry of a canonical id, or None."""
        return self._entries.get(actor_id)

    def entry_for(self, text: str) -> GazetteerEntry | None:
        """The actor a whole name refers to (articles, plural and possessive ignored), or None."""
        key = normalize_name(text)
        surface = _without_determiners(text)
        for candidate in _key_variants(key):
            forms = self._forms.get(candidate)
            if forms and any(_case_ok(f, surface) for f in forms):
                return self._entries[forms[0].actor_id]
        return None

    def lookup(self, text: str) -> tuple[str, str, ActorKind] | None:
        """``(actor_id, label, kind)`` of the actor a whole name refers to, or None.

        >>> Gazetteer.default().lookup("the Kremlin")
        ('ussr', 'USSR', <ActorKind.STATE: 'state'>)
        >>> Gazetteer.default().lookup("us") is None  # the pronoun, not the United States
        True
        """
        entry = self.entry_for(text)
        return None if entry is None else (entry.id, entry.label, entry.kind)

    def find(self, text: str) -> list[tuple[int, int, str]]:
        """Every alias occurrence in ``text``: ``(start, end, actor_id)``, leftmost-longest, no overlaps.

        ``end`` excludes a possessive ``'s`` but includes a plural ``s`` ("Soviets").
        """
        found: list[tuple[int, int, str]] = []
        for m in self._pattern().finditer(text):
            start, end = m.span("name")
            matched = text[start:end]
            entry = self.entry_for(matched)
            if entry is not None:
                found.append((start, end, entry.id))
        return found

    def _pattern(self) -> re.Pattern[str]:
        if self._regex is None:
            # Bucketing by first letter keeps the alternation cheap: at each word start only the
            # aliases sharing its first letter are tried; within a bucket the longest come first.
            buckets: dict[str, list[str]] = {}
            for alias in self._aliases:
                buckets.setdefault(alias[0].lower(), []).append(_alias_pattern(alias))
            parts = []
            for first, pats in sorted(buckets.items()):
                cls = re.escape(first) + (re.escape(first.upper()) if first.upper() != first else "")
                parts.append(f"(?=[{cls}])(?:{'|'.join(pats)})")
            body = "|".join(parts)
            self._regex = re.compile(rf"(?<![\w'\u2019])(?P<name>(?:{body})(?:e?s)?)(?![\w])", re.IGNORECASE)
        return self._regex


def _key_variants(key: str) -> Iterator[str]:
    """The key, then without a possessive, then without a plural ending."""
    yield key
    base = key
    for suffix in ("'s", "s'", "'"):
        if base.endswith(suffix) and len(base) > len(suffix) + 1:
            base = base[: -len(suffix)] + ("s" if suffix == "s'" else "")
            yield base
            break
    for suffix in ("es", "s"):
        if base.endswith(suffix) and len(base) > len(suffix) + 1:
            yield base[: -len(suffix)]


def _read(path: str | Path) -> str:
    try:
        return Path(path).read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as e:
        raise InputError(f"cannot read gazetteer: {e}", path=str(path)) from e


def _parse_tsv(text: str, *, origin: str) -> Iterator[GazetteerEntry]:
    kinds = {k.value: k for k in ActorKind}
    source_kinds = {k.value: k for k in SourceKind}
    for lineno, raw in enumerate(text.splitlines(), 1):
        line = raw.rstrip("\r\n")
        if not line.strip() or line.lstrip().startswith("#"):
            continue
        cols = [c.strip() for c in line.split("\t")]
        if cols[0] == "id" and lineno < 100 and cols[1:2] == ["label"]:
            continue  # the header row
        where = f"{origin}:{lineno}"
        if len(cols) < 3 or len(cols) > 5:
            raise InputError(f"expected 3 to 5 tab-separated columns, got {len(cols)}", path=where)
        actor_id, label, kind = cols[0], cols[1], cols[2]
        if not re.fullmatch(r"[a-z0-9][a-z0-9-]*", actor_id):
            raise InputError(f"bad actor id {actor_id!r} (use a-z, 0-9 and '-')", path=where)
        if not label or kind not in kinds:
            raise InputError(f"empty label or unknown kind {kind!r} (one of {sorted(kinds)})", path=where)
        aliases = tuple(a.strip() for a in (cols[3] if len(cols) > 3 else "").split("|") if a.strip())
        sk = cols[4] if len(cols) > 4 and cols[4] else ""
        if sk and sk not in source_kinds:
            raise InputError(f"unknown source_kind {sk!r}", path=where)
        actor_kind = kinds[kind]
        yield GazetteerEntry(
            id=actor_id,
            label=label,
            kind=actor_kind,
            aliases=aliases,
            source_kind=source_kinds[sk]
            if sk
            else _DEFAULT_SOURCE_KIND.get(actor_kind, SourceKind.ORGANIZATION),
        )


# --------------------------------------------------------------------------------------------------
# The spaCy component


def clean_label(text: str) -> str:
    """A display label from a mention: articles, possessive, spacing and line-break hyphens removed.

    >>> clean_label("the American Embassy in\\nMoscow")
    'American Embassy in Moscow'
    >>> clean_label("US High Commis- ioner McCloy's")
    'US High Commisioner McCloy'
    """
    s = unicodedata.normalize("NFKC", text).translate(_APOSTROPHES)
    s = _HYPHEN_BREAK.sub(lambda m: "-" if "\n" in m.group(0) and m.group(0).startswith("-") else "", s)
    s = _SPACES.sub(" ", s).strip(' \t\n,;:!?"()[]')
    s = re.sub(r"'s$|(?<=s)'$", "", s).rstrip(" .,;:")
    words = s.split(" ")
    while len(words) > 1 and words[0].lower() in _DETERMINERS:
        words = words[1:]
    return " ".join(words)


def _usable_entity(span: Span) -> bool:
    """False for OCR debris, codes and banners the NER model tags as names, and for bare nouns.

    A bare institution or title ("Embassy", "the Department") is a short mention for the source
    resolver, not a name.
    """
    text = span.text
    letters = sum(c.isalpha() for c in text)
    if letters < 2 or any(c.isdigit() for c in text) or letters < 0.8 * len(re.sub(r"\s", "", text)):
        return False
    if " ".join(re.findall(r"[a-z]+", text.lower())) in _FURNITURE:
        return False
    # A name has a capital somewhere; the model also tags lower-case words ("importance", "msgs").
    if not any(t.text[:1].isupper() for t in span):
        return False
    return not all(_source_noun(t) is not None for t in span if not (t.is_punct or t.is_space))


class ActorRecognizer:
    """spaCy component: gazetteer + NER actor mentions into ``doc.spans["graphbuild_actors"]``.

    Gazetteer matches win over overlapping NER entities (the model's "Illustrating Peiping's" ORG
    becomes the gazetteer's "Peiping"); NER entities the gazetteer does not know become actors with
    ids from :func:`graphbuild.ids.actor_id`. An NER organisation whose head noun is an institution
    ("the American Embassy") is kept even though it contains a gazetteer name ("American").
    """

    def __init__(
        self,
        nlp: Language,
        name: str = "graphbuild_actors",
        *,
        gazetteer: str | None = None,
        ner_labels: Sequence[str] = NER_LABELS,
        spans_key: str = SPANS_KEY,
    ) -> None:
        self.name = name
        self.gazetteer = Gazetteer.default() if gazetteer is None else Gazetteer.load(gazetteer)
        self.ner_labels = frozenset(ner_labels)
        self.spans_key = spans_key

    def __call__(self, doc: Doc) -> Doc:
        spans: list[Span] = []
        labels: dict[str, str] = {}
        taken = [False] * len(doc)
        for start, end, actor_id in self.gazetteer.find(doc.text):
            span = doc.char_span(start, end, alignment_mode="contract") or doc.char_span(
                start, end, alignment_mode="expand"
            )
            if span is None or len(span) == 0 or any(taken[span.start : span.end]):
                continue
            entry = self.gazetteer.get(actor_id)
            assert entry is not None
            spans.append(Span(doc, span.start, span.end, label=entry.kind.value, kb_id=entry.id))
            labels[entry.id] = entry.label
            for i in range(span.start, span.end):
                taken[i] = True
        for ent in doc.ents:
            if ent.label_ not in self.ner_labels:
                continue
            ent = _trim(ent)
            if ent is None or not _usable_entity(ent):
                continue
            # An entity overlapping a gazetteer name is dropped, unless it is an institution whose
            # own head noun is outside the name ("the American Embassy" around "American").
            if any(taken[ent.start : ent.end]) and (taken[ent.end - 1] or not _institution_head(ent)):
                continue
            entry = self.gazetteer.entry_for(ent.text)
            if entry is not None:
                actor_id, label, kind = entry.id, entry.label, entry.kind
            else:
                label = clean_label(ent.text)
                actor_id, kind = ids.actor_id(label), _NER_KIND[ent.label_]
            spans.append(Span(doc, ent.start, ent.end, label=kind.value, kb_id=actor_id))
            labels.setdefault(actor_id, label)
        spans.sort(key=lambda s: (s.start, -s.end))
        doc.spans[self.spans_key] = SpanGroup(doc, name=self.spans_key, spans=spans, attrs={"labels": labels})
        return doc


def _trim(span: Span) -> Span | None:
    """Drop leading determiners/punctuation and a trailing possessive from an entity span."""
    start, end = span.start, span.end
    doc = span.doc
    while start < end and (doc[start].is_punct or doc[start].is_space or doc[start].lower_ in _DETERMINERS):
        start += 1
    while end > start and (doc[end - 1].is_punct or doc[end - 1].is_space or doc[end - 1].tag_ == "POS"):
        end -= 1
    # An entity that starts with a gerund or verb ("Illustrating Peiping's") starts at its first noun.
    while start < end - 1 and doc[start].pos_ in ("VERB", "AUX", "ADV") and not doc[start].is_title:
        start += 1
    return Span(doc, start, end, label=span.label_) if end > start else None


def _institution_head(span: Span) -> bool:
    return span.label_ in ("ORG", "FAC") and _source_noun(span[-1]) is not None


# --------------------------------------------------------------------------------------------------
# Mentions as plain data, and "about"


# Iterating a SpanGroup makes new Span objects every time, and the source resolver asks for the
# mentions once per token it looks at: keep them per Doc (weakly, and only while the group is the same).
_MENTIONS: weakref.WeakKeyDictionary = weakref.WeakKeyDictionary()


def _mentions(doc: Doc, spans_key: str) -> tuple[tuple[Span, ...], dict[int, Span]]:
    group = doc.spans.get(spans_key)
    if group is None:
        return (), {}
    cached = _MENTIONS.get(doc, {}).get(spans_key)
    if cached is not None and cached[0] is group and cached[1] == len(group):
        return cached[2], cached[3]
    spans = tuple(group)
    at: dict[int, Span] = {}
    for mention in spans:
        for i in range(mention.start, mention.end):
            at.setdefault(i, mention)  # the first mention covering a token, as a scan in text order finds
    _MENTIONS.setdefault(doc, {})[spans_key] = (group, len(group), spans, at)
    return spans, at


def actor_spans(doc: Doc, *, spans_key: str = SPANS_KEY) -> list[Span]:
    """The actor mentions the component found, in text order (empty if it did not run)."""
    return list(_mentions(doc, spans_key)[0])


def actor_label(span: Span, *, spans_key: str = SPANS_KEY) -> str:
    """Display label of an actor mention's canonical actor ("Peiping" -> "Communist China")."""
    group = span.doc.spans.get(spans_key)
    labels = group.attrs.get("labels", {}) if group is not None else {}
    return labels.get(span.kb_id_) or clean_label(span.text)


def about(span: Span, *, spans_key: str = SPANS_KEY) -> tuple[str, ...]:
    """Canonical ids of the actors mentioned inside ``span``: deduplicated, in text order."""
    seen: dict[str, None] = {}
    for mention in actor_spans(span.doc, spans_key=spans_key):
        if mention.start >= span.start and mention.end <= span.end and mention.kb_id_:
            seen.setdefault(mention.kb_id_, None)
    return tuple(seen)


# --------------------------------------------------------------------------------------------------
# Sources


@functools.cache
def _source_nouns() -> Mapping[str, SourceKind]:
    text = resources.files(_DATA).joinpath("source_nouns.tsv").read_text(encoding="utf-8")
    kinds = {k.value: k for k in SourceKind}
    table: dict[str, SourceKind] = {}
    for lineno, line in enumerate(text.splitlines(), 1):
        if not line.strip() or line.startswith("#"):
            continue
        noun, _, kind = line.partition("\t")
        if kind.strip() not in kinds:
            raise InputError(f"unknown source kind {kind!r}", path=f"source_nouns.tsv:{lineno}")
        table[noun.strip().lower()] = kinds[kind.strip()]
    return MappingProxyType(table)


@functools.cache
def _redaction_re() -> re.Pattern[str]:
    # The blackout codes are shared with the attribution extractor: one data file for both.
    text = resources.files(_DATA).joinpath("redactions.tsv").read_text(encoding="utf-8")
    pats = [ln.strip() for ln in text.splitlines() if ln.strip() and not ln.startswith("#")]
    return re.compile("|".join(f"(?:{p})" for p in pats), re.IGNORECASE)


def is_redaction(text: str) -> bool:
    """True when ``text`` is nothing but blackout codes ("[redacted]", "25X1", "3.3(h)(2)")."""
    rest = _redaction_re().sub(" ", text)
    return bool(text.strip()) and not rest.strip(" \t\n.,;:-")


_PERSON_PRONOUNS = frozenset(["he", "she", "him", "her", "i", "we", "me", "us"])
_THING_PRONOUNS = frozenset(["it", "they", "them"])


def _source_noun(token: Token) -> SourceKind | None:
    """Source kind of a head noun, trying the compound with its left neighbour first."""
    table = _source_nouns()
    doc = token.doc
    if token.i > 0:
        pair = f"{doc[token.i - 1].lower_} {token.lower_}"
        pair_lemma = f"{doc[token.i - 1].lower_} {token.lemma_.lower()}"
        for key in (pair, pair_lemma):
            if key in table:
                return table[key]
    for key in (token.lower_, token.lemma_.lower(), token.lower_.rstrip("s")):
        if key in table:
            return table[key]
    return None


def _head(span: Span) -> Token:
    """Syntactic head of a phrase; the last content word when the doc is not parsed."""
    if span.doc.has_annotation("DEP"):
        root = span.root
        if not root.is_punct:
            return root
    for token in reversed(span):
        if not (token.is_punct or token.is_space):
            return token
    return span[-1]


def _actor_at(token: Token, *, spans_key: str = SPANS_KEY) -> Span | None:
    return _mentions(token.doc, spans_key)[1].get(token.i)


def classify_source(span: Span, *, gazetteer: Gazetteer | None = None) -> SourceKind:
    """What kind of source a noun phrase names.

    Embassies, missions, delegations, intelligence services -> organization; titled persons,
    named people, "he"/"she" -> person; governments, regimes, ministries, a state or a capital used
    for its government ("Peiping", "the Kremlin") -> government; press, radio, newspapers, Pravda,
    Tass, propaganda -> press; a blackout code -> redacted; anything else -> unspecified.
    """
    gazetteer = gazetteer or Gazetteer.default()
    text = span.text
    if is_redaction(text):
        return SourceKind.REDACTED
    entry = gazetteer.entry_for(text)
    if entry is not None:
        return entry.source_kind
    head = _head(span)
    if head.lower_ in _PERSON_PRONOUNS and (head.lower_ != "us" or head.text == "us"):
        return SourceKind.PERSON
    if head.lower_ in _THING_PRONOUNS:
        return SourceKind.UNSPECIFIED
    noun_kind = _source_noun(head)
    if noun_kind is not None:
        return noun_kind
    # A person named by apposition ("the senior Soviet member ..., Kassaniev").
    mention = _actor_at(head)
    if mention is not None:
        entry = gazetteer.get(mention.kb_id_)
        if entry is not None:
            return entry.source_kind
        return _DEFAULT_SOURCE_KIND.get(ActorKind(mention.label_), SourceKind.ORGANIZATION)
    if head.ent_type_ == "PERSON":
        return SourceKind.PERSON
    if head.ent_type_ in ("GPE", "NORP"):
        return SourceKind.GOVERNMENT  # "the French", "Hanoi announced"
    if head.ent_type_ in ("ORG", "FAC"):
        return SourceKind.ORGANIZATION
    if head.pos_ == "PROPN":
        return SourceKind.PERSON if head.is_title and len(span) <= 3 else SourceKind.ORGANIZATION
    return SourceKind.UNSPECIFIED


@dataclass(frozen=True, slots=True)
class SourceMention:
    """A source noun phrase, resolved: who it is (``id``, ``label``, ``kind``) and where it is.

    ``start``/``end``/``text`` are character offsets into the Doc the mention was found in (the caller
    maps them to the original text). ``antecedent`` is the text of the earlier full mention a short
    one was resolved to, or None.
    """

    id: str
    label: str
    kind: SourceKind
    start: int
    end: int
    text: str
    antecedent: str | None = None
    #: a bare title or institution ("the Embassy", "the Consul General") that needs an antecedent
    is_short: bool = field(default=False, compare=False)
    head: str = field(default="", compare=False)  # lower-case head word, for later short mentions
    words: frozenset[str] = field(default=frozenset(), compare=False)
    speaker: bool = field(default=False, compare=False)  # subject of a verb with a clausal complement


UNSPECIFIED = "unspecified"
REDACTED = "redacted"


def _content_words(span: Span) -> frozenset[str]:
    return frozenset(
        t.lower_
        for t in span
        if not (t.is_punct or t.is_space or t.lower_ in _DETERMINERS or t.pos_ in ("ADP", "CCONJ", "DET"))
    )


def describe_source(span: Span, *, gazetteer: Gazetteer | None = None) -> SourceMention:
    """Canonical id, label and kind of a source noun phrase, without looking at earlier mentions.

    "the American Embassy in Moscow" -> ``american-embassy-in-moscow`` / "American Embassy in
    Moscow"; "the Kremlin" -> ``ussr`` / "USSR"; "Ambassador Kennan in Moscow" -> ``kennan``;
    "[redacted]" -> ``redacted``.
    """
    gazetteer = gazetteer or Gazetteer.default()
    kind = classify_source(span, gazetteer=gazetteer)
    head = _head(span)
    base: dict[str, Any] = {
        "start": span.start_char,
        "end": span.end_char,
        "text": span.text,
        "head": head.lower_,
        "words": _content_words(span),
        "speaker": _is_speaker(head),
    }
    if kind is SourceKind.REDACTED:
        return SourceMention(REDACTED, "[redacted]", kind, **base)
    entry = gazetteer.entry_for(span.text)
    if entry is not None:
        return SourceMention(entry.id, entry.label, entry.source_kind, **base)
    content = [t for t in span if t.lower_ in base["words"]]
    base["is_short"] = bool(content) and all(_source_noun(t) is not None for t in content)
    if head.lower_ in _PERSON_PRONOUNS | _THING_PRONOUNS:
        if _pleonastic(head):
            base["head"] = ""  # "it is reported that ...": nobody to resolve to
        return SourceMention(UNSPECIFIED, UNSPECIFIED, SourceKind.UNSPECIFIED, **base)
    person = _named_person(span, head)
    if person is not None:
        actor_id, label = person
        return SourceMention(actor_id, label, SourceKind.PERSON, **base)
    state = _government_of(span, head)
    if state is not None:
        return SourceMention(state.id, state.label, SourceKind.GOVERNMENT, **base)
    label = clean_label(span.text)
    return SourceMention(ids.actor_id(label), label, kind, **base)


def _pleonastic(token: Token) -> bool:
    """ "It" that stands for nothing: "it is reported that", "it appears that", "it is likely"."""
    if token.lower_ != "it":
        return False
    if token.dep_ == "expl":
        return True
    verb = token.head
    return token.dep_ in ("nsubj", "nsubjpass") and any(
        c.dep_ in ("ccomp", "csubj", "acomp", "xcomp") for c in verb.children if c.i > verb.i
    )


def _named_person(span: Span, head: Token) -> tuple[str, str] | None:
    """The person a titled or appositive phrase names ("Soviet Deputy Foreign Minister Zorin")."""
    candidates = [head] + [t for t in head.children if t.dep_ == "appos" and span.start <= t.i < span.end]
    for token in candidates:
        mention = _actor_at(token)
        if mention is not None and mention.label_ == ActorKind.PERSON.value:
            return mention.kb_id_, actor_label(mention)
        if token.ent_type_ == "PERSON" and mention is None:
            ent = next((e for e in span.doc.ents if e.start <= token.i < e.end), None)
            if ent is not None and _usable_entity(ent):
                label = clean_label(ent.text)
                return ids.actor_id(label), label
    # A title followed by a name in apposition ("the senior Soviet member of the UN Secretariat,
    # Kassaniev"): the parser often attaches the name to the nearest noun, so read the surface.
    if _source_noun(head) is SourceKind.PERSON:
        end = span.end
        while end > span.start and (span.doc[end - 1].is_punct or span.doc[end - 1].is_space):
            end -= 1
        start = end
        while start > span.start and span.doc[start - 1].pos_ == "PROPN" and span.doc[start - 1].is_title:
            start -= 1
        if start < end <= start + 3 and start > head.i and span.doc[start - 1].text == ",":
            label = clean_label(span.doc[start:end].text)
            return ids.actor_id(label), label
    return None


def _government_of(span: Span, head: Token) -> GazetteerEntry | None:
    """ "the Indian Government", "the Burmese authorities": the state whose government speaks."""
    if _source_noun(head) is not SourceKind.GOVERNMENT or head.lower_ in ("officials", "department"):
        return None
    gazetteer = Gazetteer.default()
    states = {
        m.kb_id_
        for m in actor_spans(span.doc)
        if span.start <= m.start and m.end <= span.end and m.end <= head.i and m.label_ == "state"
    }
    if len(states) == 1 and len(span) <= 5:
        return gazetteer.get(next(iter(states)))
    return None


class SourceResolver:
    """Resolves source mentions across the items of ONE document, fed in text order.

    A short mention ("The Embassy", "the mission", "the Ambassador") takes the id and label of the
    latest earlier mention that contains its head word; a surname alone takes the latest person
    whose label ends with it; "he"/"she" the latest person; "it"/"they" the latest organisation or
    government. Use one resolver per document; it keeps plain data, so the items may be separate
    Docs.
    """

    def __init__(self, *, gazetteer: Gazetteer | None = None) -> None:
        self.gazetteer = gazetteer or Gazetteer.default()
        self.history: list[SourceMention] = []
        self._chain_doc: Doc | None = None
        self._chain: dict[int, SourceMention] = {}

    def resolve(self, span: Span) -> SourceMention:
        """Describe ``span`` as a source, resolve it against earlier mentions, and remember it."""
        mention = describe_source(span, gazetteer=self.gazetteer)
        antecedent = None
        if mention.head in _PERSON_PRONOUNS | _THING_PRONOUNS:
            antecedent = self._pronoun_chain(span.doc).get(_head(span).i)
        if antecedent is None:
            antecedent = self._antecedent(mention)
        if antecedent is not None:
            mention = dataclasses.replace(
                mention,
                id=antecedent.id,
                label=antecedent.label,
                kind=antecedent.kind,
                antecedent=antecedent.text,
            )
            self.history.append(mention)
        elif mention.id not in (UNSPECIFIED, REDACTED) and not mention.is_short:
            self.history.append(mention)
        return mention

    def remember(self, mention: SourceMention) -> None:
        """Make ``mention`` a possible antecedent, e.g. a telegram's sender named in its header."""
        self.history.append(mention)

    def _pronoun_chain(self, doc: Doc) -> dict[int, SourceMention]:
        """Antecedents of the third-person pronouns of ``doc``, by token index (computed once per Doc).

        Every person, organisation or state mentioned counts, not only sources ("a dissertation by
        Rhee to the effect that he ..."). The latest compatible mention in the pronoun's sentence or
        the two before wins, a clause subject over other mentions; a resolved pronoun is itself a
        mention, so chains ("he ... he ... He") hold. Beyond the window the resolver's history of
        earlier sources (earlier items) is used.
        """
        if self._chain_doc is doc:
            return self._chain
        chain: dict[int, SourceMention] = {}
        seen: list[tuple[int, int, int, bool, SourceMention]] = []  # (token, sentence, role, plural, m)
        starts = {span.start: span for span in _chain_mentions(doc)}
        sentence_of = {}
        for n, sent in enumerate(doc.sents):
            for token in sent:
                sentence_of[token.i] = n
        for token in doc:
            low = token.lower_
            if low in _THIRD_PERSON and not (low == "it" and _pleonastic(token)):
                person = low in _HE_SHE
                window = [m for m in seen if sentence_of[token.i] - m[1] <= 2]
                if person:
                    fitting = [m for m in window if m[4].kind is SourceKind.PERSON]
                elif low in ("they", "them", "their"):
                    fitting = [m for m in window if m[3] or m[4].kind is SourceKind.GOVERNMENT]
                else:
                    fitting = [m for m in window if m[4].kind is not SourceKind.PERSON and not m[3]]
                pick = _most_salient(fitting, sentence_of[token.i])
                if pick is None:
                    kinds = (SourceKind.PERSON,) if person else _NON_PERSON
                    found = _latest(self.history[::-1], kinds)
                else:
                    found = pick[4]
                if found is not None:
                    chain[token.i] = found
                    seen.append(
                        (token.i, sentence_of[token.i], _role(token), not person and low != "it", found)
                    )
            elif token.i in starts:
                span = starts[token.i]
                head = _head(span)
                described = describe_source(span, gazetteer=self.gazetteer)
                earlier = [m[4] for m in reversed(seen)] + self.history[::-1]
                described = self._antecedent(described, earlier) or described
                if described.id not in (UNSPECIFIED, REDACTED):
                    plural = head.tag_ in ("NNS", "NNPS")
                    seen.append(
                        (head.i, sentence_of[head.i], head.dep_ in ("nsubj", "nsubjpass"), plural, described)
                    )
        self._chain_doc, self._chain = doc, chain
        return chain

    def _antecedent(
        self, mention: SourceMention, earlier: list[SourceMention] | None = None
    ) -> SourceMention | None:
        """The earlier mention (latest first in ``earlier``; default: the history) ``mention`` repeats."""
        head = mention.head
        if mention.id == REDACTED:
            return None
        earlier = self.history[::-1] if earlier is None else earlier
        if head in _PERSON_PRONOUNS - {"i", "we", "me", "us"}:
            return _latest(earlier, (SourceKind.PERSON,))
        if head in _THING_PRONOUNS:
            return _latest(earlier, (SourceKind.ORGANIZATION, SourceKind.GOVERNMENT, SourceKind.PRESS))
        if mention.id == UNSPECIFIED:
            return None
        if mention.is_short:
            return next((m for m in earlier if head in m.words and m.id != mention.id), None)
        if mention.id not in self.gazetteer:
            # A shortened repeat ("the British mission" after "the British mission in Peiping").
            shorter = next((m for m in earlier if m.head == head and mention.words < m.words), None)
            if shorter is not None:
                return shorter
        if mention.kind is SourceKind.PERSON and len(mention.words) == 1 and mention.id not in self.gazetteer:
            return next(
                (m for m in earlier if m.kind is SourceKind.PERSON and m.label.lower().endswith(" " + head)),
                None,
            )
        return None


def _role(token: Token) -> int:
    """2 for the subject of a main clause, 1 for another subject, 0 otherwise (salience)."""
    if token.dep_ not in ("nsubj", "nsubjpass"):
        return 0
    return 2 if token.head.dep_ == "ROOT" else 1


def _most_salient(fitting: list[tuple[int, int, int, bool, SourceMention]], sentence: int):
    """Main-clause subject of this sentence, then of the previous ones, then any subject, then the latest."""
    latest_first = fitting[::-1]
    for ok in (
        lambda m: m[2] == 2 and m[1] == sentence,
        lambda m: m[2] == 2,
        lambda m: m[2] >= 1,
        lambda m: True,
    ):
        pick = next((m for m in latest_first if ok(m)), None)
        if pick is not None:
            return pick
    return None


_HE_SHE = frozenset({"he", "she", "him", "his", "her", "hers"})
_THIRD_PERSON = _HE_SHE | {"it", "its", "they", "them", "their"}
_NON_PERSON = (SourceKind.ORGANIZATION, SourceKind.GOVERNMENT, SourceKind.PRESS)


def _chain_mentions(doc: Doc) -> list[Span]:
    """Mentions a pronoun can point back to: actor mentions and phrases headed by a source noun."""
    spans: dict[int, Span] = {}
    for chunk in doc.noun_chunks:
        if _source_noun(chunk.root) is not None and chunk.root.lower_ not in _THIRD_PERSON:
            spans[chunk.start] = source_phrase(chunk.root)
    for mention in actor_spans(doc):
        if not any(s.start <= mention.start < s.end for s in spans.values()):
            spans[mention.start] = mention
    return [spans[k] for k in sorted(spans)]


def _latest(earlier: list[SourceMention], kinds: tuple[SourceKind, ...]) -> SourceMention | None:
    """The latest mention of one of ``kinds``, preferring speakers over people merely mentioned."""
    fitting = [m for m in earlier if m.kind in kinds]
    return next((m for m in fitting if m.speaker), fitting[0] if fitting else None)


def _is_speaker(head: Token) -> bool:
    """Subject of a verb that takes a clause ("X says that ...", "X told Y that ..."): a speaker."""
    if head.dep_ not in ("nsubj", "nsubjpass"):
        return False
    return any(c.dep_ in ("ccomp", "xcomp") for c in head.head.children)


def candidate_sources(doc: Doc) -> list[Span]:
    """Noun phrases of a parsed Doc that could name a source, in text order.

    Noun chunks headed by a source noun, a person, a known actor or a personal pronoun, plus
    blackout codes standing alone.
    """
    found: list[Span] = []
    for chunk in doc.noun_chunks:
        head = chunk.root
        if (
            _source_noun(head) is not None
            or head.lower_ in _PERSON_PRONOUNS | _THING_PRONOUNS
            or head.ent_type_ in ("PERSON", "ORG")
            or _actor_at(head) is not None
        ):
            span = source_phrase(head) if _source_noun(head) is not None else chunk
            start, end = span.start, span.end
            while start < end and (doc[start].is_punct or doc[start].is_space):
                start += 1
            if start < end:
                found.append(doc[start:end])
    return found


_LOCATIVE = frozenset(["in", "at", "of", "to", "from", "for", "with"])


def source_phrase(head: Token) -> Span:
    """The source noun phrase around ``head``: its base noun phrase plus "in/at/of X" attachments.

    "the American Embassy in Moscow", "the chief of the UK delegation", "French intelligence in
    Hanoi". Relative clauses and other post-modifiers are left out.
    """
    doc = head.doc
    premodifiers = ("amod", "compound", "det", "poss", "nmod", "nummod", "quantmod")
    left = min((t.left_edge.i for t in head.lefts if t.dep_ in premodifiers), default=head.i)
    right = head.i
    for child in head.rights:
        adjacent = child.i == right + 1
        after_comma = child.i == right + 2 and doc[right + 1].text == ","
        if child.dep_ == "prep" and adjacent and child.lower_ in _PLACE_PREPOSITIONS:
            right = _name_end(child)
            continue
        attached = child.dep_ == "prep" and adjacent and child.lower_ in _LOCATIVE
        apposed = child.dep_ in ("appos", "compound", "flat") and (adjacent or after_comma)
        if not (attached or apposed):
            break
        right = child.right_edge.i
    return doc[left : right + 1]


_PLACE_PREPOSITIONS = frozenset({"in", "at", "from"})


def _name_end(prep: Token) -> int:
    """Last token of the place after "in"/"at": determiners, adjectives and names only.

    Stops where the parser glued the verb onto the place ("in Peiping reports that").
    """
    end = prep.i
    for token in prep.doc[prep.i + 1 : prep.right_edge.i + 1]:
        if token.pos_ in ("PROPN", "DET", "ADJ", "NUM") or token.is_space or token.text in ".-'":
            end = token.i
        else:
            break
    while end > prep.i and (prep.doc[end].is_space or prep.doc[end].is_punct):
        end -= 1
    return end if end > prep.i else prep.right_edge.i


def resolve_mentions(doc: Doc, *, resolver: SourceResolver | None = None) -> list[SourceMention]:
    """Resolve every candidate source mention of ``doc`` (see :func:`candidate_sources`).

    Pass the same ``resolver`` for each Doc of one document so later items resolve against earlier
    ones ("The Embassy" in item 1 after "the American Embassy in Moscow").
    """
    resolver = resolver or SourceResolver()
    return [resolver.resolve(span) for span in candidate_sources(doc)]
