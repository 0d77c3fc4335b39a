// The static site's search: loads search-index.json once and filters it in the browser, with the same
// folding as the server (case, accents, Cyrillic) and prefix matching of every word.
(function () {
  "use strict";
  var script = document.currentScript;
  var results = document.getElementById("results");
  var input = document.getElementById("page-q");
  if (!results || !input) { return; }
  var cyr = {"а":"a","б":"b","в":"v","г":"g","д":"d","е":"e","ё":"e","ж":"zh","з":"z","и":"i","й":"i","к":"k",
    "л":"l","м":"m","н":"n","о":"o","п":"p","р":"r","с":"s","т":"t","у":"u","ф":"f","х":"kh","ц":"ts","ч":"ch",
    "ш":"sh","щ":"shch","ъ":"","ы":"y","ь":"","э":"e","ю":"yu","я":"ya"};
  function fold(text) {
    var plain = text.toLowerCase().normalize("NFKD").replace(/[\u0300-\u036f]/g, "");
    return plain.replace(/[а-яё]/g, function (c) { return cyr[c] || c; });
  }
  function words(text) { return fold(text).match(/[a-z0-9]+/g) || []; }
  function el(tag, text, attrs) {
    var node = document.createElement(tag);
    if (text) { node.textContent = text; }
    Object.keys(attrs || {}).forEach(function (k) { node.setAttribute(k, attrs[k]); });
    return node;
  }
  var up = script.getAttribute("data-index").replace(/search-index\.json$/, "");
  function show(index, query) {
    results.textContent = "";
    var terms = words(query);
    if (!terms.length) { results.appendChild(el("p", "Type a name above.")); return; }
    var hits = index.filter(function (item) {
      var ws = item.w.split(" ");
      return terms.every(function (t) { return ws.some(function (w) { return w.indexOf(t) === 0; }); });
    });
    hits.sort(function (a, b) {
      var an = a.n.indexOf(terms[0]) === 0 ? 0 : 1, bn = b.n.indexOf(terms[0]) === 0 ? 0 : 1;
      return an - bn || a.l.localeCompare(b.l);
    });
    results.appendChild(el("p", hits.length + " result" + (hits.length === 1 ? "" : "s") + " for \u201c" + query + "\u201d",
                           {"class": "count"}));
    var groups = {};
    hits.forEach(function (h) { (groups[h.k] = groups[h.k] || []).push(h); });
    Object.keys(groups).forEach(function (kind, i) {
      var section = el("section", "", {"aria-labelledby": "g-" + i});
      section.appendChild(el("h2", kind + " (" + groups[kind].length + ")", {"id": "g-" + i}));
      var ul = el("ul", "", {"class": "plain hits"});
      groups[kind].forEach(function (h) {
        var li = el("li");
        li.appendChild(el("a", h.l, {"href": up + h.u}));
        if (h.t) { li.appendChild(document.createTextNode(" ")); li.appendChild(el("span", h.t, {"class": "kind"})); }
        ul.appendChild(li);
      });
      section.appendChild(ul);
      results.appendChild(section);
    });
  }
  var query = new URLSearchParams(window.location.search).get("q") || "";
  input.value = query;
  document.querySelectorAll('input[name="q"]').forEach(function (i) { i.value = query; });
  fetch(script.getAttribute("data-index")).then(function (r) { return r.json(); }).then(function (index) {
    show(index, query);
  });
})();
