"""Progress reporting for long runs: a bar on a terminal, one summary line at the end.

The bar (documents, words/s, ETA) is drawn with tqdm, which spaCy already depends on. It is shown only
when stderr is a terminal and the user did not ask for ``--quiet``, so logs and CI output stay clean.
The summary line is built here and printed by the CLI (the library never prints).

    with Progress(total=len(paths), enabled=show_progress(args.quiet)) as progress:
        for document in documents:
            ...
            progress.update(words=len(document.text.split()), claims=3)
    print(progress.summary())
"""

from __future__ import annotations

import sys
import time
from dataclasses import dataclass, field
from typing import IO, Any, Self


def show_progress(quiet: bool, stream: IO[str] | None = None) -> bool:
    """True when a progress bar should be drawn: not ``--quiet`` and the stream is a terminal."""
    stream = sys.stderr if stream is None else stream
    try:
        return not quiet and stream.isatty()
    except (AttributeError, ValueError):  # closed or replaced streams
        return False


def count_words(text: str) -> int:
    """Whitespace-separated words: the unit of every words/s figure graphbuild reports."""
    return len(text.split())


@dataclass
class Progress:
    """Counts documents, words, claims and links; draws a bar when ``enabled``.

    Args:
        total: number of documents expected, if known (gives the ETA).
        enabled: draw the bar (see :func:`show_progress`).
        unit: what one step counts.
    """

    total: int | None = None
    enabled: bool = False
    unit: str = "doc"
    ok: int = 0
    failed: int = 0
    skipped: int = 0
    words: int = 0
    claims: int = 0
    links: int = 0
    started: float = field(default_factory=time.monotonic)
    _bar: Any = field(default=None, repr=False)

    def __enter__(self) -> Self:
        if self.enabled:
            from tqdm import tqdm

            self._bar = tqdm(total=self.total, unit=self.unit, dynamic_ncols=True, leave=False, file=sys.stderr)
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def close(self) -> None:
        if self._bar is not None:
            self._bar.close()
            self._bar = None

    def update(
        self, *, words: int = 0, claims: int = 0, links: int = 0, failed: bool = False, skipped: bool = False
    ) -> None:
        """Record one finished document."""
        if failed:
            self.failed += 1
        elif skipped:
            self.skipped += 1
        else:
            self.ok += 1
        self.words += words
        self.claims += claims
        self.links += links
        if self._bar is not None:
            self._bar.set_postfix_str(f"{self.words_per_second():,.0f} words/s", refresh=False)
            self._bar.update(1)

    @property
    def elapsed(self) -> float:
        return time.monotonic() - self.started

    def words_per_second(self) -> float:
        return self.words / self.elapsed if self.elapsed > 0 else 0.0

    def summary(self) -> str:
        """One line: documents ok / unchanged / failed, claims, links, words/s and elapsed time."""
        parts = [f"{self.ok} documents ok"]
        if self.skipped:
            parts.append(f"{self.skipped} unchanged")
        parts.append(f"{self.failed} failed")
        parts.append(f"{self.claims} claims")
        parts.append(f"{self.links} links")
        parts.append(f"{self.words_per_second():,.0f} words/s")
        parts.append(f"{self.elapsed:.1f} s")
        return ", ".join(parts)
