"""Throughput and incremental ingest: how fast graphbuild turns text into a stored, linked graph.

usage: python benchmarks/throughput.py [--texts FILE_OR_DIR ...] [--limit N] [--sizes 1000,10000,50000]
                                       [--probe 20] [--dask 2] [--jobs 2] [--skip PART ...] [--json OUT]

Four measurements, each in one run on the same texts and machine:

1. ``ratio``: graphbuild end to end (read, segment, spaCy + graphbuild components, link, write each
   document's graph to a fresh embedded store) in words/s, divided by raw ``nlp.pipe`` words/s of the
   same trained pipeline (without graphbuild's components) over the same whole texts. Also reported:
   extraction alone (segment + extract) and the store part alone; and, with ``--jobs N`` > 1, the
   same end to end with the NLP stage in N worker processes (``ingest --jobs N``), against raw
   ``nlp.pipe`` in one process and with ``n_process=N``.
2. ``components``: each stock spaCy component's share of the raw time, and the share of tokens in
   sentences that can hold an attribution (the ceiling of parsing only those).
3. ``ingest``: the time to ingest one more document (candidate query, reading the stored claims it is
   linked against, linking, one transactional write) into stores already holding 1k, 10k and 50k
   synthetic documents (3 claims, 2 actors out of 200 each, dates over a year), median over ``--probe``
   documents; plus the once-per-run cost of loading the registry. The stores are filled with a bulk
   load of the same synthetic documents' graphs (no links), which is what ingest would have written.
4. ``dask``: extraction of the same texts locally vs on ``--dask local:N`` (wall time; cluster start-up
   reported separately).

Texts default to tests/data/corpus and tests/data/seeds; ``--texts`` takes folders, files or JSONL
(e.g. a local PolNeAR split, never committed). Words are whitespace-separated tokens.
"""

from __future__ import annotations

import argparse
import json
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
# benchmarks/html.py would shadow the standard library's html package for this script
sys.path[:] = [p for p in sys.path if Path(p or ".").resolve() != Path(__file__).resolve().parent]
sys.path.insert(0, str(ROOT / "tests"))  # the synthetic document maker shared with the store tests


def _documents(paths: list[str], limit: int | None):
    from graphbuild.ingest.read import read_inputs
    from graphbuild.records import Document

    docs = [d for d in read_inputs(paths) if isinstance(d, Document)]
    return docs[:limit] if limit else docs


def _end_to_end(documents, name: str, jobs: int) -> tuple[float, float]:
    """Seconds to extract, link and store every document into a fresh store (streaming, as ``ingest``
    does); and the seconds spent inside ``Ingestor.add``."""
    from graphbuild.distributed import extract_documents
    from graphbuild.store import EmbeddedStore, Ingestor

    with tempfile.TemporaryDirectory() as tmp:
        t = time.perf_counter()
        store_s = 0.0
        with EmbeddedStore(Path(tmp) / "store") as store:
            ingestor = Ingestor(store)
            for ex in extract_documents(documents, model=name, jobs=jobs):
                if hasattr(ex, "claims"):
                    t_add = time.perf_counter()
                    ingestor.add(ex)
                    store_s += time.perf_counter() - t_add
        return time.perf_counter() - t, store_s


def measure_ratio(paths: list[str], limit: int | None, model: str | None, jobs: int) -> dict:
    import spacy

    from graphbuild.distributed import extract_documents
    from graphbuild.nlp import load_pipeline
    from graphbuild.nlp.model import resolve_model
    from graphbuild.progress import count_words

    documents = _documents(paths, limit)
    texts = [d.text for d in documents]
    words = sum(count_words(t) for t in texts)
    name = resolve_model(model)

    raw = spacy.load(name)
    list(raw.pipe(texts[:2]))  # warm-up
    t = time.perf_counter()
    for _ in raw.pipe(texts, batch_size=16):
        pass
    raw_s = time.perf_counter() - t

    load_pipeline(name)
    list(extract_documents(documents[:2], model=name))  # warm-up (lexicons, gazetteer)
    t = time.perf_counter()
    list(extract_documents(documents, model=name))
    extract_s = time.perf_counter() - t
    e2e_s, store_s = _end_to_end(documents, name, 1)
    out = {
        "documents": len(texts), "words": words, "model": name,
        "raw_nlp_pipe_words_per_s": round(words / raw_s),
        "extract_words_per_s": round(words / extract_s),
        "end_to_end_words_per_s": round(words / e2e_s),
        "store_and_link_s": round(store_s, 2),
        "ratio_end_to_end_over_raw": round(raw_s / e2e_s, 3),
        "ratio_extract_over_raw": round(raw_s / extract_s, 3),
    }
    if jobs > 1:
        # The same work with the NLP stage in ``jobs`` worker processes (``--jobs``), compared with raw
        # spaCy in one process (the ratio's definition) and with raw spaCy given as many processes.
        t = time.perf_counter()
        for _ in raw.pipe(texts, batch_size=16, n_process=jobs):
            pass
        raw_n_s = time.perf_counter() - t
        e2e_n_s, _ = _end_to_end(documents, name, jobs)
        out.update({
            "jobs": jobs,
            "raw_nlp_pipe_n_process_words_per_s": round(words / raw_n_s),
            "end_to_end_jobs_words_per_s": round(words / e2e_n_s),
            "ratio_end_to_end_jobs_over_raw": round(raw_s / e2e_n_s, 3),
            "ratio_end_to_end_jobs_over_raw_n_process": round(raw_n_s / e2e_n_s, 3),
        })
    return out


def measure_components(paths: list[str], limit: int | None, model: str | None) -> dict:
    """Where raw spaCy spends its time, and how much text could skip the parser.

    The suggested lever for the ratio is to parse only the sentences that can hold an attribution.
    This measures its ceiling: each stock component's share of the pipeline's time (run one after
    the other over the same Docs), and the share of tokens in sentences with no cue lemma (the
    lexicon's verbs and nouns), no "according to", no opinion noun, no quote mark and no colon: the
    only tokens a focused parser could skip.
    """
    import spacy

    from graphbuild.nlp import load_pipeline
    from graphbuild.nlp.attribution import _ADVERBIAL_NOUNS, _QUOTES
    from graphbuild.nlp.model import resolve_model
    from graphbuild.nlp.stance import load_lexicon

    texts = [d.text for d in _documents(paths, limit)]
    name = resolve_model(model)
    raw = spacy.load(name)
    list(raw.pipe(texts[:2]))
    docs = [raw.make_doc(t) for t in texts]
    seconds: dict[str, float] = {}
    for pipe_name, component in raw.pipeline:
        t = time.perf_counter()
        docs = list(component.pipe(docs, batch_size=16))
        seconds[pipe_name] = time.perf_counter() - t
    total = sum(seconds.values())
    lex = load_lexicon()
    tokens = candidate = 0
    for doc in load_pipeline(name).pipe(texts, batch_size=16):
        for sent in doc.sents:
            tokens += len(sent)
            if any((t.pos_ in ("VERB", "AUX") and t.lemma_.lower() in lex.verbs)
                   or (t.pos_ in ("NOUN", "PROPN") and t.lemma_.lower() in lex.nouns)
                   or t.lower_ == "according" or t.lemma_.lower() in _ADVERBIAL_NOUNS
                   or t.text in _QUOTES or t.text == ":" for t in sent):
                candidate += len(sent)
    parser_share = seconds.get("parser", 0.0) / total
    skippable = 1 - candidate / max(1, tokens)
    return {
        "component_share": {k: round(v / total, 3) for k, v in seconds.items()},
        "tokens_in_sentences_that_can_hold_an_attribution": round(candidate / max(1, tokens), 3),
        "ceiling_of_focused_parsing_saving": round(parser_share * skippable, 3),
    }


def _fill(store, start: int, stop: int) -> None:
    """Bulk-load synthetic documents ``start..stop`` (their graphs as ingest writes them, without links)."""
    from _synthetic_docs import make_extraction

    from graphbuild.graph.rdf import document_graph_oxigraph

    def quads():
        for i in range(start, stop):
            yield from document_graph_oxigraph(make_extraction(f"bulk-{i}", seed=i))

    store.store.bulk_extend(quads())
    store.store.optimize()


def measure_ingest(sizes: list[int], probe: int, max_linked: int = 100) -> list[dict]:
    from _synthetic_docs import make_extraction

    from graphbuild.store import EmbeddedStore, Ingestor

    results = []
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "store"
        have = 0
        for size in sizes:
            with EmbeddedStore(path) as store:
                t = time.perf_counter()
                _fill(store, have, size)
                fill_s = time.perf_counter() - t
            have = size
            with EmbeddedStore(path) as store:
                t = time.perf_counter()
                ingestor = Ingestor(store, max_linked=max_linked)
                registry_s = time.perf_counter() - t
                times, links = [], 0
                for k in range(probe):
                    ex = make_extraction(f"probe-{k}", seed=10_000_000 + k)
                    t = time.perf_counter()
                    outcome = ingestor.add(ex)
                    times.append(time.perf_counter() - t)
                    links += outcome.links
                for k in range(probe):
                    ingestor.remove(f"probe-{k}")
            results.append({
                "stored_documents": size, "max_linked": max_linked, "fill_s": round(fill_s, 1),
                "registry_load_s": round(registry_s, 3),
                "ingest_one_median_ms": round(1000 * statistics.median(times), 1),
                "ingest_one_p90_ms": round(1000 * sorted(times)[int(0.9 * (len(times) - 1))], 1),
                "links_per_probe": round(links / probe, 1),
            })
            print(json.dumps(results[-1]), file=sys.stderr, flush=True)
    return results


def measure_dask(paths: list[str], limit: int | None, workers: int, model: str | None) -> dict:
    from distributed import Client, LocalCluster

    from graphbuild.distributed import extract_chunk, extract_documents
    from graphbuild.nlp.model import resolve_model
    from graphbuild.progress import count_words

    documents = _documents(paths, limit)
    words = sum(count_words(d.text) for d in documents)
    name = resolve_model(model)
    list(extract_documents(documents[:2], model=name))  # local warm-up
    t = time.perf_counter()
    list(extract_documents(documents, model=name))
    local_s = time.perf_counter() - t

    t = time.perf_counter()
    with LocalCluster(n_workers=workers, threads_per_worker=1, processes=True, dashboard_address=None) as cluster, \
            Client(cluster) as client:
        client.run(lambda: __import__("graphbuild.nlp", fromlist=["load_pipeline"]).load_pipeline(name))
        startup_s = time.perf_counter() - t
        t = time.perf_counter()
        chunks = [documents[i:i + 4] for i in range(0, len(documents), 4)]
        for future in [client.submit(extract_chunk, c, name, "analyst", pure=False) for c in chunks]:
            future.result()
        dask_s = time.perf_counter() - t
    return {
        "documents": len(documents), "words": words, "workers": workers,
        "local_words_per_s": round(words / local_s), "dask_words_per_s": round(words / dask_s),
        "speedup": round(local_s / dask_s, 2), "cluster_startup_and_model_load_s": round(startup_s, 1),
    }


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--texts", nargs="+", default=[str(ROOT / "tests/data/corpus"), str(ROOT / "tests/data/seeds")])
    ap.add_argument("--limit", type=int, default=None, help="use at most N documents")
    ap.add_argument("--model", default=None)
    ap.add_argument("--sizes", default="1000,10000,50000", help="store sizes for the incremental ingest")
    ap.add_argument("--probe", type=int, default=20, help="documents ingested per store size")
    ap.add_argument("--max-linked", type=int, default=100,
                    help="ingest's --max-linked (a value every store size can fill isolates the store's own cost)")
    ap.add_argument("--dask", type=int, default=2, help="LocalCluster workers for the local vs Dask comparison")
    ap.add_argument("--jobs", type=int, default=2, help="worker processes for the --jobs end-to-end row (1: skip it)")
    ap.add_argument("--skip", nargs="*", default=[], choices=["ratio", "components", "ingest", "dask"])
    ap.add_argument("--json", dest="json_out", default=None)
    args = ap.parse_args(argv)

    out: dict = {}
    if "ratio" not in args.skip:
        out["ratio"] = measure_ratio(args.texts, args.limit, args.model, args.jobs)
        print(json.dumps(out["ratio"]), file=sys.stderr, flush=True)
    if "components" not in args.skip:
        out["components"] = measure_components(args.texts, args.limit, args.model)
        print(json.dumps(out["components"]), file=sys.stderr, flush=True)
    if "ingest" not in args.skip:
        out["ingest"] = measure_ingest([int(s) for s in args.sizes.split(",")], args.probe, args.max_linked)
    if "dask" not in args.skip:
        out["dask"] = measure_dask(args.texts, args.limit, args.dask, args.model)
        print(json.dumps(out["dask"]), file=sys.stderr, flush=True)
    text = json.dumps(out, indent=2)
    if args.json_out:
        Path(args.json_out).write_text(text + "\n", encoding="utf-8")
    print(text)
    return 0


if __name__ == "__main__":
    sys.exit(main())
