/* The timeline view: draws the marks of the view's JSON (data-src) with vis-timeline, and filters the
   drawing and the table by period. The server decides how each date is drawn; this script only draws. */
(function () {
  "use strict";
  var box = document.querySelector(".tl-canvas[data-src]");
  if (!box || !window.vis) { return; }
  var src = new URL(box.getAttribute("data-src"), document.baseURI);

  function text(m) {
    var parts = [m.label + " — " + m.words];
    if (m.draw === "uncertain") { parts.push("(uncertain: somewhere in the light band)"); }
    if (m.note) { parts.push("About the date: " + m.note); }
    if (m.claims.length) { parts.push("The sources disagree: " + m.claims.join("; ")); }
    if (m.quote) { parts.push("“" + m.quote + "” — " + m.cited); }
    return parts.map(escape).join("<br>");
  }

  function escape(s) {
    return s.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;").replace(/"/g, "&quot;");
  }

  function day(iso, end) {  // the end bound is the whole last day
    var d = new Date(iso + "T00:00:00Z");
    if (end) { d.setUTCDate(d.getUTCDate() + 1); }
    return d;
  }

  function share(a, b, x) { return Math.round(1000 * (x - a) / (b - a)) / 10; }

  function item(m) {
    var it = {id: m.id, group: m.lane, content: escape(m.label), title: text(m),
              className: "mark draw-" + m.draw + (m.claims.length ? " disputed" : ""), href: m.href};
    var start = day(m.start, false);
    if (m.draw === "point") {
      it.type = "point";
      it.start = start;
      return it;
    }
    it.type = "range";
    it.start = start;
    if (m.end) {
      it.end = day(m.end, true);
    } else {  // an open end: a tail that fades out after two years, never a made-up last day
      it.end = new Date(Date.UTC(start.getUTCFullYear() + 2, start.getUTCMonth(), start.getUTCDate()));
      it.className += " open-end";
    }
    if (m.draw === "span" && (m.sure_start || m.sure_end)) {  // the uncertain ends lighter than the sure part
      var a = it.start.getTime(), b = it.end.getTime();
      var s = m.sure_start ? share(a, b, day(m.sure_start, true).getTime()) : 0;
      var e = m.sure_end ? share(a, b, day(m.sure_end, false).getTime()) : 100;
      it.style = "background-image: linear-gradient(to right, var(--tl-light) " + s + "%, var(--tl-solid) " + s +
        "%, var(--tl-solid) " + e + "%, var(--tl-light) " + e + "%);";
      it.className += " uncertain-ends";
    }
    return it;
  }

  fetch(src).then(function (r) {
    if (!r.ok) { throw new Error(r.status + " " + r.statusText); }
    return r.json();
  }).then(function (data) {
    if (!data.marks.length) {
      box.textContent = "No dated events to draw.";
      box.classList.add("empty");
      return;
    }
    data.marks.forEach(function (m) { m.href = new URL(m.href, src).href; });
    var groups = new vis.DataSet(data.lanes.map(function (l) {
      return {id: l.id, content: escape(l.name), className: "lane-" + l.id};
    }));
    var items = new vis.DataSet(data.marks.map(item));
    var first = day(data.marks[0].start, false);
    var last = data.marks.reduce(function (acc, m) {
      var e = day(m.end || m.start, true);
      return e > acc ? e : acc;
    }, first);
    var pad = (last - first) / 40;
    // more room on the right: the last marks stay clear of the fade at the edge (timeline-network.css)
    var whole = [new Date(first.getTime() - pad), new Date(last.getTime() + pad * 2.5)];
    var timeline = new vis.Timeline(box, items, groups, {
      stack: true, selectable: false, showCurrentTime: false, zoomKey: "ctrlKey", orientation: "top",
      min: new Date(first.getTime() - pad * 4), max: new Date(last.getTime() + pad * 4),
      onInitialDrawComplete: function () {
        timeline.setWindow(whole[0], whole[1], {animation: false});
        box.setAttribute("data-drawn", String(data.marks.length));
      },
      margin: {item: {horizontal: 2, vertical: 4}}, tooltip: {followMouse: true, overflowMethod: "cap"},
      groupOrder: "id", maxHeight: box.classList.contains("small") ? 420 : 720
    });
    timeline.on("click", function (props) {
      if (props.item) { window.location.href = items.get(props.item).href; }
    });
    timeline.setWindow(whole[0], whole[1], {animation: false});
    box.timeline = timeline;

    var form = document.getElementById("tl-filter");
    var table = document.getElementById("tl-table");
    if (!form) { return; }
    var from = form.elements.from, to = form.elements.to, count = document.getElementById("tl-count");
    function apply() {
      var lo = parseInt(from.value, 10), hi = parseInt(to.value, 10);
      lo = isNaN(lo) ? -Infinity : lo;
      hi = isNaN(hi) ? Infinity : hi;
      var shown = data.marks.filter(function (m) {
        var end = m.endYear === null ? Infinity : m.endYear;
        return m.startYear <= hi && end >= lo;
      });
      var ids = {};
      shown.forEach(function (m) { ids[m.id] = true; });
      items.clear();
      items.add(shown.map(item));
      if (table) {
        Array.prototype.forEach.call(table.tBodies[0].rows, function (row) {
          var s = parseInt(row.getAttribute("data-start"), 10);
          var e = row.getAttribute("data-end") ? parseInt(row.getAttribute("data-end"), 10) : Infinity;
          row.hidden = !(s <= hi && e >= lo);
        });
      }
      if (count) { count.textContent = shown.length + " of " + data.marks.length + " events"; }
      if (shown.length && isFinite(lo) && isFinite(hi)) {
        timeline.setWindow(new Date(Date.UTC(lo, 0, 1)), new Date(Date.UTC(hi + 1, 0, 1)), {animation: false});
      } else if (shown.length) {
        timeline.setWindow(whole[0], whole[1], {animation: false});
      }
    }
    form.addEventListener("input", apply);
    form.addEventListener("submit", function (ev) { ev.preventDefault(); apply(); });
    form.addEventListener("reset", function () { window.setTimeout(apply, 0); });
  }).catch(function (err) {
    box.textContent = "The drawing could not be loaded (" + err.message + "); every event is in the table.";
    box.classList.add("empty");
  });
}());
