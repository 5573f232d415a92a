"""Linking benchmark: quality against the shared gold relations, signal ablation, and timing.

    .venv/bin/python benchmarks/linking.py                      # gold claims, ablation, timing
    .venv/bin/python benchmarks/linking.py --nlp                # also on claims the NLP stage extracts
    .venv/bin/python benchmarks/linking.py --sizes 10000 50000 100000 --json out.json

Quality: a predicted link matches a gold link of the same type when both endpoints match the gold
claims, a predicted claim matching a gold claim of the same document when their content spans
overlap by at least half of the shorter one (the rule of gold/score_claims.py). ``corroborates`` and
``contradicts`` match in either direction, ``comments_on`` only from comment to commented claim.

Timing: synthetic corpora of N claims (documents of 20 claims, 300 actors, 3 years of dates, frame
words and negations mixed in) linked with all signals; the time per claim stays flat when the cost
is linear.
"""

from __future__ import annotations

import argparse
import json
import random
import sys
import time
from collections.abc import Sequence
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
# Run as a script, this folder would come first on sys.path and its html.py would hide the
# standard library's html package: put the repository root there instead.
sys.path[0] = str(ROOT)

from benchmarks.goldclaims import GoldDocument, iter_gold
from graphbuild import ids
from graphbuild.link import SIGNALS, link_claims
from graphbuild.records import (
    Actor,
    ActorKind,
    Claim,
    Commitment,
    Document,
    DocumentMeta,
    Extraction,
    Polarity,
    Relation,
    Segmentation,
    Source,
    SourceKind,
    Span,
)

TYPES = ("corroborates", "contradicts", "comments_on")
DATA = ROOT / "tests" / "data"


def _overlap(a: Span, b: Span) -> float:
    inter = max(0, min(a.end, b.end) - max(a.start, b.start))
    return inter / max(1, min(a.end - a.start, b.end - b.start))


def score(gold_docs: Sequence[GoldDocument], predicted: Sequence[Extraction], relations: Sequence[Relation]
          ) -> dict[str, dict[str, float]]:
    """Per-type precision / recall / F1 (and counts) of ``relations`` over the gold documents."""
    gold_claims = {}  # gold claim id -> (document basename, span)
    for g in gold_docs:
        for c in g.extraction.claims:
            gold_claims[c.id] = (Path(c.document).name, c.content)
    pred_claims = {c.id: (Path(ex.document.id).name, c.content) for ex in predicted for c in ex.claims}

    def match(pid: str, gid: str) -> bool:
        p, g = pred_claims.get(pid), gold_claims.get(gid)
        return p is not None and g is not None and p[0] == g[0] and _overlap(p[1], g[1]) >= 0.5

    gold_links = [(r.type, r.a, r.b) for g in gold_docs for r in g.relations]
    out: dict[str, dict[str, float]] = {}
    for t in (*TYPES, "all"):
        gl = [x for x in gold_links if t in ("all", x[0])]
        pl = [r for r in relations if t in ("all", r.type.value)]

        def hit(r: Relation, g: tuple[str, str, str]) -> bool:
            if r.type.value != g[0]:
                return False
            fwd = match(r.source_claim, g[1]) and match(r.target_claim, g[2])
            back = match(r.source_claim, g[2]) and match(r.target_claim, g[1])
            return fwd or (back and g[0] != "comments_on")

        found = sum(1 for g in gl if any(hit(r, g) for r in pl))
        correct = sum(1 for r in pl if any(hit(r, g) for g in gl))
        p = correct / len(pl) if pl else 0.0
        rc = found / len(gl) if gl else 0.0
        out[t] = {"gold": len(gl), "predicted": len(pl), "found": found, "correct": correct,
                  "precision": round(p, 3), "recall": round(rc, 3),
                  "f1": round(2 * p * rc / (p + rc), 3) if p + rc else 0.0}
    return out


def gold_documents() -> list[GoldDocument]:
    return list(iter_gold(DATA / "gold", DATA))


def nlp_extractions(gold_docs: Sequence[GoldDocument]) -> list[Extraction]:
    """Run the real pipeline (read -> segment -> nlp) on the gold documents' texts."""
    from graphbuild.pipeline import iter_extractions
    from graphbuild.records import Diagnostic

    paths = [DATA / g.extraction.document.id for g in gold_docs]
    out = []
    for entry in iter_extractions(paths):
        if isinstance(entry, Diagnostic):
            print(f"  skipped: {entry}", file=sys.stderr)
        else:
            out.append(entry)
    return out


def print_scores(title: str, s: dict[str, dict[str, float]]) -> None:
    print(f"\n{title}")
    print(f"  {'type':13s} {'gold':>4s} {'pred':>4s} {'found':>5s} {'P':>6s} {'R':>6s} {'F1':>6s}")
    for t, v in s.items():
        print(f"  {t:13s} {v['gold']:4d} {v['predicted']:4d} {v['found']:5d} "
              f"{v['precision']:6.3f} {v['recall']:6.3f} {v['f1']:6.3f}")


# --- synthetic corpus for timing ---------------------------------------------------------------

_FRAME_WORDS = ["wants an armistice", "favors ending the conflict", "seeks to widen the war",
                "continues hostilities", "shows unity", "reports friction", "coordinates closely",
                "resents the tactics", "will accept the proposal", "rejects the proposal"]
_NEUTRAL = ["is moving troops", "has sent a delegation", "announced a trade agreement", "held talks",
            "is building airfields", "published a statement", "expanded the budget", "arrested officials"]


def synthetic_corpus(n_claims: int, *, per_doc: int = 20, n_actors: int = 300, seed: int = 7) -> list[Extraction]:
    """Documents of ``per_doc`` claims each, made of templated sentences with exact offsets."""
    rng = random.Random(seed)
    actors = [f"Actor{i:03d}" for i in range(n_actors)]
    sources = [f"Embassy{i:02d}" for i in range(60)]
    vocab = [f"w{i}" for i in range(4000)]
    start = 712000  # ~1950 as an ordinal day
    out: list[Extraction] = []
    for d in range(0, n_claims, per_doc):
        parts: list[str] = []
        pos = 0
        pending = []
        for k in range(min(per_doc, n_claims - d)):
            actor = rng.choice(actors[: 30 + (k * 7) % n_actors])  # some actors far more frequent
            src = rng.choice(sources)
            pred = rng.choice(_FRAME_WORDS if rng.random() < 0.4 else _NEUTRAL)
            neg = " not" if rng.random() < 0.1 else ""
            extra = " ".join(rng.choices(vocab, weights=None, k=rng.randint(3, 10)))
            lead = rng.choice(["", "However, ", "In a similar comment, ", ""])
            comment = rng.random() < 0.1
            prefix = ("Comment: There is no evidence that " if comment
                      else f"{lead}The {src} reports that ")
            content = f"{actor} does{neg} say it {pred} near {extra}"
            sentence = prefix + content + ". "
            c_start = pos + len(prefix)
            parts.append(sentence)
            pending.append((c_start, content, actor, src, comment, neg))
            pos += len(sentence)
        text = "".join(parts)
        sha = ids.content_hash(text + str(d))
        doc = Document(id=f"synthetic-{d // per_doc:06d}", text=text, sha256=sha, path="")
        claims = []
        for c_start, content, actor, src, comment, neg in pending:
            span = Span.of(text, c_start, c_start + len(content))
            source = (Source("analyst", "analyst", SourceKind.ANALYST) if comment
                      else Source(ids.actor_id(src), src, SourceKind.ORGANIZATION))
            claims.append(Claim(
                id=ids.claim_id(sha, span.start, span.end, None), document=doc.id, item=1, in_comment=comment,
                content=span, source=source, cue=None, commitment=Commitment.CERTAIN,
                polarity=Polarity.NEGATIVE if comment else Polarity.POSITIVE, about=(ids.actor_id(actor),)))
        date = __import__("datetime").date.fromordinal(start + rng.randint(0, 3 * 365)).isoformat()
        seg = Segmentation(doc, DocumentMeta(date=date), (), (), (), ())
        out.append(Extraction(seg, tuple(Actor(ids.actor_id(a), a, ActorKind.STATE) for a in ()), tuple(claims)))
    return out


def time_linking(sizes: Sequence[int]) -> list[dict[str, float]]:
    from graphbuild.link.blocking import candidate_pairs
    from graphbuild.link.lexicon import load_lexicon
    from graphbuild.link.views import views_from_extractions

    rows = []
    for n in sizes:
        corpus = synthetic_corpus(n)
        t0 = time.perf_counter()
        relations = link_claims(corpus)
        elapsed = time.perf_counter() - t0
        views = views_from_extractions(corpus, lexicon=load_lexicon())
        n_pairs = sum(1 for _ in candidate_pairs(views))
        rows.append({"claims": n, "seconds": round(elapsed, 2), "us_per_claim": round(1e6 * elapsed / n, 1),
                     "candidate_pairs": n_pairs, "pairs_per_claim": round(n_pairs / n, 2),
                     "links": len(relations)})
        print(f"  {n:7d} claims: {elapsed:7.2f} s  ({1e6 * elapsed / n:6.1f} us/claim), "
              f"{n_pairs} candidate pairs ({n_pairs / n:.2f}/claim), {len(relations)} links", flush=True)
    return rows


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--nlp", action="store_true", help="also score links over claims the NLP stage extracts")
    ap.add_argument("--sizes", type=int, nargs="*", default=[10000, 50000, 100000])
    ap.add_argument("--json", type=Path, default=None, help="write all figures here")
    args = ap.parse_args(argv)

    results: dict[str, object] = {}
    gold = gold_documents()
    exs = [g.extraction for g in gold]
    rels = link_claims(exs)
    results["gold_claims"] = all_scores = score(gold, exs, rels)
    print_scores("Links over gold claims (all 20 gold files)", all_scores)
    seed = [g for g in gold if g.path.name.startswith("000_")]
    seed_rels = link_claims([g.extraction for g in seed])
    s = score(seed, [g.extraction for g in seed], seed_rels)["all"]
    results["seed"] = s
    print(f"\nSeed: {s['found']} of {s['gold']} gold relations found, "
          f"{s['predicted'] - s['correct']} spurious of {s['predicted']} predicted")

    print("\nAblation (over gold claims): F1 without each signal, and with it alone")
    ablation = {}
    for sig in SIGNALS:
        without = score(gold, exs, link_claims(exs, signals=[x for x in SIGNALS if x != sig]))
        alone = score(gold, exs, link_claims(exs, signals=[sig]))
        ablation[sig] = {"without": without, "alone": alone}
        print(f"  {sig:12s} without: all F1 {without['all']['f1']:.3f} (contradicts {without['contradicts']['f1']:.3f})"
              f"   alone: all F1 {alone['all']['f1']:.3f} (found {alone['all']['found']}, "
              f"correct {alone['all']['correct']}/{alone['all']['predicted']})")
    results["ablation"] = ablation

    if args.nlp:
        t0 = time.perf_counter()
        predicted = nlp_extractions(gold)
        n_claims = sum(len(e.claims) for e in predicted)
        nlp_rels = link_claims(predicted)
        results["nlp_claims"] = nlp_scores = score(gold, predicted, nlp_rels)
        print_scores(f"Links over NLP-extracted claims ({n_claims} claims, {time.perf_counter() - t0:.1f} s "
                     "including extraction)", nlp_scores)
        seed_pred = [e for e in predicted if Path(e.document.id).name.startswith("000_")]
        s = score(seed, seed_pred, link_claims(seed_pred))["all"]
        results["seed_nlp"] = s
        print(f"Seed (NLP claims): {s['found']} of {s['gold']} gold relations found, "
              f"{s['predicted'] - s['correct']} spurious of {s['predicted']} predicted")

    if args.sizes:
        print("\nTiming on synthetic corpora (all signals)")
        results["timing"] = time_linking(args.sizes)
    if args.json:
        args.json.write_text(json.dumps(results, indent=1), encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
