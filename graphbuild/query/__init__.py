"""SPARQL over graphbuild's graph: packaged presets (``presets/*.rq``), a sandboxed runner, targets.

    engine = open_target("out/")                       # output folder, RDF file or store folder
    result = run_query(engine, load_preset("claims-about"), {"actor": "USSR"})
    print(format_result(result, "table"))
"""

from __future__ import annotations

from graphbuild.query.runner import (
    DEFAULT_TIMEOUT,
    Preset,
    QueryResult,
    check_query,
    format_result,
    list_presets,
    load_preset,
    run_query,
)
from graphbuild.query.targets import Engine, open_store, open_target

__all__ = [
    "DEFAULT_TIMEOUT", "Engine", "Preset", "QueryResult", "check_query", "format_result", "list_presets",
    "load_preset", "open_store", "open_target", "run_query",
]
