"""Stance of a claim: how firmly the source commits to it (FactBank-style) and its polarity.

Lexicons are data files in ``graphbuild/nlp/data/`` (``cues.tsv``, ``hedges.tsv``,
``negators.tsv``) that users can extend without touching Python. Loading is lazy and cached.

commitment: a cue carries a default ("states" certain, "believes" probable, "suggests" possible,
"alleges" reported); hedges inside the content weaken it ("probably", "may", "reportedly");
the weakest wins. polarity: negative when the cue denies ("denies", "does not concur") or the
content says the proposition is unsupported ("no reliable evidence of", "have not been confirmed").
"""

from __future__ import annotations

import logging
import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from functools import lru_cache
from importlib import resources
from pathlib import Path

from graphbuild.records import Commitment, Polarity

log = logging.getLogger("graphbuild")

#: Strength order among the epistemic values; ``reported`` is hearsay, handled apart.
_STRENGTH = {Commitment.CERTAIN: 3, Commitment.PROBABLE: 2, Commitment.POSSIBLE: 1}


@dataclass(frozen=True, slots=True)
class Cue:
    """One row of ``cues.tsv``."""

    lemma: str
    pos: str
    commitment: Commitment
    polarity: Polarity
    flags: frozenset[str] = frozenset()

    @property
    def preps(self) -> frozenset[str]:
        return frozenset(f[5:] for f in self.flags if f.startswith("prep="))


@dataclass(frozen=True, slots=True)
class Lexicon:
    """Cue verbs and nouns, hedges and negators, as read from the data files."""

    verbs: dict[str, Cue] = field(default_factory=dict)
    nouns: dict[str, Cue] = field(default_factory=dict)
    hedges: dict[str, Commitment] = field(default_factory=dict)
    content_negators: tuple[re.Pattern[str], ...] = ()
    cue_negators: tuple[re.Pattern[str], ...] = ()


def _rows(text: str) -> Iterable[list[str]]:
    for line in text.splitlines():
        if line.strip() and not line.lstrip().startswith("#"):
            yield line.rstrip("\n").split("\t")


def _read(name: str, path: str | Path | None) -> str:
    if path is not None:
        return Path(path).read_text(encoding="utf-8")
    return resources.files("graphbuild.nlp").joinpath("data", name).read_text(encoding="utf-8")


def parse_cues(text: str) -> tuple[dict[str, Cue], dict[str, Cue]]:
    """Parse ``cues.tsv`` text into (verbs, nouns) keyed by lower-case lemma."""
    verbs: dict[str, Cue] = {}
    nouns: dict[str, Cue] = {}
    for n, row in enumerate(_rows(text), 1):
        if len(row) < 4:
            raise ValueError(f"cues.tsv row {n}: expected lemma, pos, commitment, polarity[, flags]")
        flags = frozenset(f for f in (row[4] if len(row) > 4 else "-").split(",") if f and f != "-")
        cue = Cue(row[0].strip().lower(), row[1].strip().upper(), Commitment(row[2].strip()),
                  Polarity(row[3].strip()), flags)
        (verbs if cue.pos == "VERB" else nouns)[cue.lemma] = cue
    return verbs, nouns


def load_lexicon(cues_path: str | Path | None = None, hedges_path: str | Path | None = None,
                 negators_path: str | Path | None = None) -> Lexicon:
    """Read the three lexicon files (defaults: the packaged copies). Cached for default paths."""
    if cues_path is None and hedges_path is None and negators_path is None:
        return _default_lexicon()
    return _load(cues_path, hedges_path, negators_path)


@lru_cache(maxsize=1)
def _default_lexicon() -> Lexicon:
    return _load(None, None, None)


def _load(cues_path: str | Path | None, hedges_path: str | Path | None,
          negators_path: str | Path | None) -> Lexicon:
    verbs, nouns = parse_cues(_read("cues.tsv", cues_path))
    hedges = {row[0].strip().lower(): Commitment(row[1].strip()) for row in _rows(_read("hedges.tsv", hedges_path))}
    content_neg, cue_neg = [], []
    for row in _rows(_read("negators.tsv", negators_path)):
        where, pattern = row[0].strip(), "\t".join(row[1:])
        (content_neg if where == "content" else cue_neg).append(re.compile(pattern, re.IGNORECASE))
    return Lexicon(verbs, nouns, hedges, tuple(content_neg), tuple(cue_neg))


def weaker(a: Commitment, b: Commitment) -> Commitment:
    """Combine two commitments: the weaker epistemic value; hearsay replaces certain/probable."""
    if a == b:
        return a
    if Commitment.REPORTED in (a, b):
        other = b if a == Commitment.REPORTED else a
        return Commitment.POSSIBLE if other == Commitment.POSSIBLE else Commitment.REPORTED
    return a if _STRENGTH[a] < _STRENGTH[b] else b


def hedge_commitment(words: Iterable[str], lexicon: Lexicon) -> Commitment | None:
    """The weakest commitment any hedge among ``words`` (token texts or lemmas) asks for."""
    found: Commitment | None = None
    for w in words:
        c = lexicon.hedges.get(w.lower())
        if c is not None and c != Commitment.CERTAIN:
            found = c if found is None else weaker(found, c)
    return found


def commitment_of(base: Commitment, content_words: Iterable[str], lexicon: Lexicon) -> Commitment:
    """The cue's default commitment weakened by hedges inside the content."""
    hedge = hedge_commitment(content_words, lexicon)
    return base if hedge is None else weaker(base, hedge)


def polarity_of(base: Polarity, cue_text: str | None, content_text: str, lexicon: Lexicon) -> Polarity:
    """Negative when the cue row says so, the cue is negated, or the content denies support."""
    negative = base == Polarity.NEGATIVE
    if cue_text and any(p.search(cue_text) for p in lexicon.cue_negators):
        negative = True
    if any(p.search(content_text) for p in lexicon.content_negators):
        negative = True
    return Polarity.NEGATIVE if negative else Polarity.POSITIVE
