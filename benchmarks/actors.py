"""How many of the gold actors does the actor stage find? (gazetteer + NER, graphbuild_actors)

usage: python benchmarks/actors.py [GOLD_DIR] [--model NAME] [--json OUT] [-v]

GOLD_DIR defaults to tests/data/gold (its "document" paths are relative to its parent folder).
Reported, over every *.gold.json:

- alias recall: every occurrence in the text of every alias the gold lists for an actor (whole
  words); "found" when an actor mention overlaps it, "same id" when that mention's actor id is the
  one the gold label maps to (the gazetteer's id for the label, else ids.actor_id(label)). Aliases
  that are generic nouns ("regime", "party", "delta") count like any other.
- about recall / precision: for each gold claim, the gold ``about`` labels mapped to ids as above,
  against ``graphbuild.nlp.actors.about`` over the claim's content span.
"""

from __future__ import annotations

import argparse
import json
import re
import time
from pathlib import Path

from graphbuild import ids
from graphbuild.nlp.actors import SPANS_KEY, Gazetteer, about

ROOT = Path(__file__).resolve().parents[1]


def expected_id(label: str, gazetteer: Gazetteer) -> str:
    found = gazetteer.lookup(label)
    return found[0] if found else ids.actor_id(label)


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("gold_dir", nargs="?", default=str(ROOT / "tests" / "data" / "gold"))
    ap.add_argument("--model", default=None)
    ap.add_argument("--json", dest="json_out", default=None)
    ap.add_argument("-v", "--verbose", action="store_true", help="list the misses")
    args = ap.parse_args(argv)

    import spacy

    import graphbuild.nlp.factories  # noqa: F401
    from graphbuild.nlp.model import resolve_model

    nlp = spacy.load(resolve_model(args.model))
    nlp.add_pipe("graphbuild_actors")
    gazetteer = Gazetteer.default()
    gold_dir = Path(args.gold_dir)
    text_root = gold_dir.parent

    alias_total = alias_found = alias_same = 0
    about_gold = about_hit = about_pred = about_pred_ok = 0
    misses: list[str] = []
    started = time.perf_counter()
    for path in sorted(gold_dir.glob("*.gold.json")):
        gold = json.loads(path.read_text(encoding="utf-8"))
        text = (text_root / gold["document"]).read_text(encoding="utf-8")
        doc = nlp(text)
        mentions = [(s.start_char, s.end_char, s.kb_id_) for s in doc.spans[SPANS_KEY]]
        seen: set[tuple[int, int]] = set()
        for actor in gold.get("actors", []):
            want = expected_id(actor["label"], gazetteer)
            for alias in actor.get("aliases", []):
                for m in re.finditer(rf"(?<!\w){re.escape(alias)}(?!\w)", text):
                    if m.span() in seen:
                        continue
                    seen.add(m.span())
                    hits = [a for s, e, a in mentions if s < m.end() and m.start() < e]
                    alias_total += 1
                    alias_found += bool(hits)
                    alias_same += want in hits
                    if want not in hits:
                        misses.append(f"{path.name}: alias {alias!r} ({actor['label']} -> {want}) got {hits}")
        for claim in gold.get("claims", []):
            start = text.find(claim["content"])
            span = doc.char_span(start, start + len(claim["content"]), alignment_mode="expand")
            if start < 0 or span is None:
                continue
            got = set(about(span))
            want = {expected_id(label, gazetteer) for label in claim.get("about", [])}
            about_gold += len(want)
            about_hit += len(want & got)
            about_pred += len(got)
            about_pred_ok += len(got & want)
            for missing in sorted(want - got):
                misses.append(f"{path.name}: about {missing} not found in claim {claim['key']}")
            for extra in sorted(got - want):
                misses.append(f"{path.name}: about {extra} predicted, not in gold claim {claim['key']}")
    elapsed = time.perf_counter() - started

    res = {
        "alias_occurrences": alias_total,
        "alias_recall": alias_found / alias_total if alias_total else 0.0,
        "alias_same_id": alias_same / alias_total if alias_total else 0.0,
        "about_gold": about_gold,
        "about_recall": about_hit / about_gold if about_gold else 0.0,
        "about_precision": about_pred_ok / about_pred if about_pred else 0.0,
        "seconds": elapsed,
    }
    if args.verbose:
        print("\n".join(misses))
    if args.json_out:
        Path(args.json_out).write_text(json.dumps(res, indent=1), encoding="utf-8")
    print(" ".join(f"{k}={v:.3f}" if isinstance(v, float) else f"{k}={v}" for k, v in res.items()))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
