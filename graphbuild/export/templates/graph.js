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
    return data.claims[id] || null;
  }

  function claimBlock(id, heading) {
    var box = el("div", null, "gb-side");
    var info = claimInfo(id) || {};
    if (heading) box.appendChild(el("h3", heading));
    if (info.text !== undefined) box.appendChild(el("blockquote", info.text));
    box.appendChild(fieldList([
      ["source", info.source], ["cue", info.cue], ["commitment", info.commitment],
      ["polarity", info.polarity], ["about", info.about], ["document", info.document],
      ["date", info.date], ["offsets", info.start !== undefined ? info.start + "\u2013" + info.end : null],
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
