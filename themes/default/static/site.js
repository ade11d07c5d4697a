/* stratmap default theme: sortable tables and the version switcher.
   Everything loads by <script> tag from the site itself, so it works offline, under any
   base_url and from plain files (where fetch() would be refused). */
(function () {
  "use strict";

  function sortableTables() {
    document.querySelectorAll("table[data-sortable]").forEach(function (table) {
      var headers = table.querySelectorAll("thead th");
      headers.forEach(function (th, column) {
        var button = th.querySelector("button[data-sort-key]");
        if (!button) return;
        button.addEventListener("click", function () {
          var ascending = th.getAttribute("aria-sort") !== "ascending";
          headers.forEach(function (other) { other.setAttribute("aria-sort", "none"); });
          th.setAttribute("aria-sort", ascending ? "ascending" : "descending");
          var numeric = button.dataset.sortKey === "number";
          var body = table.tBodies[0];
          var rows = Array.prototype.slice.call(body.rows);
          rows.sort(function (a, b) {
            var x = key(a.cells[column], numeric), y = key(b.cells[column], numeric);
            var order = x < y ? -1 : x > y ? 1 : 0;
            return ascending ? order : -order;
          });
          rows.forEach(function (row) { body.appendChild(row); });
        });
      });
    });
  }

  function key(cell, numeric) {
    if (!cell) return "";
    var raw = cell.hasAttribute("data-sort") ? cell.getAttribute("data-sort") : cell.textContent.trim();
    if (!numeric) return raw.toLowerCase();
    var number = parseFloat(raw);
    return isNaN(number) ? -Infinity : number;
  }

  function loadScript(src, done, failed) {
    var script = document.createElement("script");
    script.src = src;
    script.onload = done;
    script.onerror = failed;
    document.head.appendChild(script);
  }

  function versionSwitcher() {
    var form = document.querySelector("[data-switcher]");
    var versions = window.STRATMAP_VERSIONS;
    if (!form || !versions || !versions.length) return;
    var body = document.body;
    var current = body.dataset.version, page = body.dataset.page, toSite = body.dataset.toSite;
    var select = form.querySelector("select"), note = form.querySelector(".switcher-note");
    versions.slice().reverse().forEach(function (v) {
      var option = document.createElement("option");
      option.value = v.path.replace(/\/$/, "");
      option.textContent = v.title + (v.date ? " · " + v.date : "") + (v.latest ? " (latest)" : "") +
        (v.available ? "" : " (unavailable)");
      option.disabled = !v.available;
      option.selected = option.value === current;
      select.appendChild(option);
    });
    form.hidden = false;
    select.addEventListener("change", function () {
      var target = select.value;
      var version = versions.filter(function (v) { return v.path.replace(/\/$/, "") === target; })[0];
      var home = toSite + target + "/index.html";
      note.textContent = "";
      loadScript(toSite + target + "/pages.js", function () {
        var pages = (window.STRATMAP_PAGES || {})[target] || [];
        if (pages.indexOf(page) >= 0) {
          window.location.href = toSite + target + "/" + page;
        } else {
          showMissing(note, version ? version.title : target, home);
        }
      }, function () { window.location.href = home; });
    });
  }

  function showMissing(note, title, home) {
    note.textContent = "This page does not exist in " + title + ". ";
    var link = document.createElement("a");
    link.href = home;
    link.textContent = "Open the home page of " + title;
    note.appendChild(link);
  }

  function search() {
    var form = document.querySelector("[data-search]");
    if (!form) return;
    var body = document.body, version = body.dataset.version, toSite = body.dataset.toSite;
    var input = form.querySelector("input"), list = form.querySelector(".search-results");
    var status = form.querySelector("[role=status]");
    var entries = null, loading = false;
    form.hidden = false;
    form.addEventListener("submit", function (event) { event.preventDefault(); });

    function ensureIndex(then) {
      if (entries) return then();
      if (loading) return;
      loading = true;
      loadScript(toSite + version + "/search.js", function () {
        entries = (window.STRATMAP_SEARCH || {})[version] || [];
        then();
      }, function () { loading = false; });
    }

    function show() {
      var words = input.value.toLowerCase().split(/\s+/).filter(Boolean);
      list.textContent = "";
      if (!words.length) { status.textContent = ""; return; }
      var hits = entries.map(function (entry) {
        var title = entry.t.toLowerCase(), all = title + " " + entry.x.toLowerCase();
        if (!words.every(function (w) { return all.indexOf(w) >= 0; })) return null;
        var score = words.filter(function (w) { return title.indexOf(w) >= 0; }).length;
        return {entry: entry, score: score};
      }).filter(Boolean).sort(function (a, b) { return b.score - a.score; }).slice(0, 10);
      hits.forEach(function (hit) {
        var item = document.createElement("li"), link = document.createElement("a");
        link.href = toSite + version + "/" + hit.entry.u;
        link.textContent = hit.entry.t;
        var kind = document.createElement("span");
        kind.className = "muted";
        kind.textContent = " · " + hit.entry.k;
        link.appendChild(kind);
        item.appendChild(link);
        list.appendChild(item);
      });
      status.textContent = hits.length ? hits.length + " result" + (hits.length > 1 ? "s" : "") : "No results";
    }

    input.addEventListener("input", function () { ensureIndex(show); });
    input.addEventListener("keydown", function (event) {
      if (event.key === "Escape") { input.value = ""; show(); }
    });
  }

  document.addEventListener("DOMContentLoaded", function () {
    sortableTables();
    versionSwitcher();
    search();
  });
})();
