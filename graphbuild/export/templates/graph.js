/* graphbuild network page script.
 *
 * Reads the page data from the JSON block (never executed, escaped by graphbuild), builds the
 * vis-network, and renders controls and the details panel. Document text is only ever put into the
 * page with textContent (or vis-network's innerText tooltips): this file never parses a string as HTML.
 */
(function () {
  "use strict";

  var t0 = performance.now();
  var data = JSON.parse(document.getElementById("gb-data").textContent);
  var tl = data.timeline || { actors: [], entries: {}, palette: [], otherColour: "#999999" };
  // Shown before the network is built, so the network's canvas gets its final size at once.
  if (tl.actors.length) document.getElementById("gb-timeline").hidden = false;
  var state = { hiddenKinds: {}, hiddenLinks: {} };
  // Milliseconds since navigation start at each loading step (read by benchmarks/html.py).
  var api = { data: data, ready: false, timings: { script: t0, parsed: performance.now() } };
  window.graphbuild = api;

  // ------------------------------------------------------------------------------------ helpers

  function el(tag, text, cls) {
    var e = document.createElement(tag);
    if (text !== undefined && text !== null) e.textContent = String(text);
    if (cls) e.className = cls;
    return e;
  }

  function clear(node) {
    while (node.firstChild) node.removeChild(node.firstChild);
  }

  function short(text, n) {
    text = String(text);
    return text.length <= n ? text : text.slice(0, n - 1) + "\u2026";
  }

  function legendFor(kind) {
    var all = data.legend.nodes;
    for (var i = 0; i < all.length; i++) if (all[i].kind === kind) return all[i];
    return { label: kind || "node", color: "#999999" };
  }

  function fieldList(pairs) {
    var dl = el("dl");
    pairs.forEach(function (p) {
      if (p[1] === undefined || p[1] === null || p[1] === "") return;
      var value = Array.isArray(p[1]) ? p[1].join(", ") : p[1];
      if (typeof value === "object") value = JSON.stringify(value);
      dl.appendChild(el("dt", p[0]));
      dl.appendChild(el("dd", value));
    });
    return dl;
  }

  // The original sentence with the claim's content marked: three text nodes, no markup parsing.
  function sentenceBlock(sentence, content) {
    var q = el("blockquote");
    var at = content ? sentence.indexOf(content) : -1;
    if (at < 0) {
      q.textContent = sentence;
      return q;
    }
    q.appendChild(document.createTextNode(sentence.slice(0, at)));
    q.appendChild(el("mark", content));
    q.appendChild(document.createTextNode(sentence.slice(at + content.length)));
    return q;
  }

  function claimInfo(id) {
    var d = data.details[id];
    if (d && d.kind === "claim") return d.info;
    if (data.claims[id]) return data.claims[id];
    // A claim the view does not draw (who-said-what): its timeline row has the essentials.
    var t = tl.entries[id];
    if (!t) return null;
    return { text: t.content, source: t.source_label, cue: t.cue, commitment: t.commitment,
             polarity: t.polarity, document: t.document, date: t.bulletin_date, about: t.about };
  }

  // Dates written in the claim itself: what the claim is about in time, not when it was reported.
  function eventDates(id) {
    var t = tl.entries[id];
    if (!t || !t.event_dates.length) return null;
    return t.event_dates.map(function (d) {
      return d.value + " (\u201c" + d.text + "\u201d" + (d.year_inferred ? ", year from the bulletin" : "") + ")";
    }).join("; ");
  }

  function claimBlock(id, heading) {
    var box = el("div", null, "gb-side");
    var info = claimInfo(id) || {};
    if (heading) box.appendChild(el("h3", heading));
    if (info.text !== undefined) box.appendChild(el("blockquote", info.text));
    box.appendChild(fieldList([
      ["source", info.source], ["cue", info.cue], ["commitment", info.commitment],
      ["polarity", info.polarity], ["about", info.about], ["document", info.document],
      ["bulletin date", info.date], ["event dates", eventDates(id)],
      ["credibility", tl.entries[id] ? tl.entries[id].credibility : null],
      ["offsets", info.start !== undefined ? info.start + "\u2013" + info.end : null],
    ]));
    if (info.sentence) {
      box.appendChild(el("h3", "original sentence"));
      box.appendChild(sentenceBlock(info.sentence, info.text));
    }
    if (data.details[id]) {
      var go = el("button", "show in graph");
      go.type = "button";
      go.addEventListener("click", function () { selectNode(id); });
      box.appendChild(go);
    }
    return box;
  }

  // ------------------------------------------------------------------------------------ network

  var nodes = new vis.DataSet(data.nodes);
  // Large graphs start without the edges of "deferred" kinds (structural `in` edges, which the
  // layout already shows as rings): vis-network spends ~0.1 ms building each edge and each frame
  // draws them all. Ticking the kind's box in "Link types" adds them, once.
  var deferred = {};
  (data.deferredKinds || []).forEach(function (k) { deferred[k] = true; state.hiddenLinks[k] = true; });
  var edges = new vis.DataSet(data.edges.filter(function (e) { return !deferred[e.kind]; }));
  var container = document.getElementById("gb-network");
  api.timings.datasets = performance.now();
  var network = new vis.Network(container, { nodes: nodes, edges: edges }, data.options);
  api.timings.network = performance.now();
  api.network = network;
  api.nodes = nodes;
  api.edges = edges;

  function showCounts() {
    var shown = edges.length < data.edges.length ? edges.length + " of " : "";
    document.getElementById("gb-counts").textContent =
      data.nodes.length + " nodes, " + shown + data.edges.length + " links" +
      (data.view ? " \u00b7 view: " + data.view : "");
  }
  showCounts();

  network.once("afterDrawing", function () {
    api.ready = true;
    api.readyMs = api.timings.drawn = performance.now();
    document.body.setAttribute("data-ready", "true");
  });

  // ------------------------------------------------------------------------------------ panel

  var panel = document.getElementById("gb-panel");

  function heading(kind, label) {
    var h = el("h2");
    var badge = el("span", legendFor(kind).label, "gb-kind");
    badge.style.backgroundColor = legendFor(kind).color;
    h.appendChild(badge);
    h.appendChild(document.createTextNode(" " + label));
    return h;
  }

  function showNode(id) {
    var d = data.details[id];
    clear(panel);
    markTimeline(id);
    if (!d) return;
    panel.appendChild(heading(d.kind, d.label));
    if (d.kind === "claim") {
      panel.appendChild(claimBlock(id, null));
    } else {
      var pairs = [["id", id]];
      Object.keys(d.info || {}).forEach(function (k) { pairs.push([k, d.info[k]]); });
      panel.appendChild(fieldList(pairs));
    }
    var linked = [];
    network.getConnectedEdges(id).forEach(function (eid) {
      var e = edges.get(eid);
      if (e && data.edgeDetails[eid]) linked.push(e);
    });
    if (linked.length) {
      panel.appendChild(el("h3", "links"));
      var ol = el("ol");
      linked.slice(0, 100).forEach(function (e) {
        var other = e.from === id ? e.to : e.from;
        var od = data.details[other] || { label: other };
        var b = el("button", e.kind + ": " + short(od.label, 80));
        b.type = "button";
        b.addEventListener("click", function () { network.selectEdges([e.id]); showEdge(e.id); });
        var li = el("li");
        li.appendChild(b);
        ol.appendChild(li);
      });
      panel.appendChild(ol);
    }
  }

  function showEdge(eid) {
    var e = edges.get(eid);
    clear(panel);
    if (!e) return;
    var extra = data.edgeDetails[eid] || {};
    var fromD = data.details[e.from] || { label: e.from }, toD = data.details[e.to] || { label: e.to };
    panel.appendChild(el("h2", e.kind));
    panel.appendChild(fieldList([
      ["from", fromD.label], ["to", toD.label], ["score", extra.score], ["claims", extra.count],
      ["commitment", extra.commitment], ["polarity", extra.polarity],
    ]));
    if (extra.evidence) {
      panel.appendChild(el("h3", "evidence"));
      panel.appendChild(el("blockquote", typeof extra.evidence === "string" ? extra.evidence : JSON.stringify(extra.evidence)));
    }
    // Claim-claim links: both sides, each with its source and original sentence.
    if (fromD.kind === "claim" && toD.kind === "claim") {
      panel.appendChild(claimBlock(e.from, "one side"));
      panel.appendChild(claimBlock(e.to, "other side"));
    }
    (extra.pairs || []).slice(0, 20).forEach(function (pair, i) {
      panel.appendChild(claimBlock(pair[0], "pair " + (i + 1) + ": one side"));
      panel.appendChild(claimBlock(pair[1], "pair " + (i + 1) + ": other side"));
    });
    if (extra.claims && extra.claims.length) {
      panel.appendChild(el("h3", "claims"));
      extra.claims.slice(0, 50).forEach(function (cid) { panel.appendChild(claimBlock(cid, null)); });
      if (extra.count > 50) panel.appendChild(el("p", (extra.count - 50) + " more not listed", "gb-hint"));
    }
  }

  function selectNode(id) {
    if (!nodes.get(id)) return;
    if (nodes.get(id).hidden) {
      state.hiddenKinds[nodes.get(id).kind] = false;
      syncFilters();
      applyFilters();
    }
    network.selectNodes([id]);
    network.focus(id, { scale: Math.max(network.getScale(), 1.0), animation: false });
    showNode(id);
  }
  api.selectNode = selectNode;
  api.showEdge = showEdge;

  network.on("click", function (params) {
    if (params.nodes.length) showNode(params.nodes[0]);
    else if (params.edges.length) showEdge(params.edges[0]);
  });

  // ------------------------------------------------------------------------------------ search

  var labels = data.nodes.map(function (n) {
    var d = data.details[n.id];
    return ((d ? d.label : n.label) + "\u0000" + n.id).toLowerCase();
  });
  var search = document.getElementById("gb-search");
  var results = document.getElementById("gb-results");
  var timer = null;

  function runSearch() {
    var q = search.value.trim().toLowerCase();
    clear(results);
    if (!q) return;
    var found = 0;
    for (var i = 0; i < labels.length && found < 30; i++) {
      if (labels[i].indexOf(q) < 0) continue;
      found++;
      var n = data.nodes[i];
      var d = data.details[n.id] || { label: n.label, kind: n.kind };
      var b = el("button", short(d.label, 70) + " (" + legendFor(d.kind).label + ")");
      b.type = "button";
      b.title = d.label;
      b.setAttribute("data-node", n.id);
      b.addEventListener("click", selectNode.bind(null, n.id));
      var li = el("li");
      li.appendChild(b);
      results.appendChild(li);
    }
    if (!found) results.appendChild(el("li", "no match", "gb-hint"));
  }

  search.addEventListener("input", function () {
    clearTimeout(timer);
    timer = setTimeout(runSearch, 120);
  });
  search.addEventListener("keydown", function (ev) {
    if (ev.key !== "Enter") return;
    runSearch();
    var first = results.querySelector("button");
    if (first) first.click();
  });

  // ------------------------------------------------------------------------------------ filters

  var checkboxes = { node: {}, edge: {} };

  function filterRow(group, item, swatch) {
    var label = el("label");
    var box = el("input");
    box.type = "checkbox";
    box.checked = true;
    box.setAttribute("data-" + group, item.kind);
    box.addEventListener("change", function () {
      (group === "node" ? state.hiddenKinds : state.hiddenLinks)[item.kind] = !box.checked;
      applyFilters();
    });
    checkboxes[group][item.kind] = box;
    label.appendChild(box);
    label.appendChild(swatch);
    label.appendChild(el("span", item.label));
    label.appendChild(el("span", item.count, "gb-count"));
    return label;
  }

  var nodeFilters = document.getElementById("gb-node-filters");
  data.legend.nodes.forEach(function (item) {
    var sw = el("span", null, "gb-swatch gb-shape-" + item.shape);
    sw.style.backgroundColor = item.color;
    nodeFilters.appendChild(filterRow("node", item, sw));
  });
  var edgeFilters = document.getElementById("gb-edge-filters");
  data.legend.edges.forEach(function (item) {
    var sw = el("span", null, "gb-line" + (item.dashes ? " gb-dashed" : ""));
    sw.style.borderTopColor = item.color;
    edgeFilters.appendChild(filterRow("edge", item, sw));
  });
  var commitments = Object.keys(data.commitmentColours || {});
  if (commitments.length) {
    var box = document.getElementById("gb-commitments");
    commitments.forEach(function (c) {
      var row = el("label");
      var sw = el("span", null, "gb-line");
      sw.style.borderTopColor = data.commitmentColours[c];
      row.appendChild(sw);
      row.appendChild(el("span", c));
      box.appendChild(row);
    });
    document.getElementById("gb-commitment-legend").hidden = false;
  }

  syncFilters();

  function syncFilters() {
    Object.keys(checkboxes.node).forEach(function (k) { checkboxes.node[k].checked = !state.hiddenKinds[k]; });
    Object.keys(checkboxes.edge).forEach(function (k) { checkboxes.edge[k].checked = !state.hiddenLinks[k]; });
  }

  // One batched update per data set, only for items whose visibility changes.
  function applyFilters() {
    var added = [];
    Object.keys(deferred).forEach(function (k) {
      if (!deferred[k] || state.hiddenLinks[k]) return;
      deferred[k] = false;
      data.edges.forEach(function (e) { if (e.kind === k) added.push(e); });
    });
    if (added.length) {
      edges.add(added);
      showCounts();
    }
    var nodeChanges = [];
    nodes.forEach(function (n) {
      var hide = !!state.hiddenKinds[n.kind];
      if (!!n.hidden !== hide) nodeChanges.push({ id: n.id, hidden: hide });
    });
    var edgeChanges = [];
    edges.forEach(function (e) {
      var hide = !!state.hiddenLinks[e.kind];
      if (!!e.hidden !== hide) edgeChanges.push({ id: e.id, hidden: hide });
    });
    if (nodeChanges.length) nodes.update(nodeChanges);
    if (edgeChanges.length) edges.update(edgeChanges);
  }
  api.applyFilters = applyFilters;
  api.state = state;

  // ------------------------------------------------------------------------------------ timeline
  // Claims about one actor, one column per bulletin date (the document's date; undated claims in a
  // last column), each entry coloured by its source. Dates the claim mentions are shown apart as
  // "mentions ...". A red mark means another claim contradicts this one; green, corroborates.

  var tlSection = document.getElementById("gb-timeline");
  var tlSelect = document.getElementById("gb-tl-actor");
  var tlLanes = document.getElementById("gb-tl-lanes");
  var tlEntries = {};
  var tlCurrent = null;
  var tlMarked = null;
  var tlActors = {};
  tl.actors.forEach(function (a) { tlActors[a.id] = a; });

  // Per actor, its sources by number of claims get the palette in turn; the rest share one grey.
  function sourceColours(actor) {
    var counts = {}, labels = {};
    actor.claims.forEach(function (cid) {
      var t = tl.entries[cid];
      counts[t.source] = (counts[t.source] || 0) + 1;
      labels[t.source] = t.source_label;
    });
    var order = Object.keys(counts).sort(function (a, b) {
      return counts[b] - counts[a] || (labels[a] < labels[b] ? -1 : labels[a] > labels[b] ? 1 : 0);
    });
    var colours = {};
    order.forEach(function (s, i) { colours[s] = i < tl.palette.length ? tl.palette[i] : tl.otherColour; });
    return { order: order, counts: counts, labels: labels, colours: colours };
  }

  function markButton(cid, kind, others) {
    var contra = kind === "contradicts";
    var b = el("button", (contra ? "\u2715" : "+") + others.length, "gb-tl-mark " + (contra ? "gb-tl-contra" : "gb-tl-corro"));
    b.type = "button";
    b.title = (contra ? "contradicted" : "corroborated") + " by " + others.length + " claim" +
      (others.length === 1 ? "" : "s") + ": show both sides";
    b.setAttribute("aria-label", b.title);
    b.setAttribute("data-link", kind);
    b.addEventListener("click", function () { showLinks(cid, kind); });
    return b;
  }

  function timelineEntry(cid, colour) {
    var t = tl.entries[cid];
    var row = el("div", null, "gb-tl-entry" + (t.contradicted_by.length ? " gb-tl-contested" : ""));
    row.style.borderLeftColor = colour;
    row.setAttribute("data-claim", cid);
    var b = el("button", null, "gb-tl-claim");
    b.type = "button";
    b.title = t.source_label + (t.cue ? " (" + t.cue + ")" : "") + ": " + t.content;
    b.appendChild(el("span", short(t.content, 160), "gb-tl-text"));
    var stance = t.commitment + (t.polarity === "negative" ? ", negative" : "");
    b.appendChild(el("span", short(t.source_label, 48) + (t.cue ? " \u00b7 " + short(t.cue, 32) : "") + " \u00b7 " + stance,
      "gb-tl-meta"));
    if (t.event_dates.length) {
      var ev = el("span", "mentions " + t.event_dates.map(function (d) {
        return d.value + (d.year_inferred ? "?" : "");
      }).join(", "), "gb-tl-event");
      // Not the bulletin date: dates written in the claim ("?": the year is the bulletin's).
      ev.title = "dates the claim mentions (? = year taken from the bulletin date)";
      b.appendChild(ev);
    }
    b.addEventListener("click", function () { selectClaim(cid); });
    row.appendChild(b);
    if (t.contradicted_by.length || t.corroborated_by.length) {
      var marks = el("div", null, "gb-tl-marks");
      if (t.contradicted_by.length) marks.appendChild(markButton(cid, "contradicts", t.contradicted_by));
      if (t.corroborated_by.length) marks.appendChild(markButton(cid, "corroborates", t.corroborated_by));
      row.appendChild(marks);
    }
    tlEntries[cid] = row;
    return row;
  }

  function renderTimeline(actorId) {
    var actor = tlActors[actorId];
    if (!actor) return;
    tlCurrent = actorId;
    tlSelect.value = actorId;
    tlEntries = {};
    tlMarked = null;
    clear(tlLanes);
    var colours = sourceColours(actor);
    var day = null, list = null, count = null, n = 0;
    actor.claims.forEach(function (cid) {
      var date = tl.entries[cid].bulletin_date || null;
      if (!day || date !== day.getAttribute("data-date")) {
        day = el("div", null, "gb-tl-day" + (date ? "" : " gb-tl-undated"));
        day.setAttribute("data-date", date || "");
        var head = el("div", date || "undated", "gb-tl-date");
        head.title = date ? "bulletin date" : "no bulletin date known";
        count = el("span", "", "gb-count");
        head.appendChild(count);
        day.appendChild(head);
        list = el("div", null, "gb-tl-list");
        day.appendChild(list);
        tlLanes.appendChild(day);
        n = 0;
      }
      list.appendChild(timelineEntry(cid, colours.colours[tl.entries[cid].source]));
      count.textContent = String(++n);
    });
    var legend = document.getElementById("gb-tl-legend");
    clear(legend);
    var others = 0;
    colours.order.forEach(function (s, i) {
      if (i >= tl.palette.length) { others += colours.counts[s]; return; }
      var item = el("span");
      var sw = el("span", null, "gb-swatch");
      sw.style.backgroundColor = colours.colours[s];
      item.appendChild(sw);
      item.appendChild(el("span", short(colours.labels[s], 40) + " " + colours.counts[s]));
      legend.appendChild(item);
    });
    if (others) {
      var rest = el("span");
      var sw = el("span", null, "gb-swatch");
      sw.style.backgroundColor = tl.otherColour;
      rest.appendChild(sw);
      rest.appendChild(el("span", "other sources " + others));
      legend.appendChild(rest);
    }
    var shown = actor.claims.length;
    document.getElementById("gb-tl-summary").textContent = actor.total + " claim" + (actor.total === 1 ? "" : "s") +
      " by bulletin date \u00b7 \u2715 contradicted, + corroborated";
    document.getElementById("gb-tl-note").textContent = shown < actor.total
      ? "Showing the first " + shown.toLocaleString("en") + " of " + actor.total.toLocaleString("en") +
        " claims by bulletin date (at most " + tl.cap.toLocaleString("en") + " per actor); " +
        "draw a date range (--since / --until) to see the rest."
      : "";
  }

  function markTimeline(cid) {
    if (tlMarked) tlMarked.classList.remove("gb-tl-selected");
    tlMarked = tlEntries[cid] || null;
    if (tlMarked) {
      tlMarked.classList.add("gb-tl-selected");
      tlMarked.scrollIntoView({ block: "nearest", inline: "nearest" });
    }
  }

  // A timeline entry: its node in the network when the view draws it, else its details alone.
  function selectClaim(cid) {
    if (data.details[cid] && nodes.get(cid)) {
      selectNode(cid);
      return;
    }
    network.unselectAll();
    clear(panel);
    markTimeline(cid);
    var info = claimInfo(cid) || {};
    panel.appendChild(heading("claim", short(info.text || cid, 120)));
    panel.appendChild(claimBlock(cid, null));
  }

  // Both sides of a timeline entry's contradictions (or corroborations): the network's link when
  // there is exactly one and the view draws it (score and evidence), else the claims side by side.
  function showLinks(cid, kind) {
    var t = tl.entries[cid];
    var others = kind === "contradicts" ? t.contradicted_by : t.corroborated_by;
    if (others.length === 1 && data.details[cid] && data.details[others[0]]) {
      var found = edges.get({ filter: function (e) {
        return e.kind === kind && ((e.from === cid && e.to === others[0]) || (e.to === cid && e.from === others[0]));
      } });
      if (found.length) {
        network.selectEdges([found[0].id]);
        showEdge(found[0].id);
        markTimeline(cid);
        return;
      }
    }
    network.unselectAll();
    clear(panel);
    markTimeline(cid);
    panel.appendChild(el("h2", kind));
    panel.appendChild(claimBlock(cid, "this claim"));
    others.forEach(function (other, i) {
      var label = (kind === "contradicts" ? "contradicted by" : "corroborated by") +
        (others.length > 1 ? " (" + (i + 1) + ")" : "");
      panel.appendChild(claimBlock(other, label));
    });
  }

  if (tl.actors.length) {
    tl.actors.forEach(function (a) {
      var opt = el("option", a.label + " (" + a.total + ")");
      opt.value = a.id;
      tlSelect.appendChild(opt);
    });
    tlSelect.addEventListener("change", function () { renderTimeline(tlSelect.value); });
    var toggle = document.getElementById("gb-tl-toggle");
    toggle.addEventListener("click", function () {
      var open = tlLanes.hidden;
      tlLanes.hidden = !open;
      tlSection.classList.toggle("gb-collapsed", !open);
      toggle.textContent = open ? "hide" : "show";
      toggle.setAttribute("aria-expanded", String(open));
      network.setSize("100%", "100%");
      network.redraw();
    });
    renderTimeline(tl.selected && tlActors[tl.selected] ? tl.selected : tl.actors[0].id);
  }
  api.timeline = {
    select: renderTimeline,
    selected: function () { return tlCurrent; },
    selectClaim: selectClaim,
    showLinks: showLinks,
  };

  // ------------------------------------------------------------------------------------ layout

  var physics = document.getElementById("gb-physics");
  physics.checked = !!(data.options.physics && data.options.physics.enabled);
  physics.addEventListener("change", function () {
    network.setOptions({ physics: { enabled: physics.checked } });
  });
  document.getElementById("gb-fit").addEventListener("click", function () { network.fit({ animation: false }); });

  if (data.focus && nodes.get(data.focus)) {
    network.selectNodes([data.focus]);
    showNode(data.focus);
  }
})();
