/* serge-kg SPARQL editor: YASGUI pointed at this site's endpoint (a relative link resolved here, never
   a host written into the page), the project prefixes for the results, only the local "variables"
   autocompleter (the prefixes, property and class ones ask prefix.cc and LOV), and the saved queries
   as examples. Data come from the page's JSON island (#editor-data). */
(function () {
  "use strict";

  var el = document.getElementById("yasgui");
  var data = JSON.parse(document.getElementById(el.getAttribute("data-source")).textContent);
  var endpoint = new URL(data.endpoint, window.location.href).href;

  /* before any editor exists: its defaults list every registered autocompleter */
  Yasgui.Yasqe.defaults.autocompleters = data.completers.slice();

  var yasgui = new Yasgui(el, {
    requestConfig: { endpoint: endpoint, method: "POST" },
    copyEndpointOnNewTab: false,
    populateFromUrl: false,
    persistenceId: null,
    autofocus: false,
    endpointCatalogueOptions: { getData: function () { return [{ endpoint: endpoint }]; }, keys: [] },
    yasr: { prefixes: data.prefixes, persistenceId: null }
  });

  function yasqe() {
    return yasgui.getTab().getYasqe();
  }

  /* the editor's own controls: names for the unnamed ones (axe-core), the network completers gone */
  function label() {
    var tab = yasgui.getTab();
    var q = tab.getYasqe();
    ["prefixes", "property", "class"].forEach(function (name) {
      if (q.config.autocompleters.indexOf(name) >= 0) { q.disableCompleter(name); }
    });
    var area = q.getInputField ? q.getInputField() : el.querySelector(".CodeMirror textarea");
    if (area) { area.setAttribute("aria-label", "SPARQL query"); }
    el.querySelectorAll(".tabsList input[type=text]").forEach(function (input) {
      input.setAttribute("aria-label", "Tab name");
    });
    el.querySelectorAll(".tableSizer").forEach(function (select) {
      select.setAttribute("aria-label", "Rows per page");
    });
    el.querySelectorAll("input:not([aria-label])").forEach(function (input) {
      var hint = input.getAttribute("placeholder") || input.getAttribute("title") || "";
      if (/endpoint/i.test(hint) || input.closest(".autocompleteWrapper")) {
        input.setAttribute("aria-label", "SPARQL endpoint");
      } else if (hint) {
        input.setAttribute("aria-label", hint);
      }
    });
    el.querySelectorAll(".yasr_results").forEach(function (results) {
      /* it scrolls sideways when the answer is wider than the screen: reachable by keyboard */
      results.setAttribute("tabindex", "0");
      results.setAttribute("role", "region");
      results.setAttribute("aria-label", "Query results");
    });
    /* a tab list holds tabs only: the "add a tab" button goes just after it */
    var list = el.querySelector(".tabsList");
    var add = list && list.querySelector(".addTab");
    if (add && add.parentNode.parentNode === list) {
      add.parentNode.removeAttribute("role");
      add.parentNode.className = "addTabWrapper";
      list.parentNode.insertBefore(add.parentNode, list.nextSibling);
    }
  }

  function load(text) {
    yasqe().setValue(text);
    yasqe().focus();
  }

  load(data.query);
  label();
  yasgui.on("tabChange", label);
  yasgui.on("tabAdd", function () { window.setTimeout(label, 0); });
  yasgui.on("queryResponse", function () { window.setTimeout(label, 0); });

  document.querySelectorAll("button[data-example]").forEach(function (button) {
    button.addEventListener("click", function () {
      load(data.examples[button.getAttribute("data-example")]);
      el.scrollIntoView({ block: "start" });
    });
  });
  document.getElementById("add-prefixes").addEventListener("click", function () {
    yasqe().addPrefixes(data.prefixes);
    yasqe().focus();
  });
  window.sergeKgEditor = yasgui; /* for the page's tests */
})();
