"""Load-to-interactive time of the interactive HTML at 1k, 5k and 20k nodes (BENCHMARKS.md "HTML").

    .venv/bin/python -m benchmarks.html [--sizes 1000 5000 20000] [--repeat 3] [--keep DIR]

(Run as a module from the repository root: run as a script, this file's folder would shadow the
standard library's ``html`` module.)

For each size it builds a synthetic graph in the networkx view's schema (documents, items, analyst
comments, sources, actors, claims; about three edges per node: says, in, about, plus corroborates /
contradicts links), writes the full view with ``write_html`` (timed), and opens it in headless
Debian Chromium through Playwright (the system browser, never a downloaded one). Reported:

- ``write``: seconds in Python (view + layout + page);
- ``ready``: ms from navigation start until vis-network has drawn the first frame with every node
  and the page's controls answer (``window.graphbuild.readyMs``, i.e. performance.now());
- ``ready CPU``: CPU time all Chromium processes spent from opening the page to ``ready``: on a
  machine shared with other jobs, the wall time above stretches, this does not (on an idle
  machine, wall time is close to it, the page's work being mostly on one thread);
- ``all edges``: ms to add the edge kinds a large page defers (``in``; ticked in "Link types")
  and draw all 60,000 edges, fitted to the window;
- ``select`` / ``zoom``: ms from a node selection (search result click path: select + focus +
  details panel) or a zoom until the next frame is drawn: what "interactive" feels like;
- ``filter``: ms to hide all claims with the node-kind filter and draw the next frame (with all
  edges in).
Figures are medians over ``--repeat`` fresh pages.
"""

from __future__ import annotations

import argparse
import os
import random
import statistics
import sys
import tempfile
import time
from pathlib import Path

import networkx as nx

from graphbuild.export.html import write_html

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync", "--no-first-run"]
WORDS = ("troops", "border", "division", "offensive", "treaty", "ambassador", "minister", "talks", "proposal",
         "reported", "government", "army", "port", "rice", "aid", "strike", "party", "congress", "armistice")


def synthetic_kg(n_nodes: int, *, edges_per_node: float = 3.0, seed: int = 1952) -> nx.MultiDiGraph:
    """A deterministic graph with ``n_nodes`` nodes and about ``edges_per_node * n_nodes`` edges."""
    rng = random.Random(seed)
    g = nx.MultiDiGraph()
    n_docs = max(1, n_nodes // 50)
    n_items = n_docs * 5
    n_comments = n_docs
    n_sources = max(3, n_nodes * 15 // 1000)
    n_actors = max(3, n_nodes * 30 // 1000)
    n_claims = n_nodes - n_docs - n_items - n_comments - n_sources - n_actors
    items = []
    for d in range(n_docs):
        day = f"1952-{1 + d % 12:02d}-{1 + d % 28:02d}"
        g.add_node(f"d{d}", kind="document", label=f"CIB {day} #{d}", date=day)
        for i in range(5):
            item = f"d{d}i{i}"
            g.add_node(item, kind="item", label=f"item {i + 1}")
            g.add_edge(item, f"d{d}", key="in", kind="in")
            items.append((item, f"d{d}", day))
        comment = f"d{d}k"
        g.add_node(comment, kind="comment", label="Comment")
        g.add_edge(comment, f"d{d}i0", key="in", kind="in")
    sources = [f"s{i}" for i in range(n_sources)]
    actors = [f"a{i}" for i in range(n_actors)]
    for s in sources:
        g.add_node(s, kind="source", label=f"Source {s}")
    for a in actors:
        g.add_node(a, kind="actor", label=f"Actor {a}")
    claims = []
    for c in range(n_claims):
        item, doc, day = items[rng.randrange(len(items))]
        text = " ".join(rng.choice(WORDS) for _ in range(rng.randint(6, 16)))
        cid = f"c{c}"
        # Zipf-like source choice: a few prolific sources, a long tail (as in real bulletins).
        source = sources[min(len(sources) - 1, int(rng.paretovariate(1.2)) - 1)]
        g.add_node(cid, kind="claim", label=text, text=text, start=0, end=len(text),
                   commitment=rng.choice(("certain", "probable", "possible", "reported")),
                   polarity=rng.choice(("positive", "positive", "negative")), cue="reported",
                   source=source, document=doc, date=day, sentence=f"{source} reported that {text}.")
        g.add_edge(source, cid, key="says", kind="says")
        g.add_edge(cid, item, key="in", kind="in")
        g.add_edge(cid, actors[min(len(actors) - 1, int(rng.paretovariate(1.0)) - 1)], key="about", kind="about")
        claims.append(cid)
    target = int(edges_per_node * n_nodes)
    n_links = max(1, (target - g.number_of_edges()) // 4)
    for _ in range(n_links):
        a, b = rng.sample(claims, 2)
        kind = rng.choice(("corroborates", "contradicts"))
        g.add_edge(a, b, key=kind, kind=kind, score=round(rng.random(), 2), evidence="synthetic")
    # MultiDiGraph.number_of_edges() is O(n): count here instead of asking in the loop.
    n_edges = g.number_of_edges()
    while n_edges < target:
        claim, actor = rng.choice(claims), rng.choice(actors)
        if not g.has_edge(claim, actor, key="about"):
            g.add_edge(claim, actor, key="about", kind="about")
            n_edges += 1
    return g


def _median(values: list[float]) -> float:
    return round(statistics.median(values), 1)


_FRAME_AFTER = """async (action) => {
  const gb = window.graphbuild;
  const t0 = performance.now();
  const drawn = new Promise((resolve) => gb.network.once("afterDrawing", resolve));
  if (action === "select") gb.selectNode(gb.data.nodes[Math.floor(gb.data.nodes.length / 2)].id);
  else if (action === "zoom") gb.network.moveTo({scale: gb.network.getScale() * 2});
  else if (action === "all_edges") { gb.state.hiddenLinks = {}; gb.applyFilters(); gb.network.fit(); }
  else { gb.state.hiddenKinds.claim = true; gb.applyFilters(); }
  gb.network.redraw();
  await drawn;
  return performance.now() - t0;
}"""


def wait_for(page, expression: str, timeout: float = 120.0) -> None:
    """Poll ``expression`` in the page (Playwright's wait_for_function needs eval, which the CSP forbids)."""
    deadline = time.monotonic() + timeout
    while not page.evaluate(f"() => !!({expression})"):
        if time.monotonic() > deadline:
            raise TimeoutError(f"page never satisfied {expression}")
        time.sleep(0.05)


def _cpu_seconds(marker: str) -> float:
    """CPU time (user + system) of every Chromium process whose command line names ``marker``."""
    total = 0
    for proc in Path("/proc").iterdir():
        if not proc.name.isdigit():
            continue
        try:
            if marker not in (proc / "cmdline").read_bytes().decode("utf-8", "replace"):
                continue
            fields = (proc / "stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        total += int(fields[11]) + int(fields[12])  # utime, stime (clock ticks)
    return total / os.sysconf("SC_CLK_TCK")


def measure(path: Path, repeat: int) -> dict[str, float]:
    from playwright.sync_api import sync_playwright

    out: dict[str, list[float]] = {"ready": [], "ready_cpu": [], "select": [], "zoom": [], "all_edges": [], "filter": []}
    with sync_playwright() as p, tempfile.TemporaryDirectory() as profile:
        ctx = p.chromium.launch_persistent_context(profile, executable_path=CHROMIUM, headless=True,
                                                   args=CHROMIUM_ARGS, viewport={"width": 1400, "height": 900})
        try:
            for _ in range(repeat):
                page = ctx.new_page()
                cpu0 = _cpu_seconds(profile)
                errors: list[str] = []
                page.on("pageerror", lambda e, errors=errors: errors.append(str(e)))
                page.goto(path.as_uri(), wait_until="load", timeout=120_000)
                wait_for(page, "window.graphbuild && window.graphbuild.ready")
                out["ready"].append(page.evaluate("window.graphbuild.readyMs"))
                out["ready_cpu"].append(1000 * (_cpu_seconds(profile) - cpu0))
                for action in ("select", "zoom", "all_edges", "filter"):
                    out[action].append(page.evaluate(_FRAME_AFTER, action))
                if errors:
                    raise RuntimeError(f"page errors: {errors}")
                page.close()
        finally:
            ctx.close()
    return {k: _median(v) for k, v in out.items()}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[1000, 5000, 20000])
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--keep", type=Path, default=None, help="keep the generated pages here")
    args = parser.parse_args(argv)
    outdir = args.keep or Path(tempfile.mkdtemp(prefix="gb-html-bench-"))
    print(f"load average (1 min) at start: {os.getloadavg()[0]:.1f} on {os.cpu_count()} cores\n")
    print("| nodes | edges | write (s) | file (MB) | physics | ready (ms) | ready CPU (ms) | select (ms) | zoom (ms) "
          "| all edges (ms) | filter (ms) |")
    print("|---:|---:|---:|---:|:---:|---:|---:|---:|---:|---:|---:|")
    for n in args.sizes:
        kg = synthetic_kg(n)
        path = outdir / f"graph-{n}.html"
        t0 = time.perf_counter()
        write_html(kg, path, title=f"synthetic {n}")
        write_s = time.perf_counter() - t0
        from graphbuild.export.html import PHYSICS_MAX_NODES

        r = measure(path, args.repeat)
        print(f"| {kg.number_of_nodes()} | {kg.number_of_edges()} | {write_s:.1f} | "
              f"{path.stat().st_size / 1e6:.1f} | {'on' if n <= PHYSICS_MAX_NODES else 'off'} | {r['ready']} | {r['ready_cpu']} | "
              f"{r['select']} | {r['zoom']} | {r['all_edges']} | {r['filter']} |", flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
