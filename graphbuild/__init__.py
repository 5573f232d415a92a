"""graphbuild: turn intelligence reporting into a who-said-what knowledge graph.

The public Python API is small (pinned by ``tests/test_api.py``)::

    import graphbuild

    kg = graphbuild.build(["examples/"])
    kg.claims, kg.sources, kg.actors, kg.relations
    kg.query("who-said-what"); kg.contradictions(); kg.to_html("graph.html")

Everything else is reached through its stage module (``graphbuild.nlp``, ``graphbuild.graph.kg``,
``graphbuild.query``, ...). Importing this package does no I/O and loads no model: the names below
are resolved on first use.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from graphbuild.api import Contradiction, KnowledgeGraph, build

__all__ = ["Contradiction", "KnowledgeGraph", "__version__", "build"]

_API = frozenset({"Contradiction", "KnowledgeGraph", "build"})


def __getattr__(name: str) -> Any:
    # PEP 562: the API module (and through it spaCy, rdflib, networkx) loads only when asked for.
    if name in _API:
        from graphbuild import api

        return getattr(api, name)
    if name == "__version__":
        from importlib.metadata import version

        return version("graphbuild")
    raise AttributeError(f"module 'graphbuild' has no attribute {name!r}")


def __dir__() -> list[str]:
    return sorted(set(globals()) | set(__all__))
