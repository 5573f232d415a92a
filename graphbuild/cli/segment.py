"""``graphbuild segment FILE... [--json]``: show how documents are cut into items."""

from __future__ import annotations

import argparse
import json
import sys

from graphbuild.cli._common import add_input_options, report
from graphbuild.ingest.read import DEFAULT_MAX_BYTES, DEFAULT_MAX_CHARS, read_inputs
from graphbuild.ingest.segment import segment_document
from graphbuild.records import Diagnostic
from graphbuild.serialize import segmentation_to_json


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("segment", help="print the segmentation of documents (items, comments, metadata)")
    add_input_options(p)
    p.add_argument("--json", action="store_true", help="JSON lines, one document per line")
    p.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    failed = 0
    for entry in read_inputs(args.inputs, max_bytes=args.max_bytes or DEFAULT_MAX_BYTES,
                             max_chars=args.max_chars or DEFAULT_MAX_CHARS):
        if isinstance(entry, Diagnostic):
            report(entry)
            failed += 1
            continue
        seg = segment_document(entry)
        for d in seg.diagnostics:
            report(d)
        if args.json:
            print(json.dumps(segmentation_to_json(seg), ensure_ascii=False))
        else:
            _print_human(seg)
    return 1 if failed else 0


def _print_human(seg) -> None:
    out = sys.stdout
    m = seg.meta
    out.write(f"== {_clean(seg.document.id)}\n")
    out.write(f"   classification={m.classification} date={m.date} released={m.released}")
    if m.identifiers:
        out.write(" ids=" + ",".join(_clean(s.text) for s in m.identifiers))
    out.write(f" redactions={len(seg.redactions)} furniture={len(seg.furniture)}\n")
    for item in seg.items:
        head = _clean(item.headline.text) if item.headline else ""
        country = f" [{_clean(item.country.text)}]" if item.country else ""
        flags = "".join(
            f for f, on in ((" (cut off)", item.truncated), (" (comment item)", item.is_comment_item),
                            (f" ({item.part})", item.part != "item")) if on
        )
        number = "-" if item.number is None else item.number
        out.write(f"   {number}. ({item.section or ''}){country} {head}{flags}\n")
        for c in item.comments:
            out.write(f"      {_clean(c.marker.text)} @{c.span.start}: {_clean(c.body.text[:70])}...\n")


def _clean(s: str) -> str:
    return "".join(ch if ch.isprintable() else " " for ch in s)
