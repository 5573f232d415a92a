"""STIX 2.1 export of a build folder: valid bundle, deterministic ids, the documented mapping.

The build folder is written by the test from records through graphbuild.serialize, so the input has
exactly the on-disk shapes of claims.jsonl / actors.jsonl / relations.jsonl.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

import pytest

from graphbuild import ids
from graphbuild.cli import main
from graphbuild.export.outdir import load_build_output
from graphbuild.export.stix import stix_confidence, to_stix_bundle, write_stix_bundle
from graphbuild.export.texts import write_texts
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

stix2 = pytest.importorskip("stix2")

TEXT = (
    "Item 1. The Foreign Office in Ruritania reports that the Northland army is massing at the border. "
    "A Northland spokesman denied that troops were moving. "
    "Comment: The reported build-up is consistent with earlier reports from the Capital. "
    "[redacted] Northland intends to occupy the Delta."
)


def _span(text: str, needle: str) -> Span:
    start = text.index(needle)
    return Span(start, start + len(needle), needle)


def _claim(
    doc: Document,
    content: str,
    source: Source,
    cue: str | None,
    about: tuple[str, ...],
    *,
    commitment: Commitment = Commitment.CERTAIN,
    polarity: Polarity = Polarity.POSITIVE,
    in_comment: bool = False,
) -> Claim:
    span = _span(doc.text, content)
    return Claim(
        id=ids.claim_id(doc.sha256, span.start, span.end, source.mention.start if source.mention else None),
        document=doc.id,
        item=1,
        in_comment=in_comment,
        content=span,
        source=source,
        cue=_span(doc.text, cue) if cue else None,
        commitment=commitment,
        polarity=polarity,
        about=about,
    )


def make_build(tmp_path: Path, *, credibility: dict[int, int] | None = None) -> tuple[Path, list[Claim]]:
    doc = Document(
        id="bulletins/cib-1961-03-02.txt",
        text=TEXT,
        sha256=ids.content_hash(TEXT),
        path="bulletins/cib-1961-03-02.txt",
        metadata={"date": "1961-03-02"},
    )
    t = doc.text
    fo = Source(
        "ruritania-foreign-office",
        "the Foreign Office in Ruritania",
        SourceKind.GOVERNMENT,
        _span(t, "The Foreign Office in Ruritania"),
    )
    spokesman = Source(
        "northland-spokesman", "a Northland spokesman", SourceKind.PERSON, _span(t, "A Northland spokesman")
    )
    analyst = Source("analyst", "analyst", SourceKind.ANALYST)
    redacted = Source("redacted", "[redacted]", SourceKind.REDACTED, _span(t, "[redacted]"))
    claims = [
        _claim(
            doc, "the Northland army is massing at the border", fo, "reports", ("northland", "border-region")
        ),
        _claim(doc, "troops were moving", spokesman, "denied", ("northland",), polarity=Polarity.NEGATIVE),
        _claim(
            doc,
            "The reported build-up is consistent with earlier reports from the Capital",
            analyst,
            None,
            ("northland",),
            commitment=Commitment.PROBABLE,
            in_comment=True,
        ),
        _claim(
            doc,
            "Northland intends to occupy the Delta",
            redacted,
            None,
            ("northland", "delta"),
            commitment=Commitment.REPORTED,
        ),
    ]
    actors = [
        Actor(
            "northland",
            "Northland",
            ActorKind.STATE,
            aliases=("the Northlanders",),
            mentions=(_span(t, "Northland"),),
        ),
        Actor("border-region", "the border", ActorKind.PLACE, mentions=(_span(t, "the border"),)),
        Actor("delta", "the Delta", ActorKind.PLACE, mentions=(_span(t, "the Delta"),)),
    ]
    out = tmp_path / "out"
    out.mkdir()
    lines = []
    for i, claim in enumerate(claims):
        line = claim_to_json(claim)
        if credibility and i in credibility:
            line["credibility"] = credibility[i]
        lines.append(json.dumps(line))
    (out / "claims.jsonl").write_text("\n".join(lines) + "\n", encoding="utf-8")
    (out / "actors.jsonl").write_text(
        "".join(json.dumps(actor_to_json(a, doc.id)) + "\n" for a in actors), encoding="utf-8"
    )
    relations = [
        {
            "id": "r1",
            "type": "contradicts",
            "from": claims[0].id,
            "to": claims[1].id,
            "score": 0.8,
            "evidence": [
                {
                    "signal": "cue:denies",
                    "note": "denial of the same event",
                    "spans": [{**claims[1].cue.to_json(), "document": doc.id}],
                }
            ],
        },
        {
            "id": "r2",
            "type": "corroborates",
            "from": claims[2].id,
            "to": claims[0].id,
            "score": 0.7,
            "evidence": [{"signal": "analyst-comment", "note": "consistent with", "spans": []}],
        },
        {
            "id": "r3",
            "type": "comments_on",
            "from": claims[2].id,
            "to": claims[3].id,
            "score": 0.5,
            "evidence": [],
        },
    ]
    (out / "relations.jsonl").write_text("".join(json.dumps(r) + "\n" for r in relations), encoding="utf-8")
    write_texts(out, [doc])
    return out, claims


def _by_type(bundle) -> dict[str, list]:
    found: dict[str, list] = {}
    for o in bundle.objects:
        found.setdefault(o.type, []).append(o)
    return found


def test_bundle_parses_and_is_deterministic(tmp_path: Path) -> None:
    out, _ = make_build(tmp_path)
    first = tmp_path / "a.json"
    second = tmp_path / "b.json"
    assert main(["export", "stix", str(out), "-o", str(first)]) == 0
    assert main(["export", "stix", str(out), "-o", str(second)]) == 0
    assert first.read_bytes() == second.read_bytes()  # ids, timestamps and order are all fixed
    parsed = stix2.parse(first.read_text(encoding="utf-8"), allow_custom=True)
    assert parsed.type == "bundle"
    object_ids = {o.id for o in parsed.objects}
    assert len(object_ids) == len(parsed.objects)
    # every reference inside the bundle resolves inside the bundle
    for o in parsed.objects:
        refs = list(o.get("object_refs", [])) + [
            o.get(k) for k in ("source_ref", "target_ref", "created_by_ref")
        ]
        assert {r for r in refs if r} <= object_ids, o.id


def test_mapping(tmp_path: Path) -> None:
    out, claims = make_build(tmp_path, credibility={0: 2, 1: 6, 3: 4})
    bundle = to_stix_bundle(load_build_output(out))
    by_type = _by_type(bundle)
    assert {k: len(v) for k, v in by_type.items()} == {
        "identity": 5,
        "location": 2,
        "report": 1,
        "note": 4,
        "opinion": 2,
        "relationship": 3,
    }
    notes = {n.x_graphbuild_claim: n for n in by_type["note"]}
    note = notes[claims[0].id]
    assert note.id == ids.stix_id("note", claims[0].id)
    assert note.content == "the Northland army is massing at the border"
    assert ids.stix_id("identity", "northland") in note.object_refs
    assert ids.stix_id("location", "border-region") in note.object_refs
    assert note.created_by_ref == ids.stix_id("identity", "ruritania-foreign-office")
    assert note.confidence == 70  # Admiralty 2 "probably true"
    assert "confidence" not in notes[claims[1].id]  # 6 "truth cannot be judged": no value
    assert notes[claims[3].id].confidence == 30
    # no rating in claims.jsonl: the linking stage's suggestion (corroborated by 1 independent source)
    assert notes[claims[2].id].confidence == 70
    assert "corroborated by 1 independent source" in notes[claims[2].id].x_graphbuild_credibility_reasons
    span_ref = note.external_references[1]
    assert span_ref.hashes["SHA-256"] == ids.content_hash(TEXT)
    assert f"characters {claims[0].content.start}-{claims[0].content.end}" in span_ref.description

    identities = {i.x_graphbuild_id: i for i in by_type["identity"]}
    assert identities["northland"].identity_class == "organization"
    assert identities["northland"].sectors == ["government-national"]
    assert identities["ruritania-foreign-office"].roles == ["source"]
    assert identities["northland-spokesman"].identity_class == "individual"
    assert identities["redacted"].identity_class == "unknown"

    opinions = {o.x_graphbuild_relation: o for o in by_type["opinion"]}
    assert opinions["corroborates"].opinion == "agree"
    assert opinions["corroborates"].object_refs == [ids.stix_id("note", claims[0].id)]
    assert opinions["comments_on"].opinion == "neutral"
    assert opinions["corroborates"].created_by_ref == ids.stix_id("identity", "analyst")

    rels = {r.relationship_type: r for r in by_type["relationship"]}
    assert set(rels) == {"contradicts", "corroborates", "comments-on"}
    assert rels["contradicts"].confidence == 80
    assert rels["contradicts"].x_graphbuild_evidence[0]["signal"] == "cue:denies"

    report = by_type["report"][0]
    assert report.published.isoformat().startswith("1961-03-02")
    assert set(report.object_refs) >= {n.id for n in by_type["note"]} | {
        r.id for r in by_type["relationship"]
    }
    assert note.created.isoformat().startswith("1961-03-02")  # default timestamp: latest bulletin date


def test_analyst_disagreement_becomes_disagree_opinion(tmp_path: Path) -> None:
    out, claims = make_build(tmp_path)
    lines = (out / "relations.jsonl").read_text(encoding="utf-8").splitlines()
    lines.append(
        json.dumps(
            {
                "id": "r4",
                "type": "contradicts",
                "from": claims[3].id,
                "to": claims[2].id,
                "score": 0.9,
                "evidence": [],
            }
        )
    )
    (out / "relations.jsonl").write_text("\n".join(lines) + "\n", encoding="utf-8")
    by_type = _by_type(to_stix_bundle(load_build_output(out)))
    disagree = [o for o in by_type["opinion"] if o.opinion == "disagree"]
    assert len(disagree) == 1
    assert disagree[0].object_refs == [ids.stix_id("note", claims[3].id)]  # the analyst judges the other side


def test_opencti_mode_and_fixed_timestamp(tmp_path: Path) -> None:
    out, _ = make_build(tmp_path)
    bundle = to_stix_bundle(load_build_output(out), created="2024-05-01T00:00:00Z", opencti=True)
    rels = _by_type(bundle)["relationship"]
    assert {r.relationship_type for r in rels} == {"related-to"}
    assert {r.description.split(":")[0] for r in rels} == {"contradicts", "corroborates", "comments-on"}
    assert all(o.created.isoformat().startswith("2024-05-01") for o in bundle.objects)


def test_confidence_scale() -> None:
    assert [stix_confidence(n) for n in range(1, 7)] == [90, 70, 50, 30, 10, None]
    assert stix_confidence(0) is None


def test_missing_stix2_gives_install_hint(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    out, _ = make_build(tmp_path)
    monkeypatch.setitem(sys.modules, "stix2", None)
    with pytest.raises(Exception, match=r"graphbuild\[stix\]"):
        write_stix_bundle(load_build_output(out), tmp_path / "x.json")


def test_not_a_build_folder(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["export", "stix", str(tmp_path), "-o", str(tmp_path / "x.json")]) == 1
    assert "no claims.jsonl" in capsys.readouterr().err
    assert not (tmp_path / "x.json").exists()
