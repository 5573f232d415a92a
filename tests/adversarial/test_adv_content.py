"""Catalog 3 — content: pathological tokenisation is cut short before NLP with a warning (so one file
cannot stall a batch) while offsets still index the original; terminal escapes and zero-width
characters never reach the terminal or entity names; odd but valid reports never crash."""

from __future__ import annotations

import json
import random
import time

import pytest
from _adv import assert_offsets, cli, read_jsonl

TAIL = "\n\n2. Ports closed: The Embassy reported that the ports were closed on Friday.\n"
HEAD = "1. Border: Officials said the border was quiet.\n\n"


def _punctuation(n: int) -> str:
    rng = random.Random(8)
    return "".join(rng.choice("!?.,;:-=+*#/\\|()[]{}<>~^%$@&'\"") for _ in range(n))


#: name -> a payload spaCy takes seconds to minutes on (the issue measured ~90 s for 20 KB of
#: punctuation, ~110 s for a 1 MB URL-like token).
PATHOLOGICAL = {
    "equals.txt": "=" * 8_192,
    "punctuation.txt": _punctuation(20_000),
    "spaced-punctuation.txt": " ".join(_punctuation(10_000)),
    "url-token.txt": "http://example.org/" + "a1/b2.c3?d=4&" * 80_000,
}


@pytest.fixture(scope="module")
def pathological(tmp_path_factory):
    folder = tmp_path_factory.mktemp("pathological")
    inputs = folder / "in"
    inputs.mkdir()
    texts = {}
    for name, payload in PATHOLOGICAL.items():
        text = HEAD + payload + TAIL
        (inputs / name).write_text(text, encoding="utf-8")
        texts[str(inputs / name)] = text
    started = time.monotonic()
    run = cli("build", inputs, "-o", folder / "out", "--no-html")
    return run, texts, folder / "out", time.monotonic() - started


def test_pathological_runs_do_not_stall_the_batch(pathological):
    run, _, _, elapsed = pathological
    assert run.status == 0, run.err
    # Unprotected, these four take minutes each; cut short they take about as long as short reports.
    assert elapsed < 60, f"{elapsed:.0f} s"


@pytest.mark.parametrize("name", sorted(PATHOLOGICAL))
def test_pathological_run_reported_and_text_after_it_still_read(pathological, name):
    run, texts, out, _ = pathological
    path = next(p for p in texts if p.endswith(name))
    warnings = [ln for ln in run.lines_about(path) if "W202" in ln]
    assert len(warnings) == 1 and "not passed to NLP" in warnings[0]
    claims = [c for c in read_jsonl(out / "claims.jsonl") if c["document"] == path]
    assert any("ports were closed" in c["content"]["text"] for c in claims)
    assert_offsets(claims, texts)


ANSI = ("1. Talks \x1b[2J\x1b[31mresume\x1b[0m: The \x1b]0;pwned\x07Embassy reported that Sov\u200biet "
        "and Fr\u200dench dele\u00adgates met \u202eevil\u202c in Paris.\n\nComment: The \x1b[5mtalks\x1b[0m may "
        "resume.\n")
INVISIBLE = ("\x1b", "\u200b", "\u200d", "\u00ad", "\u202e", "\x07")


def test_escapes_and_zero_width_never_reach_terminal_or_names(tmp_path):
    doc = tmp_path / "ansi.txt"
    doc.write_text(ANSI, encoding="utf-8")
    # An escape in a file name must not reach the terminal either.
    evil = tmp_path / "evil\x1b[31m.txt"
    evil.write_bytes(b"")
    out = tmp_path / "out"
    run = cli("build", doc, evil, "-o", out, "--no-html")
    assert run.status == 1  # the empty file
    seg = cli("segment", doc)
    for text in (run.out, run.err, seg.out, seg.err):
        assert not any(ch in text for ch in INVISIBLE), repr(text)
    names = [a["label"] for a in read_jsonl(out / "actors.jsonl")]
    names += [c["source"]["label"] for c in read_jsonl(out / "claims.jsonl")]
    assert names and not any(ch in n for n in names for ch in INVISIBLE), names
    assert_offsets(read_jsonl(out / "claims.jsonl"), {str(doc): ANSI})


def _ocr_garbage() -> str:
    rng = random.Random(52)
    alphabet = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789 .,;:'\"-()|!/\\\n"
    return "".join(rng.choice(alphabet) for _ in range(6_000))


ODD = {
    "ocr-garbage.txt": _ocr_garbage(),
    "no-items.txt": "The weather in the capital was mild and the markets were open as usual this week.\n",
    "only-redactions.txt": "25X1\n\n[redacted]\n\n3.5(c)\n25X1A\n\n3.3(h)(2)\n",
    "nested-quotes.txt": "1. Talks: The Embassy said that " + "\"he said '" * 60 + "no" + "'\"" * 60 + ".\n",
    "unbalanced-quotes.txt": "1. Talks: The Embassy said \"the talks \u201cwill resume\u2019 in \"March.\n\n"
                             "Comment: \u201cThe talks\u201d may \u2018resume\u201d \"\".\n",
}


@pytest.fixture(scope="module")
def odd(tmp_path_factory):
    folder = tmp_path_factory.mktemp("odd")
    inputs = folder / "in"
    inputs.mkdir()
    for name, text in ODD.items():
        (inputs / name).write_text(text, encoding="utf-8")
    run = cli("build", inputs, "-o", folder / "out", "--no-html")
    return run, inputs, folder / "out"


@pytest.mark.parametrize("name", sorted(ODD))
def test_odd_reports_never_crash(odd, name):
    run, inputs, out = odd
    path = inputs / name
    assert not [ln for ln in run.lines_about(path) if "error" in ln], run.err
    assert run.status == 0
    claims = [c for c in read_jsonl(out / "claims.jsonl") if c["document"] == str(path)]
    assert_offsets(claims, {str(path): ODD[name]})
    json.loads((out / "graph.jsonld").read_text(encoding="utf-8"))


NUMBERED = "".join(f"{n}. Ports.\n" for n in range(1, 5001))


@pytest.mark.slow
def test_5000_numbered_items_never_crash(tmp_path):
    doc = tmp_path / "numbered-5000.txt"
    doc.write_text(NUMBERED, encoding="utf-8")
    seg = cli("segment", doc, "--json")
    assert seg.status == 0
    numbers = [i["number"] for i in json.loads(seg.out)["items"]]
    assert numbers[:3] == [1, 2, 3] and numbers == sorted(set(numbers))
    run = cli("build", doc, "-o", tmp_path / "out", "--no-html", "-q")
    assert run.status == 0, run.err
    assert_offsets(read_jsonl(tmp_path / "out" / "claims.jsonl"), {str(doc): NUMBERED})
