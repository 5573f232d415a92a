"""Options and helpers shared by several subcommands."""

from __future__ import annotations

import argparse
import sys

from graphbuild.records import Diagnostic


def add_input_options(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("inputs", nargs="+", metavar="INPUT", help="files or folders (.txt, .md, .jsonl, .pdf, .html)")
    parser.add_argument("--max-bytes", type=int, default=None, help="refuse input files larger than this")
    parser.add_argument("--max-chars", type=int, default=None,
                        help="refuse single documents longer than this many characters (default 2,000,000)")


def add_model_options(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--model", default=None, help="installed spaCy pipeline to use (default: en_core_web_sm)")
    parser.add_argument("--analyst-label", default="analyst", help="source label for Comment: sentences")


def _jobs(value: str) -> int:
    try:
        n = int(value)
    except ValueError:
        n = 0
    if n < 1:
        raise argparse.ArgumentTypeError(f"expected a whole number of processes >= 1, got {value!r}")
    return n


def add_jobs_option(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("-j", "--jobs", type=_jobs, default=1, metavar="N",
                        help="run the NLP stage in N local worker processes (default 1); reading, linking "
                             "and writing stay in this process and overlap with it")


def report(diagnostic: Diagnostic) -> None:
    """Print one diagnostic as one line on stderr (control characters made visible)."""
    line = str(diagnostic)
    safe = "".join(ch if ch.isprintable() else repr(ch)[1:-1] for ch in line)
    print(f"graphbuild: {safe}", file=sys.stderr)
