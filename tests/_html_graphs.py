"""Small hand-built graphs in the networkx view's schema (graphbuild.graph.kg.to_networkx), for HTML tests.

Node attr ``kind`` in {document, item, comment, claim, source, actor} and ``label``; claims carry
text, start, end, commitment, polarity, cue, source, document, date, sentence. Edge key = attr ``kind``.
"""

from __future__ import annotations

import networkx as nx

#: Each would set document.title to "pwned" if it ever ran as markup or script.
PAYLOADS = (
    "<script>document.title='pwned'</script>",
    "<img src=x onerror=\"document.title='pwned'\">",
    "</script><script>document.title='pwned'</script>",
    "javascript:document.title='pwned'",
    "<svg onload=\"document.title='pwned'\"></svg>",
    "\u2028</script>\u2029<!--<script>",
)


def _claim(g: nx.MultiDiGraph, cid: str, *, text: str, source: str, about: list[str], item: str,
           document: str, date: str, commitment: str = "certain", polarity: str = "positive",
           cue: str = "said", sentence: str | None = None, start: int = 0) -> None:
    sentence = sentence if sentence is not None else f"{g.nodes[source]['label']} {cue} that {text}."
    g.add_node(cid, kind="claim", label=text, text=text, start=start, end=start + len(text),
               commitment=commitment, polarity=polarity, cue=cue, source=source, document=document,
               date=date, sentence=sentence)
    g.add_edge(source, cid, key="says", kind="says")
    g.add_edge(cid, item, key="in", kind="in")
    for actor in about:
        g.add_edge(cid, actor, key="about", kind="about")


def sample_kg() -> nx.MultiDiGraph:
    """Two bulletins, three sources, four actors, six claims, one contradiction, one corroboration."""
    g = nx.MultiDiGraph()
    g.add_node("d1", kind="document", label="CIB 1952-03-01", date="1952-03-01")
    g.add_node("d2", kind="document", label="CIB 1952-06-11", date="1952-06-11")
    for item, doc in (("i1", "d1"), ("i2", "d1"), ("i3", "d2")):
        g.add_node(item, kind="item", label=f"item {item[1:]}")
        g.add_edge(item, doc, key="in", kind="in")
    g.add_node("k1", kind="comment", label="Comment on item 1")
    g.add_edge("k1", "i1", key="in", kind="in")
    for sid, label in (("us-embassy-moscow", "US Embassy Moscow"), ("tass", "TASS"), ("analyst", "analyst")):
        g.add_node(sid, kind="source", label=label)
    for aid, label in (("ussr", "USSR"), ("united-states", "United States"), ("north-korea", "North Korea"),
                       ("communist-china", "Communist China")):
        g.add_node(aid, kind="actor", label=label)
    _claim(g, "c1", text="Soviet troops are massing on the Manchurian border", source="us-embassy-moscow",
           about=["ussr"], item="i1", document="d1", date="1952-03-01", commitment="probable", cue="reports")
    _claim(g, "c2", text="no Soviet troops are on the Manchurian border", source="tass",
           about=["ussr"], item="i2", document="d1", date="1952-03-01", polarity="negative", cue="denied")
    _claim(g, "c3", text="the build-up is a bluff", source="analyst", about=["ussr", "communist-china"],
           item="k1", document="d1", date="1952-03-01", commitment="possible", cue="believes")
    _claim(g, "c4", text="North Korea will resume the offensive", source="us-embassy-moscow",
           about=["north-korea"], item="i3", document="d2", date="1952-06-11", commitment="reported")
    _claim(g, "c5", text="Soviet divisions have moved to Manchuria", source="tass", about=["ussr"],
           item="i3", document="d2", date="1952-06-11", cue="stated")
    _claim(g, "c6", text="the United States rejected the proposal", source="tass", about=["united-states"],
           item="i3", document="d2", date="1952-06-11")
    g.add_edge("c1", "c2", key="contradicts", kind="contradicts", score=0.82,
               evidence="negation of the same event (troops on the border)")
    g.add_edge("c1", "c5", key="corroborates", kind="corroborates", score=0.71, evidence="same event, both positive")
    g.add_edge("c3", "c1", key="comments_on", kind="comments_on", score=0.9, evidence="analyst comment on item 1")
    return g


def payload_kg() -> nx.MultiDiGraph:
    """``sample_kg`` with every payload in claim text, sentence, cue, labels, ids and evidence."""
    g = sample_kg()
    g.add_node("d-evil", kind="document", label=PAYLOADS[2], date="1952-07-01")
    g.add_node("i-evil", kind="item", label=PAYLOADS[1])
    g.add_edge("i-evil", "d-evil", key="in", kind="in")
    g.add_node(PAYLOADS[0], kind="source", label=PAYLOADS[0])
    g.add_node("actor-evil", kind="actor", label=PAYLOADS[4])
    for i, payload in enumerate(PAYLOADS):
        _claim(g, f"evil{i}", text=payload, source=PAYLOADS[0], about=["actor-evil", "ussr"], item="i-evil",
               document="d-evil", date="1952-07-01", cue=PAYLOADS[(i + 1) % len(PAYLOADS)],
               sentence=f"It was said that {payload} and {PAYLOADS[3]}.")
    g.add_edge("evil0", "c1", key="contradicts", kind="contradicts", score=0.5, evidence=PAYLOADS[2])
    return g
