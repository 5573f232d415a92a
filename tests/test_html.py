"""The interactive HTML export without a browser: views, layout, escaping, the page's shape, the CLI.

Browser behaviour (scripts never run, controls work) is in test_html_browser.py.
"""

from __future__ import annotations

import base64
import hashlib
import json
import math
import re
from html.parser import HTMLParser
from pathlib import Path

import networkx as nx
import pytest
from _html_graphs import PAYLOADS, payload_kg, sample_kg
from hypothesis import given
from hypothesis import strategies as st

from graphbuild.cli import main
from graphbuild.export import html as gbhtml
from graphbuild.export.html import (
    PHYSICS_MAX_NODES,
    TIMELINE_PALETTE,
    actor_view,
    filter_dates,
    layout_positions,
    make_view,
    page_data,
    render_html,
    script_safe_json,
    timeline_data,
    who_said_what_view,
    write_html,
)


class _Page(HTMLParser):
    """Tags, attributes and script bodies of a page, as a browser's tokenizer sees them."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.tags: list[tuple[str, dict[str, str | None]]] = []
        self.scripts: list[tuple[dict[str, str | None], str]] = []
        self._in_script: dict[str, str | None] | None = None
        self.title = ""
        self._in_title = False

    def handle_starttag(self, tag, attrs):
        self.tags.append((tag, dict(attrs)))
        if tag == "script":
            self._in_script = dict(attrs)
            self.scripts.append((self._in_script, ""))
        self._in_title = tag == "title"

    def handle_endtag(self, tag):
        if tag == "script":
            self._in_script = None
        self._in_title = False

    def handle_data(self, data):
        if self._in_script is not None:
            attrs, body = self.scripts[-1]
            self.scripts[-1] = (attrs, body + data)
        if self._in_title:
            self.title += data


def parse(page: str) -> _Page:
    p = _Page()
    p.feed(page)
    p.close()
    return p


def page_json(page: str) -> dict:
    parsed = parse(page)
    (body,) = [b for a, b in parsed.scripts if a.get("type") == "application/json"]
    return json.loads(body)


# ----------------------------------------------------------------------------------------- escaping


@given(st.text())
def test_script_safe_json_round_trips_and_cannot_close_a_script(text):
    out = script_safe_json({"t": text, "k": [text]})
    assert not set(out) & {"<", ">", "&", "\u2028", "\u2029"}
    assert json.loads(out) == {"t": text, "k": [text]}


def test_payload_page_has_exactly_our_three_scripts_and_no_raw_payload():
    page = render_html(payload_kg(), title=PAYLOADS[0])
    parsed = parse(page)
    # The tokenizer sees the JSON block, vis-network and our script: no payload opened another.
    assert [a.get("type") for a, _ in parsed.scripts] == ["application/json", None, None]
    assert page.lower().count("</script") == 3
    for payload in PAYLOADS:
        if "<" in payload:
            assert payload not in page
    assert "onerror" not in {k for _, attrs in parsed.tags for k in attrs}
    assert not any("javascript:" in (v or "") for _, attrs in parsed.tags for v in attrs.values())
    # Title: escaped text in <title> and <h1>, the same characters back after parsing.
    assert parsed.title == PAYLOADS[0]
    data = page_json(page)
    labels = {n["label"] for n in data["nodes"]}
    assert any("document.title" in label for label in labels)
    assert data["details"]["evil1"]["info"]["text"] == PAYLOADS[1]


def test_page_is_offline_and_scripts_are_pinned_by_csp():
    page = render_html(sample_kg())
    parsed = parse(page)
    for tag, attrs in parsed.tags:
        assert tag not in ("link", "iframe", "img", "object", "embed", "base")
        assert "src" not in attrs and "href" not in attrs, (tag, attrs)
    (csp,) = [a["content"] for t, a in parsed.tags if t == "meta" and a.get("http-equiv") == "Content-Security-Policy"]
    assert "default-src 'none'" in csp and "unsafe-inline" not in csp.split("script-src")[1].split(";")[0]
    for attrs, body in parsed.scripts:
        if attrs.get("type") == "application/json":
            continue
        digest = base64.b64encode(hashlib.sha256(body.encode("utf-8")).digest()).decode()
        assert f"'sha256-{digest}'" in csp
    # vis-network is inlined from the installed package, not fetched; CSS loads nothing either.
    assert "@version 9.1.2" in parsed.scripts[1][1]
    head = page.split("</head>", 1)[0]
    assert re.findall(r"url\(\s*(?!['\"]?data:)", head) == [] and "@import" not in head


def test_page_script_never_parses_strings_as_html():
    js = (Path(gbhtml.__file__).parent / "templates" / "graph.js").read_text(encoding="utf-8")
    code = re.sub(r"/\*.*?\*/", "", js, flags=re.DOTALL)
    for banned in ("innerHTML", "outerHTML", "insertAdjacentHTML", "document.write", "eval(", "Function("):
        assert banned not in code


# -------------------------------------------------------------------------------------------- views


def test_full_view_keeps_every_node_and_edge_with_styles():
    kg = sample_kg()
    data = page_data(make_view(kg), view="full", title="t")
    assert {n["id"] for n in data["nodes"]} == set(kg.nodes)
    assert len(data["edges"]) == kg.number_of_edges()
    by_kind = {}
    for n in data["nodes"]:
        by_kind.setdefault(n["kind"], set()).add((n["shape"], n["color"]))
    assert all(len(styles) == 1 for styles in by_kind.values())
    assert len({next(iter(s)) for s in by_kind.values()}) == len(by_kind)  # distinct per kind
    edges = {e["kind"]: e for e in data["edges"]}
    assert edges["contradicts"]["dashes"] and edges["contradicts"]["color"] != edges["corroborates"]["color"]
    assert "dashes" not in edges["corroborates"]
    claim = data["details"]["c1"]["info"]
    assert claim["source"] == "US Embassy Moscow" and claim["cue"] == "reports"
    assert claim["commitment"] == "probable" and claim["date"] == "1952-03-01"
    assert claim["document"] == "CIB 1952-03-01" and "Manchurian" in claim["sentence"]
    assert {lg["kind"] for lg in data["legend"]["nodes"]} == set(by_kind)


def test_who_said_what_aggregates_claims_per_source_actor_pair():
    g = who_said_what_view(sample_kg())
    assert {g.nodes[n]["kind"] for n in g} == {"source", "actor"}
    tass_ussr = g.edges["tass", "ussr", "said_about"]
    assert tass_ussr["count"] == 2 and sorted(tass_ussr["claims"]) == ["c2", "c5"]
    assert tass_ussr["polarity"] == {"negative": 1, "positive": 1}
    assert g.edges["analyst", "communist-china", "said_about"]["commitment"] == {"possible": 1}
    # c1 (embassy) contradicts c2 (TASS) and corroborates c5 (TASS): one edge per link kind.
    pair = ("tass", "us-embassy-moscow")
    assert g.edges[(*pair, "contradicts")]["count"] == 1
    assert g.edges[(*pair, "corroborates")]["count"] == 1
    data = page_data(g, view="who-said-what", title="t")
    widths = {(e["from"], e["to"]): e.get("width", 1) for e in data["edges"] if e["kind"] == "said_about"}
    assert widths[("tass", "ussr")] > widths[("tass", "united-states")]
    assert set(data["claims"]) >= {"c2", "c5"}


def test_actor_view_is_the_ego_network():
    g = actor_view(sample_kg(), "USSR")
    assert g.graph["focus"] == "ussr"
    assert {"c1", "c2", "c3", "c5"} <= set(g) and not {"c4", "c6", "d1", "i1"} & set(g)
    assert {"us-embassy-moscow", "tass", "analyst", "communist-china"} <= set(g)
    with pytest.raises(ValueError, match="no actor"):
        actor_view(sample_kg(), "Atlantis")
    with pytest.raises(ValueError, match="focus"):
        make_view(sample_kg(), view="actor")
    with pytest.raises(ValueError, match="unknown view"):
        make_view(sample_kg(), view="pie")


def test_date_filter_keeps_claims_in_range_and_their_context():
    g = filter_dates(sample_kg(), since="1952-06-01")
    claims = {n for n in g if g.nodes[n]["kind"] == "claim"}
    assert claims == {"c4", "c5", "c6"}
    assert "d2" in g and "i3" in g and "d1" not in g
    assert "ussr" in g and "tass" in g and "analyst" not in g
    g = filter_dates(sample_kg(), until="1952-03-31")
    assert {n for n in g if g.nodes[n]["kind"] == "claim"} == {"c1", "c2", "c3"}
    assert "k1" in g  # the comment holding c3, and its item and document
    with pytest.raises(ValueError):
        filter_dates(sample_kg(), since="1952-07-01", until="1952-01-01")


# ----------------------------------------------------------------------------------------- timeline


def _timeline_kg() -> nx.MultiDiGraph:
    """``sample_kg`` plus a claim that mentions an earlier date and one whose bulletin has no date."""
    g = sample_kg()
    text = "Soviet units left Port Arthur on 14 January"
    g.add_node("c7", kind="claim", label=text, text=text, start=100, end=100 + len(text), commitment="certain",
               polarity="positive", cue="said", source="tass", document="d2", date="1952-06-11", sentence=text)
    g.add_edge("tass", "c7", key="says", kind="says")
    g.add_edge("c7", "i3", key="in", kind="in")
    g.add_edge("c7", "ussr", key="about", kind="about")
    g.add_node("d3", kind="document", label="undated cable")
    g.add_node("c8", kind="claim", label="x", text="the USSR is rearming", start=0, end=20, source="analyst",
               document="d3")
    g.add_edge("analyst", "c8", key="says", kind="says")
    g.add_edge("c8", "d3", key="in", kind="in")
    g.add_edge("c8", "ussr", key="about", kind="about")
    return g


def test_page_carries_the_timeline_of_every_actor_by_bulletin_date():
    tl = page_json(render_html(_timeline_kg()))["timeline"]
    # Actors by number of claims about them; the page opens on the most-mentioned one.
    ussr = tl["actors"][0]
    assert (ussr["id"], ussr["total"], tl["selected"]) == ("ussr", 6, "ussr")
    assert [a["total"] for a in tl["actors"]] == sorted((a["total"] for a in tl["actors"]), reverse=True)
    # By bulletin date, undated last (c8's document has no date).
    assert ussr["claims"] == ["c1", "c2", "c3", "c5", "c7", "c8"]
    entries = tl["entries"]
    assert entries["c1"]["bulletin_date"] == "1952-03-01" and entries["c1"]["source"] == "us-embassy-moscow"
    assert entries["c1"]["contradicted_by"] == ["c2"] and entries["c2"]["contradicted_by"] == ["c1"]
    assert entries["c1"]["corroborated_by"] == ["c5"] and entries["c3"]["contradicted_by"] == []
    assert entries["c1"]["cue"] == "reports" and entries["c2"]["polarity"] == "negative"
    # The bulletin date and the date the claim mentions stay apart (the year comes from the bulletin).
    (event,) = entries["c7"]["event_dates"]
    assert entries["c7"]["bulletin_date"] == "1952-06-11"
    assert (event["value"], event["text"], event["year_inferred"]) == ("1952-01-14", "14 January", True)
    assert event["start"] == 100 + entries["c7"]["content"].index("14 January")
    assert "bulletin_date" not in entries["c8"]
    assert tl["palette"] == list(TIMELINE_PALETTE) and len(set(TIMELINE_PALETTE)) == len(TIMELINE_PALETTE)


def test_timeline_actor_choice_date_filter_and_cap():
    kg = _timeline_kg()
    assert timeline_data(kg, actor="North Korea")["selected"] == "north-korea"
    assert timeline_data(kg, actor="COMMUNIST-CHINA")["selected"] == "communist-china"
    assert timeline_data(kg, actor="Soviet Union")["selected"] == "ussr"  # an alias, via the gazetteer
    with pytest.raises(ValueError, match="no claim is about"):
        timeline_data(kg, actor="Atlantis")
    # The actor view opens the timeline on its focus, unless no claim is about it (TASS only speaks).
    assert page_json(render_html(kg, view="actor", focus="communist-china"))["timeline"]["selected"] == \
        "communist-china"
    assert page_json(render_html(kg, view="actor", focus="tass"))["timeline"]["selected"] == "ussr"
    # The date range of the page applies to the timeline too.
    tl = page_json(render_html(kg, since="1952-06-01"))["timeline"]
    assert {a["id"]: a["claims"] for a in tl["actors"]}["ussr"] == ["c5", "c7"]
    # A cap lists the first claims by bulletin date, keeps the exact total, and keeps the other side
    # of a listed claim's contradiction so the page can show both.
    tl = timeline_data(kg, cap=1)
    ussr = {a["id"]: a for a in tl["actors"]}["ussr"]
    assert ussr["claims"] == ["c1"] and ussr["total"] == 6
    assert {"c1", "c2", "c5"} <= set(tl["entries"]) and "c7" not in tl["entries"]


def test_timeline_payload_is_escaped_text():
    page = render_html(payload_kg(), view="who-said-what")
    tl = page_json(page)["timeline"]
    assert tl["entries"]["evil1"]["content"] == PAYLOADS[1]
    assert tl["entries"]["evil1"]["source_label"] == PAYLOADS[0]
    assert PAYLOADS[4] in {a["label"] for a in tl["actors"]}
    (block,) = [b for a, b in parse(page).scripts if a.get("type") == "application/json"]
    assert "<" not in block and ">" not in block


def test_cli_html_actor_option(tmp_path, capsys):
    from graphbuild.graph.kg import write_graphml

    write_graphml(_timeline_kg(), tmp_path / "out" / "graph.graphml")
    out = tmp_path / "t.html"
    assert main(["html", str(tmp_path / "out"), "-o", str(out), "--actor", "North Korea"]) == 0
    tl = page_json(out.read_text(encoding="utf-8"))["timeline"]
    assert tl["selected"] == "north-korea"
    assert tl["entries"]["c7"]["event_dates"][0]["value"] == "1952-01-14"  # through GraphML as well
    assert main(["html", str(tmp_path / "out"), "-o", str(tmp_path / "x.html"), "--actor", "Atlantis"]) == 2
    assert "Atlantis" in capsys.readouterr().err and not (tmp_path / "x.html").exists()


# ------------------------------------------------------------------------------------ layout, scale


def _synthetic(n_docs: int) -> nx.MultiDiGraph:
    g = nx.MultiDiGraph()
    for d in range(n_docs):
        g.add_node(f"d{d}", kind="document", label=f"doc {d}", date=f"1952-01-{1 + d % 28:02d}")
        for i in range(4):
            g.add_node(f"d{d}i{i}", kind="item", label="item")
            g.add_edge(f"d{d}i{i}", f"d{d}", key="in", kind="in")
            for c in range(5):
                cid = f"d{d}i{i}c{c}"
                g.add_node(cid, kind="claim", label="claim", text="x", date="1952-01-01")
                g.add_edge(cid, f"d{d}i{i}", key="in", kind="in")
                g.add_node(f"s{c}", kind="source", label=f"source {c}")
                g.add_edge(f"s{c}", cid, key="says", kind="says")
    return g


def test_large_layout_is_deterministic_finite_and_keeps_claims_by_their_item():
    g = _synthetic(30)  # 30 * 25 + 5 = 755 nodes: above the spring-layout size
    assert g.number_of_nodes() > PHYSICS_MAX_NODES
    pos = layout_positions(g)
    assert pos == layout_positions(g)
    assert set(pos) == set(g) and all(math.isfinite(c) for p in pos.values() for c in p)
    for cid in ("d3i2c1", "d17i0c4"):
        item = cid.rsplit("c", 1)[0]
        other_item = "d5i1"
        assert math.dist(pos[cid], pos[item]) < math.dist(pos[cid], pos[other_item])
    data = page_data(make_view(g), view="full", title="t")
    assert data["options"]["physics"]["enabled"] is False and data["deferredKinds"] == ["in"]
    assert data["options"]["layout"]["improvedLayout"] is False


def test_small_graph_starts_with_physics_from_given_positions():
    data = page_data(make_view(sample_kg()), view="full", title="t")
    assert data["options"]["physics"]["enabled"] is True and data["deferredKinds"] == []
    assert all("x" in n and "y" in n for n in data["nodes"])


# ---------------------------------------------------------------------------------------- write, CLI


def test_write_html_writes_the_rendered_page(tmp_path):
    out = write_html(sample_kg(), tmp_path / "sub" / "g.html", view="who-said-what", title="W")
    text = out.read_text(encoding="utf-8")
    assert text.startswith("<!DOCTYPE html>") and "<title>W</title>" in text
    assert [p.name for p in out.parent.iterdir()] == ["g.html"]  # no lib/ folder, no temp file left


def test_cli_html_reads_a_build_folder_graphml(tmp_path, capsys):
    kg = payload_kg()
    from graphbuild.graph.kg import write_graphml

    outdir = tmp_path / "out"
    write_graphml(kg, outdir / "graph.graphml")
    assert main(["html", str(outdir), "-o", str(tmp_path / "w.html"), "--view", "who-said-what"]) == 0
    data = page_json((tmp_path / "w.html").read_text(encoding="utf-8"))
    assert {n["id"] for n in data["nodes"]} >= {"tass", "ussr", PAYLOADS[0]}
    assert main(["html", str(outdir), "-o", str(tmp_path / "a.html"), "--view", "actor", "--focus", "tass",
                 "--since", "1952-06-01"]) == 0
    assert {n["id"] for n in page_json((tmp_path / "a.html").read_text())["nodes"]} >= {"tass", "c5", "c6"}
    assert main(["html", str(outdir), "-o", str(tmp_path / "x.html"), "--view", "actor", "--focus", "x"]) == 2
    assert not (tmp_path / "x.html").exists()
    assert main(["html", str(tmp_path), "-o", str(tmp_path / "y.html")]) == 1
    bomb = tmp_path / "bomb.graphml"
    bomb.write_text('<?xml version="1.0"?><!DOCTYPE g [<!ENTITY a "aaaa">]><graphml>&a;</graphml>')
    assert main(["html", str(bomb), "-o", str(tmp_path / "z.html")]) == 1
    assert "DOCTYPE" in capsys.readouterr().err
