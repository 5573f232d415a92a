"""Timeline: claims about an actor by bulletin date; event dates found in claims kept apart."""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path

import pytest

from graphbuild import ids
from graphbuild.cli import main
from graphbuild.export.outdir import load_build_output
from graphbuild.export.texts import write_texts
from graphbuild.export.timeline import build_timeline, detect_event_dates, resolve_actor
from graphbuild.records import (
    Actor,
    ActorKind,
    Claim,
    Commitment,
    Document,
    Polarity,
    Source,
    SourceKind,
    Span,
)
from graphbuild.serialize import actor_to_json, claim_to_json


def _claim(doc: Document, content: str, source: Source, about: tuple[str, ...], **kw) -> Claim:
    start = doc.text.index(content)
    span = Span(start, start + len(content), content)
    return Claim(
        id=ids.claim_id(doc.sha256, span.start, span.end, None),
        document=doc.id,
        item=1,
        in_comment=False,
        content=span,
        source=source,
        cue=None,
        commitment=kw.get("commitment", Commitment.CERTAIN),
        polarity=kw.get("polarity", Polarity.POSITIVE),
        about=about,
    )


def make_build(tmp_path: Path, *, with_dates: bool = True) -> tuple[Path, dict[str, Claim]]:
    later = Document(
        id="b.txt", text="The legation says Northland troops left on 3 March.", sha256="", path="b.txt"
    )
    later = Document(id=later.id, text=later.text, sha256=ids.content_hash(later.text), path=later.path)
    earlier = Document(
        id="a.txt",
        text="Radio Capital claims Northland troops \x1b[31mwill stay\x1b[0m until 1953. "
        "Westland reports calm.",
        sha256="",
        path="a.txt",
    )
    earlier = Document(
        id=earlier.id, text=earlier.text, sha256=ids.content_hash(earlier.text), path=earlier.path
    )
    undated = Document(id="c.txt", text="An observer says Northland is rearming.", sha256="", path="c.txt")
    undated = Document(
        id=undated.id, text=undated.text, sha256=ids.content_hash(undated.text), path=undated.path
    )
    legation = Source("legation", "the legation", SourceKind.GOVERNMENT)
    radio = Source("radio-capital", "Radio Capital", SourceKind.PRESS)
    observer = Source("observer", "an observer", SourceKind.PERSON)
    claims = {
        "left": _claim(later, "Northland troops left on 3 March", legation, ("northland",)),
        "stay": _claim(
            earlier, "Northland troops \x1b[31mwill stay\x1b[0m until 1953", radio, ("northland",)
        ),
        "calm": _claim(earlier, "calm", radio, ("westland",)),
        "rearm": _claim(undated, "Northland is rearming", observer, ("northland",)),
    }
    out = tmp_path / "out"
    out.mkdir()
    lines = []
    for key, c in claims.items():
        line = claim_to_json(c)
        if with_dates and key == "left":
            line["date"] = "1952-03-10"  # the future claims.jsonl field wins over texts/index.jsonl
        lines.append(json.dumps(line))
    (out / "claims.jsonl").write_text("\n".join(lines) + "\n", encoding="utf-8")
    actors = [
        Actor("northland", "Northland", ActorKind.STATE, aliases=("the Northlanders",)),
        Actor("westland", "Westland", ActorKind.STATE),
    ]
    (out / "actors.jsonl").write_text(
        "".join(json.dumps(actor_to_json(a, "a.txt")) + "\n" for a in actors), encoding="utf-8"
    )
    relation = {
        "id": "r1",
        "type": "contradicts",
        "from": claims["left"].id,
        "to": claims["stay"].id,
        "score": 0.9,
        "evidence": [],
    }
    (out / "relations.jsonl").write_text(json.dumps(relation) + "\n", encoding="utf-8")
    if with_dates:
        earlier_meta = Document(
            id=earlier.id,
            text=earlier.text,
            sha256=earlier.sha256,
            path=earlier.path,
            metadata={"date": "1952-02-01"},
        )
        later_meta = Document(
            id=later.id,
            text=later.text,
            sha256=later.sha256,
            path=later.path,
            metadata={"date": "1999-01-01"},
        )  # overridden by the claim's own date
        write_texts(out, [earlier_meta, later_meta, undated])
    return out, claims


def test_event_dates_are_not_bulletin_dates() -> None:
    text = "forces crossed the river on 14 January and talks resumed January 3, 1952; in mid-1951 and by 1953"
    found = detect_event_dates(text, offset=100, bulletin_date="1952-01-21")
    assert [(d.value, d.year_inferred) for d in found] == [
        ("1952-01-14", True),
        ("1952-01-03", False),
        ("1951", False),
        ("1953", False),
    ]
    for d in found:
        assert text[d.span.start - 100 : d.span.end - 100] == d.span.text  # offsets are absolute
    assert detect_event_dates("on 14 January", bulletin_date=None) == []  # no year to infer: not a date
    assert detect_event_dates("May may be in 31 February or 1952-13-01") == []
    assert [d.value for d in detect_event_dates("as of 21 Jan 52 and 1951-12-30")] == [
        "1952-01-21",
        "1951-12-30",
    ]
    assert [d.value for d in detect_event_dates("reported yesterday", bulletin_date="1952-03-01")] == [
        "1952-02-29"
    ]


def test_timeline_orders_by_bulletin_date_and_marks_links(tmp_path: Path) -> None:
    out, claims = make_build(tmp_path)
    output = load_build_output(out)
    assert resolve_actor("the northlanders", output.actors) == ["northland"]
    entries = build_timeline(output, ["northland"])
    assert [e.claim.id for e in entries] == [claims["stay"].id, claims["left"].id, claims["rearm"].id]
    assert [e.bulletin_date for e in entries] == ["1952-02-01", "1952-03-10", None]
    assert entries[0].contradicted_by == (claims["left"].id,)
    assert [d.value for d in entries[1].event_dates] == ["1952-03-03"]  # year from the bulletin, flagged
    assert entries[1].event_dates[0].year_inferred
    since = build_timeline(output, ["northland"], since="1952-03-01")
    assert [e.claim.id for e in since] == [claims["left"].id]


def test_cli_table_json_csv(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    out, claims = make_build(tmp_path)
    assert main(["timeline", str(out), "--actor", "Northland"]) == 0
    table = capsys.readouterr().out
    rows = [line for line in table.splitlines() if line[:4] in ("1952", "unda")]
    assert len(rows) == 3 and rows[0].startswith("1952-02-01  x")
    assert "\x1b" not in table  # not a terminal: no colour, and document escape codes shown escaped
    assert "\\x1b[31mwill stay" in table
    assert "1952-03-03?" in rows[1]

    assert main(["timeline", str(out), "--actor", "northland", "--format", "json"]) == 0
    data = json.loads(capsys.readouterr().out)
    assert [d["claim"] for d in data] == [claims["stay"].id, claims["left"].id, claims["rearm"].id]
    assert data[0]["event_dates"][0]["value"] == "1953" and data[0]["bulletin_date"] == "1952-02-01"

    assert main(["timeline", str(out), "--format", "csv"]) == 0
    rows = list(csv.DictReader(io.StringIO(capsys.readouterr().out)))
    assert len(rows) == 4 and rows[0]["contradicted_by"] == claims["left"].id


def test_cli_unknown_actor_and_undated_build(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    out, _ = make_build(tmp_path, with_dates=False)
    assert main(["timeline", str(out), "--actor", "Atlantis"]) == 1
    assert "no claim is about 'Atlantis'" in capsys.readouterr().err
    assert main(["timeline", str(out), "--actor", "northland"]) == 0
    captured = capsys.readouterr()
    assert "no bulletin dates" in captured.err
    assert captured.out.count("undated") == 3
