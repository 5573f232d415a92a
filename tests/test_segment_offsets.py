"""Property: every offset the segmenter records slices the original text to the recorded string."""

from __future__ import annotations

import random
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from graphbuild.ids import content_hash
from graphbuild.ingest.segment import segment_document
from graphbuild.records import Document, Passage, Segmentation, Span

DATA = Path(__file__).parent / "data"

# Pieces of bulletins and cables, in clean and OCR-damaged forms, to build noisy documents from.
FRAGMENTS = [
    "~~SECRET~~", "TOP SECRET", "TOP ET", "SECU INFORMATION", "## SECTION 1 (SOVIET)", "FAR EAST",
    "NEAR EAST - AFRICA", "GENE:RAL", "SUMMARY", "(page 3).", "1. ", "2, ", "15. ", "I. ", "USSR. ",
    "Soviet Union seeks concessions:", "Chinese increase air supply", "Comment:", "Co ent:", "CoMment:",
    "Comment;", "Comment on new travel restrictions:", "[redacted]", "25X1", "25X1A", "3.5(c)",
    "3.3(h)(2)", "3.5(c;", "Approved for Release: 2019/05/08 C02046527",
    "Approved For Release 2003/09/02 : CIA-RDP79T00975A000500010001-1", "APPROVED FOR RELEASE DATE: \n16-Dec-2009",
    "21 Jan 52", "Publication Date:\nApril 1, 1953", "Document Type:\n", "Body:\n", "- 3 -", "R", "DD/TSS",
    "re-\npatriation", "re- sumption", "anti-\nCommunist", "The Embassy states that ", "the talks failed.",
    "\n", "\n\n", " ", "  ", "\f", "* * * *", "Footnotes:\n", "[fn1]", "1. Party members.\n\n", "é", "—",
    "\u2028", "\t", ":", "-", ".", "(", ")", "\"real thing\"-,",
]

texts = st.lists(
    st.one_of(st.sampled_from(FRAGMENTS), st.text(min_size=1, max_size=12)), min_size=1, max_size=60
).map("".join)


def _spans(seg: Segmentation) -> list[Span]:
    m = seg.meta
    out = [s for s in (m.classification_span, m.date_span, m.released_span) if s] + list(m.identifiers)
    out += [s.heading for s in seg.sections] + [r.span for r in seg.redactions] + list(seg.furniture)
    for item in seg.items:
        out += [s for s in (item.span, item.headline, item.country) if s]
        for c in item.comments:
            out += [c.marker, c.span]
    return out


def _passages(seg: Segmentation) -> list[Passage]:
    return [p for item in seg.items for p in [item.body, *(c.body for c in item.comments)]]


def check_offsets(text: str) -> None:
    seg = segment_document(Document(id="x", text=text, sha256=content_hash(text), path="x"))
    for span in _spans(seg):
        assert 0 <= span.start <= span.end <= len(text)
        assert text[span.start:span.end] == span.text
    rng = random.Random(len(text))
    for passage in _passages(seg):
        covered = 0
        for p_start, o_start, length in passage.pieces:
            assert p_start == covered  # pieces tile the passage: nothing was inserted
            assert passage.text[p_start:p_start + length] == text[o_start:o_start + length]
            covered += length
        assert covered == len(passage.text)
        for _ in range(5):
            if not passage.text:
                break
            a = rng.randrange(len(passage.text))
            b = rng.randrange(a, len(passage.text)) + 1
            o_a, o_b = passage.to_original(a, b)
            assert text[o_a] == passage.text[a] and text[o_b - 1] == passage.text[b - 1]
            span = passage.original_span(text, a, b)
            assert text[span.start:span.end] == span.text


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(texts)
def test_offsets_slice_original_on_generated_text(text):
    check_offsets(text)


@settings(max_examples=60, deadline=None)
@given(st.data())
def test_offsets_slice_original_on_damaged_corpus(data):
    files = sorted((DATA / "corpus").rglob("*.txt")) + sorted((DATA / "seeds").glob("*.txt"))
    text = files[data.draw(st.integers(0, len(files) - 1))].read_text(encoding="utf-8")
    start = data.draw(st.integers(0, len(text) - 1))
    end = data.draw(st.integers(start + 1, len(text)))
    noisy = text[start:end]
    if data.draw(st.booleans()):
        noisy = " ".join(noisy.split())  # line breaks collapsed, as in much of the real OCR
    cut = data.draw(st.integers(0, len(noisy)))
    noisy = noisy[:cut] + data.draw(st.sampled_from(FRAGMENTS)) + noisy[cut:]
    check_offsets(noisy)


def test_offsets_on_every_corpus_file():
    for path in sorted((DATA / "corpus").rglob("*.txt")) + sorted((DATA / "seeds").glob("*.txt")):
        check_offsets(path.read_text(encoding="utf-8"))
