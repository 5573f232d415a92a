"""``graphbuild export FORMAT OUTDIR -o FILE``: a finished build in another tool's format.

Formats: ``stix`` (a STIX 2.1 bundle for CTI platforms such as OpenCTI; see docs/stix.md).
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from graphbuild.cli._store import add_target_options, load_output, target_of


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("export", help="export a build to another tool's format (STIX 2.1)")
    formats = p.add_subparsers(dest="format", metavar="FORMAT", required=True)
    stix = formats.add_parser(
        "stix", help="STIX 2.1 bundle: reports, identities, notes, opinions, relationships (docs/stix.md)"
    )
    add_target_options(stix)
    stix.add_argument("-o", "--output", required=True, type=Path, metavar="FILE", help="bundle JSON to write")
    stix.add_argument(
        "--created",
        default=None,
        metavar="TIMESTAMP",
        help="created/modified of every object, e.g. 2024-05-01T00:00:00Z (default: latest bulletin date)",
    )
    stix.add_argument(
        "--opencti",
        action="store_true",
        help="write claim-claim links as related-to (OpenCTI refuses custom relationship types)",
    )
    stix.set_defaults(func=run_stix)


def run_stix(args: argparse.Namespace) -> int:
    from graphbuild.atomic import write_text
    from graphbuild.export.stix import bundle_summary, serialize_bundle, to_stix_bundle

    output = load_output(target_of(args), wait=args.wait)
    bundle = to_stix_bundle(output, created=args.created, opencti=args.opencti)
    write_text(args.output, serialize_bundle(bundle))
    counts = ", ".join(f"{n} {kind}" for kind, n in bundle_summary(bundle.objects).items())
    print(f"wrote {args.output}: {counts}", file=sys.stderr)
    return 0
