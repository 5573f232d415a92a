"""Build the text handed to NLP from a region of the original, keeping a map back to it.

Page furniture and invisible characters (terminal escapes, control and zero-width characters) are
cut out, whitespace runs are thinned to one character, OCR line-break hyphenation
("re-\\npatriation", "re- sumption") is joined, and pathological runs (thousands of ``=====``, a
megabyte-long URL-like token) are cut short: spaCy's tokenizer and parser slow down badly on them (an
8 KB run of punctuation takes seconds, longer ones grow quadratically), so one odd file could stall a
whole batch. Every character of a Passage is copied from the original (nothing is inserted), so
``Passage.pieces`` maps each run back exactly.

Everything here works on runs of text, never on per-character lists, so memory stays proportional to
the text itself even for documents of tens of megabytes.
"""

from __future__ import annotations

import bisect
import re

from graphbuild.records import Passage

# A word broken by a hyphen at a (possibly collapsed) line break: "re-\npatriation", "co- operative".
# Not joined: a capital after the break ("anti-\nCommunist" keeps its hyphen, only the break goes) and
# suspended hyphens ("pre- and post-war").
_BREAK_HYPHEN = re.compile(r"(?<=[A-Za-z])-[ \t]*(?:\n[ \t]*)?(?=[A-Za-z])")
_SUSPENDED = re.compile(r"(?:and|or|to|nor)\b")
_WHITESPACE = re.compile(r"\s{2,}")
# What NLP must never see and entity names must never carry: terminal escape sequences (ANSI CSI/OSC),
# other C0/C1 control characters (tab and line breaks are whitespace and stay), zero-width and
# bidirectional formatting characters, and the byte-order mark.
_INVISIBLE = re.compile(
    r"\x1b\[[0-?]*[ -/]*[@-~]|\x1b\][^\x07\x1b]{0,512}(?:\x07|\x1b\\)?|\x1b[@-_]?"
    r"|[\x00-\x08\x0e-\x1b\x7f-\x9f\u00ad\u200b-\u200f\u202a-\u202e\u2060-\u2064\u2066-\u2069\ufeff]"
)

#: Runs longer than this many characters are cut short before NLP (see :func:`noise_runs`).
NOISE_LIMIT = 200
#: How much of a cut run is kept, so the passage still shows that something stood there.
NOISE_KEEP = 3
#: Passages longer than this are fed to NLP in chunks (:func:`split_passage`): spaCy's memory grows
#: with the length of one Doc and it refuses texts over ``nlp.max_length`` (1,000,000 by default).
CHUNK_CHARS = 20_000

# Symbols/punctuation (no letters or digits), possibly spaced out: "=====", "! ? ! ?", "-.-.-.-".
_SYMBOL_RUN = re.compile(r"(?:[^\w\s]|_)+(?:\s+(?:[^\w\s]|_)+)*")
# One whitespace-free token longer than the limit: a URL-like string, base64, "a=a=a=...".
_LONG_TOKEN = re.compile(rf"\S{{{NOISE_LIMIT + 1},}}")

_Runs = list[tuple[int, int, int]]  # (passage offset, original offset, length), sorted, contiguous


def noise_runs(text: str, start: int = 0, end: int | None = None) -> list[tuple[int, int]]:
    """Half-open ranges of ``text[start:end]`` that are cut short before NLP.

    A range is a run of more than :data:`NOISE_LIMIT` characters that is either symbols and
    punctuation only (possibly separated by whitespace) or one token without whitespace. The first
    :data:`NOISE_KEEP` characters of each stay in the passage; the ranges returned are what is dropped.
    """
    end = len(text) if end is None else end
    found: list[tuple[int, int]] = []
    for pattern in (_SYMBOL_RUN, _LONG_TOKEN):
        for m in pattern.finditer(text, start, end):
            if m.end() - m.start() > NOISE_LIMIT:
                found.append((m.start() + NOISE_KEEP, m.end()))
    return _merge(found)


def build_passage(text: str, start: int, end: int, excluded: list[tuple[int, int]]) -> Passage:
    """The passage for ``text[start:end]`` minus the ``excluded`` spans (sorted, non-overlapping)."""
    s, runs = _kept(text, start, end, excluded)
    s, runs = _drop(s, runs, [m.span() for m in _INVISIBLE.finditer(s)])
    s, runs = _drop(s, runs, _thin_whitespace(s, runs))
    s, runs = _drop(s, runs, _hyphen_breaks(s))
    s, runs = _drop(s, runs, noise_runs(s))
    s, runs = _drop(s, runs, _outer_whitespace(s))
    return Passage(s, tuple(runs))


def split_passage(passage: Passage, max_chars: int = CHUNK_CHARS) -> list[Passage]:
    """Cut a long passage into chunks of at most ``max_chars``, each mapping back to the original.

    Cuts fall at a paragraph break if there is one in the second half of the window, else after a
    sentence end, else at whitespace, else (one enormous token) at ``max_chars``.
    """
    text = passage.text
    if len(text) <= max_chars:
        return [passage]
    chunks = []
    pos = 0
    while pos < len(text):
        cut = len(text) if len(text) - pos <= max_chars else _cut_point(text, pos, pos + max_chars)
        chunks.append(_sub_passage(passage, pos, cut))
        pos = cut
    return [c for c in chunks if c.text.strip()]


def _cut_point(text: str, start: int, limit: int) -> int:
    low = start + (limit - start) // 2
    for pattern in ("\n\n", ". ", "\n", " "):
        at = text.rfind(pattern, low, limit)
        if at >= 0:
            return at + len(pattern)
    return limit


def _sub_passage(passage: Passage, start: int, end: int) -> Passage:
    pieces = passage.pieces
    i = max(0, bisect.bisect_right(pieces, (start, float("inf"), 0)) - 1)
    out: _Runs = []
    for p, o, n in pieces[i:]:
        if p >= end:
            break
        a, b = max(p, start), min(p + n, end)
        if a < b:
            out.append((a - start, o + (a - p), b - a))
    return Passage(passage.text[start:end], tuple(out))


def _merge(ranges: list[tuple[int, int]]) -> list[tuple[int, int]]:
    out: list[tuple[int, int]] = []
    for a, b in sorted(ranges):
        if out and a <= out[-1][1]:
            out[-1] = (out[-1][0], max(out[-1][1], b))
        elif a < b:
            out.append((a, b))
    return out


def _kept(text: str, start: int, end: int, excluded: list[tuple[int, int]]) -> tuple[str, _Runs]:
    """``text[start:end]`` without the excluded spans, and the runs mapping it back."""
    parts: list[str] = []
    runs: _Runs = []
    p = 0
    pos = start

    def keep(a: int, b: int) -> None:
        nonlocal p
        if a < b:
            parts.append(text[a:b])
            runs.append((p, a, b - a))
            p += b - a

    for ex_start, ex_end in excluded:
        if ex_end <= pos or ex_start >= end:
            continue
        keep(pos, max(pos, ex_start))
        pos = max(pos, ex_end)
    keep(pos, end)
    return "".join(parts), _join_runs(runs)


def _join_runs(runs: _Runs) -> _Runs:
    out: _Runs = []
    for p, o, n in runs:
        if out and out[-1][0] + out[-1][2] == p and out[-1][1] + out[-1][2] == o:
            out[-1] = (out[-1][0], out[-1][1], out[-1][2] + n)
        else:
            out.append((p, o, n))
    return out


def _drop(s: str, runs: _Runs, drops: list[tuple[int, int]]) -> tuple[str, _Runs]:
    """Remove the sorted, disjoint ``drops`` ranges from ``s``; re-map the runs."""
    if not drops:
        return s, runs
    kept: list[tuple[int, int]] = []
    pos = 0
    for a, b in drops:
        if a > pos:
            kept.append((pos, a))
        pos = max(pos, b)
    if pos < len(s):
        kept.append((pos, len(s)))
    out: _Runs = []
    parts: list[str] = []
    p = 0
    r = 0
    for a, b in kept:
        parts.append(s[a:b])
        while r < len(runs) and runs[r][0] + runs[r][2] <= a:
            r += 1
        k = r
        while k < len(runs) and runs[k][0] < b:
            rp, ro, rn = runs[k]
            x, y = max(a, rp), min(b, rp + rn)
            if x < y:
                out.append((p + (x - a), ro + (x - rp), y - x))
            k += 1
        p += b - a
    return "".join(parts), _join_runs(out)


def _origin_of(runs: _Runs, starts: list[int], i: int) -> int:
    k = bisect.bisect_right(starts, i) - 1
    p, o, _ = runs[k]
    return o + (i - p)


def _thin_whitespace(s: str, runs: _Runs) -> list[tuple[int, int]]:
    """What to drop so each whitespace run becomes one character: a paragraph break if the run holds
    two adjacent line breaks, else its first line break if it holds two, else a space if it holds one,
    else its first character."""
    starts = [r[0] for r in runs]
    drops: list[tuple[int, int]] = []
    for m in _WHITESPACE.finditer(s):
        picks = _picks(s, m.start(), m.end(), runs, starts)
        pos = m.start()
        for k in picks:
            if k > pos:
                drops.append((pos, k))
            pos = k + 1
        if pos < m.end():
            drops.append((pos, m.end()))
    return drops


def _picks(s: str, i: int, j: int, runs: _Runs, starts: list[int]) -> list[int]:
    first = s.find("\n", i, j)
    second = s.find("\n", first + 1, j) if first >= 0 else -1
    if second >= 0:
        gap = _origin_of(runs, starts, second) - _origin_of(runs, starts, first)
        if gap == 1 or (gap == 2 and s[first + 1:second] == "\r"):
            return [first, second]  # "\n\n" (or "\r\n\r\n") kept as a paragraph break
        return [first]
    space = s.find(" ", i, j)
    return [space if space >= 0 else i]


def _hyphen_breaks(s: str) -> list[tuple[int, int]]:
    drops: list[tuple[int, int]] = []
    for m in _BREAK_HYPHEN.finditer(s):
        if m.group() == "-":
            continue  # an ordinary hyphen ("Sino-Soviet") with no break after it
        if _SUSPENDED.match(s, m.end()):
            continue
        if s[m.end()].isupper():
            drops.append((m.start() + 1, m.end()))  # keep the hyphen, drop the break
        else:
            drops.append((m.start(), m.end()))
    return drops


def _outer_whitespace(s: str) -> list[tuple[int, int]]:
    stripped = s.strip()
    if not stripped:
        return [(0, len(s))] if s else []
    lead = len(s) - len(s.lstrip())
    trail = len(s.rstrip())
    return [r for r in ((0, lead), (trail, len(s))) if r[0] < r[1]]

