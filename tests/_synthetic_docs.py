"""Synthetic extracted documents for store tests and benchmarks (no model needed).

Each document is real text with real offsets: every claim's content, cue and source mention are
slices of the document text, so the RDF, the store and the linker see what the NLP stage would give.
The wording varies by seed; nothing here is matched by any rule in graphbuild.
"""

from __future__ import annotations

import datetime as dt
import random

from graphbuild.ids import claim_id, content_hash
from graphbuild.records import (
    Actor,
    ActorKind,
    Claim,
    Commitment,
    Document,
    DocumentMeta,
    Extraction,
    Item,
    Passage,
    Polarity,
    Segmentation,
    Source,
    SourceKind,
    Span,
)

ACTORS = [f"country-{i:03d}" for i in range(200)]
SOURCES = [("embassy", "the Embassy", SourceKind.ORGANIZATION), ("press", "the press", SourceKind.PRESS),
           ("minister", "the Minister", SourceKind.PERSON)]
VERBS = ["reported", "said", "claimed", "stated", "denied"]
EVENTS = ["moved troops to the border", "signed a trade pact", "closed the port", "recalled its envoy",
          "held elections", "arrested opposition leaders", "opened talks", "raised tariffs"]


def make_extraction(doc_id: str, *, seed: int, claims: int = 3, actors: int = 2, pool: int = len(ACTORS),
                    start: dt.date = dt.date(1952, 1, 1), version: int = 0) -> Extraction:
    """One synthetic bulletin with ``claims`` attributed claims about ``actors`` of the first ``pool`` actors.

    ``version`` changes the text (a revised document under the same id).
    """
    rng = random.Random(seed)
    date = start + dt.timedelta(days=seed % 365)
    chosen = rng.sample(ACTORS[:pool], actors)
    parts: list[str] = [f"BULLETIN {date.isoformat()}" + (f" (revision {version})" if version else "") + "\n\n"]
    pieces: list[tuple[int, int, int, int, int, int, str, str, SourceKind, str]] = []
    for i in range(claims):
        src_id, src_label, kind = SOURCES[rng.randrange(len(SOURCES))]
        actor = chosen[i % len(chosen)]
        verb = VERBS[rng.randrange(len(VERBS))]
        event = EVENTS[rng.randrange(len(EVENTS))]
        offset = sum(len(p) for p in parts)
        label = src_label[0].upper() + src_label[1:]
        s_start, s_end = offset, offset + len(label)
        cue_start = s_end + 1
        cue_end = cue_start + len(verb)
        content = f"{actor.replace('-', ' ').title()} {event} on day {rng.randrange(1000)}"
        c_start = cue_end + len(" that ")
        c_end = c_start + len(content)
        parts.append(f"{label} {verb} that {content}.\n")
        pieces.append((s_start, s_end, cue_start, cue_end, c_start, c_end, src_id, src_label, kind, actor))
    text = "".join(parts)
    sha = content_hash(text)
    document = Document(id=doc_id, text=text, sha256=sha, path=doc_id)
    item = Item(number=None, section=None, country=None, headline=None, body=Passage(text, ((0, 0, len(text)),)),
                comments=(), span=Span.of(text, 0, len(text)))
    seg = Segmentation(document=document, meta=DocumentMeta(date=date.isoformat()), sections=(), items=(item,),
                       redactions=(), furniture=())
    out_claims = []
    for s_start, s_end, cue_start, cue_end, c_start, c_end, src_id, src_label, kind, actor in pieces:
        out_claims.append(Claim(
            id=claim_id(sha, c_start, c_end, s_start), document=doc_id, item=None, in_comment=False,
            content=Span.of(text, c_start, c_end),
            source=Source(src_id, src_label, kind, Span.of(text, s_start, s_end)),
            cue=Span.of(text, cue_start, cue_end), commitment=Commitment.REPORTED, polarity=Polarity.POSITIVE,
            about=(actor,), sentence=Span.of(text, s_start, c_end + 1),
        ))
    found = tuple(Actor(a, a.replace("-", " ").title(), ActorKind.STATE) for a in sorted(chosen))
    return Extraction(segmentation=seg, actors=found, claims=tuple(out_claims))
