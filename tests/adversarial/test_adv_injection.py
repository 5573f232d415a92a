"""Catalog 4 — injection: document text never runs in the HTML (checked in headless Chromium), odd
names give RDF that rdflib parses back, and SPARQL parameters are bound, never spliced."""

from __future__ import annotations

import json
import re
import shutil
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest
from _adv import cli, read_jsonl
from rdflib import Dataset, Graph, Literal

CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"

PAYLOAD = (
    "1. <img src=x onerror=\"document.title='pwned-img'\">Talks </script><script>document.title='pwned-tag'"
    "</script>: The Embassy of <b onmouseover=\"document.title='pwned-b'\">Ruritania</b> reported that "
    "<script>document.title='pwned-script'</script> delegates met at javascript:document.title='pwned-js' "
    "on Monday.\n\n"
    "Comment: The </script><!-- <script>document.title='pwned-comment'</script> talks may resume.\n"
)


@pytest.fixture(scope="module")
def payload_build(tmp_path_factory):
    folder = tmp_path_factory.mktemp("html")
    doc = folder / "payload.txt"
    doc.write_text(PAYLOAD, encoding="utf-8")
    run = cli("build", doc, "-o", folder / "out", "-q")
    assert run.status == 0, run.err
    return folder / "out"


@pytest.mark.browser
def test_html_payload_never_executes_in_chromium(payload_build):
    playwright = pytest.importorskip("playwright.sync_api")
    if not Path(CHROMIUM).exists():
        pytest.skip("chromium is not installed (apt-get install chromium)")
    page_file = payload_build / "graph.html"
    html = page_file.read_text(encoding="utf-8")
    title = re.search(r"<title>(.*?)</title>", html, re.DOTALL).group(1).strip()
    assert "pwned" not in title
    with playwright.sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=[
            "--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
            "--disable-sync", "--no-first-run"])
        try:
            page = browser.new_page()
            errors: list[str] = []
            dialogs: list[str] = []
            page.on("pageerror", lambda exc: errors.append(str(exc)))
            page.on("dialog", lambda d: (dialogs.append(d.message), d.dismiss()))
            page.goto(page_file.as_uri())
            page.wait_for_function("window.graphbuild && window.graphbuild.ready", timeout=30_000)
            # Render every node's and edge's panel: the payload sits in labels, claims and sentences.
            shown = page.evaluate("""() => {
                const api = window.graphbuild, texts = [];
                api.nodes.getIds().forEach(id => { api.selectNode(id);
                    texts.push(document.body.innerText); });
                api.edges.getIds().slice(0, 200).forEach(id => api.showEdge(id));
                return texts.join("\\n");
            }""")
            page.wait_for_timeout(300)
            assert page.title() == title
            assert not dialogs and not errors, (dialogs, errors)
            assert "<script>document.title='pwned-script'</script>" in shown  # shown as text
            assert page.evaluate("document.querySelectorAll('img[src=x], b[onmouseover]').length") == 0
        finally:
            browser.close()


NAMES = (
    'The "Free \\\\ Ruritania>" Committee said that the border was closed.\n\n'
    "The Ministry of \x01Lines\x0b and 'Quotes' reported that the\nports were \\u0022closed\\u0022 <b>again</b>.\n"
)


def test_odd_names_give_rdf_that_rdflib_parses_back(tmp_path):
    doc = tmp_path / "names.txt"
    doc.write_text(NAMES, encoding="utf-8")
    out = tmp_path / "out"
    run = cli("build", doc, "-o", out, "--no-html", "-q")
    assert run.status == 0, run.err
    claims = read_jsonl(out / "claims.jsonl")
    assert claims
    nt = Graph().parse(out / "graph.nt", format="nt")
    ttl = Graph().parse(out / "graph.ttl", format="turtle")
    ld = Dataset().parse(out / "graph.jsonld", format="json-ld")
    trig = Dataset().parse(out / "graph.trig", format="trig")
    assert len(nt) == len(ttl) == len(ld) == len(trig) > 0
    # The awkward strings survive the round trip exactly (control characters included).
    literals = {str(o) for o in nt.objects() if isinstance(o, Literal)}
    for claim in claims:
        assert claim["content"]["text"] in literals
    assert any("\\" in lit for lit in literals) and any('"' in lit for lit in literals)
    # GraphML is XML 1.0: illegal control characters must not make it unparsable.
    ET.parse(out / "graph.graphml")
    json.loads((out / "graph.jsonld").read_text(encoding="utf-8"))


INJECTIONS = ['x" } ; DROP ALL ; #', "x\\u0022 } ; DROP ALL ; #", "x' } DELETE WHERE { ?s ?p ?o } #",
              "USSR\" || true || \"", "?s"]


@pytest.fixture(scope="module")
def store(tmp_path_factory, payload_build):
    folder = tmp_path_factory.mktemp("store")
    seed = Path(__file__).parents[1] / "data" / "seeds"
    run = cli("ingest", seed, "--store", folder / "store", "-q")
    assert run.status == 0, run.err
    return folder / "store"


def _count(target: Path) -> int:
    run = cli("query", target, "SELECT (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } }", "--format", "json")
    return int(json.loads(run.out)[0]["n"])


@pytest.mark.parametrize("value", INJECTIONS)
def test_sparql_param_injection_matches_nothing_and_store_stays_intact(store, value):
    before = _count(store)
    run = cli("query", store, "--preset", "claims-about", "--param", f"actor={value}", "--format", "json")
    assert run.status == 0, run.err
    assert json.loads(run.out) == []
    assert _count(store) == before > 0
