/* serge-kg map: places as circle markers sized by their number of events, Serge's path as a numbered
   line with arrows, over land outlines from world-atlas (TopoJSON) drawn by Leaflet. No tile server:
   every file comes from this site. The data come from the page's JSON island (#map-data), made from
   the saved queries map-places and map-path; the page lists the same data as text. */
(function () {
  "use strict";

  var LAND_STYLE = { color: "#8d8171", weight: 0.6, fillColor: "#e9e1d1", fillOpacity: 1 };
  var MARKER_STYLE = { color: "#641212", weight: 1.5, fillColor: "#8a1c1c", fillOpacity: 0.55 };
  var PATH_STYLE = { color: "#1a5fb4", weight: 2, opacity: 0.85, interactive: false };

  function radius(events) {
    return 4 + 3 * Math.sqrt(events || 0);
  }

  function label(text, className) {
    var span = document.createElement("span");
    span.className = className;
    span.textContent = text;
    return span;
  }

  function drawLand(map, url, done) {
    fetch(url).then(function (r) {
      if (!r.ok) { throw new Error(url + ": " + r.status); }
      return r.json();
    }).then(function (topo) {
      /* one canvas for the thousands of coastline points: drawn several times faster than as SVG paths */
      L.geoJSON(topojson.feature(topo, topo.objects.land), {
        style: LAND_STYLE, interactive: false, pane: "land", renderer: L.canvas({ pane: "land" }), smoothFactor: 2
      }).addTo(map);
      done();
    }).catch(function (err) {
      map.getContainer().setAttribute("data-land-error", String(err));
      done();
    });
  }

  /* a marker is an SVG path: made a link that Tab reaches, that shows its tooltip while focused and that
     Enter follows, as a click does */
  function reachable(marker, text, href) {
    var el = marker.getElement && marker.getElement();
    if (!el) { return; }
    el.setAttribute("tabindex", "0");
    el.setAttribute("role", "link");
    el.setAttribute("aria-label", text);
    el.addEventListener("focus", function () { marker.openTooltip(); });
    el.addEventListener("blur", function () { marker.closeTooltip(); });
    el.addEventListener("keydown", function (ev) {
      if (ev.key === "Enter") { window.location.href = href; }
    });
  }

  function drawPlaces(map, places) {
    return places.map(function (p) {
      var m = L.circleMarker([p.lat, p.long], Object.assign({ radius: radius(p.events) }, MARKER_STYLE)).addTo(map);
      var n = p.events === 1 ? "1 event" : p.events + " events";
      var text = p.href ? p.label + " (" + n + ")" : p.label;
      m.bindTooltip(text);
      if (p.href) {
        m.on("click", function () { window.location.href = p.href; });
        reachable(m, text, p.href);
      }
      if (p.stops.length) {
        L.marker([p.lat, p.long], {
          icon: L.divIcon({ className: "stop-numbers", html: label(p.stops.join(", "), "stop-label"),
                            iconSize: null, iconAnchor: [-radius(p.events) - 2, 8] }),
          interactive: false, keyboard: false
        }).addTo(map);
      }
      return m;
    });
  }

  function drawPath(map, path) {
    var points = path.map(function (s) { return [s.lat, s.long]; });
    var line = L.polyline(points, PATH_STYLE).addTo(map);
    for (var i = 1; i < points.length; i++) {
      var a = map.project(points[i - 1], 0), b = map.project(points[i], 0);
      if (a.distanceTo(b) < 0.05) { continue; } /* two stops at one place: no arrow */
      var angle = Math.atan2(b.y - a.y, b.x - a.x) * 180 / Math.PI;
      var arrow = label("\u27a4", "path-arrow");
      arrow.style.transform = "rotate(" + angle.toFixed(1) + "deg)";
      L.marker(map.unproject(a.add(b).divideBy(2), 0), {
        icon: L.divIcon({ className: "path-arrow-icon", html: arrow, iconSize: [14, 14], iconAnchor: [7, 7] }),
        interactive: false, keyboard: false
      }).addTo(map);
    }
    return line;
  }

  function draw(el) {
    var data = JSON.parse(document.getElementById(el.getAttribute("data-source")).textContent);
    var map = L.map(el, { zoomSnap: 0.25, worldCopyJump: false, scrollWheelZoom: false });
    map.createPane("land").style.zIndex = 200;
    map.attributionControl.setPrefix(false);
    map.attributionControl.addAttribution("Coordinates: GeoNames (CC BY 4.0) · land: Natural Earth · Leaflet");
    /* Serge's path, or every place without one; the other places are a zoom out away */
    var around = (data.path.length ? data.path : data.places).map(function (p) { return [p.lat, p.long]; });
    function fit() {
      if (!around.length) {
        map.setView([30, 0], 1, { animate: false }); /* nothing to draw: the whole world, the page lists why */
      } else if (data.zoom) {
        map.setView(around[0], data.zoom, { animate: false });
      } else {
        map.fitBounds(around, { padding: [20, 20], animate: false });
      }
    }
    fit();
    /* a new window width (a phone turned, a window resized) shows the whole path again */
    map.on("resize", fit);
    /* the line first, so that the markers on it stay clickable */
    var line = data.path.length ? drawPath(map, data.path) : null;
    var markers = drawPlaces(map, data.places);
    /* for the page's tests and for anyone scripting the page: what was drawn, in order */
    window.sergeKgMap = { map: map, markers: markers, path: line, stops: data.path };
    el.setAttribute("data-ready", "true"); /* markers and path drawn and clickable; the land follows */
    drawLand(map, data.land, function () { el.setAttribute("data-drawn", "true"); });
  }

  document.querySelectorAll(".map[data-source]").forEach(draw);
})();
