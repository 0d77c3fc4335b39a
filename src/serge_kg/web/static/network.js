/* The network view: draws the nodes and links of the view's JSON (data-src) with cytoscape and the fcose
   layout, and hides the links (and the rows of the table) outside the chosen years. Only draws. */
(function () {
  "use strict";
  var box = document.querySelector(".nw-canvas[data-src]");
  if (!box || !window.cytoscape) { return; }
  if (window.cytoscapeFcose) { cytoscape.use(cytoscapeFcose); }
  var src = new URL(box.getAttribute("data-src"), document.baseURI);
  var COLOURS = {relationship: "#8a1c1c", membership: "#1f5f8b", event: "#8a6d1f"};

  function visible(l, lo, hi, undated) {
    if (l.start_year === null) { return undated; }
    var end = l.end_year === null ? Infinity : l.end_year;
    return l.start_year <= hi && end >= lo;
  }

  fetch(src).then(function (r) {
    if (!r.ok) { throw new Error(r.status + " " + r.statusText); }
    return r.json();
  }).then(function (data) {
    if (!data.links.length) {
      box.textContent = "No links to draw.";
      box.classList.add("empty");
      return;
    }
    var elements = data.nodes.map(function (n) {
      return {group: "nodes", data: {id: n.id, label: n.label, kind: n.kind, href: new URL(n.href, src).href},
              classes: n.kind + (n.center ? " center" : "")};
    }).concat(data.links.map(function (l) {
      var when = l.words ? " (" + l.words + ")" : " (undated)";
      return {group: "edges", data: {id: l.id, source: l.source, target: l.target, kind: l.kind,
              colour: COLOURS[l.kind] || "#555", title: l.relation + (l.role ? ", " + l.role : "") + ": " + l.record + when,
              href: new URL(l.href, src).href}};
    }));
    var cy = cytoscape({
      container: box, elements: elements, minZoom: 0.2, maxZoom: 3,
      style: [
        {selector: "node", style: {"label": "data(label)", "font-size": 10, "font-family": "system-ui, sans-serif",
          "color": "#1d1b18", "text-valign": "bottom", "text-margin-y": 3, "width": 14, "height": 14,
          "background-color": "#5a554d", "text-wrap": "ellipsis", "text-max-width": 110,
          "text-background-color": "#fbf8f2", "text-background-opacity": 0.8, "text-background-padding": 1}},
        {selector: "node.organization", style: {"shape": "round-rectangle", "background-color": "#1f5f8b"}},
        {selector: "node.center", style: {"width": 30, "height": 30, "background-color": "#8a1c1c", "font-size": 13,
          "font-weight": "bold"}},
        {selector: "edge", style: {"width": 1.5, "line-color": "data(colour)", "opacity": 0.55,
          "curve-style": "haystack", "haystack-radius": 0.4}},
        {selector: "node:active, node.hover", style: {"overlay-opacity": 0.15}},
        {selector: "edge.hover", style: {"width": 4, "opacity": 1}}
      ],
      layout: {name: window.cytoscapeFcose ? "fcose" : "cose", animate: false, randomize: true, quality: "default",
               nodeRepulsion: 30000, idealEdgeLength: 150, nodeSeparation: 90, padding: 16}
    });
    cy.on("tap", "node, edge", function (ev) { window.location.href = ev.target.data("href"); });
    cy.on("mouseover", "node, edge", function (ev) {
      ev.target.addClass("hover");
      box.title = ev.target.isEdge() ? ev.target.data("title") : ev.target.data("label");
      box.style.cursor = "pointer";
    });
    cy.on("mouseout", "node, edge", function (ev) {
      ev.target.removeClass("hover");
      box.title = "";
      box.style.cursor = "";
    });
    box.cy = cy;
    var pending = null;
    window.addEventListener("resize", function () {  // a narrower window: draw the whole network again
      window.clearTimeout(pending);
      pending = window.setTimeout(function () { cy.resize(); cy.fit(undefined, 16); }, 150);
    });
    box.setAttribute("data-drawn", String(data.links.length));

    var form = document.getElementById("nw-filter");
    var table = document.getElementById("nw-table");
    if (!form) { return; }
    var count = document.getElementById("nw-count");
    function apply() {
      var lo = parseInt(form.elements.from.value, 10), hi = parseInt(form.elements.to.value, 10);
      var undated = form.elements.undated.checked;
      lo = isNaN(lo) ? -Infinity : lo;
      hi = isNaN(hi) ? Infinity : hi;
      var byId = {}, shown = 0;
      data.links.forEach(function (l) {
        var on = visible(l, lo, hi, undated);
        byId[l.id] = on;
        shown += on ? 1 : 0;
        cy.getElementById(l.id).style("display", on ? "element" : "none");
      });
      cy.nodes().forEach(function (n) {  // a node with no link left goes too (the person stays)
        var keep = n.hasClass("center") || n.connectedEdges().some(function (e) { return byId[e.id()]; });
        n.style("display", keep ? "element" : "none");
      });
      if (table) {
        Array.prototype.forEach.call(table.tBodies[0].rows, function (row) {
          row.hidden = !byId[row.getAttribute("data-link")];
        });
      }
      if (count) { count.textContent = shown + " of " + data.links.length + " links"; }
    }
    form.addEventListener("input", apply);
    form.addEventListener("change", apply);
    form.addEventListener("submit", function (ev) { ev.preventDefault(); apply(); });
    form.addEventListener("reset", function () { window.setTimeout(apply, 0); });
  }).catch(function (err) {
    box.textContent = "The drawing could not be loaded (" + err.message + "); every link is in the table.";
    box.classList.add("empty");
  });
}());
