/* Filters the bibliography as it is rendered: by kind, language and years. Without this script the page
   shows everything, with nothing hidden; the form stays hidden because it would do nothing. */
(function () {
  "use strict";
  var form = document.getElementById("bib-filter");
  if (!form) { return; }
  var kind = form.elements.kind, lang = form.elements.lang, from = form.elements.from, to = form.elements.to;
  var count = document.getElementById("bib-count");
  var works = Array.prototype.slice.call(document.querySelectorAll("li.work"));
  var mia = Array.prototype.slice.call(document.querySelectorAll("li.mia"));

  function year(input) {
    var n = parseInt(input.value, 10);
    return isNaN(n) ? null : n;
  }

  // an item passes the language and years asked for (an undated item fails any years)
  function passes(el, want) {
    if (want.lang && el.getAttribute("data-lang") !== want.lang) { return false; }
    if (want.from === null && want.to === null) { return true; }
    if (!el.hasAttribute("data-from")) { return false; }
    var first = parseInt(el.getAttribute("data-from"), 10), last = parseInt(el.getAttribute("data-to"), 10);
    return (want.from === null || last >= want.from) && (want.to === null || first <= want.to);
  }

  function apply() {
    var want = { kind: kind.value, lang: lang.value, from: year(from), to: year(to) };
    var shown = 0;
    works.forEach(function (li) {
      var editions = Array.prototype.slice.call(li.querySelectorAll("li.expr"));
      var anyEdition = false;
      editions.forEach(function (e) {
        var ok = passes(e, want);
        e.hidden = !ok;
        anyEdition = anyEdition || ok;
      });
      var visible = (!want.kind || li.getAttribute("data-kind") === want.kind) && (passes(li, want) || anyEdition);
      li.hidden = !visible;
      if (visible) { shown += 1; }
    });
    document.querySelectorAll("section.kind-group").forEach(function (s) {
      s.hidden = !s.querySelector("li.work:not([hidden])");
    });
    // the table of kinds offers only the kinds still shown
    document.querySelectorAll("nav.toc a[href^='#kind-']").forEach(function (a) {
      var heading = document.getElementById(a.getAttribute("href").slice(1));
      a.parentNode.hidden = !heading || !!heading.closest("[hidden]");
    });
    var miaShown = 0;
    mia.forEach(function (li) {
      var visible = (!want.kind || li.getAttribute("data-kind") === want.kind) && passes(li, want);
      li.hidden = !visible;
      if (visible) { miaShown += 1; }
    });
    document.querySelectorAll("section.mia-year").forEach(function (s) {
      s.hidden = !s.querySelector("li.mia:not([hidden])");
    });
    count.textContent = "Showing " + shown + " of " + works.length + " works and " + miaShown + " of " +
      mia.length + " Marxists Internet Archive writings.";
  }

  form.hidden = false;
  form.addEventListener("input", apply);
  form.addEventListener("change", apply);
  form.addEventListener("reset", function () { window.setTimeout(apply, 0); });
  form.addEventListener("submit", function (event) { event.preventDefault(); apply(); });
  apply();
}());
