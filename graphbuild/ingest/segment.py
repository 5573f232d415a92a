"""Cut a Document into metadata, sections, items, comments, redactions and page furniture.

PLACEHOLDER (foundation skeleton): the whole document is one item. The real segmenter replaces
this module, keeping the signature of :func:`segment_document`.
"""

from __future__ import annotations

from graphbuild.records import Document, DocumentMeta, Item, Passage, Segmentation, Span


def segment_document(document: Document) -> Segmentation:
    text = document.text
    body = Passage(text, ((0, 0, len(text)),))
    item = Item(number=None, section=None, country=None, headline=None, body=body, comments=(),
                span=Span.of(text, 0, len(text)))
    return Segmentation(document=document, meta=DocumentMeta(), sections=(), items=(item,),
                        redactions=(), furniture=())
