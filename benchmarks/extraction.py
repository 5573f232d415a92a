"""Extraction quality: shared gold claims and the PolNeAR attribution corpus.

Both runs call the real command line (``graphbuild extract``) and the shared scorers, so the figures
are comparable with anyone else's::

    python benchmarks/extraction.py gold [--scorer ../shared/gold/score_claims.py]
    python benchmarks/extraction.py polnear /work/polnear_prep/dev.jsonl [--tools ../shared/polnear]

``gold`` extracts every document named by ``tests/data/gold/*.gold.json`` (paths relative to
``tests/data``) and runs ``score_claims.py GOLD_DIR TEXT_ROOT OUTDIR``. ``polnear`` extracts the
prepared split (a JSONL file made by ``prepare.py``; never commit it), converts the claims with
``claims_to_polnear.py`` and scores them with ``score.py``. Develop on train/dev; never tune on test.
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
DATA = ROOT / "tests" / "data"
SHARED = ROOT.parent / "shared"


def _extract(inputs: list[str], outdir: Path, model: str | None) -> float:
    cmd = [sys.executable, "-m", "graphbuild", "-q", "extract", *inputs, "-o", str(outdir)]
    if model:
        cmd += ["--model", model]
    t0 = time.perf_counter()
    subprocess.run(cmd, check=True, cwd=ROOT)
    return time.perf_counter() - t0


def run_gold(args: argparse.Namespace) -> int:
    gold_dir = Path(args.gold_dir)
    docs = []
    for g in sorted(gold_dir.glob("*.gold.json")):
        docs.append(str(DATA / json.loads(g.read_text(encoding="utf-8"))["document"]))
    with tempfile.TemporaryDirectory() as tmp:
        out = Path(args.keep) if args.keep else Path(tmp)
        seconds = _extract(docs, out, args.model)
        print(f"extracted {len(docs)} documents in {seconds:.1f}s")
        cmd = [sys.executable, args.scorer, str(gold_dir), str(DATA), str(out)]
        if args.json:
            cmd += ["--json", args.json]
        return subprocess.run(cmd, check=False).returncode


def run_polnear(args: argparse.Namespace) -> int:
    tools = Path(args.tools)
    with tempfile.TemporaryDirectory() as tmp:
        out = Path(args.keep) if args.keep else Path(tmp)
        seconds = _extract([args.split], out, args.model)
        print(f"extracted {args.split} in {seconds:.1f}s")
        pred = out / "polnear_pred.jsonl"
        subprocess.run([sys.executable, str(tools / "claims_to_polnear.py"), str(out / "claims.jsonl"), str(pred)],
                       check=True)
        cmd = [sys.executable, str(tools / "score.py"), args.split, str(pred)]
        if args.json:
            cmd += ["--json", args.json]
        return subprocess.run(cmd, check=False).returncode


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    sub = parser.add_subparsers(dest="which", required=True)
    g = sub.add_parser("gold", help="score against the shared gold annotations")
    g.add_argument("--gold-dir", default=str(DATA / "gold"))
    g.add_argument("--scorer", default=str(SHARED / "gold" / "score_claims.py"))
    p = sub.add_parser("polnear", help="score against a prepared PolNeAR split")
    p.add_argument("split", nargs="?", default="/work/polnear_prep/dev.jsonl", help="prepared JSONL split")
    p.add_argument("--tools", default=str(SHARED / "polnear"))
    for sp in (g, p):
        sp.add_argument("--model", default=None, help="spaCy pipeline (default: graphbuild's choice)")
        sp.add_argument("--keep", default=None, help="write the extraction here instead of a temp dir")
        sp.add_argument("--json", default=None, help="also write the scorer's figures as JSON")
    args = parser.parse_args(argv)
    return run_gold(args) if args.which == "gold" else run_polnear(args)


if __name__ == "__main__":
    sys.exit(main())
