"""Who said what, in ten lines of the Python API: claims by source, then the contradictions.

    python examples/who_said_what.py [FILES OR FOLDERS ...]     (default: the .txt examples)
"""

from __future__ import annotations

import sys
from pathlib import Path

import graphbuild


def main(inputs: list[str]) -> None:
    # The .txt files, not the folder: `make example` writes its outputs (JSONL) into examples/out/.
    kg = graphbuild.build(inputs or sorted(Path(__file__).parent.glob("*.txt")))
    print(kg)
    for claim in kg.claims:
        cue = claim.cue.text if claim.cue else "-"
        print(f"{claim.source.label} [{cue}, {claim.commitment}]: {claim.content.text}")
    for pair in kg.contradictions():
        print(f"CONTRADICTS ({pair.score:.2f}): {pair.a.source.label}: {pair.a.content.text!r}"
              f" <> {pair.b.source.label}: {pair.b.content.text!r}")


if __name__ == "__main__":
    main(sys.argv[1:])
