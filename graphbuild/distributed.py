"""Run segmentation and the spaCy stage locally, in local worker processes, or on a Dask cluster.

``extract_documents`` takes Documents (already read, so their content hashes could decide what needs
work at all) and yields one Extraction or Diagnostic per document, in input order, whatever ran them:

- locally: one pipeline, loaded once;
- ``jobs=N``: N worker processes of this machine (standard library, no Dask), while the calling
  process stores and links what comes back: the NLP of the next documents overlaps with that;
- ``dask="local:N"``: a ``LocalCluster`` of N single-threaded worker processes started for the run;
- ``dask="tcp://host:8786"``: an existing cluster (see docs/distributed.md).

Workers get chunks of whole documents, never single sentences (spaCy's advice for multiprocessing:
amortise the per-call overhead), and each worker process loads the model once: ``load_pipeline``
caches it per process, so the first chunk on a worker pays for loading and later ones reuse it.
Documents are read on the client and shipped as text, so workers need the model but not the files.
At most ``2 x workers`` chunks are in flight, which keeps memory flat on large corpora.
"""

from __future__ import annotations

import logging
import re
from collections import deque
from collections.abc import Callable, Iterable, Iterator
from itertools import islice

from graphbuild.errors import GraphbuildError
from graphbuild.records import Diagnostic, Document, Extraction

log = logging.getLogger("graphbuild")

_LOCAL = re.compile(r"local(?::(\d+))?")


def extract_one(document: Document, nlp, *, analyst_label: str = "analyst") -> Extraction | Diagnostic:
    """Segment and extract one document; an error becomes a Diagnostic naming the document."""
    from graphbuild.ingest.segment import segment_document
    from graphbuild.nlp import extract_claims

    try:
        return extract_claims(segment_document(document), nlp, analyst_label=analyst_label)
    except GraphbuildError:
        raise
    except Exception as exc:
        log.debug("extraction failed for %s", document.id, exc_info=True)
        return Diagnostic(document.id, "E210", f"extraction failed: {type(exc).__name__}: {exc}")


def extract_batch(documents: list[Document], nlp, *, analyst_label: str = "analyst") -> list[Extraction | Diagnostic]:
    """Segment and extract several documents, their passages sharing spaCy's batches.

    If anything in the batch fails, the documents are redone one at a time, so the failure is one
    Diagnostic naming its document and the others still come out.
    """
    from graphbuild.ingest.segment import segment_document
    from graphbuild.nlp import extract_many

    try:
        return list(extract_many([segment_document(d) for d in documents], nlp, analyst_label=analyst_label))
    except GraphbuildError:
        raise
    except Exception:
        log.debug("batch of %d documents failed; extracting them one by one", len(documents), exc_info=True)
        return [extract_one(d, nlp, analyst_label=analyst_label) for d in documents]


def extract_chunk(documents: list[Document], model: str | None, analyst_label: str) -> list[Extraction | Diagnostic]:
    """Worker task: extract a chunk of documents with this process's cached pipeline."""
    from graphbuild.nlp import load_pipeline

    nlp = load_pipeline(model)  # cached per process: loaded once per worker
    return extract_batch(documents, nlp, analyst_label=analyst_label)


def _chunks(items: Iterable[Document], size: int) -> Iterator[list[Document]]:
    it = iter(items)
    while chunk := list(islice(it, size)):
        yield chunk


def parse_dask(value: str) -> tuple[str | None, int]:
    """``local:N`` -> (None, N); anything else is a scheduler address -> (address, 0)."""
    m = _LOCAL.fullmatch(value.strip())
    if m:
        n = int(m[1] or 2)
        if n < 1:
            raise GraphbuildError("--dask local:N needs N >= 1")
        return None, n
    return value.strip(), 0


def extract_documents(
    documents: Iterable[Document],
    *,
    model: str | None = None,
    analyst_label: str = "analyst",
    dask: str | None = None,
    jobs: int = 1,
    chunk_size: int = 4,
    nlp=None,
) -> Iterator[Extraction | Diagnostic]:
    """Extract every document, in input order: here, in ``jobs`` local processes, or on ``dask``.

    ``nlp``: an already loaded pipeline to run here (instead of loading ``model``).
    """
    if jobs < 1:
        raise GraphbuildError(f"jobs must be at least 1, not {jobs}")
    if dask is None and jobs > 1:
        yield from _extract_pool(documents, model=model, analyst_label=analyst_label, jobs=jobs,
                                 chunk_size=chunk_size)
        return
    if dask is None:
        from graphbuild.nlp import load_pipeline

        for chunk in _chunks(documents, chunk_size):
            if nlp is None:
                nlp = load_pipeline(model)  # loaded only if something needs work
            yield from extract_batch(chunk, nlp, analyst_label=analyst_label)
        return
    yield from _extract_dask(documents, model=model, analyst_label=analyst_label, dask=dask, chunk_size=chunk_size)


def _extract_dask(documents: Iterable[Document], *, model: str | None, analyst_label: str, dask: str,
                  chunk_size: int) -> Iterator[Extraction | Diagnostic]:
    try:
        from distributed import Client, LocalCluster
    except ImportError as exc:
        raise GraphbuildError("--dask needs Dask distributed: pip install 'graphbuild[dask]'") from exc
    from graphbuild.nlp.model import resolve_model

    address, n_workers = parse_dask(dask)
    model = resolve_model(model)  # the client resolves it once so every worker loads the same one
    cluster = None
    try:
        if address is None:
            # Processes, one thread each: spaCy holds the GIL, so threads would not run in parallel.
            cluster = LocalCluster(n_workers=n_workers, threads_per_worker=1, processes=True,
                                   dashboard_address=None, silence_logs=logging.ERROR)
            client = Client(cluster)
        else:
            client = Client(address, timeout="30s")
    except (OSError, TimeoutError) as exc:
        if cluster is not None:
            cluster.close()
        raise GraphbuildError(f"cannot reach the Dask scheduler {dask}: {exc}") from exc
    try:
        workers = max(1, len(client.scheduler_info().get("workers", {})) or n_workers or 1)
        yield from _in_order(lambda chunk: client.submit(extract_chunk, chunk, model, analyst_label, pure=False),
                             _chunks(documents, chunk_size), workers)
    finally:
        client.close()
        if cluster is not None:
            cluster.close()


def _in_order(submit: Callable[[list[Document]], object], chunks: Iterable[list[Document]],
              workers: int) -> Iterator[Extraction | Diagnostic]:
    """Submit chunks, keep at most ``2 x workers`` in flight, and yield their results in input order."""
    in_flight: deque = deque()
    for chunk in chunks:
        in_flight.append(submit(chunk))
        if len(in_flight) >= 2 * workers:
            yield from in_flight.popleft().result()
    while in_flight:
        yield from in_flight.popleft().result()


def _load_worker_pipeline(model: str) -> None:
    from graphbuild.nlp import load_pipeline

    load_pipeline(model)


def _extract_pool(documents: Iterable[Document], *, model: str | None, analyst_label: str, jobs: int,
                  chunk_size: int) -> Iterator[Extraction | Diagnostic]:
    import multiprocessing
    from concurrent.futures import ProcessPoolExecutor
    from concurrent.futures.process import BrokenProcessPool

    from graphbuild.nlp.model import resolve_model

    model = resolve_model(model)  # resolved once, so every worker loads the same pipeline
    # "spawn", not fork: the calling process may hold an open store whose database threads and
    # locks a forked child would inherit half-copied.
    context = multiprocessing.get_context("spawn")
    try:
        with ProcessPoolExecutor(max_workers=jobs, mp_context=context, initializer=_load_worker_pipeline,
                                 initargs=(model,)) as pool:
            yield from _in_order(lambda chunk: pool.submit(extract_chunk, chunk, model, analyst_label),
                                 _chunks(documents, chunk_size), jobs)
    except BrokenProcessPool as exc:
        raise GraphbuildError(f"an NLP worker process died (out of memory?): {exc}") from exc
