"""``graphbuild segment`` on bad inputs: one line per problem naming the file, the other inputs still
processed, exit status non-zero."""

from __future__ import annotations

import codecs
import json
import os

import pytest

from graphbuild.cli import main

GOOD = "1. Trade talks stall: Delegates left Paris on Monday.\n\nComment: The talks may resume.\n"


def run(argv, capsys):
    status = main(["segment", *map(str, argv)])
    out, err = capsys.readouterr()
    return status, out, [ln for ln in err.splitlines() if ln.strip()]


@pytest.fixture
def good(tmp_path):
    path = tmp_path / "good.txt"
    path.write_text(GOOD, encoding="utf-8")
    return path


@pytest.mark.parametrize("name,data,reason", [
    ("empty.txt", b"", "empty input"),
    ("blank.txt", b" \n\t\n", "only whitespace"),
    ("image.txt", b"\x89PNG\r\n\x1a\n" + bytes(100), "binary"),
    ("nul.txt", b"text\x00more text", "NUL"),
])
def test_bad_file_reported_others_processed(tmp_path, good, capsys, name, data, reason):
    bad = tmp_path / name
    bad.write_bytes(data)
    status, out, err = run([bad, good], capsys)
    assert status != 0
    assert len(err) == 1 and str(bad) in err[0] and reason in err[0]
    assert "Trade talks stall" in out and str(good) in out


@pytest.mark.parametrize("encoded,encoding", [
    (codecs.BOM_UTF8 + GOOD.encode("utf-8"), "utf-8-sig"),
    (codecs.BOM_UTF16_LE + GOOD.encode("utf-16-le"), "utf-16"),
])
def test_boms_are_read(tmp_path, capsys, encoded, encoding):
    path = tmp_path / "bom.txt"
    path.write_bytes(encoded)
    status, out, err = run([path, "--json"], capsys)
    assert status == 0 and not err
    seg = json.loads(out)
    assert seg["items"][0]["headline"]["text"] == "Trade talks stall"
    # the offsets index the decoded text, without the BOM
    assert seg["items"][0]["headline"]["start"] == 3


def test_invalid_utf8_falls_back_to_cp1252_with_warning(tmp_path, good, capsys):
    path = tmp_path / "legacy.txt"
    path.write_bytes("1. Peiping’s reply: The café was closed.\nComment: No.\n".encode("cp1252"))
    status, out, err = run([path, good], capsys)
    assert status == 0  # a warning, not an error
    assert len(err) == 1 and str(path) in err[0] and "cp1252" in err[0] and "warning" in err[0]
    assert "Peiping’s reply" in out


def test_jsonl_bad_lines(tmp_path, capsys):
    path = tmp_path / "docs.jsonl"
    path.write_text("\n".join([json.dumps({"id": "ok", "text": GOOD}), "{broken", json.dumps({"id": 3})]),
                    encoding="utf-8")
    status, out, err = run([path], capsys)
    assert status != 0
    assert len(err) == 2
    assert f"{path}:2" in err[0] and "not valid JSON" in err[0]
    assert f"{path}:3" in err[1] and '"text"' in err[1]
    assert "Trade talks stall" in out


def test_symlink_loop_terminates(tmp_path, capsys):
    folder = tmp_path / "docs"
    folder.mkdir()
    (folder / "a.txt").write_text(GOOD, encoding="utf-8")
    os.symlink(folder, folder / "again")
    status, out, err = run([folder], capsys)
    assert status == 0 and not err
    assert out.count("Trade talks stall") == 1


def test_fifo_is_skipped_with_message(tmp_path, good, capsys):
    fifo = tmp_path / "pipe.txt"
    os.mkfifo(fifo)
    status, out, err = run([fifo, good], capsys)
    assert status != 0
    assert len(err) == 1 and str(fifo) in err[0] and "not a regular file" in err[0]
    assert "Trade talks stall" in out


def test_missing_file(tmp_path, good, capsys):
    status, out, err = run([tmp_path / "absent.txt", good], capsys)
    assert status != 0 and len(err) == 1 and "absent.txt" in err[0]
    assert "Trade talks stall" in out


def test_human_and_json_output_of_the_seed(seed_path, capsys):
    status, out, err = run([seed_path], capsys)
    assert status == 0 and not err
    assert "classification=SECRET date=1952-01-21 released=2009-12-16" in out
    assert "1. (SOVIET) [USSR] Soviet Union seeks concessions" in out
    status, out, _ = run([seed_path, "--json"], capsys)
    seg = json.loads(out)
    text = seed_path.read_text(encoding="utf-8")
    assert [i["number"] for i in seg["items"]] == [1, 15]
    for item in seg["items"]:
        h = item["headline"]
        assert text[h["start"]:h["end"]] == h["text"]
    assert seg["metadata"]["released"] == "2009-12-16"
