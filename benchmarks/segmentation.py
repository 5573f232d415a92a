"""Item-level segmentation quality against the shared gold files.

    .venv/bin/python benchmarks/segmentation.py [--gold tests/data/gold] [--data tests/data]

For every gold file, the document it names is read and segmented; its predicted items are matched
to the gold ``items``. A predicted item matches a gold item when their numbers are equal and their
headlines overlap (Jaccard similarity of lower-cased word sets >= 0.5). Gold lists the numbered items
of a document, or one unnumbered item for a document without numbered items; so predicted items whose
``part`` is "preamble" or "footnotes" (the unnumbered text around a telegram's numbered paragraphs) are
not scored. Prints per-file misses and totals: precision, recall, F1, exact headline matches, and
metadata agreement (classification, date, release date, section names).
"""

from __future__ import annotations

import argparse
import json
import re
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
# the script's own folder holds modules named like stdlib ones (html.py): import from the repo root
sys.path[:] = [str(ROOT)] + [p for p in sys.path if Path(p or ".").resolve() != Path(__file__).resolve().parent]

from graphbuild.ingest.read import read_inputs
from graphbuild.ingest.segment import segment_document
from graphbuild.records import Diagnostic, Segmentation


def words(s: str | None) -> set[str]:
    return set(re.findall(r"[a-z0-9]+", (s or "").lower()))


def jaccard(a: str | None, b: str | None) -> float:
    x, y = words(a), words(b)
    return len(x & y) / len(x | y) if x | y else 1.0


def match_items(gold: list[dict], seg: Segmentation) -> tuple[list, list, list]:
    """Greedy one-to-one matching; returns (matched pairs, missed gold, spurious predictions)."""
    predicted = [it for it in seg.items if it.part == "item"]
    pairs, missed = [], []
    free = list(predicted)
    for g in gold:
        best = None
        for it in free:
            if it.number != g["number"]:
                continue
            score = jaccard(g["headline"], it.headline.text if it.headline else None)
            if score >= 0.5 and (best is None or score > best[0]):
                best = (score, it)
        if best:
            pairs.append((g, best[1]))
            free.remove(best[1])
        else:
            missed.append(g)
    return pairs, missed, free


def segment_file(path: Path) -> Segmentation:
    entries = list(read_inputs([path]))
    docs = [e for e in entries if not isinstance(e, Diagnostic)]
    if len(docs) != 1:
        raise SystemExit(f"{path}: could not read ({entries})")
    return segment_document(docs[0])


def evaluate(gold_dir: Path, data_dir: Path, *, verbose: bool = True) -> dict[str, float]:
    tp = fp = fn = exact = 0
    meta_hits = {"classification": 0, "date": 0, "released": 0, "sections": 0}
    files = sorted(gold_dir.glob("*.gold.json"))
    for gold_path in files:
        gold = json.loads(gold_path.read_text(encoding="utf-8"))
        seg = segment_file(data_dir / gold["document"])
        pairs, missed, spurious = match_items(gold["items"], seg)
        tp += len(pairs)
        fn += len(missed)
        fp += len(spurious)
        exact += sum(1 for g, it in pairs if it.headline and it.headline.text.strip() == g["headline"].strip())
        gm = gold["metadata"]
        m = seg.meta
        meta_hits["classification"] += m.classification == gm["classification"]
        meta_hits["date"] += m.date == gm["date"]
        meta_hits["released"] += m.released == gm["released"]
        names = list(dict.fromkeys(s.name for s in seg.sections))
        meta_hits["sections"] += names == gm["sections"]
        if verbose and (missed or spurious):
            print(f"{gold['document']}:")
            for g in missed:
                print(f"   missed   {g['number']}. {g['headline'][:70]!r}")
            for it in spurious:
                head = it.headline.text[:70] if it.headline else None
                print(f"   spurious {it.number}. {head!r}")
    precision = tp / (tp + fp) if tp + fp else 1.0
    recall = tp / (tp + fn) if tp + fn else 1.0
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    result = {
        "files": len(files), "gold_items": tp + fn, "predicted_items": tp + fp, "matched": tp,
        "precision": precision, "recall": recall, "f1": f1, "exact_headlines": exact,
        **{f"meta_{k}": v / len(files) for k, v in meta_hits.items()},
    }
    return result


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--gold", type=Path, default=ROOT / "tests" / "data" / "gold")
    ap.add_argument("--data", type=Path, default=ROOT / "tests" / "data")
    args = ap.parse_args(argv)
    r = evaluate(args.gold, args.data)
    print(
        f"files={r['files']} gold_items={r['gold_items']} predicted={r['predicted_items']} matched={r['matched']}\n"
        f"item precision={r['precision']:.3f} recall={r['recall']:.3f} F1={r['f1']:.3f} "
        f"exact headlines={r['exact_headlines']}/{r['matched']}\n"
        f"metadata agreement: classification={r['meta_classification']:.2f} date={r['meta_date']:.2f} "
        f"released={r['meta_released']:.2f} sections={r['meta_sections']:.2f}"
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
