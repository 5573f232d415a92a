"""Words, crude stems and negation scope of claim texts: the shared features of every signal.

Linking runs over many claims (the timing benchmark uses 100k), so it does not re-parse them with
spaCy: a regular-expression tokenizer, a crude suffix-stripping stemmer and a clause-bounded
negation window are enough to compare two short content spans, and they keep linking pure and fast.
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Sequence
from functools import lru_cache

_WORD = re.compile(r"[A-Za-z][A-Za-z'’-]*[A-Za-z]|[A-Za-z]|\d+(?:[.,]\d+)*")
#: Characters that end a clause for negation scope (a comma closes "despite rumors of X, ...").
_CLAUSE_PUNCT = re.compile(r"[,;:.!?()\[\]]")
#: Words that start a new clause: a negator before them does not reach past them.
CLAUSE_WORDS = frozenset(
    {
        "but",
        "while",
        "although",
        "though",
        "whereas",
        "however",
        "yet",
        "because",
        "since",
        "unless",
        "which",
        "who",
    }
)

STOPWORDS = frozenset(
    [
        "a",
        "an",
        "the",
        "of",
        "in",
        "on",
        "at",
        "to",
        "for",
        "from",
        "by",
        "with",
        "and",
        "or",
        "as",
        "is",
        "are",
        "was",
        "were",
        "be",
        "been",
        "being",
        "has",
        "have",
        "had",
        "do",
        "does",
        "did",
        "this",
        "that",
        "these",
        "those",
        "it",
        "its",
        "it's",
        "they",
        "them",
        "their",
        "he",
        "him",
        "his",
        "she",
        "her",
        "we",
        "our",
        "us",
        "i",
        "my",
        "you",
        "your",
        "not",
        "no",
        "there",
        "here",
        "which",
        "who",
        "whom",
        "whose",
        "what",
        "when",
        "where",
        "why",
        "how",
        "will",
        "would",
        "shall",
        "should",
        "can",
        "could",
        "may",
        "might",
        "must",
        "also",
        "than",
        "then",
        "thus",
        "so",
        "such",
        "any",
        "all",
        "both",
        "each",
        "some",
        "more",
        "most",
        "other",
        "into",
        "over",
        "under",
        "about",
        "after",
        "before",
        "between",
        "during",
        "through",
        "against",
        "up",
        "down",
        "out",
        "off",
        "only",
        "very",
        "just",
        "now",
        "still",
        "yet",
        "even",
        "per",
        "mr",
        "mrs",
        "toward",
        "towards",
        "upon",
        "within",
        "among",
        "across",
        "along",
        "via",
        "around",
        "whether",
        "if",
        "though",
        "although",
        "because",
        "since",
    ]
)


def word_tokens(text: str, offset: int = 0) -> Iterator[tuple[int, int, str]]:
    """Yield ``(start, end, lower-case word)`` for each word of ``text``, offsets shifted by ``offset``."""
    for m in _WORD.finditer(text):
        yield m.start() + offset, m.end() + offset, m.group().lower().replace("’", "'")


@lru_cache(maxsize=1 << 16)
def stem(word: str) -> str:
    """A crude English stem: enough to match "ending"/"end", "hostilities"/"hostility", "wants"/"want".

    >>> [stem(w) for w in ("ending", "hostilities", "continued", "continue", "Peiping's")]
    ['end', 'hostility', 'continu', 'continu', 'peiping']
    """
    w = word.lower().replace("’", "'")
    w = w.removesuffix("'s")
    w = w.strip("'-")
    if len(w) <= 3:
        return w
    if w.endswith("ies") and len(w) > 4 or w.endswith("ied") and len(w) > 4:
        w = w[:-3] + "y"
    elif w.endswith("ing") and len(w) > 5:
        w = _undouble(w[:-3])
    elif w.endswith("ed") and len(w) > 4:
        w = _undouble(w[:-2])
    elif w.endswith(("sses", "shes", "ches", "xes", "zes")):
        w = w[:-2]
    elif w.endswith("s") and not w.endswith(("ss", "us", "is")):
        w = w[:-1]
    if w.endswith("e") and len(w) > 3:
        w = w[:-1]
    return w


def _undouble(w: str) -> str:
    # "stopped" -> "stopp" -> "stop"; keep "ll"/"ss" ("called" -> "call").
    if len(w) > 3 and w[-1] == w[-2] and w[-1] not in "lsz":
        return w[:-1]
    return w


def content_stems(words: Sequence[tuple[int, int, str]]) -> frozenset[str]:
    """Stems of the content words (no stop words, no one-letter words)."""
    return frozenset(stem(w) for _, _, w in words if w not in STOPWORDS and len(w) > 1)


def negated_words(
    text: str,
    offset: int,
    words: Sequence[tuple[int, int, str]],
    negators: Sequence[re.Pattern[str]],
    *,
    reach: int = 6,
) -> list[bool]:
    """For each word, whether a negator before it in the same clause (within ``reach`` words) scopes it.

    A clause ends at punctuation or at a clause word ("but", "while", ...), so in "could not accept
    the proposal, but agreed to talks" only "accept the proposal" is negated.
    """
    flags = [False] * len(words)
    for pattern in negators:
        for m in pattern.finditer(text):
            prev_end, count = m.end() + offset, 0
            for i, (start, end, w) in enumerate(words):
                if start < m.end() + offset:
                    continue
                if _CLAUSE_PUNCT.search(text[prev_end - offset : start - offset]) or w in CLAUSE_WORDS:
                    break
                flags[i] = True
                prev_end = end
                count += w not in STOPWORDS  # the reach counts content words only
                if count >= reach:
                    break
    return flags


def jaccard(a: frozenset[str], b: frozenset[str]) -> float:
    if not a or not b:
        return 0.0
    return len(a & b) / len(a | b)


def overlap_coefficient(a: frozenset[str], b: frozenset[str]) -> float:
    """Share of the smaller set found in the other (robust to one content being much longer)."""
    if not a or not b:
        return 0.0
    return len(a & b) / min(len(a), len(b))
