"""Header facts of a document: classification, publication date, release date, identifiers.

Each fact keeps the span it was read from. The readers look for the printed forms that recur across
declassified bulletins and cables (classification banners, "Approved for Release" stamps, the
reading-room catalogue header, datelines) and tolerate OCR damage; none keys on a document's content.
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass

from graphbuild.records import DocumentMeta, Span

# --- dates ------------------------------------------------------------------------------------------

_MONTHS = {
    "january": 1, "february": 2, "march": 3, "april": 4, "may": 5, "june": 6, "july": 7,
    "august": 8, "september": 9, "october": 10, "november": 11, "december": 12,
}
_ABBREVIATIONS = {"jan": 1, "feb": 2, "mar": 3, "apr": 4, "jun": 6, "jul": 7, "aug": 8, "sep": 9,
                  "sept": 9, "oct": 10, "nov": 11, "dec": 12}


def month_number(word: str, *, fuzzy: bool = False) -> int | None:
    """Month number of a month name or abbreviation; ``fuzzy`` also accepts one OCR error in a
    full name ("duly" -> 7).

    >>> month_number("Sept"), month_number("duly", fuzzy=True), month_number("duly")
    (9, 7, None)
    """
    w = word.lower().rstrip(".")
    if w in _MONTHS:
        return _MONTHS[w]
    if w in _ABBREVIATIONS:
        return _ABBREVIATIONS[w]
    if fuzzy and len(w) >= 4:
        for name, number in _MONTHS.items():
            if len(name) == len(w) and sum(a != b for a, b in zip(name, w, strict=True)) == 1:
                return number
    return None


def _iso(year: int, month: int, day: int) -> str | None:
    if not (1 <= month <= 12 and 1 <= day <= 31 and 1800 <= year <= 2100):
        return None
    if day > (29 if month == 2 else 30 if month in (4, 6, 9, 11) else 31):
        return None
    return f"{year:04d}-{month:02d}-{day:02d}"


@dataclass(frozen=True, slots=True)
class FoundDate:
    iso: str
    start: int
    end: int


_DMY = re.compile(r"(?<![\d/])(\d{1,2})[ \t]+([A-Za-z]{3,9})\.?,?[ \t]+(\d{4}|\d{2})(?![\d/])")
_MDY = re.compile(r"(?<![A-Za-z])([A-Z][a-z]{2,8})\.?[ \t]+(\d{1,2}),?[ \t]+(\d{4})(?!\d)")
_DASHED = re.compile(r"(?<!\d)(\d{1,2})-([A-Za-z]{3,9})-(\d{4})(?!\d)")
_YMD = re.compile(r"(?<![\d/])(\d{4})[ \t]?([/1-])[ \t]?(\d{2})[ \t]?\2[ \t]?(\d{2})(?!\d)")


def find_dates(text: str, start: int = 0, end: int | None = None) -> list[FoundDate]:
    """Every date printed in ``text[start:end]`` in a form bulletins and cables use, in text order.

    >>> [d.iso for d in find_dates("21 Jan 52; April 5, 1951; 16-Dec-2009; 2003/09/02")]
    ['1952-01-21', '1951-04-05', '2009-12-16', '2003-09-02']
    """
    end = len(text) if end is None else end
    found: dict[int, FoundDate] = {}
    for m in _DMY.finditer(text, start, end):
        year = int(m.group(3))
        month = month_number(m.group(2), fuzzy=len(m.group(3)) == 4)
        if month is None:
            continue
        year = year + 1900 if year < 100 else year
        iso = _iso(year, month, int(m.group(1)))
        if iso:
            found.setdefault(m.start(), FoundDate(iso, m.start(), m.end()))
    for m in _MDY.finditer(text, start, end):
        month = month_number(m.group(1))
        iso = month and _iso(int(m.group(3)), month, int(m.group(2)))
        if iso:
            found.setdefault(m.start(), FoundDate(iso, m.start(), m.end()))
    for m in _DASHED.finditer(text, start, end):
        month = month_number(m.group(2))
        iso = month and _iso(int(m.group(3)), month, int(m.group(1)))
        if iso:
            found.setdefault(m.start(), FoundDate(iso, m.start(), m.end()))
    for m in _YMD.finditer(text, start, end):
        iso = _iso(int(m.group(1)), int(m.group(3)), int(m.group(4)))
        if iso:
            found.setdefault(m.start(), FoundDate(iso, m.start(), m.end()))
    return sorted(found.values(), key=lambda d: d.start)


# --- release stamps ---------------------------------------------------------------------------------
# "Approved For Release 2003/09/02 : CIA-RDP79T00975A000100490001-6", "Approved for Release:
# 2019/05/08 C02046527", "APPROVED FOR RELEASE DATE: 16-Dec-2009", and OCR forms ("Approved Foilease",
# "Approved For Rase", "Appro ,6 Re ease", "pproved for Release: 2019108113C03000938").
_STAMP_HEAD = re.compile(r"(?i)(?<![a-z])a?p?pro(?:v\w{0,3}|\b)")
_STAMP_DATE = re.compile(
    r"(?P<date>\d{4}[ \t]?[/1Il|][ \t]?\d{2}[ \t]?[/1Il|]?[ \t]?\d{2}|\d{1,2}-[A-Za-z]{3}-\d{4})"
)
_STAMP_TAIL = re.compile(
    r"[ \t]*[:;.]?[ \t]*(?:CIA-RDP[\w'()~?*.\-]*|[CcO0]{1,2}[O0oQ]?\d{6,9}[\w'.,\-]*|\d{7,9}'?)?"
)


@dataclass(frozen=True, slots=True)
class Stamp:
    span: tuple[int, int]
    date_span: tuple[int, int]
    iso: str | None


def find_release_stamps(text: str) -> list[Stamp]:
    """Every "Approved for Release" stamp, with its date when the date is legible."""
    stamps: list[Stamp] = []
    for head in _STAMP_HEAD.finditer(text):
        window = text[head.end(): head.end() + 40]
        # the words between "Approved" and the date: "For Release:", "Foilease", "for Release DATE:"
        m = re.match(r"[^\n\d]{0,28}?(?:\n[ \t]*)?(?=\d)", window)
        if not m or not re.search(r"(?i)f\w*|r\w*e|ease|date", window[: m.end()] or "x"):
            continue
        dm = _STAMP_DATE.match(window, m.end())
        if not dm:
            continue
        d_start, d_end = head.end() + dm.start(), head.end() + dm.end()
        tail = _STAMP_TAIL.match(text, d_end)
        end = tail.end() if tail else d_end
        stamps.append(Stamp((head.start(), end), (d_start, d_end), _stamp_iso(text[d_start:d_end])))
    return stamps


def _stamp_iso(raw: str) -> str | None:
    dates = find_dates(raw)
    if dates:
        return dates[0].iso
    digits = re.sub(r"\D", "", raw.replace("I", "1").replace("l", "1").replace("|", "1"))
    # slashes read as "1": 2019108113 -> 2019 08 13
    if len(digits) == 10 and digits[4] == "1" and digits[7] == "1":
        return _iso(int(digits[:4]), int(digits[5:7]), int(digits[8:10]))
    return None


# --- classification ---------------------------------------------------------------------------------

LEVELS = ("TOP SECRET", "SECRET", "CONFIDENTIAL", "RESTRICTED")
_RANK = {name: i for i, name in enumerate(LEVELS)}

_PLAIN_LEVEL = re.compile(r"(?<![A-Za-z])(TOP[ \t\-]*SECRET|SECRET|CONFIDENTIAL|RESTRICTED)(?![a-z])")
# OCR forms of TOP SECRET on banners: "TOP ET", "TOP S RET", "TOPS RET", "ThPSECRET", "OP SECRET",
# "TOP SECflET": a TOP-like token, then capitals that end like SECRET.
_TOP_FUZZY = re.compile(
    r"(?<![A-Za-z])(?:TOP|T[Oh0]P|TOPS|OP|T0P)[ \t\n\-]?(?:S[ \t]?)?(?:E[ \t]?)?(?:C[ \t]?)?(?:R|fl)?[ \t]?E?T(?![a-z])"
)
# Cables: "secret   priority", "Secret", a source note "... Secret; Operational Immediate".
_LINE_LEVEL = re.compile(
    r"(?im)(?:^[ \t]*|(?<=\.[ \t]))(top[ \t]+secret|secret|confidential|restricted)"
    r"(?=[ \t]*(?:$|;|priority|niact|operational|immediate|routine|eyes only|noforn|security information))"
)
# CREST catalogue "Original Classification:" value (T, S, C, R; U is the released copy's marking)
_CATALOGUE_LEVEL = re.compile(r"Original Classification:[ \t]*\n?[ \t]*([TSCR])[ \t]*$", re.MULTILINE)


def find_classification(text: str) -> tuple[str | None, Span | None]:
    """The highest classification marking printed in the document, with where it was read."""
    best: tuple[int, int, int, int, str] | None = None  # (rank, fuzziness, start, end, level)

    def consider(level: str, start: int, end: int, fuzzy: int = 0) -> None:
        nonlocal best
        cand = (_RANK[level], fuzzy, start, end, level)
        if best is None or cand[:3] < best[:3]:
            best = cand

    for m in _PLAIN_LEVEL.finditer(text):
        word = m.group(1)
        consider("TOP SECRET" if word.startswith("TOP") else word, m.start(1), m.end(1))
    for m in _TOP_FUZZY.finditer(text):
        consider("TOP SECRET", m.start(), m.end(), fuzzy=1)
    for m in _LINE_LEVEL.finditer(text):
        level = re.sub(r"\s+", " ", m.group(1)).upper()
        consider(level, m.start(1), m.end(1))
    if best is None:
        m = _CATALOGUE_LEVEL.search(text)
        if m:
            level = {"T": "TOP SECRET", "S": "SECRET", "C": "CONFIDENTIAL", "R": "RESTRICTED"}[m.group(1)]
            consider(level, m.start(1), m.end(1), fuzzy=2)
    if best is None:
        return None, None
    _, _, start, end, level = best
    return level, Span.of(text, start, end)


# --- identifiers ------------------------------------------------------------------------------------

_IDENTIFIERS = re.compile(
    r"CIA-RDP[0-9A-Z]{2,}[0-9A-Za-z'()~?\-]*[0-9A-Z]"
    r"|(?<![A-Za-z])(?:OCI|CIA)[ \t]?No[.o]{0,2}[ \t:\-]*\d{3,6}(?:/\d{2})?"
    r"|(?<=ESDN \(CREST\):)[ \t]*\n?[ \t]*\d{6,9}\b"
    r"|(?<![A-Za-z0-9])C[O0]?\d{7,8}(?![0-9])"
)


def find_identifiers(text: str) -> tuple[Span, ...]:
    """CIA-RDP numbers, OCI/CIA numbers, the CREST document number (ESDN), C0nnnnnnn numbers.

    One span per distinct identifier (first occurrence), in text order.
    """
    seen: set[str] = set()
    out: list[Span] = []
    for m in _IDENTIFIERS.finditer(text):
        start = m.start() + (len(m.group()) - len(m.group().lstrip()))
        key = re.sub(r"[^0-9A-Z]", "", text[start: m.end()].upper().replace("O", "0"))
        if key in seen:
            continue
        seen.add(key)
        out.append(Span.of(text, start, m.end()))
    return tuple(out)


# --- publication date -------------------------------------------------------------------------------

_PUBLICATION_LABEL = re.compile(r"Publication Date:[ \t]*\n?[ \t]*")
_OTHER_LABEL = re.compile(r"(?i)(?:creation|release|review|declassification)\s+date\W{0,3}$")


def find_publication_date(
    text: str, *, released: str | None, excluded: list[tuple[int, int]]
) -> FoundDate | None:
    """The publication date: the catalogue's "Publication Date:", else the first dateline.

    Dates inside release stamps (``excluded``), dates labelled as creation/release/review dates, and
    (when a release date is known) dates on or after the release date are not publication dates.
    """
    m = _PUBLICATION_LABEL.search(text)
    if m:
        dates = find_dates(text, m.end(), min(len(text), m.end() + 40))
        if dates and dates[0].start == m.end():
            return dates[0]
    for d in find_dates(text):
        if any(s <= d.start < e for s, e in excluded):
            continue
        before = text[max(0, d.start - 40): d.start]
        if _OTHER_LABEL.search(before.rstrip(" \t\n:") + ":") or _OTHER_LABEL.search(before):
            continue
        if released and d.iso >= released:
            continue
        return d
    return None


def read_metadata(text: str) -> tuple[DocumentMeta, list[Stamp]]:
    """Read the header facts of a document; also return the release stamps (page furniture)."""
    classification, classification_span = find_classification(text)
    stamps = find_release_stamps(text)
    votes = Counter(s.iso for s in stamps if s.iso)
    released = released_span = None
    if votes:
        released = max(votes.items(), key=lambda kv: (kv[1], kv[0]))[0]
        first = next(s for s in stamps if s.iso == released)
        released_span = Span.of(text, *first.date_span)
    pub = find_publication_date(text, released=released, excluded=[s.span for s in stamps])
    meta = DocumentMeta(
        classification=classification,
        classification_span=classification_span,
        date=pub.iso if pub else None,
        date_span=Span.of(text, pub.start, pub.end) if pub else None,
        released=released,
        released_span=released_span,
        identifiers=find_identifiers(text),
    )
    return meta, stamps
