"""Wiring only: read -> segment -> nlp -> link -> export. No logic of its own lives here."""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

from graphbuild.ingest.read import DEFAULT_MAX_BYTES, DEFAULT_MAX_CHARS, read_inputs
from graphbuild.records import Diagnostic, Extraction, Relation

log = logging.getLogger("graphbuild")


def iter_extractions(
    inputs: Iterable[str | Path],
    *,
    nlp=None,
    model: str | None = None,
    analyst_label: str = "analyst",
    max_bytes: int = DEFAULT_MAX_BYTES,
    max_chars: int = DEFAULT_MAX_CHARS,
    skip_dirs: Iterable[str | Path] = (),
    jobs: int = 1,
) -> Iterator[Extraction | Diagnostic]:
    """Read, segment and extract claims from every input; failures come out as Diagnostics.

    A document that breaks the segmenter or the NLP stage becomes a Diagnostic naming it (fail per
    document, not per run); the other inputs are still processed. With ``jobs > 1`` (and no ``nlp``
    given) the NLP stage runs in that many worker processes; the order of the results is the same.
    """
    from graphbuild.distributed import extract_documents

    entries = read_inputs(inputs, max_bytes=max_bytes, max_chars=max_chars, skip_dirs=skip_dirs)
    # Reading runs a few documents ahead of the NLP stage (batches, workers): its failures come out as
    # soon as the next result is due.
    pending: list[Diagnostic] = []

    def documents():
        for entry in entries:
            if isinstance(entry, Diagnostic):
                pending.append(entry)
            else:
                yield entry

    results = extract_documents(documents(), nlp=nlp, model=model, analyst_label=analyst_label,
                                jobs=jobs if nlp is None else 1)
    for result in results:
        yield from pending
        pending.clear()
        yield result
    yield from pending


@dataclass
class BuildResult:
    """What ``build`` produced: the records, the links, the problems and the files written."""

    extractions: list[Extraction] = field(default_factory=list)
    relations: list[Relation] = field(default_factory=list)
    failures: list[Diagnostic] = field(default_factory=list)
    files: dict[str, Path] = field(default_factory=dict)


def extract_all(
    inputs: Iterable[str | Path],
    *,
    model: str | None = None,
    analyst_label: str = "analyst",
    max_bytes: int = DEFAULT_MAX_BYTES,
    max_chars: int = DEFAULT_MAX_CHARS,
    skip_dirs: Iterable[str | Path] = (),
    on_document: Callable[[Extraction | Diagnostic], None] | None = None,
    jobs: int = 1,
) -> BuildResult:
    """Run the NLP stage over all inputs and link the claims; writes nothing."""
    from graphbuild.link import link_claims

    result = BuildResult()
    for entry in iter_extractions(inputs, model=model, analyst_label=analyst_label, max_bytes=max_bytes,
                                  max_chars=max_chars, skip_dirs=skip_dirs, jobs=jobs):
        if isinstance(entry, Diagnostic):
            result.failures.append(entry)
        else:
            result.extractions.append(entry)
        if on_document is not None:
            on_document(entry)
    result.relations = link_claims(result.extractions)
    return result


def write_outputs(outdir: str | Path, result: BuildResult, *, html: bool = True) -> dict[str, Path]:
    """Write every export of a build into ``outdir``, each file atomically."""
    from graphbuild.export.html import write_html
    from graphbuild.export.jsonl import write_actors_jsonl, write_claims_jsonl
    from graphbuild.export.rdf import FILES, write_rdf
    from graphbuild.export.relations import write_relations_jsonl
    from graphbuild.export.texts import write_texts
    from graphbuild.graph.kg import to_networkx, write_graphml
    from graphbuild.graph.rdf import iter_quads
    from graphbuild.link.assess import rate_claims

    outdir = Path(outdir)
    ex, rel = result.extractions, result.relations
    files = {
        "claims": outdir / "claims.jsonl",
        "actors": outdir / "actors.jsonl",
        "relations": outdir / "relations.jsonl",
    }
    ratings = rate_claims((c for e in ex for c in e.claims), rel)
    write_claims_jsonl(files["claims"], ex, {cid: r.rating for cid, r in ratings.items()})
    write_actors_jsonl(files["actors"], ex)
    write_relations_jsonl(files["relations"], rel, ex)
    write_texts(outdir, ex)
    files.update(write_rdf(outdir, iter_quads(ex, rel)))
    kg = to_networkx(ex, rel)
    files["graphml"] = outdir / FILES["graphml"]
    write_graphml(kg, files["graphml"])
    if html:
        files["html"] = write_html(kg, outdir / "graph.html")
    result.files = files
    return files
