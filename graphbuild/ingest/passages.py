"""Build the text handed to NLP from a region of the original, keeping a map back to it.

Page furniture is cut out, whitespace runs are thinned to one character, and OCR line-break
hyphenation ("re-\\npatriation", "re- sumption") is joined. Every character of a Passage is copied
from the original (nothing is inserted), so ``Passage.pieces`` maps each run back exactly.
"""

from __future__ import annotations

import re

from graphbuild.records import Passage

# A word broken by a hyphen at a (possibly collapsed) line break: "re-\npatriation", "co- operative".
# Not joined: a capital after the break ("anti-\nCommunist" keeps its hyphen, only the break goes) and
# suspended hyphens ("pre- and post-war").
_BREAK_HYPHEN = re.compile(r"(?<=[A-Za-z])-[ \t]*(?:\n[ \t]*)?(?=[A-Za-z])")
_SUSPENDED = re.compile(r"(?:and|or|to|nor)\b")


def build_passage(text: str, start: int, end: int, excluded: list[tuple[int, int]]) -> Passage:
    """The passage for ``text[start:end]`` minus the ``excluded`` spans (sorted, non-overlapping)."""
    keep: list[int] = []  # original offset of every passage character
    pos = start
    for ex_start, ex_end in excluded:
        if ex_end <= pos or ex_start >= end:
            continue
        keep.extend(range(pos, max(pos, ex_start)))
        pos = max(pos, ex_end)
    keep.extend(range(pos, end))
    chars = [text[i] for i in keep]
    keep, chars = _thin_whitespace(keep, chars)
    keep, chars = _join_hyphens(keep, chars)
    # trim
    while chars and chars[0].isspace():
        keep.pop(0)
        chars.pop(0)
    while chars and chars[-1].isspace():
        keep.pop()
        chars.pop()
    return Passage("".join(chars), _pieces(keep))


def _thin_whitespace(keep: list[int], chars: list[str]) -> tuple[list[int], list[str]]:
    """Reduce each whitespace run to one character: a paragraph break if the run holds two line
    breaks, else a space if it holds one, else its line break."""
    out_k: list[int] = []
    out_c: list[str] = []
    i = 0
    n = len(chars)
    while i < n:
        if not chars[i].isspace():
            out_k.append(keep[i])
            out_c.append(chars[i])
            i += 1
            continue
        j = i
        while j < n and chars[j].isspace():
            j += 1
        run = range(i, j)
        newlines = [k for k in run if chars[k] == "\n"]
        if len(newlines) >= 2 and keep[newlines[1]] == keep[newlines[0]] + 1:
            picks = newlines[:2]  # "\n\n" kept verbatim: a paragraph break
        elif len(newlines) >= 2:
            picks = newlines[:1]
        else:
            spaces = [k for k in run if chars[k] == " "]
            picks = spaces[:1] or [i]
        for k in picks:
            out_k.append(keep[k])
            out_c.append(chars[k])
        i = j
    return out_k, out_c


def _join_hyphens(keep: list[int], chars: list[str]) -> tuple[list[int], list[str]]:
    s = "".join(chars)
    drop: set[int] = set()
    for m in _BREAK_HYPHEN.finditer(s):
        gap = m.group()
        if gap == "-":
            continue  # an ordinary hyphen ("Sino-Soviet") with no break after it
        after = s[m.end():]
        if _SUSPENDED.match(after):
            continue
        if s[m.end()].isupper():
            drop.update(range(m.start() + 1, m.end()))  # keep the hyphen, drop the break
        else:
            drop.update(range(m.start(), m.end()))
    if not drop:
        return keep, chars
    return ([k for i, k in enumerate(keep) if i not in drop], [c for i, c in enumerate(chars) if i not in drop])


def _pieces(keep: list[int]) -> tuple[tuple[int, int, int], ...]:
    pieces: list[tuple[int, int, int]] = []
    for p, o in enumerate(keep):
        if pieces and pieces[-1][1] + pieces[-1][2] == o and pieces[-1][0] + pieces[-1][2] == p:
            ps, os_, ln = pieces[-1]
            pieces[-1] = (ps, os_, ln + 1)
        else:
            pieces.append((p, o, 1))
    return tuple(pieces)
