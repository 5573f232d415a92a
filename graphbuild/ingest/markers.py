"""Patterns for the printed markers of a bulletin: redactions, ``Comment:``, item numbers, section
headings and contents-list page references.

Every pattern tolerates the damage OCR does to these markers in declassified scans (letters read as
punctuation, doubled or dropped letters, spaces inside words), because the same few marker shapes recur
in every bulletin of the period. None of them depends on what an item is about.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache
from importlib import resources

from graphbuild.records import Span

# --- redactions ----------------------------------------------------------------------------------
# "[redacted]" and editorial notes such as "[place not declassified]"; CIA exemption codes "25X1",
# "25X1A" (also "50X1"); FOIA/E.O. 13526 codes "3.5(c)", "3.3(h)(2)", "(b)(3)", with the OCR forms
# seen in scans ("3.5(c;", "3. 5 ( c", "3.3(" cut at the end of a line).
_REDACTION = re.compile(
    r"""
    (?P<bracket>\[(?:redacted|deleted|[^\[\]\n]{0,40}?not\ declassified)\])
  | (?P<x>(?<![\w.])(?:25|50)X\d{1,2}[A-Z]?\d?(?![a-z]))
  | (?P<eo>(?<![\w.])3\s?\.\s?[1-5]\s?\(\s?[a-z]\s?[)\];:]?(?:\s?\(\s?\d\s?\))?)
  | (?P<b>(?<!\w)\(b\)\s?\(\d\)(?:\(\w\))?)
    """,
    re.VERBOSE | re.IGNORECASE,
)


def redaction_code(raw: str) -> str:
    """Normalise a printed redaction marker to its code: ``"3.5(c;"`` -> ``"3.5(c)"``.

    >>> redaction_code("3. 3(h) (2)")
    '3.3(h)(2)'
    >>> redaction_code("[REDACTED]")
    '[redacted]'
    """
    s = re.sub(r"\s+", "", raw)
    if s.startswith("["):
        return s.lower() if s.lower() == "[redacted]" else s
    if re.match(r"(?i)\d\d?X", s):
        return s.upper()
    m = re.match(r"(?i)3\.([1-5])\(([a-z])[^(]*(?:\((\d)\))?", s)
    if m:
        return f"3.{m.group(1)}({m.group(2).lower()})" + (f"({m.group(3)})" if m.group(3) else "")
    return s


def find_redactions(text: str) -> list[tuple[int, int, str]]:
    """All redaction markers as ``(start, end, code)``, in text order."""
    return [(m.start(), m.end(), redaction_code(m.group())) for m in _REDACTION.finditer(text)]


# --- Comment: -------------------------------------------------------------------------------------
# "Comment:" with the OCR forms "Co ent:", "CoMment:", "Comrnent:", "Comment;" (a colon read as a
# semicolon). The word must start a line or follow a sentence end / furniture, checked by the caller.
COMMENT_MARKER = re.compile(
    r"(?<![A-Za-z])C\s?[oO0](?:[mMnr]{1,4}|\s)\s?[eE]\s?[nN][tT]s?\s?[:;]",
)
#: "Comment on X" at the head of an item (the item is analyst text throughout); the comment word may
#: follow a quoted phrase and a dash ('"And then there were nine"--Comment on ...').
COMMENT_ON = re.compile(r"(?:^|--|—|\s)C\s?[oO0](?:[mMnr]{1,4}|\s)\s?[eE]\s?[nN][tT]s?\s+on\b")

# --- contents-list page references ------------------------------------------------------------------
# "(page 3)", "(Page 3)", OCR "(nage 6)", "(reae 3)", and "age 9)" with the parenthesis lost.
PAGE_REF = re.compile(r"\(\s?[A-Za-z]{2,5}\s?\d{1,3}\s?\)|(?<![A-Za-z])[Pp]?age\s?\d{1,3}\s?\)")

# --- item numbers -----------------------------------------------------------------------------------
# "12. ", "1, " and OCR "6,, " ; "I." / "l." / "L " stand for 1 when they start a line.
ITEM_NUMBER = re.compile(r"(?<![\w.,/(-])(?P<num>[1-9]\d?)(?P<punct>\s?[.,]{1,2})(?=[ \t\n]|$)")
ONE_LOOKALIKE = re.compile(r"(?m)^[ \t]*(?P<num>[IlL|])(?P<punct>[.,]{0,2})(?=[ \t]+[A-Z\"])")

# --- country tags --------------------------------------------------------------------------------
# "USSR. ", "CHINA. ", "EAST GERMANY. " after the item number; OCR reads the period as "e" or "o"
# ("USSRe ").
COUNTRY_TAG = re.compile(
    r"(?P<tag>[A-Z][A-Z'\-]{1,20}(?:[ ][A-Z][A-Z'\-]{1,20}){0,2})(?:\.|[eo](?=\s))\s+(?=\S)"
)


@dataclass(frozen=True, slots=True)
class SectionHeading:
    name: str
    span: Span


@cache
def section_names() -> tuple[str, ...]:
    """Canonical section names from ``data/sections.txt`` (longest first, so prefixes lose)."""
    raw = resources.files("graphbuild.ingest").joinpath("data/sections.txt").read_text(encoding="utf-8")
    names = [ln.strip() for ln in raw.splitlines() if ln.strip() and not ln.lstrip().startswith("#")]
    return tuple(sorted(set(names), key=len, reverse=True))


def _name_pattern(name: str) -> str:
    # letters may be split by one stray punctuation mark ("GENE:RAL"); spaces and dashes flex
    words = []
    for word in re.split(r"\s*-\s*|\s+", name):
        words.append(r"[:.',]?".join(re.escape(ch) for ch in word))
    seps = re.findall(r"\s*-\s*|\s+", name)
    out = words[0]
    for sep, word in zip(seps, words[1:], strict=True):
        out += (r"\s*[-–—]+\s*" if "-" in sep else r"[ \t]+") + word
    return out


@cache
def section_regex() -> re.Pattern[str]:
    alternatives = "|".join(_name_pattern(n) for n in section_names())
    return re.compile(
        r"(?<![A-Za-z0-9])(?:#{1,6}[ \t]*)?"
        r"(?:SECTION[ \t]*(?P<secno>[0-9IVX]{1,3})[.,]?[ \t]*\([ \t]*(?P<inner>[A-Z][A-Z \-]{1,40}?)[ \t]*\)"
        rf"|(?P<name>{alternatives}))"
        r"(?![A-Za-z0-9])"
    )


def canonical_section(matched: str) -> str:
    """Map a printed heading (``"GENE:RAL"``, ``"NEAR EAST-AFRICA"``) to its canonical name."""
    letters = re.sub(r"[^A-Z]", "", matched.upper())
    for name in section_names():
        if re.sub(r"[^A-Z]", "", name) == letters:
            return name
    return re.sub(r"\s+", " ", matched).strip()
