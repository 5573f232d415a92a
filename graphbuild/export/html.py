"""The interactive HTML network: one self-contained, offline file an analyst opens in a browser.

``write_html(kg, path)`` takes the networkx view of the knowledge graph (``graphbuild.graph.kg``:
node attr ``kind`` in {document, item, comment, claim, source, actor}, edge attr ``kind`` in {says,
about, in, corroborates, contradicts, comments_on}) and writes one of three views:

- ``full``: every node and edge of the graph;
- ``who-said-what``: sources -> actors, one edge per pair aggregating the claims that source makes
  about that actor (count, commitment and polarity breakdown; width grows with the count), plus
  source-source edges aggregating corroborating / contradicting claims;
- ``actor``: the ego network of one actor (``focus``): the claims about it, who made them, the claims
  that corroborate or contradict those, and the other actors they are about.

Under the network, every view has a **timeline** (:func:`timeline_data`): the claims about one actor
(selector; default the actor view's focus, else the most-mentioned actor) in bulletin-date order, one
column per bulletin date (undated last), coloured by source, with contradiction / corroboration marks
that open both sides, and the dates a claim mentions kept apart from its bulletin date. Its rows are
``graphbuild.export.timeline.build_timeline`` / ``entry_to_json`` rows of the drawn (date-filtered)
graph, at most ``MAX_TIMELINE_ENTRIES`` per actor.

pyvis builds the node and edge dicts and the vis-network options; the page itself comes from our own
template (``templates/graph.html``), because pyvis 0.3.2's template renders with autoescape off (its
``heading`` and node-select menu inject raw markup), switches every tooltip to ``innerHTML`` as soon as
one title contains "href", and loads Bootstrap from a CDN even with ``cdn_resources="in_line"``.

Safety: everything taken from documents reaches the page only as data inside one
``<script type="application/json">`` block whose ``<``, ``>``, ``&``, U+2028 and U+2029 are escaped as
``\\uXXXX`` (so a ``</script>`` in a document cannot end the block), and the page's script renders it
with ``textContent`` / vis-network's ``innerText`` tooltips only. A Content-Security-Policy allows
only the page's own inline scripts (by hash): no network access, no injected script or event handler.

Scale (``python -m benchmarks.html``; BENCHMARKS.md "HTML"): positions are always computed here in
Python, so the browser never runs a layout. Up to ``PHYSICS_MAX_NODES`` nodes the page starts with
vis-network's physics on (a short stabilisation from those positions); above it, physics is off,
edges are straight, without arrowheads, hidden while dragging or zooming, labels are drawn only when
zoomed in, and the structural ``in`` edges (``DEFERRED_KINDS``) are left out until the user ticks
them, since the layout already shows them. vis-network spends ~0.1 ms of CPU per element it builds,
so that is what "ready" costs: a 20,000-node / 60,000-edge graph is drawn and answers clicks after
~5.5 s of CPU (measured wall time 10.5 s on the shared, loaded 2-core machine). Small graphs get a
Fruchterman-Reingold layout (networkx, dense numpy, O(n^2)); large ones a deterministic O(n + m)
layout: each document is a disc with its items on a ring and their claims on smaller rings, the
discs are packed in date order, and sources and actors sit at the centroid of the claims they touch.
"""

from __future__ import annotations

import base64
import hashlib
import json
import logging
import math
import re
from collections import Counter, defaultdict
from collections.abc import Iterable, Mapping
from datetime import date
from importlib import resources
from pathlib import Path
from typing import Any

import networkx as nx

from graphbuild.atomic import write_text

log = logging.getLogger("graphbuild")

VIEWS = ("full", "who-said-what", "actor")

#: Above this many nodes the page starts with physics off (toggle in the page turns it on).
PHYSICS_MAX_NODES = 500
#: Up to this many nodes the Python layout is Fruchterman-Reingold (dense numpy, O(n^2) memory).
SPRING_MAX_NODES = 400
#: Above this many edges, edges are straight lines and hidden while dragging or zooming.
LARGE_EDGES = 2_000
#: Edge kinds a large page leaves out until the user ticks them in "Link types": vis-network
#: spends ~0.1 ms building each edge and draws every one each frame, and the layout already shows
#: what `in` edges say (a claim sits on its item's ring, an item on its document's).
DEFERRED_KINDS = ("in",)
#: Claims listed in the panel of one aggregated edge (the count is always exact).
MAX_LISTED_CLAIMS = 200
LABEL_CHARS = 36
TOOLTIP_CHARS = 240

# Shape and colour per node kind: distinct shapes so the legend also works without colour vision.
NODE_STYLES: dict[str, dict[str, Any]] = {
    "document": {"shape": "square", "color": "#5d6d7e", "size": 16, "legend": "document"},
    "item": {"shape": "diamond", "color": "#a9b7c6", "size": 10, "legend": "item"},
    "comment": {"shape": "triangle", "color": "#c9a227", "size": 10, "legend": "analyst comment"},
    "claim": {"shape": "dot", "color": "#4a90d9", "size": 8, "legend": "claim"},
    "source": {"shape": "star", "color": "#e67e22", "size": 18, "legend": "source"},
    "actor": {"shape": "hexagon", "color": "#8e44ad", "size": 16, "legend": "actor"},
}
_OTHER_NODE = {"shape": "ellipse", "color": "#bbbbbb", "size": 8, "legend": "other"}

EDGE_STYLES: dict[str, dict[str, Any]] = {
    "says": {"color": "#e67e22", "width": 1, "legend": "says (source -> claim)"},
    "about": {"color": "#b48ccf", "width": 1, "legend": "about (claim -> actor)"},
    "in": {"color": "#d0d7de", "width": 1, "legend": "in (part of)"},
    "corroborates": {"color": "#2e9d4a", "width": 3, "dashes": False, "legend": "corroborates"},
    "contradicts": {"color": "#d0342c", "width": 3, "dashes": [8, 6], "legend": "contradicts"},
    "comments_on": {"color": "#c9a227", "width": 2, "dashes": [2, 4], "legend": "comments on"},
    "said_about": {"color": "#7f8c8d", "width": 1, "legend": "claims (source -> actor)"},
}
_OTHER_EDGE = {"color": "#999999", "width": 1, "legend": "other"}
_LINK_KINDS = ("corroborates", "contradicts", "comments_on")
_EDGE_PRIORITY = {"contradicts": 0, "corroborates": 0, "comments_on": 0, "said_about": 0, "says": 1, "about": 1,
                  "in": 3}
# Commitment strength, strongest first: the colour of an aggregated edge is its dominant commitment.
_COMMITMENT_COLOURS = {"certain": "#1f3a93", "probable": "#3f6fd1", "possible": "#86a8e7", "reported": "#7f8c8d"}

_TEMPLATES = resources.files("graphbuild.export") / "templates"

#: Claims listed per actor in the page's timeline (the first ones by bulletin date; the count is exact).
MAX_TIMELINE_ENTRIES = 2_000
#: Source colours in the timeline, given per actor to its sources by number of claims; the rest share
#: ``TIMELINE_OTHER_COLOUR``. Chosen to stay apart from the red and green of the link marks.
TIMELINE_PALETTE = ("#1f77b4", "#ff7f0e", "#9467bd", "#8c564b", "#e377c2", "#17becf", "#bcbd22",
                    "#393b79", "#7b4173")
TIMELINE_OTHER_COLOUR = "#9aa3ad"
# entry_to_json fields the page does not show (the kg has no item numbers or pages to fill them).
_TIMELINE_UNUSED = ("item", "page", "source_kind")


# --------------------------------------------------------------------------------------- public API


def write_html(
    kg: nx.MultiDiGraph,
    path: str | Path,
    *,
    view: str = "full",
    focus: str | None = None,
    since: str | date | None = None,
    until: str | date | None = None,
    title: str = "graphbuild: who said what",
    actor: str | None = None,
) -> Path:
    """Write one interactive view of ``kg`` as a self-contained HTML file (atomically).

    Args:
        kg: The networkx view of the knowledge graph (``graphbuild.graph.kg.to_networkx``).
        path: Output file.
        view: ``"full"``, ``"who-said-what"`` or ``"actor"`` (needs ``focus``).
        focus: Actor id or label for the actor view (case-insensitive).
        since: Keep only claims and documents dated on or after this ISO date.
        until: Keep only claims and documents dated on or before this ISO date.
        title: Page title and heading (escaped like everything else).
        actor: Actor id, label or alias the page's timeline opens on (default: the focus actor of
            the actor view, else the actor most claims are about).

    Returns:
        The path written.

    Raises:
        ValueError: Unknown view, a bad date, or a focus or timeline actor that matches no actor.
        graphbuild.errors.OutputError: The file cannot be written.
    """
    html = render_html(kg, view=view, focus=focus, since=since, until=until, title=title, actor=actor)
    path = Path(path)
    write_text(path, html)
    log.info("wrote %s view to %s (%d bytes)", view, path, len(html.encode("utf-8")))
    return path


def render_html(
    kg: nx.MultiDiGraph,
    *,
    view: str = "full",
    focus: str | None = None,
    since: str | date | None = None,
    until: str | date | None = None,
    title: str = "graphbuild: who said what",
    actor: str | None = None,
) -> str:
    """Return the page ``write_html`` would write (see there for the arguments)."""
    if since is not None or until is not None:
        kg = filter_dates(kg, since=since, until=until)
    g = make_view(kg, view=view, focus=focus)
    data = page_data(g, view=view, title=title)
    # The timeline covers the whole (date-filtered) graph whatever the view draws: its entries select
    # their claim in the network when the view has it, and show their details in the panel either way.
    data["timeline"] = timeline_data(kg, actor=actor, default=g.graph.get("focus"))
    return _render_page(data, title=title)


def make_view(
    kg: nx.MultiDiGraph,
    *,
    view: str = "full",
    focus: str | None = None,
    since: str | date | None = None,
    until: str | date | None = None,
) -> nx.MultiDiGraph:
    """The graph one view draws: node attr ``kind``/``label``/``info``, edge attr ``kind`` and more.

    ``info`` holds the side-panel fields of a node; claims keep their own fields. Aggregated edges
    carry ``count``, ``commitment`` and ``polarity`` (Counters as dicts) and ``claims`` (ids).
    """
    if view not in VIEWS:
        raise ValueError(f"unknown view {view!r}; choose one of {', '.join(VIEWS)}")
    if since is not None or until is not None:
        kg = filter_dates(kg, since=since, until=until)
    if view == "full":
        return full_view(kg)
    if view == "who-said-what":
        return who_said_what_view(kg)
    if not focus:
        raise ValueError("the actor view needs a focus actor (--focus)")
    return actor_view(kg, focus)


# -------------------------------------------------------------------------------------------- views


def _kind(kg: nx.MultiDiGraph, node: Any) -> str:
    return str(kg.nodes[node].get("kind", ""))


def _label(kg: nx.MultiDiGraph, node: Any) -> str:
    return str(kg.nodes[node].get("label") or node)


def _edges_of_kind(kg: nx.MultiDiGraph, kind: str) -> Iterable[tuple[Any, Any, dict[str, Any]]]:
    for u, v, attrs in kg.edges(data=True):
        if attrs.get("kind") == kind:
            yield u, v, attrs


def _parse_date(value: str | date | None, name: str) -> str | None:
    if value is None or value == "":
        return None
    if isinstance(value, date):
        return value.isoformat()
    try:
        return date.fromisoformat(str(value)[:10]).isoformat()
    except ValueError as exc:
        raise ValueError(f"{name}: not an ISO date (YYYY-MM-DD): {value!r}") from exc


def _node_dates(kg: nx.MultiDiGraph) -> dict[Any, str]:
    """ISO date per node: its own ``date``, else (items, comments, claims) its document's."""
    dates: dict[Any, str] = {}
    for node, attrs in kg.nodes(data=True):
        d = attrs.get("date")
        if d:
            dates[node] = str(d)[:10]
    # `in` edges point child -> parent (claim -> item -> document): walk them upwards, a few levels.
    parents: dict[Any, Any] = {}
    for u, v, _ in _edges_of_kind(kg, "in"):
        parents.setdefault(u, v)
    for node in kg.nodes:
        if node in dates:
            continue
        seen, cur = set(), node
        while cur in parents and cur not in seen:
            seen.add(cur)
            cur = parents[cur]
            if cur in dates:
                dates[node] = dates[cur]
                break
    return dates


def filter_dates(kg: nx.MultiDiGraph, *, since: str | date | None = None, until: str | date | None = None) -> nx.MultiDiGraph:
    """The subgraph of claims (and documents, items, comments) dated within ``[since, until]``.

    Undated claims are left out when a range is given. Sources and actors stay if they touch a kept
    claim; a document, item or comment stays if it is dated within the range or holds a kept claim.
    """
    lo, hi = _parse_date(since, "since"), _parse_date(until, "until")
    if lo and hi and lo > hi:
        raise ValueError(f"since {lo} is after until {hi}")
    dates = _node_dates(kg)

    def in_range(node: Any) -> bool:
        d = dates.get(node)
        return d is not None and (lo is None or d >= lo) and (hi is None or d <= hi)

    keep: set[Any] = set()
    dropped = 0
    for node in kg.nodes:
        kind = _kind(kg, node)
        if kind in ("claim", "document", "item", "comment"):
            if in_range(node):
                keep.add(node)
            elif kind == "claim":
                dropped += 1
    for claim in [n for n in keep if _kind(kg, n) == "claim"]:
        for nb in list(kg.predecessors(claim)) + list(kg.successors(claim)):
            if _kind(kg, nb) in ("source", "actor", "item", "comment", "document"):
                keep.add(nb)
    # Items and comments pulled in above need their document for the full view to stay connected.
    frontier = [n for n in keep if _kind(kg, n) in ("item", "comment")]
    while frontier:
        node = frontier.pop()
        for _, parent, attrs in kg.out_edges(node, data=True):
            if attrs.get("kind") == "in" and parent not in keep:
                keep.add(parent)
                frontier.append(parent)
    if dropped:
        log.info("date filter left out %d claims outside %s..%s or undated", dropped, lo or "", hi or "")
    return kg.subgraph(keep).copy()


def _claim_info(kg: nx.MultiDiGraph, claim: Any) -> dict[str, Any]:
    attrs = kg.nodes[claim]
    sources = [_label(kg, u) for u, _, a in kg.in_edges(claim, data=True) if a.get("kind") == "says"]
    about = [_label(kg, v) for _, v, a in kg.out_edges(claim, data=True) if a.get("kind") == "about"]
    document = attrs.get("document")
    if document is not None and document in kg and _kind(kg, document) == "document":
        document = _label(kg, document)
    info = {
        "text": attrs.get("text"),
        "source": ", ".join(sources) if sources else attrs.get("source"),
        "cue": attrs.get("cue"),
        "commitment": attrs.get("commitment"),
        "polarity": attrs.get("polarity"),
        "document": document,
        "date": attrs.get("date"),
        "sentence": attrs.get("sentence"),
        "about": about,
        "start": attrs.get("start"),
        "end": attrs.get("end"),
    }
    return {k: _plain(v) for k, v in info.items() if v is not None and v != "" and v != []}


def _plain(value: Any) -> Any:
    """JSON-able form of an attribute value (enums and other objects become strings)."""
    if value is None or isinstance(value, bool | int | float | str):
        return value
    if isinstance(value, list | tuple):
        return [_plain(v) for v in value]
    if isinstance(value, Mapping):
        return {str(k): _plain(v) for k, v in value.items()}
    return str(getattr(value, "value", value))


def _node_info(kg: nx.MultiDiGraph, node: Any) -> dict[str, Any]:
    kind = _kind(kg, node)
    if kind == "claim":
        return _claim_info(kg, node)
    attrs = kg.nodes[node]
    info: dict[str, Any] = {}
    for key in ("date", "path", "number", "section", "text", "actor_kind", "source_kind"):
        if attrs.get(key) not in (None, ""):
            info[key] = _plain(attrs[key])
    says = sum(1 for _, _, a in kg.out_edges(node, data=True) if a.get("kind") == "says")
    about = sum(1 for _, _, a in kg.in_edges(node, data=True) if a.get("kind") == "about")
    if says:
        info["claims made"] = says
    if about:
        info["claims about"] = about
    if kind in ("document", "item", "comment"):
        parts = sum(1 for _, _, a in kg.in_edges(node, data=True) if a.get("kind") == "in")
        if parts:
            info["parts"] = parts
    return info


def _link_attrs(attrs: Mapping[str, Any]) -> dict[str, Any]:
    out = {"kind": attrs.get("kind")}
    if attrs.get("score") is not None:
        out["score"] = _plain(attrs["score"])
    if attrs.get("evidence"):
        out["evidence"] = _plain(attrs["evidence"])
    return out


def full_view(kg: nx.MultiDiGraph) -> nx.MultiDiGraph:
    """Every node and edge, with side-panel ``info`` on each node."""
    g = nx.MultiDiGraph()
    for node, attrs in kg.nodes(data=True):
        g.add_node(node, kind=_kind(kg, node), label=_label(kg, node), info=_node_info(kg, node),
                   date=attrs.get("date"))
    for u, v, key, attrs in kg.edges(keys=True, data=True):
        kind = attrs.get("kind", key)
        g.add_edge(u, v, key=key, **(_link_attrs(attrs) if kind in _LINK_KINDS else {"kind": kind}))
    return g


def _sources_of(kg: nx.MultiDiGraph, claim: Any) -> list[Any]:
    return [u for u, _, a in kg.in_edges(claim, data=True) if a.get("kind") == "says"]


def _actors_of(kg: nx.MultiDiGraph, claim: Any) -> list[Any]:
    return [v for _, v, a in kg.out_edges(claim, data=True) if a.get("kind") == "about"]


def _aggregate(kg: nx.MultiDiGraph, claims: list[Any]) -> dict[str, Any]:
    commitment = Counter(str(kg.nodes[c].get("commitment") or "unknown") for c in claims)
    polarity = Counter(str(kg.nodes[c].get("polarity") or "unknown") for c in claims)
    return {
        "count": len(claims),
        "commitment": dict(commitment.most_common()),
        "polarity": dict(polarity.most_common()),
        "claims": sorted(claims, key=str)[:MAX_LISTED_CLAIMS],
    }


def who_said_what_view(kg: nx.MultiDiGraph) -> nx.MultiDiGraph:
    """Sources -> actors, one edge per (source, actor) pair aggregating the claims between them.

    Claims with a source but no actor are counted on the source node ("claims about no actor").
    Corroborating / contradicting claims of two sources become one aggregated source-source edge
    per link kind. The claims themselves are kept in the graph attribute ``claims`` for the panel.
    """
    g = nx.MultiDiGraph()
    pairs: dict[tuple[Any, Any], list[Any]] = defaultdict(list)
    unlinked: Counter = Counter()
    claims = [n for n in kg.nodes if _kind(kg, n) == "claim"]
    for claim in claims:
        actors = _actors_of(kg, claim)
        for source in _sources_of(kg, claim):
            if not actors:
                unlinked[source] += 1
            for actor in actors:
                pairs[(source, actor)].append(claim)
    links: dict[tuple[Any, Any, str], list[tuple[Any, Any]]] = defaultdict(list)
    for kind in ("corroborates", "contradicts"):
        for a, b, _ in _edges_of_kind(kg, kind):
            for sa in _sources_of(kg, a):
                for sb in _sources_of(kg, b):
                    # Symmetric kinds: one edge per unordered pair of sources.
                    key = (sa, sb) if str(sa) <= str(sb) else (sb, sa)
                    links[(*key, kind)].append((a, b))
    for node in {n for pair in pairs for n in pair} | {n for k in links for n in k[:2]} | set(unlinked):
        info = _node_info(kg, node)
        if unlinked[node]:
            info["claims about no actor"] = unlinked[node]
        g.add_node(node, kind=_kind(kg, node) or "source", label=_label(kg, node), info=info)
    for (source, actor), cl in sorted(pairs.items(), key=lambda kv: (str(kv[0][0]), str(kv[0][1]))):
        g.add_edge(source, actor, key="said_about", kind="said_about", **_aggregate(kg, cl))
    for (sa, sb, kind), pairs_ in sorted(links.items(), key=lambda kv: tuple(map(str, kv[0]))):
        g.add_edge(sa, sb, key=kind, kind=kind, count=len(pairs_),
                   pairs=[[str(a), str(b)] for a, b in pairs_[:MAX_LISTED_CLAIMS]])
    g.graph["claims"] = {c: _claim_info(kg, c) for c in claims}
    return g


def _match_actor(kg: nx.MultiDiGraph, focus: str) -> Any:
    wanted = focus.strip().casefold()
    candidates = [n for n in kg.nodes if _kind(kg, n) in ("actor", "source")]
    for pick in (lambda n: str(n).casefold() == wanted, lambda n: _label(kg, n).casefold() == wanted):
        hits = sorted((n for n in candidates if pick(n)), key=lambda n: (_kind(kg, n) != "actor", str(n)))
        if hits:
            return hits[0]
    raise ValueError(f"no actor or source matches focus {focus!r}")


def actor_view(kg: nx.MultiDiGraph, focus: str) -> nx.MultiDiGraph:
    """The ego network of one actor (matched by id, then by label, case-insensitively).

    Nodes: the actor; the claims about it (or made by it, when it is also a source); their sources;
    claims linked to those by corroborates / contradicts / comments_on, with their sources; and the
    other actors all these claims are about.
    """
    center = _match_actor(kg, focus)
    claims: set[Any] = set()
    for u, v, a in kg.in_edges(center, data=True):
        if a.get("kind") == "about":
            claims.add(u)
    for _, v, a in kg.out_edges(center, data=True):
        if a.get("kind") == "says":
            claims.add(v)
    linked: set[Any] = set()
    for claim in claims:
        for u, v, a in list(kg.out_edges(claim, data=True)) + list(kg.in_edges(claim, data=True)):
            if a.get("kind") in _LINK_KINDS:
                linked.add(v if u == claim else u)
    all_claims = claims | linked
    keep = {center} | all_claims
    for claim in all_claims:
        keep.update(_sources_of(kg, claim))
        keep.update(_actors_of(kg, claim))
    sub = kg.subgraph(keep)
    g = full_view(sub)
    g.graph["focus"] = center
    return g


# ------------------------------------------------------------------------------------------- layout


def layout_positions(g: nx.MultiDiGraph, *, spacing: float = 40.0) -> dict[Any, tuple[float, float]]:
    """Deterministic 2-D positions (vis-network pixels) for every node of ``g``."""
    n = g.number_of_nodes()
    if n == 0:
        return {}
    if n <= SPRING_MAX_NODES:
        simple = nx.Graph()
        simple.add_nodes_from(sorted(g.nodes, key=str))
        simple.add_edges_from((u, v) for u, v in g.edges() if u != v)
        focus = g.graph.get("focus")
        fixed = None
        pos0 = None
        if focus is not None and focus in simple:
            pos0, fixed = {focus: (0.0, 0.0)}, [focus]
        # Isolated nodes would be pushed to the far corners (and shrink everything else on "fit"):
        # lay out the connected part, then line the isolated nodes up underneath it.
        isolated = [node for node in simple if simple.degree(node) == 0]
        simple.remove_nodes_from(isolated)
        scale = spacing * (4.0 + 2.5 * math.sqrt(n))
        out: dict[Any, tuple[float, float]] = {}
        if simple.number_of_nodes():
            pos = nx.spring_layout(simple, seed=7, iterations=80, pos=pos0, fixed=fixed)
            out = {node: (float(x) * scale, float(y) * scale) for node, (x, y) in pos.items()}
        bottom = max((y for _, y in out.values()), default=0.0) + 2 * spacing
        per_row = max(1, int(2 * scale // (3 * spacing)))
        for i, node in enumerate(isolated):
            out[node] = (-scale + (i % per_row) * 3 * spacing, bottom + (i // per_row) * 1.5 * spacing)
        return out
    return _tree_layout(g, spacing=spacing)


def _tree_layout(g: nx.MultiDiGraph, *, spacing: float) -> dict[Any, tuple[float, float]]:
    """O(n + m) layout: `in`-trees as nested rings packed on shelves, the rest at neighbour centroids."""
    parent: dict[Any, Any] = {}
    for u, v, a in g.edges(data=True):
        if a.get("kind") == "in" and u != v and u not in parent:
            parent[u] = v
    # Break any cycle in the parent map so every tree has a root.
    for start in list(parent):
        seen, cur = {start}, start
        while cur in parent:
            cur = parent[cur]
            if cur in seen:
                parent.pop(cur, None)
                break
            seen.add(cur)
    children: dict[Any, list[Any]] = defaultdict(list)
    for child, par in parent.items():
        children[par].append(child)
    for kids in children.values():
        kids.sort(key=str)
    roots = sorted((n for n in children if n not in parent), key=lambda n: (str(g.nodes[n].get("date") or ""), str(n)))

    # Bottom-up radii: a node's disc holds a ring of its children's discs.
    radius: dict[Any, float] = {}
    ring: dict[Any, float] = {}
    order: list[Any] = []
    for root in roots:
        stack = [root]
        while stack:
            node = stack.pop()
            order.append(node)
            stack.extend(children.get(node, ()))
    for node in reversed(order):
        kids = children.get(node)
        if not kids:
            radius[node] = spacing / 2
            continue
        circumference = sum(2 * radius[k] for k in kids)
        r = max(spacing, circumference / (2 * math.pi), max(radius[k] for k in kids) * 1.2)
        ring[node] = r
        radius[node] = r + max(radius[k] for k in kids)

    pos: dict[Any, tuple[float, float]] = {}
    # Shelf packing of the root discs, in date order, into a roughly square area.
    total_area = sum((2 * radius[r]) ** 2 for r in roots)
    row_width = max(math.sqrt(total_area), max((2 * radius[r] for r in roots), default=0.0))
    x = y = row_h = 0.0
    for root in roots:
        d = 2 * radius[root] + spacing
        if x > 0 and x + d > row_width:
            x, y, row_h = 0.0, y + row_h, 0.0
        pos[root] = (x + d / 2, y + d / 2)
        x += d
        row_h = max(row_h, d)
    # Top-down: children evenly on their parent's ring, spaced by their disc size.
    for node in order:
        kids = children.get(node)
        if not kids:
            continue
        cx, cy = pos[node]
        total = sum(radius[k] for k in kids)
        angle = 0.0
        for kid in kids:
            share = radius[kid] / total * 2 * math.pi
            a = angle + share / 2
            pos[kid] = (cx + ring[node] * math.cos(a), cy + ring[node] * math.sin(a))
            angle += share

    # Everything else (sources, actors, loose claims): centroid of placed neighbours, two passes,
    # with a small deterministic offset so hubs sharing a centroid do not cover each other.
    rest = sorted((n for n in g.nodes if n not in pos), key=str)
    undirected = g.to_undirected(as_view=True)
    golden = math.pi * (3 - math.sqrt(5))
    for _ in range(2):
        left = []
        for i, node in enumerate(rest):
            nbrs = [pos[m] for m in undirected.neighbors(node) if m in pos]
            if not nbrs:
                left.append(node)
                continue
            cx = sum(p[0] for p in nbrs) / len(nbrs)
            cy = sum(p[1] for p in nbrs) / len(nbrs)
            off = spacing * (0.6 + 0.15 * math.sqrt(i % 400))
            pos[node] = (cx + off * math.cos(i * golden), cy + off * math.sin(i * golden))
        rest = left
    # Isolated leftovers: a sunflower spiral below the packed area.
    if rest:
        base_y = max((p[1] for p in pos.values()), default=0.0) + 4 * spacing
        cx = row_width / 2
        for i, node in enumerate(rest):
            r = spacing * math.sqrt(i + 1)
            pos[node] = (cx + r * math.cos(i * golden), base_y + r + r * math.sin(i * golden))
    return pos


# ---------------------------------------------------------------------------------- page data (pyvis)


def _short(text: str, limit: int) -> str:
    text = " ".join(str(text).split())
    return text if len(text) <= limit else text[: limit - 1] + "\u2026"


def _tooltip(kind: str, label: str, info: Mapping[str, Any]) -> str:
    # A plain string: vis-network 9 shows string titles with innerText, never as markup.
    lines = [f"{NODE_STYLES.get(kind, _OTHER_NODE)['legend']}: {_short(label, TOOLTIP_CHARS)}"]
    for key in ("source", "commitment", "polarity", "date", "claims made", "claims about"):
        if key in info:
            lines.append(f"{key}: {_short(str(info[key]), 80)}")
    return "\n".join(lines)


def _edge_width(count: int) -> float:
    return round(min(14.0, 1.0 + 2.0 * math.log2(max(1, count))), 2)


def page_data(g: nx.MultiDiGraph, *, view: str, title: str) -> dict[str, Any]:
    """Everything the page script needs, as JSON-able data (nodes, edges, options, panel details).

    Nodes and edges are pyvis ``Node`` / ``Edge`` option dicts on a pyvis ``Network``, whose options
    object also carries physics and interaction settings.
    """
    from pyvis.edge import Edge
    from pyvis.network import Network
    from pyvis.node import Node

    n_nodes, n_edges = g.number_of_nodes(), g.number_of_edges()
    positions = layout_positions(g)
    large = n_edges > LARGE_EDGES or n_nodes > PHYSICS_MAX_NODES
    physics = n_nodes <= PHYSICS_MAX_NODES

    net = Network(height="100%", width="100%", directed=True, cdn_resources="remote")
    details: dict[str, Any] = {}
    focus = g.graph.get("focus")
    ids: dict[Any, str] = {}
    for node in g.nodes:
        # vis-network ids are strings here: one namespace, whatever Python type the kg used.
        ids[node] = str(node)
    node_kinds: Counter = Counter()
    for node, attrs in g.nodes(data=True):
        kind = str(attrs.get("kind") or "")
        style = NODE_STYLES.get(kind, _OTHER_NODE)
        node_kinds[kind] += 1
        label = str(attrs.get("label") or node)
        info = dict(attrs.get("info") or {})
        x, y = positions[node]
        options: dict[str, Any] = {
            "color": style["color"],
            "size": style["size"] * (1.6 if node == focus else 1.0),
            "title": _tooltip(kind, label, info),
            "x": round(x, 1),
            "y": round(y, 1),
            "kind": kind,
        }
        vis_node = Node(ids[node], style["shape"], _short(label, LABEL_CHARS), **options)
        net.nodes.append(vis_node.options)
        # Filled directly rather than through Network.add_node/add_edge: those check membership in
        # a list (O(n) per call), which is minutes at 20,000 nodes and 60,000 edges.
        net.node_ids.append(ids[node])
        net.node_map[ids[node]] = vis_node.options
        details[ids[node]] = {"kind": kind, "label": label, "info": info}

    edge_kinds: Counter = Counter()
    edge_details: dict[str, Any] = {}
    # vis-network draws parallel edges on top of each other: bend each one of a pair by its own amount.
    parallel: Counter = Counter((u, v) if str(u) <= str(v) else (v, u) for u, v in g.edges())
    seen_pairs: Counter = Counter()
    # Links first, structure last: on large graphs the page adds edges in this order, in chunks.
    ordered = sorted(g.edges(data=True), key=lambda e: _EDGE_PRIORITY.get(str(e[2].get("kind")), 2))
    for i, (u, v, attrs) in enumerate(ordered):
        kind = str(attrs.get("kind") or "")
        style = EDGE_STYLES.get(kind, _OTHER_EDGE)
        edge_kinds[kind] += 1
        eid = f"e{i}"
        # Only what differs from the global edge options: vis-network parses every per-edge option.
        options: dict[str, Any] = {"id": eid, "kind": kind, "color": style["color"]}
        if style["width"] != 1:
            options["width"] = style["width"]
        if style.get("dashes"):
            options["dashes"] = style["dashes"]
        pair = (u, v) if str(u) <= str(v) else (v, u)
        if parallel[pair] > 1:
            k = seen_pairs[pair]
            seen_pairs[pair] += 1
            options["smooth"] = {"enabled": True, "type": "curvedCW" if pair == (u, v) else "curvedCCW",
                                 "roundness": round(0.1 + 0.2 * k, 2)}
        if kind in ("corroborates", "contradicts"):
            options["arrows"] = {"to": {"enabled": False}}  # symmetric: stored once per pair, drawn without an arrowhead
        count = attrs.get("count")
        if count is not None:
            options["width"] = max(style["width"], _edge_width(int(count)))
            options["label"] = str(count)
            options["font"] = {"size": 10, "align": "middle"}
        if kind == "said_about" and attrs.get("commitment"):
            dominant = next(iter(attrs["commitment"]))
            options["color"] = _COMMITMENT_COLOURS.get(dominant, style["color"])
        if kind in _LINK_KINDS or count is not None:
            # Structural edges (says, about, in) need no tooltip: their kind is in the legend.
            title = [style["legend"]]
            if count is not None:
                title.append(f"{count} claim{'s' if count != 1 else ''}")
                for key in ("commitment", "polarity"):
                    if attrs.get(key):
                        title.append(key + ": " + ", ".join(f"{k} {n}" for k, n in attrs[key].items()))
            if attrs.get("score") is not None:
                title.append(f"score: {attrs['score']}")
            options["title"] = "\n".join(title)
            edge_details[eid] = {k: _plain(val) for k, val in attrs.items()}
        edge = Edge(ids[u], ids[v], directed=True, **options).options
        if edge.get("arrows") == "to":
            del edge["arrows"]  # the global edge options draw (or, on large graphs, omit) arrowheads
        net.edges.append(edge)

    _pyvis_options(net, physics=physics, large=large)
    claims = {str(k): v for k, v in (g.graph.get("claims") or {}).items()}
    legend_nodes = [
        {"kind": k, "label": NODE_STYLES.get(k, _OTHER_NODE)["legend"], "shape": NODE_STYLES.get(k, _OTHER_NODE)["shape"],
         "color": NODE_STYLES.get(k, _OTHER_NODE)["color"], "count": node_kinds[k]}
        for k in [*NODE_STYLES, *sorted(set(node_kinds) - set(NODE_STYLES))] if node_kinds[k]
    ]
    legend_edges = [
        {"kind": k, "label": EDGE_STYLES.get(k, _OTHER_EDGE)["legend"], "color": EDGE_STYLES.get(k, _OTHER_EDGE)["color"],
         "dashes": bool(EDGE_STYLES.get(k, _OTHER_EDGE).get("dashes")), "count": edge_kinds[k]}
        for k in [*EDGE_STYLES, *sorted(set(edge_kinds) - set(EDGE_STYLES))] if edge_kinds[k]
    ]
    nodes, edges, _heading, _height, _width, options_json = net.get_network_data()
    return {
        "title": title,
        "view": view,
        "focus": None if focus is None else ids[focus],
        "nodes": nodes,
        "edges": edges,
        "options": json.loads(options_json),
        "details": details,
        "edgeDetails": edge_details,
        "claims": claims,
        "legend": {"nodes": legend_nodes, "edges": legend_edges},
        "commitmentColours": _COMMITMENT_COLOURS if view == "who-said-what" else {},
        "large": large,
        "deferredKinds": list(DEFERRED_KINDS) if large else [],
    }


def _pyvis_options(net: Any, *, physics: bool, large: bool) -> None:
    net.toggle_physics(physics)
    net.toggle_hide_edges_on_drag(large)
    if physics:
        # Longer springs and some overlap avoidance than vis' defaults: claim labels are long.
        net.barnes_hut(gravity=-8000, central_gravity=0.6, spring_length=150, spring_strength=0.03,
                       damping=0.3, overlap=0.5)
        net.options.physics.enabled = True
        net.options.physics.stabilization = {"enabled": True, "iterations": 150, "fit": True, "updateInterval": 50}
    options = json.loads(net.options.to_json())
    # What pyvis' Options object has no setter for.
    options["layout"] = {"improvedLayout": False, "randomSeed": 7}
    options["edges"] = {
        "smooth": False if large else {"enabled": True, "type": "continuous"},
        # Arrowheads cost a border intersection per edge per frame: drawn on small graphs only.
        "arrows": {"to": {"enabled": not large, "scaleFactor": 0.5}},
        "selectionWidth": 2,
    }
    options["nodes"] = {"font": {"size": 12, "face": "sans-serif"},
                        "scaling": {"label": {"drawThreshold": 6}}}
    options["interaction"].update({
        "hover": not large, "tooltipDelay": 150, "hideEdgesOnZoom": large, "navigationButtons": False,
        "keyboard": False, "multiselect": False,
    })
    net.options = options


# --------------------------------------------------------------------------------------- timeline


def timeline_data(
    kg: nx.MultiDiGraph,
    *,
    actor: str | None = None,
    default: Any = None,
    cap: int = MAX_TIMELINE_ENTRIES,
) -> dict[str, Any]:
    """The page's timeline: per actor, the claims about it by bulletin date, as JSON-able data.

    The entries are :func:`graphbuild.export.timeline.build_timeline` rows (``entry_to_json``) of the
    claims in ``kg``, so the page keeps the bulletin date (the document's date) apart from the event
    dates a claim mentions exactly as ``graphbuild timeline`` does. Each entry is stored once; each
    actor lists its claim ids in timeline order, at most ``cap`` of them (``total`` is exact).

    Args:
        kg: The networkx view (claim nodes, ``says``/``about`` edges, claim links).
        actor: Actor the page opens on: id, label or alias (``graphbuild timeline --actor`` rules).
        default: Actor id to open on when ``actor`` is not given and it has claims about it (the
            actor view's focus); otherwise the actor most claims are about.
        cap: Claims listed per actor.

    Returns:
        ``{"actors": [{"id", "label", "total", "claims"}], "selected", "entries", "cap",
        "palette", "otherColour"}``, actors by number of claims about them, most first.

    Raises:
        ValueError: ``actor`` matches no actor that a claim is about.
    """
    from graphbuild.export.timeline import build_timeline, entry_to_json

    output, actors, cues = _timeline_output(kg)
    entries = build_timeline(output)
    by_actor: dict[str, list[str]] = defaultdict(list)
    for entry in entries:
        for about in entry.claim.about:
            by_actor[about].append(entry.claim.id)
    listed = [
        {"id": a, "label": actors[a].label, "total": len(cids), "claims": cids[:cap]}
        for a, cids in by_actor.items()
    ]
    listed.sort(key=lambda a: (-a["total"], a["label"].casefold(), a["id"]))
    keep = {cid for a in listed for cid in a["claims"]}
    # The other side of a contradiction or corroboration is kept too, so the page can show both.
    for entry in entries:
        if entry.claim.id in keep:
            keep.update(entry.contradicted_by)
            keep.update(entry.corroborated_by)
    rows: dict[str, dict[str, Any]] = {}
    for entry in entries:
        if entry.claim.id in keep:
            row = entry_to_json(entry)
            cid = row.pop("claim")  # the key
            # The kg has the cue's text but not its offsets, so the record has no cue: take the text.
            row["cue"] = row["cue"] or cues.get(cid)
            # Only what the page shows: the payload grows by one row per listed claim.
            rows[cid] = {k: v for k, v in row.items() if v is not None and k not in _TIMELINE_UNUSED}
    selected = _timeline_actor(actor, listed, actors) if actor else None
    if selected is None:
        ids_with_claims = {a["id"] for a in listed}
        selected = str(default) if default is not None and str(default) in ids_with_claims else (
            listed[0]["id"] if listed else None)
    return {
        "actors": listed,
        "selected": selected,
        "entries": rows,
        "cap": cap,
        "palette": list(TIMELINE_PALETTE),
        "otherColour": TIMELINE_OTHER_COLOUR,
    }


def _timeline_actor(query: str, listed: list[dict[str, Any]], actors: Mapping[str, Any]) -> str:
    from graphbuild.export.timeline import resolve_actor

    known = {a["id"] for a in listed}
    wanted = " ".join(query.split()).casefold()
    for a in listed:
        if wanted in (a["id"].casefold(), a["label"].casefold()):
            return a["id"]
    for actor_id in resolve_actor(query, actors):
        if actor_id in known:
            return actor_id
    raise ValueError(f"no claim is about actor {query!r}")


def _enum(kind: type, value: Any, fallback: Any) -> Any:
    try:
        return kind(str(getattr(value, "value", value)))
    except ValueError:
        return fallback


def _timeline_output(kg: nx.MultiDiGraph) -> tuple[Any, dict[str, Any], dict[str, str]]:
    """The claims, links and bulletin dates of ``kg`` as the records ``build_timeline`` reads.

    Returns the ``BuildOutput``, the actors claims are about (by id) and the cue text per claim.

    The networkx view is what every caller of the page has (a build's GraphML, a store, the Python
    API), so the timeline is built from it rather than from claims.jsonl.
    """
    from graphbuild.export.outdir import BuildOutput
    from graphbuild.link.assess import rate_claims
    from graphbuild.records import (
        Actor,
        ActorKind,
        Claim,
        Commitment,
        Polarity,
        Relation,
        RelationType,
        Source,
        SourceKind,
        Span,
    )

    dates = _node_dates(kg)
    # One pass over the edges (per-node in_edges/out_edges views cost ~20 us each on a large graph).
    says: dict[Any, Any] = {}
    abouts: dict[Any, list[Any]] = defaultdict(list)
    relations = []
    for u, v, attrs in kg.edges(data=True):
        kind = attrs.get("kind")
        if kind == "says":
            says.setdefault(v, u)
        elif kind == "about":
            abouts[u].append(v)
        elif kind in ("contradicts", "corroborates") and _kind(kg, u) == "claim" and _kind(kg, v) == "claim":
            relations.append(Relation(RelationType(kind), str(u), str(v), float(attrs.get("score") or 0.0)))
    claims: list[Any] = []
    bulletin: dict[str, str] = {}
    actors: dict[str, Any] = {}
    cues: dict[str, str] = {}
    for node, attrs in kg.nodes(data=True):
        if attrs.get("kind") != "claim" or not abouts.get(node):
            continue  # a claim about no actor is on no actor's timeline
        cid = str(node)
        text = str(attrs.get("text") or attrs.get("label") or "")
        start = attrs.get("start")
        start = int(start) if isinstance(start, int | float) and not isinstance(start, bool) else 0
        if node in says:
            sid = says[node]
            s_label, s_kind = _label(kg, sid), kg.nodes[sid].get("source_kind")
        else:
            sid = attrs.get("source") or "unspecified"
            s_label, s_kind = str(attrs.get("source_label") or sid), None
        about = []
        for a in abouts[node]:
            about.append(str(a))
            if str(a) not in actors:
                a_attrs = kg.nodes[a]
                actors[str(a)] = Actor(
                    id=str(a), label=_label(kg, a),
                    kind=_enum(ActorKind, a_attrs.get("actor_kind") or "group", ActorKind.GROUP),
                    aliases=tuple(x.strip() for x in str(a_attrs.get("aliases") or "").split(";") if x.strip()),
                )
        item = attrs.get("item")
        claims.append(Claim(
            id=cid,
            document=str(attrs.get("document") or ""),
            item=item if isinstance(item, int) and not isinstance(item, bool) else None,
            in_comment=bool(attrs.get("in_comment")),
            content=Span(start, start + len(text), text),
            source=Source(str(sid), s_label, _enum(SourceKind, s_kind or "unspecified", SourceKind.UNSPECIFIED)),
            cue=None,
            commitment=_enum(Commitment, attrs.get("commitment") or "certain", Commitment.CERTAIN),
            polarity=_enum(Polarity, attrs.get("polarity") or "positive", Polarity.POSITIVE),
            about=tuple(about),
        ))
        if node in dates:
            bulletin[cid] = dates[node]
        if attrs.get("cue"):
            cues[cid] = str(attrs["cue"])
    credibility = {cid: r.rating for cid, r in rate_claims(claims, relations).items()}
    output = BuildOutput(claims=tuple(claims), actors=actors, relations=tuple(relations), dates=bulletin,
                         credibility=credibility)
    return output, actors, cues


# ------------------------------------------------------------------------------------------- page


_JSON_ESCAPES = {"<": "\\u003c", ">": "\\u003e", "&": "\\u0026", "\u2028": "\\u2028", "\u2029": "\\u2029"}


def script_safe_json(data: Any) -> str:
    """JSON that can sit inside a ``<script>`` element: no ``<``, ``>``, ``&``, U+2028 or U+2029.

    >>> script_safe_json({"t": "</script><b>&"})
    '{"t": "\\\\u003c/script\\\\u003e\\\\u003cb\\\\u003e\\\\u0026"}'
    """
    text = json.dumps(data, ensure_ascii=False, allow_nan=False, default=str)
    for ch, escaped in _JSON_ESCAPES.items():
        text = text.replace(ch, escaped)
    return text


def _asset(name: str) -> str:
    return (_TEMPLATES / name).read_text(encoding="utf-8")


def _vis_assets() -> tuple[str, str]:
    """vis-network's JS and CSS, read from the installed pyvis package (Apache-2.0 / MIT)."""
    lib = resources.files("pyvis") / "lib" / "vis-9.1.2"
    js = (lib / "vis-network.min.js").read_text(encoding="utf-8")
    # The source map is not shipped: drop the comment pointing at it.
    js = re.sub(r"\n//# sourceMappingURL=\S*\s*$", "\n", js)
    return js, (lib / "vis-network.css").read_text(encoding="utf-8")


def _csp_hash(script: str) -> str:
    return "'sha256-" + base64.b64encode(hashlib.sha256(script.encode("utf-8")).digest()).decode("ascii") + "'"


def _render_page(data: dict[str, Any], *, title: str) -> str:
    from jinja2 import Environment, FileSystemLoader

    vis_js, vis_css = _vis_assets()
    page_js = _asset("graph.js")
    for name, code in (("vis-network.min.js", vis_js), ("graph.js", page_js)):
        # Inlined code must not be able to end or comment out its own <script> element.
        lowered = code.lower()
        if "</script" in lowered or "<!--" in lowered:
            raise RuntimeError(f"{name} cannot be inlined in a <script> element")
    env = Environment(loader=FileSystemLoader(str(_TEMPLATES)), autoescape=True, keep_trailing_newline=True)
    template = env.get_template("graph.html")
    csp = "; ".join([
        "default-src 'none'",
        f"script-src {_csp_hash(vis_js)} {_csp_hash(page_js)}",
        "style-src 'unsafe-inline'",
        "img-src data:",
        "base-uri 'none'",
        "form-action 'none'",
    ])
    return template.render(
        title=title,
        csp=csp,
        vis_css=_trusted(vis_css),
        page_css=_trusted(_asset("graph.css")),
        vis_js=_trusted(vis_js),
        page_js=_trusted(page_js),
        data_json=_trusted(script_safe_json(data)),
    )


def _trusted(text: str) -> Any:
    # Only our own assets and the escaped JSON are marked safe; every other value is autoescaped.
    from markupsafe import Markup

    return Markup(text)
