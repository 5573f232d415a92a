"""Claims about an actor in bulletin-date order, with the dates the claims themselves mention.

Two dates are kept apart on purpose:

- the **bulletin date** (``dcterms:issued`` of the document; the segmenter's publication date) says
  when the reporting was made;
- **event dates** are dates written inside the claim's content ("on 14 January", "by March 1952"):
  when the reported thing happened or is expected. :func:`detect_event_dates` finds them, each with
  its span in the original text, and fills a missing year from the bulletin date (flagged
  ``year_inferred``), never the other way round.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, timedelta

from graphbuild import ids
from graphbuild.export.outdir import BuildOutput
from graphbuild.ingest.pdf import page_at
from graphbuild.records import Actor, Claim, RelationType, Span

_MONTHS = {
    "january": 1,
    "february": 2,
    "march": 3,
    "april": 4,
    "may": 5,
    "june": 6,
    "july": 7,
    "august": 8,
    "september": 9,
    "october": 10,
    "november": 11,
    "december": 12,
}
_MONTH_ABBREVIATIONS = {name[:3]: n for name, n in _MONTHS.items()} | {"sept": 9}
_MONTH = (
    r"(?P<{g}>"
    + "|".join(sorted(_MONTHS, key=len, reverse=True))
    + "|"
    + "|".join(sorted(_MONTH_ABBREVIATIONS, key=len, reverse=True))
    + r")\.?"
)
_DAY = r"(?P<{g}>[0-3]?\d)(?:st|nd|rd|th)?"
_YEAR = r"(?P<{g}>1[89]\d\d|20\d\d|'?\d\d)"
_PATTERNS = [
    # 1952-01-21
    ("iso", r"\b(?P<y>1[89]\d\d|20\d\d)-(?P<m>[01]\d)-(?P<d>[0-3]\d)\b"),
    # 21 January 1952, 21 Jan 52, 21 January
    (
        "dmy",
        r"\b"
        + _DAY.format(g="d")
        + r"\s+"
        + _MONTH.format(g="m")
        + r"(?:,?\s+"
        + _YEAR.format(g="y")
        + r")?\b",
    ),
    # January 21, 1952 / January 21
    (
        "mdy",
        r"\b"
        + _MONTH.format(g="m")
        + r"\s+"
        + _DAY.format(g="d")
        + r"(?:,?\s+"
        + _YEAR.format(g="y")
        + r")?\b",
    ),
    # January 1952, mid-January 1952
    ("my", r"\b(?:(?:early|mid|late)-?\s*)?" + _MONTH.format(g="m") + r",?\s+(?P<y>1[89]\d\d|20\d\d)\b"),
    # in 1951, since 1949, by 1953 (a bare number needs a preposition to count as a year)
    # (the span is the year with its qualifier, not the preposition)
    (
        "y",
        (
            r"\b(?:(?:in|since|by|until|during|before|after|from|of)\s+(?P<q1>(?:early|mid|late)-?\s*)?"
            r"|(?P<q2>(?:early|mid|late)-?\s*))(?P<y>1[89]\d\d|20\d\d)\b"
        ),
    ),
    # yesterday / today / tomorrow, relative to the bulletin date
    ("rel", r"\b(?P<rel>yesterday|today|tomorrow)\b"),
]
_COMPILED = [(kind, re.compile(p, re.IGNORECASE)) for kind, p in _PATTERNS]
_RELATIVE = {"yesterday": -1, "today": 0, "tomorrow": 1}


@dataclass(frozen=True, slots=True)
class EventDate:
    """A date written in a claim: ``value`` is ISO 8601 at the precision written (day, month or year)."""

    span: Span  # offsets in the original document text
    value: str
    year_inferred: bool = False  # the year came from the bulletin date, not from the text


@dataclass(frozen=True, slots=True)
class TimelineEntry:
    claim: Claim
    bulletin_date: str | None
    event_dates: tuple[EventDate, ...]
    contradicted_by: tuple[str, ...] = ()
    corroborated_by: tuple[str, ...] = ()
    page: int | None = None
    credibility: int | None = None
    extra: Mapping[str, object] = field(default_factory=dict)


def detect_event_dates(text: str, *, offset: int = 0, bulletin_date: str | None = None) -> list[EventDate]:
    """Dates mentioned in ``text`` (a claim's content), leftmost-longest, without overlaps.

    Args:
        text: the claim's content.
        offset: where ``text`` starts in the original document (spans are made absolute).
        bulletin_date: ISO date of the bulletin, to complete a day-and-month date without a year
            and to resolve "yesterday"/"today"/"tomorrow".

    >>> [d.value for d in detect_event_dates("troops crossed on 14 January; talks began January 3, 1952",
    ...                                      bulletin_date="1952-01-21")]
    ['1952-01-14', '1952-01-03']
    """
    reference = _parse_iso(bulletin_date)
    found: list[tuple[int, int, str, bool]] = []
    for kind, pattern in _COMPILED:
        for m in pattern.finditer(text):
            value = _value(kind, m, reference)
            if value is not None:
                start = m.start()
                if kind == "y":
                    start = min(i for i in (m.start("q1"), m.start("q2"), m.start("y")) if i >= 0)
                found.append((start, m.end(), value[0], value[1]))
    found.sort(key=lambda f: (f[0], -(f[1] - f[0])))
    result: list[EventDate] = []
    end = -1
    for start, stop, value, inferred in found:
        if start < end:
            continue  # overlaps a longer, earlier match ("21 January 1952" vs "January 1952")
        result.append(EventDate(Span(offset + start, offset + stop, text[start:stop]), value, inferred))
        end = stop
    return result


def _value(kind: str, m: re.Match[str], reference: date | None) -> tuple[str, bool] | None:
    if kind == "rel":
        if reference is None:
            return None
        return (reference + timedelta(days=_RELATIVE[m.group("rel").lower()])).isoformat(), True
    year_text = m.groupdict().get("y")
    year = _year(year_text, reference) if year_text else None
    if kind == "iso":
        try:
            return date(int(m.group("y")), int(m.group("m")), int(m.group("d"))).isoformat(), False
        except ValueError:
            return None
    if kind == "y":
        return (f"{year:04d}", False) if year else None
    month = _month(m.group("m"))
    if month is None:
        return None
    if kind == "my":
        return (f"{year:04d}-{month:02d}", False) if year else None
    day = int(m.group("d"))
    inferred = False
    if year is None:
        if reference is None:
            return None
        year, inferred = reference.year, True
    try:
        return date(year, month, day).isoformat(), inferred
    except ValueError:
        return None  # "31 February", or a number that was not a day


def _month(text: str) -> int | None:
    key = text.lower().rstrip(".")
    return _MONTHS.get(key) or _MONTH_ABBREVIATIONS.get(key)


def _year(text: str, reference: date | None) -> int | None:
    digits = text.lstrip("'")
    if len(digits) == 4:
        return int(digits)
    # two-digit year ("21 Jan 52"): the century that puts it nearest the bulletin, else the 1900s
    yy = int(digits)
    if reference is None:
        return 1900 + yy
    candidates = [
        c * 100 + yy for c in (reference.year // 100 - 1, reference.year // 100, reference.year // 100 + 1)
    ]
    return min(candidates, key=lambda y: abs(y - reference.year))


def _parse_iso(value: str | None) -> date | None:
    if not value:
        return None
    try:
        return date.fromisoformat(value[:10])
    except ValueError:
        return None


def resolve_actor(query: str, actors: Mapping[str, Actor]) -> list[str]:
    """Actor ids a user's name for an actor refers to (id, label or alias; case-insensitive).

    Falls back to the shipped gazetteer (so "Soviet Union" finds ``ussr``) and to the slug of the name.
    """
    key = " ".join(query.split()).casefold()
    if query in actors:
        return [query]
    matches = [
        a.id
        for a in actors.values()
        if key in (a.id.casefold(), a.label.casefold()) or key in (x.casefold() for x in a.aliases)
    ]
    if matches:
        return sorted(set(matches))
    try:
        from graphbuild.nlp.actors import Gazetteer
    except ImportError:  # the NLP extra is not importable: fall back to the slug
        Gazetteer = None
    if Gazetteer is not None:
        hit = Gazetteer.default().lookup(query)
        if hit is not None:
            return [hit[0]]
    return [ids.actor_id(query)]


def build_timeline(
    output: BuildOutput,
    actor_ids: Sequence[str] | None = None,
    *,
    since: str | None = None,
    until: str | None = None,
) -> list[TimelineEntry]:
    """Claims about any of ``actor_ids`` (all claims if None), by bulletin date (undated last).

    ``since``/``until`` (ISO dates, inclusive) filter on the bulletin date; undated claims are then
    left out.
    """
    wanted = set(actor_ids) if actor_ids is not None else None
    links = _links(output)
    entries: list[TimelineEntry] = []
    for claim in output.claims:
        if wanted is not None and not wanted.intersection(claim.about):
            continue
        bulletin = output.dates.get(claim.id)
        if (since or until) and not bulletin:
            continue
        if since and bulletin < since:
            continue
        if until and bulletin[: len(until)] > until:
            continue
        pages = (output.documents.get(claim.document) or {}).get("pages")
        contradicted, corroborated = links.get(claim.id, ((), ()))
        entries.append(
            TimelineEntry(
                claim=claim,
                bulletin_date=bulletin,
                event_dates=tuple(
                    detect_event_dates(claim.content.text, offset=claim.content.start, bulletin_date=bulletin)
                ),
                contradicted_by=tuple(contradicted),
                corroborated_by=tuple(corroborated),
                page=page_at(pages, claim.content.start) if pages else None,
                credibility=output.credibility.get(claim.id),
            )
        )
    entries.sort(
        key=lambda e: (
            e.bulletin_date is None,
            e.bulletin_date or "",
            e.claim.document,
            e.claim.content.start,
        )
    )
    return entries


def _links(output: BuildOutput) -> dict[str, tuple[list[str], list[str]]]:
    links: dict[str, tuple[list[str], list[str]]] = {}
    for r in output.relations:
        if r.type is RelationType.COMMENTS_ON:
            continue
        slot = 0 if r.type is RelationType.CONTRADICTS else 1
        for a, b in ((r.source_claim, r.target_claim), (r.target_claim, r.source_claim)):
            pair = links.setdefault(a, ([], []))
            if b not in pair[slot]:
                pair[slot].append(b)
    return links


def entry_to_json(entry: TimelineEntry) -> dict[str, object]:
    """One timeline row as JSON (``--format json``/``csv``)."""
    c = entry.claim
    return {
        "bulletin_date": entry.bulletin_date,
        "event_dates": [
            {"value": d.value, "year_inferred": d.year_inferred, **d.span.to_json()}
            for d in entry.event_dates
        ],
        "claim": c.id,
        "document": c.document,
        "item": c.item,
        "page": entry.page,
        "source": c.source.id,
        "source_label": c.source.label,
        "source_kind": c.source.kind.value,
        "cue": c.cue.text if c.cue else None,
        "commitment": c.commitment.value,
        "polarity": c.polarity.value,
        "content": c.content.text,
        "about": list(c.about),
        "contradicted_by": list(entry.contradicted_by),
        "corroborated_by": list(entry.corroborated_by),
        "credibility": entry.credibility,
    }


def iter_sources(entries: Iterable[TimelineEntry]) -> list[str]:
    """Source ids in order of first appearance (for a stable colour per source)."""
    return list(dict.fromkeys(e.claim.source.id for e in entries))
