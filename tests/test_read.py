"""Reading inputs: decoding, folders, JSONL, and the problems each input can have."""

from __future__ import annotations

import codecs
import json
import logging
import os

import pytest

from graphbuild.ingest.read import DecodeFailure, decode_bytes, read_inputs
from graphbuild.records import Diagnostic, Document


def test_utf8_with_and_without_bom():
    assert decode_bytes("Peiping é".encode()) == ("Peiping é", "utf-8", None)
    text, encoding, warning = decode_bytes(codecs.BOM_UTF8 + "Peiping é".encode())
    assert (text, encoding, warning) == ("Peiping é", "utf-8-sig", None)


@pytest.mark.parametrize("bom_codec", ["utf-16-le", "utf-16-be"])
def test_utf16_with_bom(bom_codec):
    bom = codecs.BOM_UTF16_LE if bom_codec.endswith("le") else codecs.BOM_UTF16_BE
    text, encoding, warning = decode_bytes(bom + "Moscow — Peiping".encode(bom_codec))
    assert (text, encoding, warning) == ("Moscow — Peiping", "utf-16", None)


def test_cp1252_fallback_warns():
    text, encoding, warning = decode_bytes("Peiping’s café".encode("cp1252"))
    assert text == "Peiping’s café" and encoding == "cp1252"
    assert "invalid UTF-8" in warning and "cp1252" in warning


@pytest.mark.parametrize("data,reason", [
    (b"", "empty"), (b"  \n\t ", "whitespace"), (b"\x89PNG\r\n\x1a\n" + bytes(64), "binary"),
    (b"abc\x00def", "NUL"), ("only text".encode("utf-16-le"), "UTF-16"),
])
def test_refused_inputs(data, reason):
    with pytest.raises(DecodeFailure, match=reason):
        decode_bytes(data)


def test_folders_sorted_recursive_and_symlink_loop_safe(tmp_path):
    (tmp_path / "b").mkdir()
    (tmp_path / "a.txt").write_text("first", encoding="utf-8")
    (tmp_path / "b" / "c.md").write_text("second", encoding="utf-8")
    (tmp_path / "b" / "skip.csv").write_text("not read", encoding="utf-8")
    os.symlink(tmp_path, tmp_path / "b" / "loop")
    docs = list(read_inputs([tmp_path]))
    assert all(isinstance(d, Document) for d in docs)
    assert [d.text for d in docs] == ["first", "second"]
    assert docs[0].text[0:5] == "first" and len(docs[0].sha256) == 64


def test_jsonl_documents_and_bad_lines(tmp_path):
    path = tmp_path / "docs.jsonl"
    lines = [
        json.dumps({"id": "a", "text": "Cable one.", "date": "1952-01-21"}),
        "{not json",
        json.dumps({"id": "b"}),
        json.dumps({"id": "a", "text": "duplicate"}),
        "",
        json.dumps({"text": "No id \u2028 here."}),
    ]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    out = list(read_inputs([path]))
    docs = [o for o in out if isinstance(o, Document)]
    problems = [o for o in out if isinstance(o, Diagnostic)]
    assert [d.id for d in docs] == ["a", f"{path}:6"]
    assert docs[0].metadata["date"] == "1952-01-21" and docs[0].line == 1
    assert docs[1].text == "No id \u2028 here."
    assert [(p.path, p.code) for p in problems] == [(f"{path}:2", "E104"), (f"{path}:3", "E105"),
                                                   (f"{path}:4", "E106")]


def test_cp1252_file_logs_warning_naming_file(tmp_path, caplog):
    path = tmp_path / "old.txt"
    path.write_bytes("Peiping’s reply".encode("cp1252"))
    with caplog.at_level(logging.WARNING, logger="graphbuild"):
        (doc,) = read_inputs([path])
    assert doc.encoding == "cp1252"
    assert any(str(path) in r.getMessage() and "cp1252" in r.getMessage() for r in caplog.records)


def test_fifo_is_reported_not_opened(tmp_path):
    fifo = tmp_path / "pipe.txt"
    os.mkfifo(fifo)
    (diag,) = read_inputs([fifo])
    assert isinstance(diag, Diagnostic) and diag.code == "E102"
    (diag,) = read_inputs([tmp_path])  # also when met inside a folder
    assert isinstance(diag, Diagnostic) and diag.path == str(fifo)


def test_missing_file(tmp_path):
    (diag,) = read_inputs([tmp_path / "nope.txt"])
    assert isinstance(diag, Diagnostic) and diag.code == "E101" and "nope.txt" in str(diag)
