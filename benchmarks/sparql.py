"""rdflib (in memory) vs Oxigraph (pyoxigraph) on a synthetic who-said-what graph.

usage: python benchmarks/sparql.py [--claims 100000] [--sizes 1000,10000] [--rdflib-timeout 120] [--json OUT]

Builds synthetic Extractions (claims with content and cue spans, sources, actors with aliases,
items, dated documents, corroborate/contradict links) through the real graph builder
(``graphbuild.graph.rdf.iter_quads``), writes them as N-Quads, then, for each engine in a child
process of its own (so peak memory is its own):

- load: parse the N-Quads file into the engine (rdflib Dataset / in-memory pyoxigraph Store);
- serialise: Turtle and N-Triples of the union graph, into memory;
- each preset query through ``graphbuild.query.run_query`` (rows materialised as Python values),
  and who-said-what's first page of 1,000 rows (``limit=1000``);
- peak RSS of the child.

rdflib steps get a timeout (a step over it is reported as ">T"). Timings are wall-clock seconds on
a shared machine; they are reported, never asserted.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
# Replace (not prepend) the script's folder: benchmarks/html.py would shadow the standard library.
sys.path[0] = str(ROOT)

from graphbuild import ids
from graphbuild.records import (
    Actor,
    ActorKind,
    Claim,
    Commitment,
    Document,
    DocumentMeta,
    Evidence,
    Extraction,
    Item,
    Passage,
    Polarity,
    Relation,
    RelationType,
    Segmentation,
    Source,
    SourceKind,
    Span,
)

#: (preset, params, row limit); "who-said-what@1000" is the first page of 1,000 rows (run_query limit=).
PRESETS = [("who-said-what", {}, None), ("who-said-what@1000", {}, 1000), ("claims-about", {"actor": "Actor 7"}, None),
           ("timeline", {"actor": "alias-7"}, None), ("contradictions", {}, None), ("sources", {}, None)]
CUES = ["states", "reports", "believes", "suggests", "claims", "denies", "estimates"]
VERBS = ["is moving troops toward", "is negotiating with", "has protested to", "is supplying arms to",
         "will not attack", "seeks concessions from"]
CLAIMS_PER_DOC = 20
CLAIMS_PER_ITEM = 5


def synthetic(n_claims: int, seed: int = 7) -> tuple[list[Extraction], list[Relation]]:
    """Documents of 20 claims in items of 5; 200 actors with aliases, 300 sources, links ~30%."""
    rng = random.Random(seed)
    actors = [(f"actor-{i}", f"Actor {i}", (f"alias-{i}", f"Alias {i} regime")) for i in range(200)]
    sources = [(f"source-{i}", f"Source {i}", rng.choice(list(SourceKind))) for i in range(300)]
    extractions: list[Extraction] = []
    by_actor: dict[str, list[str]] = {}
    for d in range(max(1, n_claims // CLAIMS_PER_DOC)):
        parts: list[str] = [f"BULLETIN {d}\n\n"]
        pos = len(parts[0])
        claims: list[Claim] = []
        item_spans: list[tuple[int, int]] = []
        seen_actors: dict[str, Actor] = {}
        pending: list[tuple] = []
        for k in range(CLAIMS_PER_DOC):
            if k % CLAIMS_PER_ITEM == 0:
                item_start = pos
            sid, slabel, skind = rng.choice(sources)
            aid, alabel, _aliases = rng.choice(actors)
            other = rng.choice(actors)
            cue = rng.choice(CUES)
            content = f"{alabel} {rng.choice(VERBS)} {other[1]}"
            has_cue = rng.random() < 0.6
            sentence = f"{slabel} {cue} that {content}. " if has_cue else f"{content}. "
            s0 = pos
            c0 = s0 + (len(slabel) + len(cue) + len(" that ") + 1 if has_cue else 0)
            pending.append((k // CLAIMS_PER_ITEM + 1, sid, slabel, skind, (aid, other[0]), c0, c0 + len(content),
                            (s0 + len(slabel) + 1, s0 + len(slabel) + 1 + len(cue)) if has_cue else None, cue))
            for a in (aid, other[0]):
                if a not in seen_actors:
                    label = next(x for x in actors if x[0] == a)
                    seen_actors[a] = Actor(a, label[1], ActorKind.STATE, aliases=label[2])
            parts.append(sentence)
            pos += len(sentence)
            if k % CLAIMS_PER_ITEM == CLAIMS_PER_ITEM - 1:
                parts.append("\n\n")
                pos += 2
                item_spans.append((item_start, pos - 2))
        date = f"{1950 + d % 5}-{1 + d % 12:02d}-{1 + d % 28:02d}"
        parts.append(f"{date}\n")
        text = "".join(parts)
        document = Document(id=f"doc-{d:05d}.txt", text=text, sha256=ids.content_hash(text), path=f"doc-{d:05d}.txt")
        for item, sid, slabel, skind, about, c0, c1, cue_span, _cue in pending:
            claim = Claim(
                id=ids.claim_id(document.sha256, c0, c1, None), document=document.id,
                item=item, in_comment=False, content=Span.of(text, c0, c1),
                source=Source(sid, slabel, skind), cue=Span.of(text, *cue_span) if cue_span else None,
                commitment=rng.choice(list(Commitment)), polarity=rng.choice(list(Polarity)), about=about,
            )
            claims.append(claim)
            by_actor.setdefault(about[0], []).append(claim.id)
        items = tuple(Item(number=i + 1, section=None, country=None, headline=None,
                           body=Passage(text[a:b], ((0, a, b - a),)), comments=(), span=Span.of(text, a, b))
                      for i, (a, b) in enumerate(item_spans))
        seg = Segmentation(document, DocumentMeta(date=date), (), items, (), ())
        extractions.append(Extraction(seg, tuple(seen_actors.values()), tuple(claims)))
    claim_text = {c.id: c.content for ex in extractions for c in ex.claims}
    relations = []
    for claim_ids in by_actor.values():
        for a, b in zip(claim_ids[::2], claim_ids[1::2], strict=False):
            if rng.random() < 0.6:
                kind = RelationType.CONTRADICTS if rng.random() < 0.4 else RelationType.CORROBORATES
                relations.append(Relation(kind, a, b, round(rng.random(), 3),
                                          (Evidence("shared-actor", (claim_text[a],), "synthetic"),)))
    return extractions, relations


def _rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


class _StepTimeout(Exception):
    pass


def _timed(fn, limit: float | None = None):
    """(seconds, value); with ``limit``, a step still running after it raises _StepTimeout."""
    import signal

    def alarm(signum, frame):
        raise _StepTimeout

    if limit:
        signal.signal(signal.SIGALRM, alarm)
        signal.setitimer(signal.ITIMER_REAL, limit)
    try:
        t0 = time.perf_counter()
        value = fn()
        return time.perf_counter() - t0, value
    finally:
        if limit:
            signal.setitimer(signal.ITIMER_REAL, 0)


def worker(engine: str, nq: Path, timeout: float) -> dict:
    """Run in a child process: load, serialise, query; print one JSON line."""
    from graphbuild.errors import QueryError
    from graphbuild.query import load_preset, run_query

    out: dict = {"engine": engine}
    rss0 = _rss_mb()
    if engine == "oxigraph":
        import pyoxigraph as ox

        from graphbuild.query.targets import OxigraphEngine

        store = ox.Store()
        out["load"], _ = _timed(lambda: store.bulk_load(path=str(nq), format=ox.RdfFormat.N_QUADS))
        out["quads"] = len(store)
        eng = OxigraphEngine(store)

        def union():
            return [ox.Triple(q.subject, q.predicate, q.object) for q in store.quads_for_pattern(None, None, None)]

        out["serialise_turtle"], data = _timed(lambda: ox.serialize(union(), format=ox.RdfFormat.TURTLE))
        out["serialise_nt"], data = _timed(lambda: ox.serialize(union(), format=ox.RdfFormat.N_TRIPLES))
        del data
    else:
        from rdflib import Dataset, Graph

        from graphbuild.query.targets import RdflibEngine

        ds = Dataset(default_union=True)
        try:
            out["load"], _ = _timed(lambda: ds.parse(str(nq), format="nquads"), timeout * 3)
        except _StepTimeout:
            out["load"] = f">{timeout * 3:g}"
            out["peak_rss_mb"] = round(_rss_mb())
            return out
        out["quads"] = sum(len(g) for g in ds.graphs())
        eng = RdflibEngine(ds)
        union = Graph()
        for s, p, o, _ in ds.quads((None, None, None, None)):
            union.add((s, p, o))
        for fmt, key in (("turtle", "serialise_turtle"), ("nt", "serialise_nt")):
            try:
                out[key], _ = _timed(lambda f=fmt: union.serialize(format=f), timeout)
            except _StepTimeout:
                out[key] = f">{timeout:g}"
        del union
    out["load_rss_mb"] = round(_rss_mb() - rss0)
    for name, params, limit in PRESETS:
        try:
            seconds, result = _timed(lambda n=name.split("@")[0], p=params, k=limit:
                                     run_query(eng, load_preset(n), p, timeout=timeout, limit=k))
            out[f"q:{name}"] = seconds
            out[f"rows:{name}"] = len(result.rows)
        except QueryError as exc:
            out[f"q:{name}"] = f">{timeout:g}" if "timed out" in str(exc) else str(exc)
    out["peak_rss_mb"] = round(_rss_mb())
    return out


def _fmt(v) -> str:
    return f"{v:.2f}" if isinstance(v, float) else str(v)


def measure(n_claims: int, tmp: Path, timeout: float, engines: list[str]) -> dict:
    from graphbuild.graph.rdf import iter_quads, to_oxigraph

    t0 = time.perf_counter()
    extractions, relations = synthetic(n_claims)
    gen = time.perf_counter() - t0
    t0 = time.perf_counter()
    quads = list(iter_quads(extractions, relations))
    build = time.perf_counter() - t0
    t0 = time.perf_counter()
    ox_quads = to_oxigraph(quads)
    convert = time.perf_counter() - t0
    import pyoxigraph as ox

    nq = tmp / f"synthetic-{n_claims}.nq"
    nq.write_bytes(ox.serialize(ox_quads, format=ox.RdfFormat.N_QUADS))
    del quads, ox_quads, extractions
    result = {"claims": n_claims, "relations": len(relations), "generate_s": gen, "build_quads_s": build,
              "to_oxigraph_s": convert, "nq_mb": nq.stat().st_size / 2**20}
    for engine in engines:
        proc = subprocess.run([sys.executable, __file__, "--worker", engine, str(nq), "--rdflib-timeout", str(timeout)],
                              capture_output=True, text=True, check=False)
        if proc.returncode:
            result[engine] = {"error": proc.stderr.strip().splitlines()[-1:]}
        else:
            result[engine] = json.loads(proc.stdout.strip().splitlines()[-1])
    nq.unlink()
    return result


def report(results: list[dict]) -> str:
    lines = []
    for r in results:
        rd, ox = r.get("rdflib", {}), r.get("oxigraph", {})
        lines.append(f"{r['claims']:,} claims, {r['relations']:,} links, {ox.get('quads', rd.get('quads', 0)):,} quads "
                     f"({r['nq_mb']:.0f} MiB N-Quads); building the quads {r['build_quads_s']:.1f} s, "
                     f"to pyoxigraph terms {r['to_oxigraph_s']:.1f} s")
        lines.append("")
        lines.append("| step | rdflib (s) | Oxigraph (s) |")
        lines.append("|---|---:|---:|")
        keys = ["load", "serialise_turtle", "serialise_nt"] + [f"q:{n}" for n, _, _ in PRESETS]
        for k in keys:
            rows = f" ({ox.get('rows:' + k[2:])} rows)" if k.startswith("q:") and ox.get("rows:" + k[2:]) is not None else ""
            lines.append(f"| {k.replace('q:', 'query ')}{rows} | {_fmt(rd.get(k, '-'))} | {_fmt(ox.get(k, '-'))} |")
        lines.append(f"| memory after load (MiB) | {rd.get('load_rss_mb', '-')} | {ox.get('load_rss_mb', '-')} |")
        lines.append("")
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--claims", type=int, default=100_000)
    ap.add_argument("--sizes", default="1000,10000", help="smaller sizes to run first (comma-separated)")
    ap.add_argument("--rdflib-timeout", type=float, default=120.0)
    ap.add_argument("--engines", default="rdflib,oxigraph")
    ap.add_argument("--rdflib-max-claims", type=int, default=40_000,
                    help="above this many claims run Oxigraph only (rdflib would take hours)")
    ap.add_argument("--json", dest="json_out", default=None)
    ap.add_argument("--worker", nargs=2, metavar=("ENGINE", "NQ"), help=argparse.SUPPRESS)
    args = ap.parse_args(argv)
    if args.worker:
        print(json.dumps(worker(args.worker[0], Path(args.worker[1]), args.rdflib_timeout)))
        return 0
    sizes = [int(s) for s in args.sizes.split(",") if s] + [args.claims]
    results = []
    with tempfile.TemporaryDirectory() as tmp:
        for n in sizes:
            engines = [e for e in args.engines.split(",") if e != "rdflib" or n <= args.rdflib_max_claims]
            results.append(measure(n, Path(tmp), args.rdflib_timeout, engines))
            print(report(results[-1:]), flush=True)
    if args.json_out:
        Path(args.json_out).write_text(json.dumps(results, indent=1) + "\n", encoding="utf-8")
    print(f"python {sys.version.split()[0]}, {os.cpu_count()} cores")
    return 0


if __name__ == "__main__":
    sys.exit(main())
