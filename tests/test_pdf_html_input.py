"""Archive formats: PDF text layers and saved web pages, read into Documents with checkable offsets.

The PDFs are written by hand in the test (a few objects, a classic cross-reference table), so each
broken variant — truncated, looping xref, images only, encrypted — is exactly the damage we mean.
"""

from __future__ import annotations

import io
import itertools
import json
import sys
import time
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from graphbuild.cli import main
from graphbuild.export.texts import check_provenance, load_index, read_text, text_path, write_texts
from graphbuild.ingest.pdf import PAGE_SEPARATOR, page_at, read_pdf
from graphbuild.ingest.read import read_inputs
from graphbuild.ingest.webpage import decode_html, extract_visible_text, read_html
from graphbuild.records import Diagnostic, Document

pytest.importorskip("pypdf")


def make_pdf(pages: list[list[str] | None], *, prev: int | str | None = None) -> bytes:
    """A minimal valid PDF; each page is a list of text lines, or None for a page with only a drawing.

    ``prev`` adds a ``/Prev`` to the trailer: an offset, or "self" for the xref section itself.
    """
    objects: dict[int, bytes] = {
        1: b"<< /Type /Catalog /Pages 2 0 R >>",
        3: b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica /Encoding /WinAnsiEncoding >>",
    }
    kids = []
    number = 4
    for lines in pages:
        page, content = number, number + 1
        number += 2
        kids.append(page)
        if lines is None:
            stream = b"0 0 m 100 100 l S"
        else:
            ops = [b"BT /F1 12 Tf 14 TL 72 720 Td"]
            for line in lines:
                escaped = line.replace("\\", "\\\\").replace("(", "\\(").replace(")", "\\)")
                ops.append(b"(" + escaped.encode("cp1252") + b") Tj T*")
            ops.append(b"ET")
            stream = b"\n".join(ops)
        objects[page] = (
            b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] "
            b"/Resources << /Font << /F1 3 0 R >> >> /Contents %d 0 R >>" % content
        )
        objects[content] = b"<< /Length %d >>\nstream\n%s\nendstream" % (len(stream), stream)
    objects[2] = b"<< /Type /Pages /Kids [%s] /Count %d >>" % (
        b" ".join(b"%d 0 R" % k for k in kids),
        len(kids),
    )
    out = bytearray(b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n")
    offsets = {}
    for key in sorted(objects):
        offsets[key] = len(out)
        out += b"%d 0 obj\n%s\nendobj\n" % (key, objects[key])
    size = max(objects) + 1
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % size
    out += b"".join(b"%010d 00000 n \n" % offsets[i] for i in range(1, size))
    trailer = b"<< /Size %d /Root 1 0 R" % size
    if prev is not None:
        trailer += b" /Prev %d" % (xref if prev == "self" else int(prev))
    out += b"trailer\n%s >>\nstartxref\n%d\n%%%%EOF\n" % (trailer, xref)
    return bytes(out)


PAGES = [
    ["CURRENT INTELLIGENCE BULLETIN", "The Embassy in Moscow states that the proposals are stalling."],
    ["2. Comment: there is no evidence (yet) of such disunity."],
    ["Page three mentions Peiping and caf\u00e9 talk."],
]


@pytest.fixture()
def pdf_path(tmp_path: Path) -> Path:
    path = tmp_path / "bulletin.pdf"
    path.write_bytes(make_pdf(PAGES))
    return path


def _diagnostic(result: Document | Diagnostic) -> Diagnostic:
    assert isinstance(result, Diagnostic), result
    assert "\n" not in str(result)
    return result


# -- PDF -------------------------------------------------------------------------------------------


def test_pdf_text_and_page_ranges(pdf_path: Path) -> None:
    doc = read_pdf(pdf_path)
    assert isinstance(doc, Document)
    assert doc.metadata["format"] == "pdf" and doc.metadata["page_count"] == 3
    ranges = doc.metadata["pages"]
    assert len(ranges) == 3
    for (start, end), lines in zip(ranges, PAGES, strict=True):
        page_text = doc.text[start:end]
        for line in lines:
            assert line in page_text  # every line of the page lies inside its range
    # pages are separated by a form-feed line, which belongs to no page
    for (_, end), (start, _) in itertools.pairwise(ranges):
        assert doc.text[end:start] == PAGE_SEPARATOR
        assert page_at(ranges, end) is None
    offset = doc.text.index("no evidence")
    assert page_at(ranges, offset) == 2
    assert page_at(ranges, doc.text.index("Peiping")) == 3
    assert page_at(ranges, 0) == 1
    assert "caf\u00e9" in doc.text  # WinAnsi text decodes to Unicode


def test_pdf_page_without_text_is_recorded(tmp_path: Path, caplog: pytest.LogCaptureFixture) -> None:
    path = tmp_path / "mixed.pdf"
    path.write_bytes(make_pdf([["first page"], None, ["third page"]]))
    doc = read_pdf(path)
    assert isinstance(doc, Document)
    assert doc.metadata["pages_without_text"] == [2]
    start, end = doc.metadata["pages"][1]
    assert start == end  # the empty page still has its (empty) range, so page numbers stay right
    assert page_at(doc.metadata["pages"], doc.text.index("third")) == 3
    assert "without a text layer" in caplog.text


def test_pdf_without_text_layer_is_reported(tmp_path: Path) -> None:
    path = tmp_path / "scan.pdf"
    path.write_bytes(make_pdf([None, None]))
    d = _diagnostic(read_pdf(path))
    assert d.code == "E122" and "no text layer" in d.message and "2 page" in d.message


@pytest.mark.parametrize(
    ("damage", "expected"),
    [
        (lambda b: b[: len(b) // 2], "truncated"),
        (lambda b: b[:-30], "truncated"),
        (lambda b: b"just some text pretending\n%%EOF\n", "not a PDF"),
        (lambda b: make_pdf(PAGES, prev="self"), "loops"),
        (lambda b: make_pdf(PAGES, prev=10**9), "past the end"),
    ],
    ids=["half", "tail-cut", "not-pdf", "xref-loop", "xref-past-end"],
)
def test_hostile_pdf_fails_fast_with_one_line(tmp_path: Path, pdf_path: Path, damage, expected: str) -> None:
    path = tmp_path / "bad.pdf"
    path.write_bytes(damage(pdf_path.read_bytes()))
    t0 = time.perf_counter()
    d = _diagnostic(read_pdf(path))
    assert time.perf_counter() - t0 < 1.0
    assert d.code == "E121" and expected in d.message
    assert d.path == str(path)


def test_pdf_xref_loop_across_two_sections(tmp_path: Path) -> None:
    # An incremental update (section B) whose /Prev is the original section A, and A's trailer
    # pointing back at B: A -> B -> A. Zero-padded offsets keep every length fixed.
    base = make_pdf([["hello"]])
    section_a = int(base.rsplit(b"startxref\n", 1)[1].split(b"\n")[0])
    with_prev = base.replace(b"/Root 1 0 R >>", b"/Root 1 0 R /Prev %010d >>" % 0, 1)
    section_b = len(with_prev)
    looped = base.replace(b"/Root 1 0 R >>", b"/Root 1 0 R /Prev %010d >>" % section_b, 1)
    update = b"xref\n0 1\n0000000000 65535 f \ntrailer\n<< /Size 6 /Root 1 0 R /Prev %d >>\n" % section_a
    update += b"startxref\n%d\n%%%%EOF\n" % section_b
    path = tmp_path / "loop2.pdf"
    path.write_bytes(looped + update)
    d = _diagnostic(read_pdf(path))
    assert f"loops back to byte {section_b}" in d.message


def test_pdf_time_budget(pdf_path: Path) -> None:
    d = _diagnostic(read_pdf(pdf_path, max_seconds=1e-9))
    assert d.code == "E124" and "longer than" in d.message


def test_pdf_size_limit(pdf_path: Path) -> None:
    d = _diagnostic(read_pdf(pdf_path, max_bytes=100))
    assert "--max-bytes" in d.message


def test_encrypted_pdf_is_reported(tmp_path: Path, pdf_path: Path) -> None:
    pypdf = pytest.importorskip("pypdf")
    writer = pypdf.PdfWriter(clone_from=pypdf.PdfReader(pdf_path))
    writer.encrypt(user_password="s3cret", algorithm="RC4-128")
    buf = io.BytesIO()
    writer.write(buf)
    path = tmp_path / "locked.pdf"
    path.write_bytes(buf.getvalue())
    d = _diagnostic(read_pdf(path))
    assert d.code == "E123" and "encrypted" in d.message


def test_missing_pypdf_gives_install_hint(pdf_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setitem(sys.modules, "pypdf", None)  # makes `import pypdf` raise ImportError
    d = _diagnostic(read_pdf(pdf_path))
    assert d.code == "E120" and "graphbuild[pdf]" in d.message


def test_cli_reports_bad_pdf_in_one_line_and_continues(
    tmp_path: Path, pdf_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    bad = tmp_path / "broken.pdf"
    bad.write_bytes(pdf_path.read_bytes()[:200])
    status = main(["segment", str(bad), str(pdf_path)])
    captured = capsys.readouterr()
    assert status == 1
    errors = [line for line in captured.err.splitlines() if "broken.pdf" in line]
    assert len(errors) == 1 and "truncated PDF" in errors[0]
    assert "Traceback" not in captured.err


# -- HTML ------------------------------------------------------------------------------------------

PAGE = """<!DOCTYPE html>
<html lang="ru"><head>
<meta http-equiv="Content-Type" content="text/html; charset=windows-1251">
<title>Бюллетень  21 января</title>
<meta name="DC.date" content="1952-01-21">
<style>p { color: red } /* Москва in a style */</style>
<script>document.title = "<p>Москва in a script</p>";</script>
</head><body>
<!-- Москва in a comment -->
<h1>Сводка</h1>
<p>The Embassy in <b>Moscow</b> states that Москва   is &amp; was
 stalling.</p>
<div hidden><p>hidden paragraph</p><div>still hidden</div></div>
<p style="display:none">display none</p>
<noscript>enable scripting</noscript>
<template><p>template text</p></template>
<ul><li>one</li><li>two<br>three</li></ul>
<pre>  kept   as
 is</pre>
<p>Tail.</p>
</body></html>
"""


def test_html_visible_text_only_and_charset(tmp_path: Path) -> None:
    path = tmp_path / "page.html"
    path.write_bytes(PAGE.encode("cp1251"))
    doc = read_html(path)
    assert isinstance(doc, Document)
    assert doc.encoding == "cp1251" and doc.metadata["charset"] == "cp1251"
    assert doc.metadata["title"] == "Бюллетень 21 января"
    assert doc.metadata["date"] == "1952-01-21"
    assert doc.metadata["language"] == "ru"
    text = doc.text
    assert text.startswith("Сводка\n\nThe Embassy in Moscow states that Москва is & was stalling.")
    assert text.count("Москва") == 1  # not the script's, the style's or the comment's
    for invisible in (
        "color",
        "document.title",
        "hidden",
        "display none",
        "enable scripting",
        "template text",
        "<",
        "Бюллетень",
    ):
        assert invisible not in text
    assert "one\ntwo\nthree" in text
    assert "  kept   as\n is" in text  # <pre> keeps its whitespace
    assert text.endswith("Tail.")


@pytest.mark.parametrize(
    ("data", "codec", "needle"),
    [
        (
            '<meta charset="iso-8859-1"><p>d\u00e9j\u00e0 \u201cvu\u201d</p>'.encode("cp1252"),
            "cp1252",
            "\u201cvu\u201d",
        ),
        (
            '<?xml version="1.0" encoding="ISO-8859-2"?><p>Gda\u0144sk</p>'.encode("iso-8859-2"),
            "iso8859-2",
            "Gda\u0144sk",
        ),
        (b"\xef\xbb\xbf<meta charset='windows-1251'><p>caf\xc3\xa9</p>", "utf-8", "caf\u00e9"),  # BOM wins
        ("<p>Peiping \u2014 utf-8</p>".encode(), "utf-8", "Peiping \u2014"),
    ],
    ids=["latin1-is-cp1252", "xml-decl", "bom-wins", "undeclared-utf8"],
)
def test_html_charset_sources(data: bytes, codec: str, needle: str) -> None:
    markup, found, warning = decode_html(data)
    assert found == codec and warning is None
    assert needle in extract_visible_text(markup)[0]


def test_html_undeclared_legacy_bytes_fall_back_with_warning(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    path = tmp_path / "old.htm"
    path.write_bytes("<p>na\u00efve \u201cquotes\u201d</p>".encode("cp1252"))
    doc = read_html(path)
    assert isinstance(doc, Document) and doc.encoding == "cp1252"
    assert doc.text == "na\u00efve \u201cquotes\u201d"
    assert "windows-1252" in caplog.text and "old.htm" in caplog.text


def test_html_without_visible_text_is_reported(tmp_path: Path) -> None:
    path = tmp_path / "empty.html"
    path.write_text("<html><head><title>t</title><script>x()</script></head><body><!-- c --></body></html>")
    d = _diagnostic(read_html(path))
    assert d.code == "E126"


@settings(max_examples=60, deadline=None)
@given(
    visible=st.lists(
        st.text(st.characters(categories=["L", "N"]), min_size=1, max_size=12), min_size=1, max_size=6
    ),
    hidden=st.text(st.characters(categories=["L", "N", "P", "Zs"]), min_size=1, max_size=30),
)
def test_html_property_hidden_never_leaks(visible: list[str], hidden: str) -> None:
    marker = "QQZ" + hidden.replace("<", "").replace("&", "")
    markup = "".join(
        f"<p>{word}</p><script>var a = '{marker}';</script><!-- {marker} --><style>/*{marker}*/</style>"
        for word in visible
    )
    text, _ = extract_visible_text(markup)
    assert "QQZ" not in text
    assert text.split("\n\n") == visible


# -- reader dispatch and stored texts --------------------------------------------------------------


def test_reader_dispatches_pdf_and_html(tmp_path: Path, pdf_path: Path) -> None:
    folder = tmp_path / "in"
    folder.mkdir()
    (folder / "a.pdf").write_bytes(pdf_path.read_bytes())
    (folder / "b.htm").write_text("<p>From a web page.</p>", encoding="utf-8")
    (folder / "c.html").write_bytes(b"<script>only()</script>")
    (folder / "d.txt").write_text("Plain text.", encoding="utf-8")
    entries = list(read_inputs([folder]))
    kinds = [(Path(e.path).name, type(e).__name__) for e in entries]
    assert kinds == [
        ("a.pdf", "Document"),
        ("b.htm", "Document"),
        ("c.html", "Diagnostic"),
        ("d.txt", "Document"),
    ]
    assert entries[0].metadata["format"] == "pdf"
    assert entries[1].text == "From a web page."


def test_texts_stored_by_hash_and_provenance_checks(tmp_path: Path, pdf_path: Path) -> None:
    doc = read_pdf(pdf_path)
    assert isinstance(doc, Document)
    out = tmp_path / "out"
    assert write_texts(out, [doc]) == 1
    assert text_path(out, doc.sha256).name == f"{doc.sha256}.txt"
    assert read_text(out, doc.sha256) == doc.text  # byte-exact, form feeds and all
    entry = load_index(out)[doc.id]
    assert entry["pages"] == doc.metadata["pages"] and entry["format"] == "pdf"
    start = doc.text.index("proposals are stalling")
    good = {
        "document": doc.id,
        "content": {"start": start, "end": start + 22, "text": "proposals are stalling"},
        "source": {"mention": None},
        "cue": None,
        "sentence": None,
    }
    bad = {**good, "content": {"start": start + 1, "end": start + 23, "text": "proposals are stalling"}}
    (out / "claims.jsonl").write_text("\n".join(json.dumps(c) for c in (good, bad)) + "\n", encoding="utf-8")
    problems = check_provenance(out)
    assert len(problems) == 1 and "claims.jsonl:2" in problems[0]
    with pytest.raises(Exception, match="SHA-256"):
        text_path(out, "../../etc/passwd")
