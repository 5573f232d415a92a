"""Run SPARQL presets and user queries safely.

- Presets are ``.rq`` files in ``graphbuild/query/presets/`` (data, not code: copy one and edit it).
  A preset declares its parameters in comment lines ``# param NAME: description``.
- Parameters are bound as RDF terms — rdflib ``initBindings``, Oxigraph ``substitutions`` — and never
  pasted into the query text, so a value full of quotes, braces, ``DROP`` or ``\\u0022`` is only ever
  a string to compare against. A bound variable must be in the SELECT clause (Oxigraph requires it;
  both engines enforce it so a query behaves the same on either).
- The prefixes ``gb prov dcterms oa skos rdfs xsd`` are predeclared for user queries.
- Every query is parsed and checked before it runs: only SELECT, ASK, CONSTRUCT and DESCRIBE (no
  updates); ``SERVICE`` is refused; ``FROM`` / ``FROM NAMED`` may only name graphs already in the
  target (rdflib would otherwise fetch the IRI — a file or a URL); evaluation has a timeout.
"""

from __future__ import annotations

import csv
import ctypes
import functools
import io
import json
import logging
import re
import threading
from collections.abc import Mapping
from dataclasses import dataclass, field
from decimal import Decimal
from importlib import resources
from typing import Any

from rdflib import BNode, Literal, URIRef
from rdflib.plugins.sparql.parserutils import CompValue
from rdflib.term import Node

from graphbuild.errors import QueryError
from graphbuild.query.targets import Engine, Solutions

log = logging.getLogger("graphbuild")

__all__ = ["DEFAULT_TIMEOUT", "Preset", "QueryResult", "check_query", "format_result", "list_presets",
           "load_preset", "run_query"]

#: Seconds a query may run before it is abandoned.
DEFAULT_TIMEOUT = 30.0

_PARAM_LINE = re.compile(r"^#\s*param\s+([A-Za-z_][A-Za-z0-9_]*)\s*(\(casefold\))?\s*:\s*(.*)$")
_VAR_NAME = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")
_PRESET_NAME = re.compile(r"[a-z0-9][a-z0-9-]*")
# C0/C1 controls (ESC starts terminal escape sequences) shown as \xNN in table and CSV output.
_CONTROL = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f]")


@dataclass(frozen=True, slots=True)
class Preset:
    """A packaged query: name, one-line description, parameter names -> descriptions, text.

    ``casefold`` names the parameters whose values are case-folded before binding (declared as
    ``# param NAME (casefold): ...``); the query then matches them against case-folded data such as
    ``skos:hiddenLabel`` with an index lookup.
    """

    name: str
    description: str
    params: Mapping[str, str]
    text: str
    casefold: frozenset[str] = frozenset()


@dataclass(frozen=True, slots=True)
class QueryResult:
    """Columns and rows of plain Python values: str (IRIs and strings), int, float, bool or None.

    ``more``: the query has rows beyond those returned (``run_query(..., limit=N)`` was given).
    """

    columns: tuple[str, ...]
    rows: list[tuple[Any, ...]] = field(default_factory=list)
    engine: str = ""
    more: bool = False


# --- presets -----------------------------------------------------------------------------------------

def _parse_preset(name: str, text: str) -> Preset:
    params: dict[str, str] = {}
    casefold: set[str] = set()
    description: list[str] = []
    done = False  # the description is the comment lines before the first "#" or "# param" line
    for line in text.splitlines():
        if not line.startswith("#"):
            break
        m = _PARAM_LINE.match(line)
        if m:
            params[m.group(1)] = m.group(3).strip()
            if m.group(2):
                casefold.add(m.group(1))
            done = True
        elif line.strip() == "#":
            done = True
        elif not done:
            description.append(line.lstrip("#").strip())
    first = " ".join(description)
    return Preset(name, first.strip(), params, text, frozenset(casefold))


def list_presets() -> dict[str, Preset]:
    """Every packaged preset, by name."""
    folder = resources.files("graphbuild.query").joinpath("presets")
    out = {}
    for entry in sorted(folder.iterdir(), key=lambda e: e.name):
        if entry.name.endswith(".rq"):
            name = entry.name[:-3]
            out[name] = _parse_preset(name, entry.read_text(encoding="utf-8"))
    return out


def load_preset(name: str) -> Preset:
    """One packaged preset by name (``who-said-what``, ``claims-about``, ...)."""
    presets = list_presets() if _PRESET_NAME.fullmatch(name) else {}
    if name not in presets:
        known = ", ".join(list_presets())
        raise QueryError(f"no preset named {name!r} (presets: {known})")
    return presets[name]


# --- checking ----------------------------------------------------------------------------------------

def _walk(node: Any):
    yield node
    if isinstance(node, dict):  # CompValue is an OrderedDict
        for value in node.values():
            yield from _walk(value)
    elif isinstance(node, (list, tuple)):
        for value in node:
            yield from _walk(value)


@functools.lru_cache(maxsize=64)
def _prepare(text: str) -> Any:
    from rdflib.plugins.sparql import prepareQuery

    from graphbuild.graph.vocab import PREFIXES

    return prepareQuery(text, initNs=PREFIXES)


def check_query(text: str, *, graphs: set[str], params: Mapping[str, Any] | None = None) -> tuple[str, bool]:
    """Parse and vet a query; return its kind (SELECT, ASK, CONSTRUCT, DESCRIBE) and whether it
    names its own dataset (FROM / FROM NAMED).

    Raises:
        QueryError: not a query (updates included), uses SERVICE, names a graph the target does not
            hold in FROM / FROM NAMED, or binds a parameter that is not selected.
    """
    from pyparsing import ParseException

    try:
        query = _prepare(text)
    except ParseException as exc:
        if re.search(r"\b(INSERT|DELETE|LOAD|CLEAR|DROP|CREATE|ADD|MOVE|COPY)\b", text, re.IGNORECASE):
            raise QueryError("only queries run here (SELECT, ASK, CONSTRUCT, DESCRIBE); updates are refused") from exc
        raise QueryError(f"not a valid SPARQL query: {exc.msg} (line {exc.lineno}, column {exc.col})") from exc
    except Exception as exc:  # rdflib's algebra translation raises plain exceptions for bad queries
        raise QueryError(f"not a valid SPARQL query: {exc}") from exc
    algebra = query.algebra
    for node in _walk(algebra):
        if isinstance(node, CompValue) and node.name == "ServiceGraphPattern":
            raise QueryError("SERVICE is refused: graphbuild queries never call other endpoints")
    for clause in algebra.get("datasetClause") or ():
        iri = clause.get("default") or clause.get("named")
        if str(iri) not in graphs:
            raise QueryError(f"FROM <{iri}> names no graph of this target; graphbuild never loads files "
                             "or URLs into a query")
    kind = {"SelectQuery": "SELECT", "AskQuery": "ASK", "ConstructQuery": "CONSTRUCT",
            "DescribeQuery": "DESCRIBE"}.get(algebra.name)
    if kind is None:
        raise QueryError(f"unsupported query form {algebra.name}")
    if params:
        if kind != "SELECT":
            raise QueryError("parameters can only be bound in SELECT queries")
        selected = {str(v) for v in algebra.get("PV") or ()}
        missing = [p for p in params if p not in selected]
        if missing:
            raise QueryError(f"parameter(s) {', '.join('?' + m for m in missing)} must appear in the SELECT clause")
    return kind, bool(algebra.get("datasetClause"))


# --- running -----------------------------------------------------------------------------------------

class _Timeout(Exception):
    pass


def _python(term: Node | None) -> Any:
    if term is None:
        return None
    if isinstance(term, Literal):
        value = term.toPython()
        if isinstance(value, bool | int | float | str):
            return value
        if isinstance(value, Decimal):
            return float(value)
        return str(term)
    if isinstance(term, BNode):
        return "_:" + str(term)
    return str(term)


def _bindings(params: Mapping[str, str | Node]) -> dict[str, Node]:
    out: dict[str, Node] = {}
    for name, value in params.items():
        if not _VAR_NAME.fullmatch(name):
            raise QueryError(f"parameter name {name!r} is not a SPARQL variable name")
        # Values become RDF terms here and travel as terms; they are never part of the query text.
        out[name] = value if isinstance(value, URIRef | Literal) else Literal(str(value))
    return out


def _run_with_timeout(engine: Engine, text: Any, bindings: dict[str, Node], kind: str, union: bool,
                      timeout: float, limit: int | None = None) -> Solutions:
    box: dict[str, Any] = {}

    def work() -> None:
        try:
            box["result"] = engine.run(text, bindings, kind, union=union, limit=limit)
        except BaseException as exc:  # noqa: BLE001 - re-raised in the caller's thread below
            box["error"] = exc

    worker = threading.Thread(target=work, name="graphbuild-query", daemon=True)
    worker.start()
    worker.join(timeout)
    if worker.is_alive():
        # rdflib evaluates in Python: an asynchronous exception stops it at the next bytecode. Oxigraph
        # runs in Rust; its thread is left to finish in the background and its answer dropped.
        ctypes.pythonapi.PyThreadState_SetAsyncExc(ctypes.c_ulong(worker.ident), ctypes.py_object(_Timeout))
        worker.join(1.0)
        raise QueryError(f"query timed out after {timeout:g} s")
    error = box.get("error")
    if isinstance(error, QueryError):
        raise error
    if error is not None:
        raise QueryError(f"query failed: {type(error).__name__}: {error}") from error
    return box["result"]


def run_query(engine: Engine, query: str | Preset, params: Mapping[str, str | Node] | None = None, *,
              timeout: float = DEFAULT_TIMEOUT, limit: int | None = None, offset: int = 0) -> QueryResult:
    """Check and run a SPARQL query (or a preset) on an engine from :func:`open_target`.

    Args:
        engine: What to query (``graphbuild.query.open_target(path)``).
        query: SPARQL text or a :class:`Preset`.
        params: Variable name -> value; strings are bound as ``xsd:string`` literals.
        timeout: Seconds before the query is abandoned with a QueryError.
        limit: Return at most this many rows (None: all), after skipping ``offset`` rows, and set
            ``QueryResult.more`` when rows are left. A page of a long listing: the engine still
            evaluates (and orders) every row, but only the page becomes Python values. The query
            text is never edited for this.
        offset: Rows to skip first.

    Returns:
        The result as plain Python values.

    Raises:
        QueryError: refused (see :func:`check_query`), a preset parameter is missing or unknown,
            malformed, failed or timed out.
    """
    params = dict(params or {})
    if isinstance(query, Preset):
        unknown = sorted(set(params) - set(query.params))
        missing = sorted(set(query.params) - set(params))
        if unknown:
            raise QueryError(f"preset {query.name} takes no parameter {', '.join(unknown)}"
                             + (f" (it takes: {', '.join(query.params)})" if query.params else ""))
        if missing:
            raise QueryError(f"preset {query.name} needs --param " + ", ".join(f"{m}=..." for m in missing))
        text = query.text
        params = {k: v.casefold() if k in query.casefold and isinstance(v, str) else v for k, v in params.items()}
    else:
        text = query
    if (limit is not None and limit < 0) or offset < 0:
        raise QueryError("limit and offset must not be negative")
    bindings = _bindings(params)
    if isinstance(query, Preset) and engine.name == "oxigraph":
        # Packaged presets are trusted SELECTs; skip the rdflib parse (0.1-0.2 s) Oxigraph does not need.
        kind, own_dataset = "SELECT", False
    else:
        kind, own_dataset = check_query(text, graphs=engine.graph_names(), params=bindings)
        if engine.name == "rdflib":
            text = _prepare(text)  # the checked parse, reused: rdflib need not parse it twice
    # One row past the page says whether more are left.
    fetch = None if limit is None else offset + limit + 1
    solutions = _run_with_timeout(engine, text, bindings, kind, not own_dataset, timeout, fetch)
    page = solutions.rows[offset:] if limit is None else solutions.rows[offset:offset + limit]
    more = limit is not None and len(solutions.rows) > offset + limit
    rows = list(page) if solutions.plain else [tuple(_python(t) for t in row) for row in page]
    return QueryResult(solutions.columns, rows, engine.name, more)


# --- output ------------------------------------------------------------------------------------------

def _cell(value: Any) -> str:
    if value is None:
        return ""
    text = str(value).lower() if isinstance(value, bool) else str(value)
    return _CONTROL.sub(lambda m: f"\\x{ord(m.group()):02x}", text)


def format_result(result: QueryResult, fmt: str = "table", *, width: int = 60) -> str:
    """Render a result as ``table`` (aligned, cells cut at ``width``), ``csv`` or ``json``."""
    if fmt == "json":
        return json.dumps([dict(zip(result.columns, row, strict=True)) for row in result.rows],
                          ensure_ascii=False, indent=1) + "\n"
    if fmt == "csv":
        out = io.StringIO()
        writer = csv.writer(out, lineterminator="\n")
        writer.writerow(result.columns)
        writer.writerows([_cell(v) for v in row] for row in result.rows)
        return out.getvalue()
    if fmt != "table":
        raise QueryError(f"unknown output format {fmt!r} (table, csv, json)")

    def cut(value: Any) -> str:
        text = " ".join(_cell(value).split())
        return text if len(text) <= width else text[: width - 1] + "…"

    cells = [[cut(v) for v in row] for row in result.rows]
    widths = [max([len(c)] + [len(r[i]) for r in cells]) for i, c in enumerate(result.columns)]
    lines = ["  ".join(c.ljust(w) for c, w in zip(result.columns, widths, strict=True)).rstrip(),
             "  ".join("-" * w for w in widths)]
    lines += ["  ".join(c.ljust(w) for c, w in zip(row, widths, strict=True)).rstrip() for row in cells]
    shown = f"{len(result.rows)} row{'s' if len(result.rows) != 1 else ''}"
    lines.append(f"({shown}; more rows follow)" if result.more else f"({shown})")
    return "\n".join(lines) + "\n"

