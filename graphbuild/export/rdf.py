"""Write the graph as graph.ttl, graph.nt, graph.jsonld, graph.trig and graph.graphml, atomically.

Two serialisers, one output. By default Turtle, TriG and N-Triples are written by pyoxigraph,
which is faster at every size (tens of times on a 2M-triple graph; BENCHMARKS.md, "SPARQL and
stores"); JSON-LD is written by rdflib, compacted with ``ontology/context.jsonld``, below
:data:`OXIGRAPH_THRESHOLD` quads, and by pyoxigraph in expanded form (which needs no context)
from there on. ``engine="rdflib"`` writes everything with rdflib. Either way:

- ``graph.trig`` and ``graph.jsonld`` keep one named graph per document;
- ``graph.ttl`` and ``graph.nt`` hold the union (a triple stated by two documents appears once);
- ``graph.nt`` lines are sorted, so two builds of the same inputs give byte-identical files;
- JSON-LD never references a remote context: the context is embedded.
"""

from __future__ import annotations

import json
import logging
from collections.abc import Iterable
from importlib import resources
from pathlib import Path
from typing import Any

from rdflib import Dataset, Literal, URIRef
from rdflib.term import Node

from graphbuild.atomic import write_bytes, write_text
from graphbuild.graph import kg as kg_module
from graphbuild.graph.rdf import Quad, bind_prefixes, iter_quads, to_oxigraph
from graphbuild.graph.vocab import PREFIXES
from graphbuild.ids import IRI_BASE
from graphbuild.records import Extraction, Relation

log = logging.getLogger("graphbuild")

__all__ = ["FILES", "OXIGRAPH_THRESHOLD", "jsonld_context", "write_rdf", "write_rdf_exports"]

#: From this many quads on (about 400 claims), files are serialised with pyoxigraph instead of rdflib:
#: rdflib took 52 s for the Turtle of 56k quads where pyoxigraph took 1.7 s (BENCHMARKS.md).
OXIGRAPH_THRESHOLD = 20_000

#: File name per format written by :func:`write_rdf_exports`.
FILES = {"turtle": "graph.ttl", "nt": "graph.nt", "jsonld": "graph.jsonld", "trig": "graph.trig",
         "graphml": "graph.graphml"}

_ALL_PREFIXES = {**PREFIXES, "gbid": IRI_BASE}


def jsonld_context() -> dict[str, Any]:
    """The compact JSON-LD context shipped with graphbuild (a copy of ``ontology/context.jsonld``)."""
    text = resources.files("graphbuild.graph").joinpath("data/context.jsonld").read_text(encoding="utf-8")
    return json.loads(text)["@context"]


def _ox_sorted_union(ox_quads: list) -> list:
    import pyoxigraph as ox

    triples = {ox.Triple(q.subject, q.predicate, q.object) for q in ox_quads}
    return sorted(triples, key=lambda t: (str(t.subject), str(t.predicate), str(t.object)))


def _write_oxigraph(outdir: Path, quads: list[Quad], formats: set[str]) -> dict[str, Path]:
    import pyoxigraph as ox

    ox_quads = sorted(to_oxigraph(quads), key=lambda q: (str(q.graph_name), str(q.subject), str(q.predicate),
                                                          str(q.object)))
    written: dict[str, Path] = {}
    if formats & {"turtle", "nt"}:
        union = _ox_sorted_union(ox_quads)
        if "turtle" in formats:
            written["turtle"] = outdir / FILES["turtle"]
            write_bytes(written["turtle"], ox.serialize(union, format=ox.RdfFormat.TURTLE, prefixes=_ALL_PREFIXES))
        if "nt" in formats:
            written["nt"] = outdir / FILES["nt"]
            write_bytes(written["nt"], ox.serialize(union, format=ox.RdfFormat.N_TRIPLES))
    if "trig" in formats:
        written["trig"] = outdir / FILES["trig"]
        write_bytes(written["trig"], ox.serialize(ox_quads, format=ox.RdfFormat.TRIG, prefixes=_ALL_PREFIXES))
    if "jsonld" in formats:
        written["jsonld"] = outdir / FILES["jsonld"]
        write_bytes(written["jsonld"], ox.serialize(ox_quads, format=ox.RdfFormat.JSON_LD))
    return written


# --- rdflib -----------------------------------------------------------------------------------------

def _sorted_jsonld(value: Any) -> Any:
    # rdflib emits node objects in hash order; sort them by @id so the file is the same every build.
    if isinstance(value, dict):
        return {k: _sorted_jsonld(v) for k, v in value.items()}
    if isinstance(value, list):
        items = [_sorted_jsonld(v) for v in value]
        if all(isinstance(v, dict) and "@id" in v for v in items):
            items.sort(key=lambda v: str(v["@id"]))
        elif all(isinstance(v, str) for v in items):
            items.sort()
        return items
    return value


_NT_ESCAPES = {ord("\\"): "\\\\", ord('"'): '\\"', ord("\n"): "\\n", ord("\r"): "\\r"}
_XSD_STRING = "http://www.w3.org/2001/XMLSchema#string"


def _nt_term(t: Node) -> str:
    # Term.n3() writes multi-line literals in Turtle's long-string form, which N-Triples forbids.
    if isinstance(t, Literal):
        body = '"' + str(t).translate(_NT_ESCAPES) + '"'
        if t.language:
            return f"{body}@{t.language}"
        if t.datatype is not None and str(t.datatype) != _XSD_STRING:
            return f"{body}^^<{t.datatype}>"
        return body
    return t.n3()


def _nt_lines(ds: Dataset) -> str:
    lines = {f"{_nt_term(s)} {_nt_term(p)} {_nt_term(o)} .\n" for s, p, o, _ in ds.quads((None, None, None, None))}
    return "".join(sorted(lines))


def _write_rdflib(outdir: Path, ds: Dataset, formats: set[str]) -> dict[str, Path]:
    from rdflib import Graph

    written: dict[str, Path] = {}
    if "turtle" in formats:
        union = Graph()
        for prefix, ns in _ALL_PREFIXES.items():
            union.bind(prefix, ns, replace=True)
        for s, p, o, _ in ds.quads((None, None, None, None)):
            union.add((s, p, o))
        written["turtle"] = outdir / FILES["turtle"]
        write_text(written["turtle"], union.serialize(format="turtle"))
    if "nt" in formats:
        written["nt"] = outdir / FILES["nt"]
        write_text(written["nt"], _nt_lines(ds))
    if "trig" in formats:
        written["trig"] = outdir / FILES["trig"]
        write_text(written["trig"], ds.serialize(format="trig"))
    if "jsonld" in formats:
        written["jsonld"] = outdir / FILES["jsonld"]
        doc = json.loads(ds.serialize(format="json-ld", context=jsonld_context(), auto_compact=True))
        write_text(written["jsonld"], json.dumps(_sorted_jsonld(doc), ensure_ascii=False, indent=1) + "\n")
    return written


def write_rdf(outdir: str | Path, quads: Iterable[Quad], *, formats: Iterable[str] = ("turtle", "nt", "jsonld", "trig"),
              engine: str = "auto") -> dict[str, Path]:
    """Serialise quads into ``outdir`` in the given RDF formats.

    Args:
        outdir: Output folder (created if missing).
        quads: ``(s, p, o, graph)`` rdflib terms, e.g. from :func:`graphbuild.graph.rdf.iter_quads`.
        formats: Any of ``turtle``, ``nt``, ``jsonld``, ``trig``.
        engine: ``rdflib``, ``oxigraph`` or ``auto`` (oxigraph from :data:`OXIGRAPH_THRESHOLD` quads on).

    Returns:
        Format name -> path written.
    """
    outdir = Path(outdir)
    quads = list(quads)
    formats = set(formats)
    unknown = formats - set(FILES)
    if unknown:
        raise ValueError(f"unknown RDF format(s): {', '.join(sorted(unknown))}")
    if engine == "auto":
        # pyoxigraph writes Turtle/TriG/N-Triples faster at every size (1.2 s vs 0.07 s for the TriG
        # of 5.6k quads); only JSON-LD compacted with our context needs rdflib, and only below the
        # threshold, where rdflib's cost is still small.
        compact = "jsonld" in formats and len(quads) < OXIGRAPH_THRESHOLD
        written = _write_oxigraph(outdir, quads, formats - {"jsonld"} if compact else formats)
        if compact:
            written.update(write_rdf(outdir, quads, formats={"jsonld"}, engine="rdflib"))
        return written
    log.debug("serialising %d quads with %s", len(quads), engine)
    if engine == "oxigraph":
        return _write_oxigraph(outdir, quads, formats)
    ds = bind_prefixes(Dataset())
    graphs: dict[URIRef, Any] = {}
    for s, p, o, g in quads:
        ctx = graphs.get(g)
        if ctx is None:
            ctx = graphs[g] = ds.graph(g)
        ctx.add((s, p, o))
    return _write_rdflib(outdir, ds, formats)


def write_rdf_exports(outdir: str | Path, extractions: Iterable[Extraction], relations: Iterable[Relation] = (),
                      *, engine: str = "auto") -> dict[str, Path]:
    """Write graph.ttl, graph.nt, graph.jsonld, graph.trig and graph.graphml for a build.

    Args:
        outdir: Output folder of ``graphbuild build``.
        extractions: One per document, from the NLP stage.
        relations: Claim-claim links from ``graphbuild.link.link_claims``.
        engine: See :func:`write_rdf`.

    Returns:
        Format name -> path written (``turtle``, ``nt``, ``jsonld``, ``trig``, ``graphml``).
    """
    extractions, relations = list(extractions), list(relations)
    written = write_rdf(outdir, iter_quads(extractions, relations), engine=engine)
    written["graphml"] = Path(outdir) / FILES["graphml"]
    kg_module.write_graphml(kg_module.to_networkx(extractions, relations), written["graphml"])
    return written

