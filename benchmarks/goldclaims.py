"""Turn reference annotations (``*.gold.json``) into graphbuild records.

Used to develop and score linking independently of the NLP stage: every gold claim becomes a
:class:`~graphbuild.records.Claim` whose spans are found in the document by ``str.find`` (the
annotation guide requires exact substrings), with sources and ``about`` labels mapped to actor ids
the way the NLP stage mints them.

    from benchmarks.goldclaims import load_gold
    gold = load_gold("tests/data/gold/000_59ef3454e874c2d8.gold.json", "tests/data")
    gold.extraction.claims, gold.relations
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from graphbuild import ids
from graphbuild.records import (
    Actor,
    ActorKind,
    Claim,
    Commitment,
    Document,
    DocumentMeta,
    Extraction,
    Polarity,
    Segmentation,
    Source,
    SourceKind,
    Span,
)

#: Source kinds whose id is the kind itself, whatever the label says.
_FIXED_SOURCES = {"analyst": "analyst", "redacted": "redacted", "unspecified": "unspecified"}


@dataclass(frozen=True, slots=True)
class GoldRelation:
    type: str
    a: str  # claim id (the gold "a" key mapped)
    b: str
    why: str


@dataclass(frozen=True, slots=True)
class GoldDocument:
    path: Path
    extraction: Extraction
    keys: dict[str, str]  # gold key -> claim id
    relations: tuple[GoldRelation, ...]


def _find_before(text: str, needle: str | None, before: int, *, window: int = 600) -> Span | None:
    if not needle:
        return None
    at = text.rfind(needle, max(0, before - window), before)
    if at < 0:
        at = text.find(needle)
    return None if at < 0 else Span.of(text, at, at + len(needle))


def _mentions(text: str, names: list[str]) -> tuple[Span, ...]:
    # Gold files list aliases, not mentions: every whole-word occurrence of a name counts.
    pattern = "|".join(re.escape(n) for n in sorted(set(names), key=len, reverse=True) if n.strip())
    if not pattern:
        return ()
    return tuple(Span.of(text, m.start(), m.end()) for m in re.finditer(rf"(?<!\w)(?:{pattern})(?!\w)", text))


def load_gold(path: str | Path, root: str | Path) -> GoldDocument:
    """Read one gold file; ``root`` is the folder its ``document`` path is relative to."""
    path = Path(path)
    g = json.loads(path.read_text(encoding="utf-8"))
    doc_path = Path(root) / g["document"]
    text = doc_path.read_text(encoding="utf-8")
    sha = ids.content_hash(text)
    document = Document(id=str(g["document"]), text=text, sha256=sha, path=str(doc_path))
    meta = DocumentMeta(classification=(g.get("metadata") or {}).get("classification"),
                        date=(g.get("metadata") or {}).get("date"))
    claims: list[Claim] = []
    keys: dict[str, str] = {}
    for c in g.get("claims", []):
        at = text.find(c["content"])
        if at < 0:
            continue
        content = Span.of(text, at, at + len(c["content"]))
        mention = _find_before(text, c.get("source_mention") or c["source"], at)
        kind = SourceKind(c["source_kind"])
        source_id = _FIXED_SOURCES.get(kind.value) or ids.actor_id(c["source"])
        cue = _find_before(text, c.get("cue"), at)
        claim = Claim(
            id=ids.claim_id(sha, content.start, content.end, mention.start if mention else None),
            document=document.id, item=c.get("item"), in_comment=bool(c.get("in_comment")), content=content,
            source=Source(source_id, c["source"], kind, mention), cue=cue,
            commitment=Commitment(c["commitment"]), polarity=Polarity(c["polarity"]),
            about=tuple(dict.fromkeys(ids.actor_id(a) for a in c.get("about", []))),
        )
        claims.append(claim)
        keys[c["key"]] = claim.id
    relations = tuple(GoldRelation(r["type"], keys[r["a"]], keys[r["b"]], r.get("why", ""))
                      for r in g.get("relations", []) if r["a"] in keys and r["b"] in keys)
    actors = tuple(Actor(ids.actor_id(a["label"]), a["label"], ActorKind(a.get("kind", "group")),
                         tuple(a.get("aliases", ())), _mentions(text, [a["label"], *a.get("aliases", ())]))
                   for a in g.get("actors", []))
    seg = Segmentation(document=document, meta=meta, sections=(), items=(), redactions=(), furniture=())
    return GoldDocument(path, Extraction(seg, actors, tuple(claims)), keys, relations)


def iter_gold(gold_dir: str | Path, root: str | Path) -> Iterator[GoldDocument]:
    """Every ``*.gold.json`` of ``gold_dir``, sorted by name."""
    for p in sorted(Path(gold_dir).glob("*.gold.json")):
        yield load_gold(p, root)
