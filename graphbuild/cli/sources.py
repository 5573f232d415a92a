"""``graphbuild sources OUTDIR``: per source, its claims, how many are corroborated or contradicted.

With ``--claims``, one line per claim with its SUGGESTED Admiralty information-credibility rating
(1 confirmed ... 6 cannot be judged) and the reasons: a mechanical suggestion from the links,
not an assessment.
"""

from __future__ import annotations

import argparse
import csv
import json
import sys
from pathlib import Path
from typing import Any

from graphbuild.cli._store import add_target_options, load_output, target_of
from graphbuild.cli.contradictions import add_format_option, clean
from graphbuild.link.assess import assess_sources


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("sources", help="source assessment: claims corroborated / contradicted, suggested ratings")
    add_target_options(p)
    p.add_argument("--claims", action="store_true", help="list every claim with its suggested rating instead")
    p.add_argument("--source", default=None, help="only this source (id or label)")
    add_format_option(p)
    p.set_defaults(func=run)


def rows(outdir: str | Path, *, per_claim: bool = False, source: str | None = None,
         wait: float = 0.0) -> list[dict[str, Any]]:
    output = load_output(outdir, wait=wait)
    sources, ratings = assess_sources(output.claims, output.relations)
    want = source.casefold() if source else None
    if per_claim:
        out = []
        for c in output.claims:
            if want and want not in (c.source.id.casefold(), c.source.label.casefold()):
                continue
            r = ratings[c.id]
            out.append({"claim": c.id, "source": clean(c.source.label), "text": clean(c.content.text),
                        "document": c.document, "suggested_rating": r.rating, "label": r.label,
                        "reasons": list(r.reasons), "corroborated_by": list(r.corroborated_by),
                        "contradicted_by": list(r.contradicted_by), "suggestion": True})
        out.sort(key=lambda row: (row["suggested_rating"], row["source"], row["claim"]))
        return out
    return [{"source": s.source, "label": clean(s.label), "kind": s.kind.value, "claims": s.claims,
             "corroborated": s.corroborated, "contradicted": s.contradicted,
             "suggested_ratings": {str(k): v for k, v in s.ratings.items()}}
            for s in sources if not want or want in (s.source.casefold(), s.label.casefold())]


def run(args: argparse.Namespace) -> int:
    data = rows(target_of(args), per_claim=args.claims, source=args.source, wait=args.wait)
    if args.format == "json":
        json.dump(data, sys.stdout, ensure_ascii=False, indent=1)
        print()
        return 0
    if args.claims:
        fields = ["suggested_rating", "label", "source", "claim", "document", "text", "reasons"]
    else:
        fields = ["source", "label", "kind", "claims", "corroborated", "contradicted", "suggested_ratings"]
    table = [[_cell(row[f]) for f in fields] for row in data]
    if args.format == "csv":
        writer = csv.writer(sys.stdout)
        writer.writerow(fields)
        writer.writerows(table)
        return 0
    widths = [min(60, max([len(f)] + [len(r[i]) for r in table])) for i, f in enumerate(fields)]
    print("  ".join(f.ljust(w) for f, w in zip(fields, widths, strict=True)).rstrip())
    for r in table:
        print("  ".join(c[:w].ljust(w) for c, w in zip(r, widths, strict=True)).rstrip())
    if args.claims:
        print("ratings are SUGGESTIONS (Admiralty information credibility, 1 confirmed .. 6 cannot be judged) "
              "derived from independent corroboration and contradiction")
    return 0


def _cell(value: Any) -> str:
    if isinstance(value, dict):
        return " ".join(f"{k}:{v}" for k, v in value.items())
    if isinstance(value, list):
        return "; ".join(str(v) for v in value)
    return "" if value is None else str(value)
