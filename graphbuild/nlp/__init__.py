"""NLP stage: spaCy components that find actors, sources and attributed claims.

Public API: :func:`load_pipeline` (the trained English pipeline with graphbuild's components,
loaded once) and :func:`extract_claims` (a segmented document -> an :class:`~graphbuild.records.Extraction`).
Importing this package loads no model.
"""

from __future__ import annotations

from graphbuild.nlp.extract import extract_claims
from graphbuild.nlp.model import load_pipeline

__all__ = ["extract_claims", "load_pipeline"]
