"""NLP stage: spaCy components that find actors, sources and attributed claims.

Public API: :func:`load_pipeline` (the trained English pipeline with graphbuild's components,
loaded once) and :func:`extract_claims` (a segmented document -> an :class:`~graphbuild.records.Extraction`;
:func:`extract_many` for several sharing spaCy's batches).
Importing this package loads no model.
"""

from __future__ import annotations

from graphbuild.nlp.extract import extract_claims, extract_many
from graphbuild.nlp.model import load_pipeline

__all__ = ["extract_claims", "extract_many", "load_pipeline"]
