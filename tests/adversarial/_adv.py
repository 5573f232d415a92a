"""Shared helpers for the bad-input and fault catalog (docs/reliability.md).

Every case goes through the command line: in-process (``graphbuild.cli.main``, so the spaCy model is
loaded once per test session) where that is enough, or as a real ``graphbuild`` process where the
case needs one (SIGKILL, two concurrent writers, memory use).
"""

from __future__ import annotations

import io
import json
import os
import subprocess
import sys
from contextlib import redirect_stderr, redirect_stdout
from dataclasses import dataclass
from pathlib import Path

from graphbuild.cli import main

#: A small report that always yields claims: a cued attribution and an analyst comment.
GOOD = (
    "1. Trade talks stall: The Embassy reported that the delegates left Paris on Monday.\n\n"
    "Comment: The talks may resume in March.\n"
)
GRAPHBUILD = Path(sys.executable).with_name("graphbuild")


@dataclass
class Run:
    status: int
    out: str
    err: str

    @property
    def lines(self) -> list[str]:
        return [ln for ln in self.err.splitlines() if ln.strip()]

    def lines_about(self, path: str | Path) -> list[str]:
        return [ln for ln in self.lines if str(path) in ln]


def cli(*argv: object) -> Run:
    """Run ``graphbuild ARGV`` in this process; its output must never hold a traceback."""
    out, err = io.StringIO(), io.StringIO()
    with redirect_stdout(out), redirect_stderr(err):
        status = main([str(a) for a in argv])
    run = Run(status, out.getvalue(), err.getvalue())
    assert "Traceback" not in run.err and "Traceback" not in run.out, run.err
    return run


def spawn(*argv: object, **kwargs) -> subprocess.Popen:
    """Start ``graphbuild ARGV`` as a real process (stdout/stderr piped, text mode)."""
    env = {**os.environ, "PYTHONUNBUFFERED": "1"}
    return subprocess.Popen([str(GRAPHBUILD), *map(str, argv)], stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE, text=True, env=env, **kwargs)


def read_jsonl(path: Path) -> list[dict]:
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]


def assert_offsets(claims: list[dict], texts: dict[str, str]) -> None:
    """Every recorded span slices its document's decoded text to exactly the recorded string."""
    for claim in claims:
        text = texts[claim["document"]]
        for key in ("content", "cue", "sentence"):
            span = claim.get(key)
            if span:
                assert text[span["start"]:span["end"]] == span["text"], (key, claim)
        mention = claim["source"].get("mention")
        if mention:
            assert text[mention["start"]:mention["end"]] == mention["text"], claim


def store_nquads(store: Path) -> list[str]:
    """The store's quads as sorted N-Quads lines (opened read-only, so it needs no writer lock)."""
    from graphbuild.store.backend import EmbeddedStore, sorted_nquads

    with EmbeddedStore(store, read_only=True) as backend:
        return sorted_nquads(backend.quads())


def write_reports(folder: Path, n: int, *, start: int = 0) -> list[Path]:
    """``n`` small distinct reports that each yield claims."""
    folder.mkdir(parents=True, exist_ok=True)
    paths = []
    for i in range(start, start + n):
        path = folder / f"report-{i:03d}.txt"
        path.write_text(f"1. Talks {i}: The Embassy reported that {i} delegates left Paris on Monday.\n\n"
                        f"Comment: The talks may resume in week {i}.\n", encoding="utf-8")
        paths.append(path)
    return paths
