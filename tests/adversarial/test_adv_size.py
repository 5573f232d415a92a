"""Catalog 2 — size: documents past the per-document limit are refused at once with a clear message
naming the flag that raises it; long passages go to spaCy in chunks with offsets into the original;
thousands of tiny files stream through."""

from __future__ import annotations

import random
import resource
import time

import pytest
from _adv import GOOD, assert_offsets, cli, read_jsonl, spawn

WORDS = ["the", "delegates", "met", "on", "Monday", "and", "officials", "in", "the", "capital", "said", "that", "trade", "was", "quiet", "while", "ports", "stayed", "open"]


def _prose(n_chars: int, seed: int) -> str:
    rng = random.Random(seed)
    words = []
    size = 0
    while size < n_chars:
        word = rng.choice(WORDS)
        words.append(word)
        size += len(word) + 1
    return " ".join(words)[:n_chars]


def test_5mb_single_line_refused_with_the_flag_to_raise_the_limit(tmp_path, good):
    big = tmp_path / "in" / "one-line.txt"
    big.write_text(_prose(5_000_000, 1), encoding="utf-8")
    started = time.monotonic()
    run = cli("build", tmp_path / "in", "-o", tmp_path / "out", "--no-html")
    assert time.monotonic() - started < 60
    lines = run.lines_about(big)
    assert len(lines) == 1 and "--max-chars" in lines[0] and "5000000 characters" in lines[0], run.err
    assert run.status == 1
    assert {c["document"] for c in read_jsonl(tmp_path / "out" / "claims.jsonl")} == {str(good)}


def test_20mb_document_refused_in_bounded_memory(tmp_path):
    big = tmp_path / "huge.txt"
    big.write_text(_prose(20_000_000, 2), encoding="utf-8")
    proc = spawn("build", big, "-o", tmp_path / "out", "-q")
    _, err = proc.communicate(timeout=300)
    peak_mb = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
    assert proc.returncode == 1 and "--max-chars" in err and "Traceback" not in err, err
    assert not (tmp_path / "out").exists()
    # The model (~250 MB) plus the 20 MB read and decoded, not gigabytes of per-character lists.
    assert peak_mb < 900, f"{peak_mb:.0f} MB"


def test_long_passage_is_parsed_in_chunks_with_offsets_into_the_original(tmp_path):
    # One item far longer than the NLP chunk size (20,000 characters), with claims at both ends.
    text = ("1. Talks: The Embassy reported that the delegates left Paris. " + _prose(45_000, 3)
            + ". The mission said that the ports were closed on Friday.\n")
    doc = tmp_path / "long.txt"
    doc.write_text(text, encoding="utf-8")
    run = cli("build", doc, "-o", tmp_path / "out", "--no-html", "-q")
    assert run.status == 0, run.err
    claims = read_jsonl(tmp_path / "out" / "claims.jsonl")
    assert_offsets(claims, {str(doc): text})
    contents = " ".join(c["content"]["text"] for c in claims)
    assert "delegates left Paris" in contents and "ports were closed" in contents
    assert max(c["content"]["end"] for c in claims) > 45_000


@pytest.mark.slow
def test_document_beyond_spacy_max_length_is_processed_when_allowed(tmp_path):
    text = ("The Embassy reported that the delegates left Paris.\n\n" + _prose(1_050_000, 4)
            + "\n\nThe mission said that the ports were closed on Friday.\n")
    doc = tmp_path / "beyond.txt"
    doc.write_text(text, encoding="utf-8")
    run = cli("build", doc, "-o", tmp_path / "out", "--no-html", "-q", "--max-chars", "2000000")
    assert run.status == 0, run.err
    claims = read_jsonl(tmp_path / "out" / "claims.jsonl")
    assert_offsets(claims, {str(doc): text})
    assert any("ports were closed" in c["content"]["text"] for c in claims)


@pytest.mark.slow
def test_10000_tiny_files_stream_through(tmp_path):
    folder = tmp_path / "in"
    folder.mkdir()
    for i in range(10_000):
        sub = folder / f"{i // 1000:02d}"
        sub.mkdir(exist_ok=True)
        text = f"Note {i}.\n" if i % 1000 else GOOD.replace("Trade", f"Trade {i}")  # all distinct
        (sub / f"{i:05d}.txt").write_text(text, encoding="utf-8")
    run = cli("build", folder, "-o", tmp_path / "out", "--no-html", "-q")
    assert run.status == 0, run.err
    assert len(list((tmp_path / "out" / "texts").glob("*.txt"))) == 10_000
    assert len({c["document"] for c in read_jsonl(tmp_path / "out" / "claims.jsonl")}) >= 10
