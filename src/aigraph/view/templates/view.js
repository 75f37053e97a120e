// aigraph view: legend, filters, search and the details panel around a vis-network drawing.
// Every string from the data reaches the page through textContent (or vis-network's
// plain-text tooltips), never as HTML.
(function () {
  "use strict";
  var DATA = JSON.parse(document.getElementById("aigraph-data").textContent);
  // Empty fields are left out of the node and edge details: put them back.
  function withDefaults(item, defaults) {
    for (var k in defaults) if (item[k] !== undefined) defaults[k] = item[k];
    return defaults;
  }
  var N = Array.isArray(DATA.nodes) ? DATA.nodes : nodesFromColumns(DATA.nodes);
  var E = Array.isArray(DATA.edges) ? DATA.edges : fromColumns(DATA.edges);
  var NI = DATA.nodeInfo.map(function (i) {
    return withDefaults(i, { iri: "", types: [], props: [], ev: [], vev: [], full: "", tby: [], vby: [] });
  });
  var EI = Array.isArray(DATA.edgeInfo) ?
    DATA.edgeInfo.map(function (i) { return withDefaults(i, { ev: [], q: [], src: "", by: [] }); }) :
    infoFromColumns(DATA.edgeInfo);
  // A corpus (several articles) says who states each relation: DATA.articles, EI[j].by.
  var ARTICLES = DATA.articles || null;
  var SVG = "http://www.w3.org/2000/svg";

  // A big page sends its edges as columns (from, to, r; a: the articles; curved: [j, type,
  // roundness]): each becomes the object a small page sends, less the tooltip and style.
  function fromColumns(c) {
    var out = new Array(c.from.length), curved = {};
    c.curved.forEach(function (k) { curved[k[0]] = k; });
    for (var j = 0; j < out.length; j++) {
      var e = { id: j, r: c.r[j], from: c.from[j], to: c.to[j] };
      if (c.a) e.a = c.a[j];
      e.arrows = DATA.relations[e.r].symmetric ?
        { to: { enabled: true }, from: { enabled: true, scaleFactor: 0.55 } } : "to";
      if (curved[j]) e.smooth = { enabled: true, type: curved[j][1], roundness: curved[j][2] };
      out[j] = e;
    }
    return out;
  }
  // A big page sends its nodes as columns too (x, y, c; label; size, null for a box; a: the
  // articles): each becomes the object a small page sends, less the tooltip and style.
  function nodesFromColumns(c) {
    var out = new Array(c.c.length);
    for (var i = 0; i < out.length; i++) {
      var n = { id: i, label: c.label[i], shape: DATA.classes[c.c[i]].shape, x: c.x[i], y: c.y[i], c: c.c[i] };
      if (c.size[i] !== null) n.size = c.size[i];
      if (c.a) n.a = c.a[i];
      out[i] = n;
    }
    return out;
  }
  // A big page sends its edge details as columns too (q; by, or ev and src): entry j is
  // edge j's, as a small page sends it.
  function infoFromColumns(c) {
    var out = new Array(c.q.length);
    for (var j = 0; j < out.length; j++) {
      out[j] = { ev: c.ev ? c.ev[j] : [], q: c.q[j], src: c.src ? c.src[j] : "", by: c.by ? c.by[j] : [] };
    }
    return out;
  }
  function $(id) { return document.getElementById(id); }
  function el(tag, cls, text) {
    var e = document.createElement(tag);
    if (cls) e.className = cls;
    if (text !== undefined && text !== null) e.textContent = String(text);
    return e;
  }
  function svg(tag, attrs) {
    var e = document.createElementNS(SVG, tag);
    for (var k in attrs) if (Object.prototype.hasOwnProperty.call(attrs, k)) e.setAttribute(k, String(attrs[k]));
    return e;
  }
  function plural(n, one, many) { return n.toLocaleString("en") + " " + (n === 1 ? one : many); }
  // The drawn label is cut short where it is very long; the panel and search use all of it.
  function name(i) { return NI[i].full || N[i].label; }
  function stated(by) { return by.filter(function (g) { return g[0] >= 0; }).length; }
  function clip(text) { return text.length > 600 ? text.slice(0, 599) + "\u2026" : text; }
  function tipSources(by) {
    var n = stated(by), lines = [n ? "stated by " + plural(n, "article", "articles") : "(no article recorded)"];
    by.forEach(function (g) {
      var a = g[0] >= 0 ? ARTICLES[g[0]] : null;
      lines.push("");
      lines.push(a ? clip(a.title) + (a.date ? " (" + a.date + ")" : "") : "(source not recorded)");
      g[1].forEach(function (s) { lines.push("\u201c" + clip(s) + "\u201d"); });
    });
    return lines.join("\n");
  }

  // ------------------------------------------------------------------ the drawing
  // Big pages send short nodes and edges (no tooltip) and each class's and relation's
  // style once: apply the style, and write the tooltip.
  function apply(item, style) {
    for (var k in style) if (Object.prototype.hasOwnProperty.call(style, k)) item[k] = style[k];
  }
  N.forEach(function (n) {
    if (n.title !== undefined) return;
    var cls = DATA.classes[n.c];
    apply(n, cls.node);
    n.title = n.label + "\n" + cls.label;
  });
  E.forEach(function (e) {
    if (e.title !== undefined) return;
    var rel = DATA.relations[e.r], ev = EI[e.id].ev;
    apply(e, rel.edge);
    // A relation more articles state is drawn thicker (as view.py does on small pages).
    var n = ARTICLES ? stated(EI[e.id].by) : 0;
    if (n > 1) e.width = Math.round(10 * (rel.width + Math.min(6, 1.5 * (n - 1)))) / 10;
    e.title = N[e.from].label + " \u2014 " + rel.label + " \u2192 " + N[e.to].label + "\n\n" +
      (ARTICLES ? tipSources(EI[e.id].by) :
        ev.length ? ev.map(function (s) { return "\u201c" + clip(s) + "\u201d"; }).join("\n\n") : "(no evidence sentence recorded)");
  });
  // Every frame of an animation redraws everything: on big pages, jump instead.
  var ANIMATE = DATA.big ? false : { duration: 400, easingFunction: "easeInOutQuad" };

  var nodes = new vis.DataSet(N);
  var edges = new vis.DataSet(E);
  var container = $("graph");
  var network = new vis.Network(container, { nodes: nodes, edges: edges }, DATA.options);

  // vis-network 9.1.2 draws the label of an edge that points exactly right to left at the
  // canvas origin, not on the edge: such a label's rotation is 0, and only a rotation that is
  // not 0 moves the drawing to the edge's middle. The layout never makes such an edge, but
  // dragging a node level with its neighbour does: a rotation too small to see fixes it.
  (function () {
    var any = network.body.edges[network.body.edgeIndices[0]];
    var proto = any && Object.getPrototypeOf(any);
    if (!proto || typeof proto._getRotation !== "function" || proto._getRotation.aigraph) return;
    var original = proto._getRotation;
    proto._getRotation = function (ctx) {
      var r = original.call(this, ctx);
      if (r.angle === 0 && this.options.font.align !== "horizontal") r.angle = 1e-9;
      return r;
    };
    proto._getRotation.aigraph = true;
  })();

  // vis-network fades a label in while it is drawn between drawThreshold - 1 and drawThreshold
  // px high: a faint label, whose white backing reads as a gap in its edge. Here a label is
  // drawn at full contrast or not at all (from drawThreshold - 1 px).
  (function () {
    var any = network.body.nodes[network.body.nodeIndices[0]];
    var proto = any && any.labelModule && Object.getPrototypeOf(any.labelModule);
    if (!proto || typeof proto._getColor !== "function" || proto._getColor.aigraph) return;
    proto._getColor = function (color, _size, stroke) { return [color || "#000000", stroke || "#ffffff"]; };
    proto._getColor.aigraph = true;
  })();

  var outEdges = N.map(function () { return []; });
  var inEdges = N.map(function () { return []; });
  E.forEach(function (e) { outEdges[e.from].push(e.id); inEdges[e.to].push(e.id); });

  var nodeShown = N.map(function () { return true; });
  var edgeShown = E.map(function () { return true; });
  var classOff = new Set(), relOff = new Set(), hood = null, selected = null;

  var api = window.aigraph = {
    nodes: nodes, edges: edges, network: network, ready: false, drawnAt: null, focused: null,
    counts: function () {
      var n = 0, m = 0;
      nodeShown.forEach(function (v) { if (v) n++; });
      edgeShown.forEach(function (v) { if (v) m++; });
      return { nodes: n, edges: m, totalNodes: N.length, totalEdges: E.length };
    },
    focusNode: focusNode, showEdge: showEdge, showNode: showNode
  };
  // Leaves fanned out above their hub have their label above them, clear of the spoke that
  // comes from below: move each label up by the height vis-network measured for it.
  var UP = N.filter(function (n) { return n.up; });
  function lift() {
    var moved = [];
    UP.forEach(function (n) {
      var node = network.body.nodes[n.id];
      if (!node || !node.labelModule || !node.shape) return;
      moved.push({ id: n.id, font: { vadjust: -Math.round(node.shape.height + node.labelModule.size.height + 8) } });
    });
    if (moved.length) nodes.update(moved);
    return moved.length > 0;
  }
  // ------------------------------------------------------------------ the opening view
  // A graph that fits the canvas at a zoom that draws its smallest node label READ_PX high
  // opens whole (a small one fills the canvas, up to MAX_SCALE). A bigger one opens at that
  // zoom on its actors (the most connected family of classes, first in the legend), or as far
  // out as they need to fit but no further than draws their own names READ_PX high; the view
  // centres on them, moved toward the middle of the whole drawing as far as they stay in view.
  // The rest is a drag or a zoom away. Big pages, whose labels appear on zoom, open whole.
  var READ_PX = 11.2, MAX_SCALE = 1.6;
  var degree = N.map(function () { return 0; });
  E.forEach(function (e) { degree[e.from]++; degree[e.to]++; });
  // vis-network's fit goes by node centres and stops at zoom 1; this one keeps whole labels in
  // view and lets a small graph grow to fill the window.
  function fitAll(nodeIds, animation) {
    var ids = nodeIds && nodeIds.length ? nodeIds : network.body.nodeIndices.filter(function (i) {
      return !network.body.nodes[i].options.hidden;
    });
    if (!ids.length) return;
    var b = bounds(ids), frame = container.getBoundingClientRect();
    var scale = Math.min(MAX_SCALE, 0.94 * Math.min(frame.width / Math.max(b.right - b.left, 1),
                                                    frame.height / Math.max(b.bottom - b.top, 1)));
    network.moveTo({ position: { x: (b.left + b.right) / 2, y: (b.top + b.bottom) / 2 }, scale: scale,
      animation: animation || false });
  }
  function readable(ids) {
    var smallest = Infinity, body = network.body;
    ids.forEach(function (i) {
      var n = body.nodes[i];
      if (n.options.label) smallest = Math.min(smallest, n.labelModule.fontOptions.size);
    });
    return smallest === Infinity ? MAX_SCALE : Math.min(MAX_SCALE, READ_PX / smallest);
  }
  function bounds(ids) {
    var out = null;
    ids.forEach(function (i) {
      var b = network.getBoundingBox(i);
      out = out ? { left: Math.min(out.left, b.left), right: Math.max(out.right, b.right),
        top: Math.min(out.top, b.top), bottom: Math.max(out.bottom, b.bottom) } : b;
    });
    return out;
  }
  function opening() {
    if (DATA.big || !N.length) return false;  // vis-network's own fit, already drawn
    fitAll();
    var all = N.map(function (_n, i) { return i; });
    var need = readable(all), fit = network.getScale();
    if (fit >= need) return true;
    var actors = all.filter(function (i) { return DATA.classes[N[i].c].core; });
    if (!actors.length) actors = all;
    var frame = container.getBoundingClientRect(), core = bounds(actors), whole = bounds(all);
    var fitsCore = 0.96 * Math.min(frame.width / (core.right - core.left), frame.height / (core.bottom - core.top));
    var scale = Math.max(fit, Math.min(need, Math.max(fitsCore, readable(actors))));
    var w = frame.width / scale, h = frame.height / scale;
    // Where the actors do not fit (a phone), the most connected of them is in view, as near
    // the middle of the actors (weighted by their links) as it allows.
    var sum = 0, cx = 0, cy = 0, at = network.getPositions(actors), top = actors[0];
    actors.forEach(function (i) {
      var k = degree[i] + 1;
      sum += k; cx += k * at[i].x; cy += k * at[i].y;
      if (degree[i] > degree[top]) top = i;
    });
    var hub = bounds([top]);
    function within(mid, lo, hi, size) {
      // The point nearest ``mid`` that keeps lo..hi in view (the middle of lo..hi if none does).
      if (hi - lo >= 0.96 * size) return (lo + hi) / 2;
      return Math.min(Math.max(mid, hi - 0.48 * size), lo + 0.48 * size);
    }
    var fits = fitsCore >= scale * (1 - 1e-9);
    network.moveTo({
      position: fits ? {
        x: within((whole.left + whole.right) / 2, core.left, core.right, w),
        y: within((whole.top + whole.bottom) / 2, core.top, core.bottom, h)
      } : {
        x: within(cx / sum, hub.left, hub.right, w),
        y: within(cy / sum, hub.top, hub.bottom, h)
      },
      scale: scale,
      animation: false
    });
    // Say that there is more than the window shows, until the view is first moved.
    var hint = $("more");
    hint.hidden = false;
    function moved() { hint.hidden = true; }
    network.once("zoom", moved);
    network.once("dragStart", moved);
    network.once("click", moved);
    return true;
  }
  api.readPx = READ_PX;
  network.once("afterDrawing", function () {
    function ready() {
      api.ready = true;
      api.drawnAt = performance.now();
    }
    function done() {
      if (!opening()) return ready();
      network.once("afterDrawing", ready);
      network.redraw();
    }
    if (UP.length && lift()) network.once("afterDrawing", done);
    else done();
  });

  // ------------------------------------------------------------------ header
  $("heading").textContent = DATA.title;
  $("heading").title = DATA.title;
  var cited = EI.filter(function (e) { return e.ev.length > 0 || e.by.some(function (g) { return g[1].length > 0; }); }).length;
  $("summary").textContent = plural(N.length, "node", "nodes") + " · " + plural(E.length, "relation", "relations") +
    (cited === 0 ? "" : " · " + (cited === E.length ? "every relation cites" : cited.toLocaleString("en") + " cite") +
      " the sentence it comes from");
  if (ARTICLES) $("summary").textContent += " · " + plural(ARTICLES.length, "article", "articles");
  $("vis-version").textContent = DATA.vis;
  if (DATA.big) {
    var notice = $("notice");
    notice.textContent = "A big graph: " + plural(N.length, "node", "nodes") + " (more than " +
      DATA.threshold.toLocaleString("en") + "). Labels appear as you zoom in and relation labels are " +
      "left out; narrow it down with the class and relation filters, or click a node and show its neighbourhood.";
    notice.hidden = false;
  }

  if (!N.length) $("empty").hidden = false;

  // ------------------------------------------------------------------ legend drawer
  // Wide windows show the legend beside the drawing, narrow ones over it: the header's button
  // hides or shows it either way (each width keeps its own choice).
  var narrow = window.matchMedia("(max-width: 1100px)");
  var legendToggle = $("legend-toggle");
  function legendShown() {
    return narrow.matches ? document.body.classList.contains("legend-open") : !document.body.classList.contains("legend-closed");
  }
  function showLegend(on) {
    if (narrow.matches) document.body.classList.toggle("legend-open", on);
    else document.body.classList.toggle("legend-closed", !on);
    legendToggle.setAttribute("aria-expanded", String(on));
    network.setSize("100%", "100%");
    network.redraw();
  }
  legendToggle.addEventListener("click", function () { showLegend(!legendShown()); });
  $("legend-close").addEventListener("click", function () { showLegend(false); legendToggle.focus(); });
  function legendChanged() { legendToggle.setAttribute("aria-expanded", String(legendShown())); }
  if (narrow.addEventListener) narrow.addEventListener("change", legendChanged);
  legendChanged();
  api.showLegend = showLegend;
  api.legendShown = legendShown;

  // ------------------------------------------------------------------ legend
  function shapeIcon(shape, colour) {
    var s = svg("svg", { width: 18, height: 18, viewBox: "0 0 18 18", "aria-hidden": "true" });
    var a = { fill: colour, stroke: "rgba(0,0,0,.25)", "stroke-width": 1 };
    var p;
    switch (shape) {
      case "box": p = svg("rect", { x: 1.5, y: 4, width: 15, height: 10, rx: 3 }); break;
      case "square": p = svg("rect", { x: 3, y: 3, width: 12, height: 12 }); break;
      case "diamond": p = svg("polygon", { points: "9,1.5 16.5,9 9,16.5 1.5,9" }); break;
      case "triangle": p = svg("polygon", { points: "9,2 16.5,15.5 1.5,15.5" }); break;
      case "triangleDown": p = svg("polygon", { points: "1.5,2.5 16.5,2.5 9,16" }); break;
      case "hexagon": p = svg("polygon", { points: "5,2 13,2 17,9 13,16 5,16 1,9" }); break;
      case "star": p = svg("polygon", { points: "9,1 11.2,6.6 17,6.9 12.5,10.6 14,16.5 9,13.2 4,16.5 5.5,10.6 1,6.9 6.8,6.6" }); break;
      default: p = svg("circle", { cx: 9, cy: 9, r: 6.5 });
    }
    for (var k in a) p.setAttribute(k, a[k]);
    s.appendChild(p);
    return s;
  }
  function lineIcon(rel) {
    var s = svg("svg", { width: 34, height: 12, viewBox: "0 0 34 12", "aria-hidden": "true" });
    var line = svg("line", { x1: rel.symmetric ? 6 : 2, y1: 6, x2: 27, y2: 6, stroke: rel.color, "stroke-width": Math.min(rel.width, 3) });
    if (rel.dashes) line.setAttribute("stroke-dasharray", (Array.isArray(rel.dashes) ? rel.dashes : [5, 5]).map(function (d) { return d / 2; }).join(" "));
    s.appendChild(line);
    s.appendChild(svg("polygon", { points: "26,2 33,6 26,10", fill: rel.color }));
    if (rel.symmetric) s.appendChild(svg("polygon", { points: "8,2 1,6 8,10", fill: rel.color }));
    return s;
  }
  function keyRow(list, icon, name, count, title, onToggle) {
    var li = el("li"), label = el("label"), box = el("input");
    box.type = "checkbox";
    box.checked = true;
    box.addEventListener("change", function () { li.classList.toggle("off", !box.checked); onToggle(box.checked); });
    label.appendChild(box);
    label.appendChild(icon);
    label.appendChild(el("span", "name", name));
    label.appendChild(el("span", "count", count.toLocaleString("en")));
    if (title) label.title = title;
    li.appendChild(label);
    list.appendChild(li);
    return box;
  }
  DATA.classes.forEach(function (c, i) {
    var box = keyRow($("classes"), shapeIcon(c.shape, c.color), c.label, c.count, [c.short, c.comment].filter(Boolean).join(" — "),
      function (on) { if (on) classOff.delete(i); else classOff.add(i); applyFilters(); });
    box.dataset.cls = String(i);
  });
  var relBoxes = DATA.relations.map(function (r, i) {
    var box = keyRow($("relations"), lineIcon(r), r.label, r.count,
      [r.short, r.comment, r.symmetric ? "Mutual: drawn with arrows at both ends." : ""].filter(Boolean).join(" — "),
      function (on) { if (on) relOff.delete(i); else relOff.add(i); applyFilters(); });
    box.dataset.rel = r.short;
    return box;
  });
  function setAllRelations(on) {
    relBoxes.forEach(function (box, i) {
      box.checked = on;
      box.closest("li").classList.toggle("off", !on);
      if (on) relOff.delete(i); else relOff.add(i);
    });
    applyFilters();
  }
  $("rel-all").addEventListener("click", function () { setAllRelations(true); });
  $("rel-none").addEventListener("click", function () { setAllRelations(false); });

  // A corpus: tick the articles to show what they state, and ask for at least N of them.
  var artOn = ARTICLES ? ARTICLES.map(function () { return true; }) : [], minArticles = 1;
  var artBoxes = [];
  if (ARTICLES) {
    $("corpus").hidden = false;
    artBoxes = ARTICLES.map(function (a, k) {
      var box = keyRow($("articles"), el("span"), a.title, a.count,
        [a.title, a.date, a.url, plural(a.count, "relation", "relations") + " drawn"].filter(Boolean).join("\n"),
        function (on) { artOn[k] = on; applyFilters(); });
      if (a.date) box.parentNode.querySelector(".name").appendChild(el("span", "date", a.date));
      box.dataset.article = String(k);
      return box;
    });
    var most = $("min-articles");
    most.max = String(ARTICLES.length);
    most.addEventListener("input", function () {
      var v = Math.floor(Number(most.value));
      if (!isFinite(v) || v < 1) return;
      minArticles = Math.min(v, ARTICLES.length);
      applyFilters();
    });
  }
  function setAllArticles(on) {
    artBoxes.forEach(function (box, k) { box.checked = on; box.closest("li").classList.toggle("off", !on); artOn[k] = on; });
    applyFilters();
  }
  function resetArticles() {
    minArticles = 1;
    if (ARTICLES) $("min-articles").value = "1";
    setAllArticles(true);
  }
  $("art-all").addEventListener("click", function () { setAllArticles(true); });
  $("art-none").addEventListener("click", function () { setAllArticles(false); });
  // Shown by the article filters: stated by at least minArticles of the ticked articles. What
  // no article states shows only while nothing is filtered out.
  function byArticles(list) {
    if (!ARTICLES) return true;
    if (!list || !list.length) return minArticles <= 1 && artOn.every(Boolean);
    var k = 0;
    for (var i = 0; i < list.length; i++) if (artOn[list[i]]) k++;
    return k >= minArticles;
  }
  api.setArticles = function (ticked, least) {
    artBoxes.forEach(function (box, k) { var on = ticked.indexOf(k) >= 0; box.checked = on; box.closest("li").classList.toggle("off", !on); artOn[k] = on; });
    minArticles = least || 1;
    if (ARTICLES) $("min-articles").value = String(minArticles);
    applyFilters();
  };

  // ------------------------------------------------------------------ filters
  // vis-network draws no edge of a hidden node: an edge itself is hidden only by its relation's
  // checkbox, so hiding a class or showing a neighbourhood updates nodes alone.
  var edgeOff = E.map(function () { return false; });
  function applyFilters() {
    var nodeUpdates = [], edgeUpdates = [];
    N.forEach(function (n, i) {
      var show = !classOff.has(n.c) && (hood === null || hood.has(i)) && byArticles(n.a);
      if (show !== nodeShown[i]) { nodeShown[i] = show; nodeUpdates.push({ id: i, hidden: !show }); }
    });
    E.forEach(function (e, j) {
      var off = relOff.has(e.r) || !byArticles(e.a);
      if (off !== edgeOff[j]) { edgeOff[j] = off; edgeUpdates.push({ id: j, hidden: off }); }
      edgeShown[j] = !off && nodeShown[e.from] && nodeShown[e.to];
    });
    if (nodeUpdates.length) nodes.update(nodeUpdates);
    if (edgeUpdates.length) edges.update(edgeUpdates);
    status();
  }
  function status() {
    var c = api.counts();
    $("status").textContent = "Showing " + c.nodes.toLocaleString("en") + " of " + plural(c.totalNodes, "node", "nodes") +
      " and " + c.edges.toLocaleString("en") + " of " + plural(c.totalEdges, "relation", "relations") +
      (hood !== null ? " (neighbourhood)" : "") + ".";
  }
  function neighbourhood(start, depth) {
    var seen = new Set([start]), frontier = [start];
    for (var d = 0; d < depth; d++) {
      var next = [];
      frontier.forEach(function (v) {
        outEdges[v].concat(inEdges[v]).forEach(function (j) {
          var e = E[j];
          if (relOff.has(e.r)) return;
          var w = e.from === v ? e.to : e.from;
          if (!seen.has(w)) { seen.add(w); next.push(w); }
        });
      });
      frontier = next;
    }
    return seen;
  }
  $("hood").addEventListener("click", function () {
    if (selected === null) return;
    hood = neighbourhood(selected, Number($("depth").value));
    applyFilters();
    fitAll(Array.from(hood), ANIMATE);
  });
  $("reset").addEventListener("click", function () {
    hood = null;
    classOff.clear();
    document.querySelectorAll("#classes input").forEach(function (b) { b.checked = true; b.closest("li").classList.remove("off"); });
    setAllRelations(true);
    resetArticles();
    fitAll(null, ANIMATE);
  });

  // ------------------------------------------------------------------ details panel
  var panel = $("panel"), details = $("details");
  function clear(node) { while (node.firstChild) node.removeChild(node.firstChild); }
  // The panel lies over the drawing, which keeps its size and scale; what was clicked moves
  // out from under the panel if it has to.
  function openPanel() { panel.hidden = false; }
  function keepClear(point) {
    var frame = container.getBoundingClientRect(), free = frame.width - panel.getBoundingClientRect().width;
    var at = network.canvasToDOM(point);
    if (free < 160 || at.x < free - 40) return;
    var scale = network.getScale(), centre = network.getViewPosition();
    network.moveTo({ position: { x: centre.x + (at.x - free / 2) / scale, y: centre.y }, scale: scale, animation: ANIMATE });
  }
  // Nothing stays lit: the selection, and the hover the pointer left on what it clicked.
  function unlight() {
    network.unselectAll();
    var hovered = network.selectionHandler && network.selectionHandler.hoverObj;
    if (hovered) {
      ["nodes", "edges"].forEach(function (kind) {
        Object.keys(hovered[kind]).forEach(function (k) { hovered[kind][k].hover = false; delete hovered[kind][k]; });
      });
      network.body.edgeIndices.forEach(function (j) { network.body.edges[j].hover = false; });
    }
    var tip = document.querySelector("div.vis-tooltip");
    if (tip) tip.style.visibility = "hidden";
    network.redraw();
  }
  function closePanel() {
    panel.hidden = true;
    clear(details);
    unlight();
    select(null);
  }
  $("close").addEventListener("click", closePanel);
  document.addEventListener("keydown", function (ev) {
    if (ev.key !== "Escape") return;
    if (!panel.hidden) closePanel();
    else if (narrow.matches && legendShown()) showLegend(false);
  });

  function nodeButton(i) {
    var b = el("button", "linkish", name(i));
    b.type = "button";
    b.addEventListener("click", function () { focusNode(i); });
    return b;
  }
  function chip(c) {
    var cls = DATA.classes[c], span = el("span", "chip"), dot = el("span", "dot");
    dot.style.background = cls.color;
    span.appendChild(dot);
    span.appendChild(document.createTextNode(cls.label));
    return span;
  }
  // A sentence with the quoted words marked, built from text nodes only.
  function sentence(text, quotes) {
    var q = el("blockquote", "evidence"), at = -1, hit = "";
    (quotes || []).slice().sort(function (a, b) { return b.length - a.length; }).some(function (quote) {
      var k = quote ? text.indexOf(quote) : -1;
      if (k >= 0) { at = k; hit = quote; return true; }
      return false;
    });
    if (at < 0) { q.textContent = "\u201c" + text + "\u201d"; return q; }
    q.appendChild(document.createTextNode("\u201c" + text.slice(0, at)));
    q.appendChild(el("mark", null, hit));
    q.appendChild(document.createTextNode(text.slice(at + hit.length) + "\u201d"));
    return q;
  }
  function evidenceList(parent, ev, quotes) {
    if (!ev.length) { parent.appendChild(el("p", "none", "No sentence recorded for this fact.")); return; }
    ev.forEach(function (s) { parent.appendChild(sentence(s, quotes)); });
  }
  // Sentences grouped by the article they come from: its title, date and address, then its sentences.
  function byArticle(parent, by, quotes) {
    by.forEach(function (g) {
      var a = g[0] >= 0 ? ARTICLES[g[0]] : null, box = el("div", "article");
      box.dataset.article = String(g[0]);
      box.appendChild(el("h4", null, a ? a.title : "Source not recorded"));
      if (a && (a.date || a.url)) {
        var meta = el("p", "meta", a.date || "");
        if (a.url) { if (a.date) meta.appendChild(document.createTextNode(" · ")); meta.appendChild(el("span", "url", a.url)); }
        box.appendChild(meta);
      }
      evidenceList(box, g[1], quotes);
      parent.appendChild(box);
    });
  }
  function statedBy(by) { var n = stated(by); return n ? "Stated by " + plural(n, "article", "articles") : "No article recorded"; }
  function factCard(j, from) {
    var e = E[j], info = EI[j], rel = DATA.relations[e.r];
    var card = el("div", "fact"), head = el("div", "head");
    if (from === undefined || from !== e.from) head.appendChild(nodeButton(e.from));
    else head.appendChild(el("span", null, name(e.from)));
    var relSpan = el("span", "rel", (rel.symmetric ? "\u2194 " : "\u2192 ") + rel.label);
    relSpan.style.color = rel.color;
    head.appendChild(relSpan);
    if (from === undefined || from !== e.to) head.appendChild(nodeButton(e.to));
    else head.appendChild(el("span", null, name(e.to)));
    card.appendChild(head);
    if (ARTICLES) { card.appendChild(el("span", "stated", statedBy(info.by))); byArticle(card, info.by, info.q); }
    else evidenceList(card, info.ev, info.q);
    card.addEventListener("dblclick", function () { showEdge(j); });
    return card;
  }
  var LIMIT = 150;
  function showNode(i) {
    var n = N[i], info = NI[i];
    clear(details);
    details.appendChild(el("h2", null, name(i)));
    details.appendChild(chip(n.c));
    if (info.iri) details.appendChild(el("p", "iri", info.iri));
    if (info.tby.length) {
      details.appendChild(el("h3", null, "Evidence for its class"));
      details.appendChild(el("span", "stated", statedBy(info.tby)));
      byArticle(details, info.tby, []);
    } else if (info.ev.length) {
      details.appendChild(el("h3", null, "Evidence for its class"));
      evidenceList(details, info.ev, []);
    }
    if (info.props.length || info.types.length > 1) {
      details.appendChild(el("h3", null, "Properties"));
      var table = el("table", "props");
      if (info.types.length > 1) {
        var tr0 = el("tr");
        tr0.appendChild(el("th", null, "rdf:type"));
        tr0.appendChild(el("td", null, info.types.join(", ")));
        table.appendChild(tr0);
      }
      info.props.forEach(function (p) {
        var tr = el("tr");
        tr.appendChild(el("th", null, p[0]));
        tr.appendChild(el("td", null, p[1].join("; ")));
        table.appendChild(tr);
      });
      details.appendChild(table);
      if (info.vby.length) {
        // Each value with the articles that state it: where they disagree, both show, each with its source.
        details.appendChild(el("h3", null, "Values, by article"));
        info.vby.forEach(function (v) {
          var card = el("div", "fact value"), head = el("div", "head");
          head.appendChild(el("span", "rel", v[0]));
          head.appendChild(el("span", null, v[1]));
          card.appendChild(head);
          card.appendChild(el("span", "stated", statedBy(v[2])));
          byArticle(card, v[2], []);
          details.appendChild(card);
        });
      } else info.vev.forEach(function (v) {
        var h = el("p", "source", "Sentence for " + v[0] + ":");
        details.appendChild(h);
        evidenceList(details, v[1], []);
      });
    }
    // A loop is both out and in: list it once.
    var facts = outEdges[i].concat(inEdges[i].filter(function (j) { return E[j].from !== i; }));
    details.appendChild(el("h3", null, plural(facts.length, "relation", "relations")));
    if (!facts.length) details.appendChild(el("p", "none", "No relations to other nodes."));
    facts.slice(0, LIMIT).forEach(function (j) { details.appendChild(factCard(j, i)); });
    if (facts.length > LIMIT) details.appendChild(el("p", "none", "… and " + (facts.length - LIMIT).toLocaleString("en") + " more."));
    openPanel();
    select(i);
  }
  function showEdge(j) {
    var e = E[j], info = EI[j], rel = DATA.relations[e.r];
    clear(details);
    var h = el("h2");
    h.appendChild(document.createTextNode(name(e.from) + " "));
    var relSpan = el("span", null, (rel.symmetric ? "\u2194 " : "\u2192 ") + rel.label);
    relSpan.style.color = rel.color;
    h.appendChild(relSpan);
    h.appendChild(document.createTextNode(" " + name(e.to)));
    details.appendChild(h);
    details.appendChild(el("p", "iri", rel.short));
    if (rel.comment) details.appendChild(el("p", "source", rel.comment));
    if (ARTICLES) {
      details.appendChild(el("h3", null, statedBy(info.by)));
      byArticle(details, info.by, info.q);
    } else {
      details.appendChild(el("h3", null, info.ev.length === 1 ? "Evidence" : "Evidence (" + info.ev.length + ")"));
      evidenceList(details, info.ev, info.q);
    }
    if (info.q.length) {
      details.appendChild(el("h3", null, "Quoted words"));
      info.q.forEach(function (q) { details.appendChild(el("p", "source", "\u201c" + q + "\u201d")); });
    }
    if (info.src && !ARTICLES) details.appendChild(el("p", "source", "Source: " + info.src));
    details.appendChild(el("h3", null, "Between"));
    var between = el("div", "head");
    between.appendChild(nodeButton(e.from));
    between.appendChild(el("span", "arrow", rel.symmetric ? "\u2194" : "\u2192"));
    between.appendChild(nodeButton(e.to));
    details.appendChild(between);
    openPanel();
    select(null);
    network.selectEdges([j]);
  }
  function select(i) {
    selected = i;
    $("hood").disabled = i === null;
  }

  network.on("click", function (params) {
    if (narrow.matches && legendShown()) showLegend(false);
    if (params.nodes.length) {
      showNode(params.nodes[0]);
      keepClear(network.getPositions([params.nodes[0]])[params.nodes[0]]);
    } else if (params.edges.length) {
      showEdge(params.edges[0]);
      keepClear(params.pointer.canvas);
    } else if (!panel.hidden) closePanel();
  });

  // ------------------------------------------------------------------ search
  var input = $("search"), matches = $("matches"), found = [], active = -1;
  var folded = N.map(function (_n, i) { return fold(name(i)); });
  function fold(s) { return String(s).normalize("NFKD").replace(/[\u0300-\u036f]/g, "").toLowerCase(); }
  function search(q) {
    q = fold(q.trim());
    if (!q) return [];
    var hits = [];
    for (var i = 0; i < folded.length; i++) {
      var k = folded[i].indexOf(q);
      if (k < 0) continue;
      var rank = folded[i] === q ? 0 : k === 0 ? 1 : /[^a-z0-9]/.test(folded[i].charAt(k - 1)) ? 2 : 3;
      hits.push([rank, folded[i].length, i]);
    }
    hits.sort(function (a, b) { return a[0] - b[0] || a[1] - b[1] || a[2] - b[2]; });
    return hits.slice(0, 12).map(function (h) { return h[2]; });
  }
  function renderMatches() {
    clear(matches);
    found.forEach(function (i, k) {
      var li = el("li");
      li.setAttribute("role", "option");
      li.setAttribute("aria-selected", k === active ? "true" : "false");
      li.appendChild(el("span", null, name(i)));
      li.appendChild(el("span", "cls", DATA.classes[N[i].c].label));
      li.addEventListener("mousedown", function (ev) { ev.preventDefault(); pick(i); });
      matches.appendChild(li);
    });
    if (!found.length && input.value.trim()) matches.appendChild(el("li", "cls", "No node matches."));
    matches.hidden = !input.value.trim();
  }
  function pick(i) {
    matches.hidden = true;
    input.value = name(i);
    focusNode(i);
  }
  input.addEventListener("input", function () { found = search(input.value); active = found.length ? 0 : -1; renderMatches(); });
  input.addEventListener("keydown", function (ev) {
    if (ev.key === "ArrowDown" || ev.key === "ArrowUp") {
      if (!found.length) return;
      active = (active + (ev.key === "ArrowDown" ? 1 : found.length - 1)) % found.length;
      renderMatches();
      ev.preventDefault();
    } else if (ev.key === "Enter") {
      found = found.length ? found : search(input.value);
      if (found.length) pick(found[Math.max(active, 0)]);
      ev.preventDefault();
    } else if (ev.key === "Escape") {
      matches.hidden = true;
    }
  });
  input.addEventListener("blur", function () { matches.hidden = true; });
  input.addEventListener("focus", function () { if (input.value.trim()) renderMatches(); });

  function focusNode(i) {
    if (!nodeShown[i]) {
      // Whatever hides the node gives way: its class comes back, the neighbourhood goes.
      hood = null;
      classOff.delete(N[i].c);
      var box = document.querySelector('#classes input[data-cls="' + N[i].c + '"]');
      if (box) { box.checked = true; box.closest("li").classList.remove("off"); }
      applyFilters();
      if (!nodeShown[i]) resetArticles();  // the article filters hid it: they give way too
    }
    showNode(i);
    network.selectNodes([i]);
    network.focus(i, { scale: Math.max(network.getScale(), 1.1), animation: DATA.big ? false : { duration: 450, easingFunction: "easeInOutQuad" } });
    api.focused = i;
  }

  status();
})();
