"""relations.jsonl: one claim-claim link per line, written atomically.

Line shape (read back by :func:`graphbuild.export.outdir.relation_from_json`)::

    {"id": "r…", "type": "contradicts", "from": "c…", "to": "c…", "score": 0.62,
     "evidence": [{"signal": "content:frame", "note": "…",
                   "spans": [{"text": "…", "start": 10, "end": 21, "document": "…"}]}]}

Each evidence span names the document it quotes: a link between claims of two documents carries
spans of both.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import Any

from graphbuild import ids
from graphbuild.atomic import atomic_write
from graphbuild.records import Extraction, Relation, Span


def _span_document(span: Span, candidates: Iterable[str], texts: Mapping[str, str]) -> str | None:
    for doc in candidates:
        text = texts.get(doc)
        if text is not None and text[span.start:span.end] == span.text:
            return doc
    return None


def relation_to_json(relation: Relation, *, claim_documents: Mapping[str, str] | None = None,
                     texts: Mapping[str, str] | None = None) -> dict[str, Any]:
    """One relations.jsonl line. With ``claim_documents`` (claim id -> document id) and ``texts``
    (document id -> text), every evidence span is given the document it quotes."""
    docs = [d for d in ((claim_documents or {}).get(relation.source_claim),
                        (claim_documents or {}).get(relation.target_claim)) if d]
    docs = list(dict.fromkeys(docs))
    evidence = []
    for ev in relation.evidence:
        spans = []
        for span in ev.spans:
            out = span.to_json()
            out["document"] = _span_document(span, docs, texts or {}) if texts else (docs[0] if docs else None)
            spans.append(out)
        evidence.append({"signal": ev.signal, "note": ev.note, "spans": spans})
    return {
        "id": ids.relation_id(relation.type.value, relation.source_claim, relation.target_claim),
        "type": relation.type.value,
        "from": relation.source_claim,
        "to": relation.target_claim,
        "score": round(float(relation.score), 4),
        "evidence": evidence,
    }


def write_relations_jsonl(path: str | Path, relations: Iterable[Relation],
                          extractions: Iterable[Extraction] = ()) -> int:
    """Write ``relations`` to ``path`` (atomically); ``extractions`` let spans name their document.

    Returns:
        The number of lines written.
    """
    claim_documents: dict[str, str] = {}
    texts: dict[str, str] = {}
    for ex in extractions:
        texts[ex.document.id] = ex.document.text
        for claim in ex.claims:
            claim_documents[claim.id] = claim.document
    n = 0
    with atomic_write(path) as f:
        for relation in relations:
            line = relation_to_json(relation, claim_documents=claim_documents, texts=texts or None)
            f.write(json.dumps(line, ensure_ascii=False) + "\n")
            n += 1
    return n
