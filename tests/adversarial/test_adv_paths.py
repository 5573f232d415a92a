"""Catalog 5 — paths: loops terminate, pipes and devices are skipped with a message (never read
forever), unreadable files are reported, and output names never come from document text."""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest
from _adv import GOOD, cli, read_jsonl, spawn


def test_symlink_loop_in_input_folder_terminates_and_reads_each_file_once(tmp_path, good):
    folder = good.parent
    (folder / "sub").mkdir()
    (folder / "sub" / "up").symlink_to(folder, target_is_directory=True)  # folder/sub/up -> folder
    (folder / "self").symlink_to(folder / "sub", target_is_directory=True)
    run = cli("build", folder, "-o", tmp_path / "out", "--no-html", "-q")
    assert run.status == 0, run.err
    documents = {c["document"] for c in read_jsonl(tmp_path / "out" / "claims.jsonl")}
    assert documents == {str(good)}


def test_pipe_device_and_unreadable_are_skipped_with_a_message(tmp_path, good):
    folder = good.parent
    os.mkfifo(folder / "pipe.txt")  # opening it would block forever: no writer
    (folder / "zero.txt").symlink_to("/dev/zero")  # reading it would never end
    (folder / "dangling.txt").symlink_to(folder / "missing.txt")
    locked = folder / "locked.txt"
    locked.write_text(GOOD, encoding="utf-8")
    locked.chmod(0)
    unreadable = os.geteuid() != 0  # root reads mode-000 files anyway
    # A real process with a deadline: a reader that blocks on the pipe must fail the test, not hang it.
    proc = spawn("build", folder, "/dev/zero", "-o", tmp_path / "out", "--no-html", "-q")
    try:
        _, err = proc.communicate(timeout=180)
    finally:
        proc.kill()
    assert "Traceback" not in err
    lines = err.splitlines()
    assert proc.returncode == 1
    for name in ("pipe.txt", "zero.txt"):
        hits = [ln for ln in lines if f"{name}:" in ln]
        assert len(hits) == 1 and "not a regular file" in hits[0], err
    assert any("/dev/zero:" in ln and "not a regular file" in ln for ln in lines), err
    assert any("dangling.txt:" in ln and "cannot read" in ln for ln in lines), err
    if unreadable:
        assert any("locked.txt:" in ln and "cannot read" in ln for ln in lines), err
    documents = {c["document"] for c in read_jsonl(tmp_path / "out" / "claims.jsonl")}
    assert str(good) in documents


HOSTILE_IDS = ["../../etc/passwd", "CON", "/tmp/evil", "a/../../b", "NUL.txt", "..", "graph.ttl"]


def test_output_names_never_come_from_document_text(tmp_path):
    folder = tmp_path / "in"
    folder.mkdir()
    (folder / "titled.txt").write_text("../../etc/passwd\n\nCON\n\n" + GOOD, encoding="utf-8")
    lines = [json.dumps({"id": doc_id, "title": doc_id, "text": GOOD.replace("Trade", f"Trade {i}")})
             for i, doc_id in enumerate(HOSTILE_IDS)]
    (folder / "docs.jsonl").write_text("\n".join(lines) + "\n", encoding="utf-8")
    out = tmp_path / "deep" / "out"
    before = {p for p in tmp_path.rglob("*")}
    run = cli("build", folder, "-o", out, "-q")
    assert run.status == 0, run.err
    created = {p for p in tmp_path.rglob("*")} - before
    assert all(out == p or out in p.parents or p in out.parents for p in created), created
    names = {p.relative_to(out).as_posix() for p in created if out in p.parents}
    fixed = {"claims.jsonl", "actors.jsonl", "relations.jsonl", "graph.ttl", "graph.nt", "graph.jsonld",
             "graph.trig", "graph.graphml", "graph.html", "texts", "texts/index.jsonl"}
    others = {n for n in names if n not in fixed}
    # Only texts/<sha256>.txt besides the fixed names: content hashes, never ids or titles.
    assert others and all(_is_hash_name(n) for n in others), others
    documents = {c["document"] for c in read_jsonl(out / "claims.jsonl")}
    assert set(HOSTILE_IDS) <= documents  # the ids survive as data


def _is_hash_name(name: str) -> bool:
    stem = name.removeprefix("texts/").removesuffix(".txt")
    return name.startswith("texts/") and len(stem) == 64 and all(c in "0123456789abcdef" for c in stem)


@pytest.mark.parametrize("name", ["a\nb.txt", "-rf.txt", "$(touch x).txt"])
def test_odd_input_file_names_are_data(tmp_path, name):
    doc = tmp_path / name
    doc.write_text(GOOD, encoding="utf-8")
    run = cli("build", tmp_path, "-o", tmp_path / "out", "--no-html", "-q")
    assert run.status == 0, run.err
    assert {c["document"] for c in read_jsonl(tmp_path / "out" / "claims.jsonl")} == {str(doc)}
    assert not Path("x").exists()
