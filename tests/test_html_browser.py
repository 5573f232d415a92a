"""The interactive HTML in a real headless Chromium (Debian's ``chromium``, driven through Playwright).

No console errors, the expected nodes in the page's network data, controls that work, document text
that never runs (a payload that would set ``document.title`` leaves it alone), no network request,
and a screenshot of the seed graph. Set ``GRAPHBUILD_UPDATE_SCREENSHOT=1`` to refresh
``docs/seed-graph.png`` from the seed bulletin.
"""

from __future__ import annotations

import os
import shutil
import tempfile
import time
from pathlib import Path

import networkx as nx
import pytest
from _html_graphs import PAYLOADS, payload_kg, sample_kg

from graphbuild.export.html import PHYSICS_MAX_NODES, write_html

pytestmark = pytest.mark.browser

CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync", "--no-first-run"]
DOCS = Path(__file__).resolve().parent.parent / "docs"
TITLE = "Safe title"


@pytest.fixture(scope="module")
def browser():
    """One Chromium per module, with a fresh profile (the persistent context's --user-data-dir)."""
    if not Path(CHROMIUM).is_file():
        message = "Debian's chromium is not installed (apt-get install chromium)"
        if os.environ.get("CI"):
            pytest.fail(message)
        pytest.skip(message)
    sync_api = pytest.importorskip("playwright.sync_api")
    with sync_api.sync_playwright() as p, tempfile.TemporaryDirectory() as profile:
        ctx = p.chromium.launch_persistent_context(
            profile, executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS,
            viewport={"width": 1400, "height": 900},
        )
        try:
            yield ctx
        finally:
            ctx.close()


class Page:
    """A loaded graphbuild page, with what it logged and requested."""

    def __init__(self, ctx, path: Path) -> None:
        self.page = ctx.new_page()
        self.errors: list[str] = []
        self.requests: list[str] = []
        self.page.on("console", lambda m: m.type in ("error", "warning") and self.errors.append(m.text))
        self.page.on("pageerror", lambda e: self.errors.append(str(e)))
        self.page.on("request", lambda r: self.requests.append(r.url))
        self.page.goto(path.as_uri())
        self.wait_for("window.graphbuild && window.graphbuild.ready")

    def js(self, expression: str, arg=None):
        return self.page.evaluate(expression, arg)

    def wait_for(self, expression: str, timeout: float = 30.0) -> None:
        # Polling through evaluate: Playwright's wait_for_function uses eval, which the page's CSP forbids.
        deadline = time.monotonic() + timeout
        while not self.js(f"() => !!({expression})"):
            assert time.monotonic() < deadline, f"page never satisfied {expression}"
            time.sleep(0.05)

    def close(self) -> None:
        self.page.close()


@pytest.fixture()
def open_page(browser, tmp_path):
    pages: list[Page] = []

    def _open(kg: nx.MultiDiGraph, **kwargs) -> Page:
        path = tmp_path / f"page{len(pages)}.html"
        write_html(kg, path, **{"title": TITLE, **kwargs})
        pages.append(Page(browser, path))
        return pages[-1]

    yield _open
    for page in pages:
        assert page.errors == [], page.errors
        # Offline: the page itself and nothing else (no CDN, no image, no font).
        assert all(url.startswith(("file://", "data:")) for url in page.requests), page.requests
        page.close()


@pytest.mark.parametrize(("view", "focus", "expected"), [
    ("full", None, set(sample_kg().nodes)),
    ("who-said-what", None, {"us-embassy-moscow", "tass", "analyst", "ussr", "north-korea", "united-states",
                             "communist-china"}),
    ("actor", "USSR", {"ussr", "c1", "c2", "c3", "c5", "us-embassy-moscow", "tass", "analyst", "communist-china"}),
])
def test_views_load_with_the_expected_nodes(open_page, view, focus, expected):
    page = open_page(sample_kg(), view=view, focus=focus)
    assert set(page.js("window.graphbuild.nodes.getIds()")) == expected
    assert page.js("document.title") == TITLE
    if view == "actor":
        assert page.js("window.graphbuild.network.getSelectedNodes()") == ["ussr"]


def test_payloads_render_as_text_and_never_run(open_page):
    for view in ("full", "who-said-what", "actor"):
        page = open_page(payload_kg(), view=view, focus="ussr")
        # Open the details of every node and link: the panel renders all document text there.
        page.js("""() => {
          const gb = window.graphbuild;
          gb.nodes.getIds().forEach((id) => gb.selectNode(id));
          gb.edges.getIds().forEach((id) => gb.showEdge(id));
        }""")
        page.page.fill("#gb-search", "script")
        page.page.press("#gb-search", "Enter")
        page.page.mouse.move(700, 450)
        page.page.wait_for_timeout(200)
        assert page.js("document.title") == TITLE
        assert page.js("document.scripts.length") == 3
        assert page.js("document.querySelectorAll('img, svg, iframe, object, embed, a').length") == 0
        assert page.js("document.getElementById('gb-results').textContent").count("script") >= 1
    page.js("(id) => window.graphbuild.selectNode(id)", "evil1")
    panel = page.js("document.getElementById('gb-panel').textContent")
    assert PAYLOADS[1] in panel and PAYLOADS[3] in panel  # shown literally, as text


def test_hostile_text_in_the_timeline_stays_text(open_page):
    page = open_page(payload_kg(), view="who-said-what")
    # Every timeline entry, its contradiction marks and every actor's timeline, clicked for real.
    for actor in ("ussr", "actor-evil"):
        page.page.select_option("#gb-tl-actor", actor)
        for button in page.page.query_selector_all("#gb-tl-lanes button"):
            button.click()
    page.page.wait_for_timeout(100)
    assert page.js("document.title") == TITLE
    assert page.js("document.scripts.length") == 3
    assert page.js("document.querySelectorAll('img, svg, iframe, object, embed, a, [onerror], [onload]').length") == 0
    lanes = page.js("document.getElementById('gb-tl-lanes').textContent")
    assert PAYLOADS[1][:40] in lanes  # the claim text, shortened but literal
    page.js("(id) => window.graphbuild.timeline.selectClaim(id)", "evil1")
    assert PAYLOADS[1] in page.js("document.getElementById('gb-panel').textContent")


def test_timeline_entries_actor_switch_marks_and_selection(open_page):
    g = sample_kg()
    g.add_node("c9", kind="claim", label="x", text="the USSR is rearming", start=0, end=20, source="analyst")
    g.add_edge("analyst", "c9", key="says", kind="says")
    g.add_edge("c9", "ussr", key="about", kind="about")
    page = open_page(g)
    entries = "() => Array.from(document.querySelectorAll('#gb-tl-lanes .gb-tl-entry')).map((e) => e.dataset.claim)"
    columns = "() => Array.from(document.querySelectorAll('#gb-tl-lanes .gb-tl-date')).map((d) => d.firstChild.data)"
    # The most-mentioned actor first: its claims by bulletin date, the undated one in a last column.
    assert page.page.input_value("#gb-tl-actor") == "ussr"
    assert page.js(entries) == ["c1", "c2", "c3", "c5", "c9"]
    assert page.js(columns) == ["1952-03-01", "1952-06-11", "undated"]
    # Colour by source: TASS's two claims share a colour, the embassy's differs; the legend names them.
    colour = "(id) => document.querySelector(`.gb-tl-entry[data-claim='${id}']`).style.borderLeftColor"
    assert page.js(colour, "c2") == page.js(colour, "c5") != page.js(colour, "c1")
    assert "TASS" in page.js("document.getElementById('gb-tl-legend').textContent")
    # Contradiction marks on both sides of the contradicts link, none elsewhere.
    marked = "() => Array.from(document.querySelectorAll('.gb-tl-contra')).map((b) => b.closest('.gb-tl-entry').dataset.claim)"
    assert sorted(page.js(marked)) == ["c1", "c2"]
    page.page.click(".gb-tl-entry[data-claim='c2'] .gb-tl-contra")
    sides = page.js("Array.from(document.querySelectorAll('#gb-panel .gb-side')).map((s) => s.innerText)")
    assert len(sides) == 2 and any("no Soviet troops" in s for s in sides) and any("massing" in s for s in sides)
    # An entry selects its claim in the network and shows it in the panel.
    page.page.click(".gb-tl-entry[data-claim='c5'] .gb-tl-claim")
    assert page.js("window.graphbuild.network.getSelectedNodes()") == ["c5"]
    assert "Soviet divisions have moved" in page.js("document.getElementById('gb-panel').textContent")
    assert page.js("document.querySelector('.gb-tl-selected').dataset.claim") == "c5"
    # Another actor, another timeline.
    page.page.select_option("#gb-tl-actor", "united-states")
    assert page.js(entries) == ["c6"] and page.js(marked) == []
    page.page.click("#gb-tl-toggle")
    assert page.js("document.getElementById('gb-tl-lanes').hidden") is True


def test_timeline_in_a_view_without_claim_nodes(open_page):
    page = open_page(sample_kg(), view="actor", focus="north-korea")
    assert page.page.input_value("#gb-tl-actor") == "north-korea"
    page.page.select_option("#gb-tl-actor", "ussr")
    # c2 is not in North Korea's ego network: the panel shows it from the timeline's own data.
    page.page.click(".gb-tl-entry[data-claim='c2'] .gb-tl-claim")
    assert page.js("window.graphbuild.network.getSelectedNodes()") == []
    panel = page.js("document.getElementById('gb-panel').innerText")
    assert "no Soviet troops" in panel and "TASS" in panel and "1952-03-01" in panel


def test_claim_panel_and_contradiction_shows_both_sides(open_page):
    page = open_page(sample_kg())
    page.js("(id) => window.graphbuild.selectNode(id)", "c1")
    panel = page.js("document.getElementById('gb-panel').innerText")
    for text in ("Soviet troops are massing", "US Embassy Moscow", "reports", "probable", "positive",
                 "CIB 1952-03-01", "1952-03-01", "original sentence"):
        assert text.lower() in panel.lower()  # innerText applies the headings' text-transform
    assert page.js("document.querySelector('#gb-panel mark').textContent") == \
        "Soviet troops are massing on the Manchurian border"
    edge = page.js("window.graphbuild.edges.get({filter: (e) => e.kind === 'contradicts'})[0].id")
    page.js("(id) => window.graphbuild.showEdge(id)", edge)
    sides = page.js("Array.from(document.querySelectorAll('#gb-panel .gb-side')).map((s) => s.innerText)")
    assert len(sides) == 2
    assert any("Soviet troops are massing" in s and "US Embassy Moscow" in s for s in sides)
    assert any("no Soviet troops" in s and "TASS" in s and "negative" in s for s in sides)


def test_search_filters_and_physics_controls(open_page):
    page = open_page(sample_kg())
    page.page.fill("#gb-search", "manchurian")
    page.wait_for("document.querySelectorAll('#gb-results button').length === 2")
    page.page.click("#gb-results button[data-node='c2']")
    assert page.js("window.graphbuild.network.getSelectedNodes()") == ["c2"]
    assert "no Soviet troops" in page.js("document.getElementById('gb-panel').textContent")

    page.page.uncheck("input[data-node='claim']")
    hidden = page.js("window.graphbuild.nodes.get().filter((n) => n.hidden).map((n) => n.kind)")
    assert hidden and set(hidden) == {"claim"}
    page.page.check("input[data-node='claim']")
    assert page.js("window.graphbuild.nodes.get().filter((n) => n.hidden).length") == 0

    page.page.uncheck("input[data-edge='contradicts']")
    assert set(page.js("window.graphbuild.edges.get().filter((e) => e.hidden).map((e) => e.kind)")) == {"contradicts"}

    assert page.js("window.graphbuild.network.physics.options.enabled") is True
    page.page.uncheck("#gb-physics")
    assert page.js("window.graphbuild.network.physics.options.enabled") is False


def test_large_page_starts_without_physics_and_adds_deferred_edges_on_demand(open_page):
    g = nx.MultiDiGraph()
    for d in range(25):
        g.add_node(f"d{d}", kind="document", label=f"doc {d}")
        for c in range(25):
            g.add_node(f"d{d}c{c}", kind="claim", label=f"claim {d}.{c}", text="t")
            g.add_edge(f"d{d}c{c}", f"d{d}", key="in", kind="in")
            g.add_edge(f"s{c % 7}", f"d{d}c{c}", key="says", kind="says")
            g.nodes[f"s{c % 7}"].update(kind="source", label=f"source {c % 7}")
    assert g.number_of_nodes() > PHYSICS_MAX_NODES
    page = open_page(g)
    assert page.js("window.graphbuild.network.physics.options.enabled") is False
    assert page.js("window.graphbuild.edges.length") == 625  # says only
    page.page.check("input[data-edge='in']")
    assert page.js("window.graphbuild.edges.length") == 1250
    assert page.js("window.graphbuild.nodes.length") == g.number_of_nodes()


def test_seed_graph_screenshot(open_page, nlp, seed_path, tmp_path):
    import graphbuild

    # A relative path: the document's id (its label in the picture) is the path as given.
    kg = graphbuild.build(os.path.relpath(seed_path), nlp=nlp).to_networkx()
    page = open_page(kg, title="graphbuild: the seed bulletin, who said what")
    assert set(page.js("window.graphbuild.nodes.getIds()")) == {str(n) for n in kg.nodes}
    # Show a contradiction (or any claim) in the panel so the picture shows what the page is for.
    page.js("""() => {
      const gb = window.graphbuild;
      const link = gb.edges.get({filter: (e) => e.kind === 'contradicts'})[0];
      if (link) { gb.network.selectEdges([link.id]); gb.showEdge(link.id); }
    }""")
    shot = tmp_path / "seed-graph.png"
    page.page.screenshot(path=str(shot))
    data = shot.read_bytes()
    assert data[:8] == b"\x89PNG\r\n\x1a\n" and len(data) > 30_000  # a drawn graph, not a blank page
    if os.environ.get("GRAPHBUILD_UPDATE_SCREENSHOT"):
        DOCS.mkdir(exist_ok=True)
        shutil.copyfile(shot, DOCS / "seed-graph.png")
