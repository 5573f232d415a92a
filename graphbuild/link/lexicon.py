"""The linking lexicons: opposition frames and discourse cues, read from data files.

``data/oppositions.tsv`` holds frames of opposed predicates (armistice vs hostilities, unity vs
friction); ``data/link_cues.tsv`` holds the explicit discourse cues ("In a similar comment",
"contrary to", "no reliable evidence of"). Both are data a user extends without touching Python;
pass other files to :func:`load_lexicon`. Loading is lazy and the default is cached.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from functools import lru_cache
from importlib import resources
from pathlib import Path

from graphbuild.link.text import stem, word_tokens

#: Cue kinds link_cues.tsv may use (see the header of that file).
CUE_KINDS = ("similar", "contrary", "contrast", "confirm", "deny", "discount", "minimize", "anaphor", "negator",
             "averse")


@dataclass(frozen=True, slots=True)
class FrameEntry:
    """One expression of a frame's pole, as a sequence of stems."""

    frame: str
    pole: int  # +1 or -1
    stems: tuple[str, ...]
    expression: str


@dataclass(frozen=True, slots=True)
class Lexicon:
    """Frames (indexed by the first stem of each expression) and cue patterns by kind."""

    frames: dict[str, tuple[FrameEntry, ...]] = field(default_factory=dict)
    cues: dict[str, tuple[re.Pattern[str], ...]] = field(default_factory=dict)

    def patterns(self, kind: str) -> tuple[re.Pattern[str], ...]:
        return self.cues.get(kind, ())


def _rows(text: str, name: str) -> Iterable[tuple[int, list[str]]]:
    for n, line in enumerate(text.splitlines(), 1):
        if line.strip() and not line.lstrip().startswith("#"):
            yield n, line.rstrip("\n").split("\t")


def _read(name: str, path: str | Path | None) -> str:
    if path is not None:
        return Path(path).read_text(encoding="utf-8")
    return resources.files("graphbuild.link").joinpath("data", name).read_text(encoding="utf-8")


def parse_oppositions(text: str) -> dict[str, tuple[FrameEntry, ...]]:
    """Parse oppositions.tsv text into entries keyed by the stem of their first word."""
    index: dict[str, list[FrameEntry]] = {}
    for n, row in _rows(text, "oppositions.tsv"):
        if len(row) != 3 or row[1].strip() not in ("+", "-"):
            raise ValueError(f"oppositions.tsv line {n}: expected frame<TAB>+|-<TAB>expression")
        stems = tuple(stem(w) for _, _, w in word_tokens(row[2]))
        if not stems:
            raise ValueError(f"oppositions.tsv line {n}: empty expression")
        entry = FrameEntry(row[0].strip(), 1 if row[1].strip() == "+" else -1, stems, row[2].strip())
        index.setdefault(stems[0], []).append(entry)
        if entry.frame == "_topic":
            # Also listed under one key, so views can read the topic nouns without a scan.
            index.setdefault("_topic_index", []).append(entry)
    return {k: tuple(v) for k, v in index.items()}


def parse_cues(text: str) -> dict[str, tuple[re.Pattern[str], ...]]:
    """Parse link_cues.tsv text into compiled patterns keyed by kind."""
    cues: dict[str, list[re.Pattern[str]]] = {}
    for n, row in _rows(text, "link_cues.tsv"):
        kind = row[0].strip()
        if kind not in CUE_KINDS or len(row) < 2:
            raise ValueError(f"link_cues.tsv line {n}: expected one of {', '.join(CUE_KINDS)}<TAB>pattern")
        try:
            cues.setdefault(kind, []).append(re.compile("\t".join(row[1:]), re.IGNORECASE))
        except re.error as exc:
            raise ValueError(f"link_cues.tsv line {n}: bad pattern: {exc}") from exc
    return {k: tuple(v) for k, v in cues.items()}


def load_lexicon(oppositions: str | Path | None = None, cues: str | Path | None = None) -> Lexicon:
    """Read both lexicon files (defaults: the packaged copies; the default is cached)."""
    if oppositions is None and cues is None:
        return _default()
    return Lexicon(parse_oppositions(_read("oppositions.tsv", oppositions)),
                   parse_cues(_read("link_cues.tsv", cues)))


@lru_cache(maxsize=1)
def _default() -> Lexicon:
    return Lexicon(parse_oppositions(_read("oppositions.tsv", None)), parse_cues(_read("link_cues.tsv", None)))
