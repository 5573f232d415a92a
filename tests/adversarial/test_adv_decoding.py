"""Catalog 1 — decoding: each bad file gets one line naming it and the reason, the others are still
built with offsets into their decoded text, the exit status is non-zero, and nothing prints a
traceback. One ``graphbuild build`` runs over all the cases at once (the model loads once)."""

from __future__ import annotations

import codecs

import pytest
from _adv import GOOD, assert_offsets, cli, read_jsonl

CP1252 = "1. Peiping’s reply: The Embassy reported that the café in Hanoi was closed – again.\n"

#: name -> (bytes on disk, the reason the one-line error must give)
BAD = {
    "empty.txt": (b"", "empty input"),
    "blank.txt": (b" \n\t\r\n  \n", "only whitespace"),
    "image.txt": (b"\x89PNG\r\n\x1a\n" + bytes(64) + b"IHDR", "binary"),
    "archive.txt": (b"PK\x03\x04\x14\x00\x00\x00" + bytes(40) + b"word/document.xml", "binary"),
    "nul.txt": (b"The Embassy said\x00\x00 nothing.", "NUL"),
    # 0x81 and 0x8d are invalid UTF-8 starts and undefined in cp1252: nothing can decode this.
    "undecodable.txt": (b"The Embassy \x81\x8d said \x8f\x90\x9d no.", "not cp1252"),
    "utf16-nobom.txt": (GOOD.encode("utf-16-le"), "UTF-16 without a byte-order mark"),
}

#: name -> (bytes on disk, the text Python decodes them to, which offsets must index)
OK = {
    "cp1252.txt": (CP1252.encode("cp1252"), CP1252),
    "utf16le-bom.txt": (codecs.BOM_UTF16_LE + GOOD.encode("utf-16-le"), GOOD),
    "utf16be-bom.txt": (codecs.BOM_UTF16_BE + GOOD.encode("utf-16-be"), GOOD),
    "utf8-bom.txt": (codecs.BOM_UTF8 + GOOD.encode("utf-8"), GOOD),
    "crlf-formfeed.txt": ((GOOD + "\f\n2. Border quiet: Officials said the border was quiet.\n")
                          .replace("\n", "\r\n").encode(), None),
    "mixed-endings.txt": ((b"1. Talks: The Embassy reported that talks resumed.\r\n\r\n"
                           b"2. Ports: Officials said the ports were closed.\r"
                           b"3. Roads: The mission said roads were open.\n"), None),
}


@pytest.fixture(scope="module")
def built(tmp_path_factory):
    folder = tmp_path_factory.mktemp("decoding")
    inputs = folder / "in"
    inputs.mkdir()
    for name, (data, _) in {**BAD, **OK}.items():
        (inputs / name).write_bytes(data)
    out = folder / "out"
    run = cli("build", inputs, "-o", out, "--no-html")
    return inputs, out, run


@pytest.mark.parametrize("name", sorted(BAD))
def test_bad_input_one_line_naming_file_and_reason(built, name):
    inputs, out, run = built
    path = inputs / name
    lines = run.lines_about(path)
    assert len(lines) == 1, run.err
    assert BAD[name][1] in lines[0] and "error" in lines[0]
    assert run.status == 1
    assert str(path) not in {c["document"] for c in read_jsonl(out / "claims.jsonl")}


@pytest.mark.parametrize("name", sorted(OK))
def test_decodable_input_built_with_offsets_into_decoded_text(built, name):
    inputs, out, run = built
    path = inputs / name
    data, text = OK[name]
    if text is None:
        text = data.decode("utf-8")
    claims = [c for c in read_jsonl(out / "claims.jsonl") if c["document"] == str(path)]
    assert claims, f"no claims from {name}"
    assert_offsets(claims, {str(path): text})
    errors = [ln for ln in run.lines_about(path) if "error" in ln]
    assert not errors


def test_cp1252_fallback_is_a_warning_naming_the_file(built):
    inputs, _, run = built
    lines = run.lines_about(inputs / "cp1252.txt")
    assert len(lines) == 1 and "warning" in lines[0] and "cp1252" in lines[0]


def test_crlf_and_form_feed_keep_both_items(built):
    inputs, out, _ = built
    path = str(inputs / "crlf-formfeed.txt")
    items = {c["item"] for c in read_jsonl(out / "claims.jsonl") if c["document"] == path}
    assert {1, 2} <= items


def test_only_bad_inputs_writes_nothing_and_fails(tmp_path):
    bad = tmp_path / "empty.txt"
    bad.write_bytes(b"")
    run = cli("build", bad, "-o", tmp_path / "out", "-q")
    assert run.status == 1
    assert not (tmp_path / "out").exists()
    assert any("empty input" in ln for ln in run.lines)
