/* stratmap default theme: sortable tables and the version switcher.
   Everything loads by <script> tag from the site itself, so it works offline, under any
   base_url and from plain files (where fetch() would be refused). */
(function () {
  "use strict";

  /* The page's words for this script, in the reader's language (body data-strings). */
  var STRINGS = {};
  try { STRINGS = JSON.parse(document.body.dataset.strings || "{}"); } catch (e) { STRINGS = {}; }
  function t(text) { return STRINGS[text] || text; }

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
      option.textContent = v.title + (v.date ? " · " + v.date : "") + (v.latest ? " (" + t("latest") + ")" : "") +
        (v.available ? "" : " (" + t("unavailable") + ")");
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
          select.value = current;  // the page shown is still this version's
          showMissing(note, version ? version.title : target, home);
        }
      }, function () { window.location.href = home; });
    });
  }

  /* The banner of an earlier version (or the draft) links the newest version's home in
     the page itself; where the newest version has this page too, it links that page. */
  function latestLink() {
    var link = document.querySelector("[data-latest-link]");
    var versions = window.STRATMAP_VERSIONS;
    if (!link || !versions) return;
    var latest = versions.filter(function (v) { return v.latest; })[0];
    if (!latest) return;
    var path = latest.path.replace(/\/$/, ""), body = document.body;
    loadScript(body.dataset.toSite + "latest/pages.js", function () {
      var pages = (window.STRATMAP_PAGES || {})[path] || [];
      if (pages.indexOf(body.dataset.page) >= 0) {
        link.href = body.dataset.toSite + "latest/" + body.dataset.page;
        link.textContent = t("Read this page in") + " " + latest.title + ", " + t("the current version");
      } else {
        link.textContent = t("This page is not in") + " " + latest.title + ", " + t("the current version") + ": " +
          t("go to its home page");
      }
    }, function () {});
  }

  function showMissing(note, title, home) {
    note.textContent = t("This page does not exist in") + " " + title + ". ";
    var link = document.createElement("a");
    link.href = home;
    link.textContent = t("Open the home page of") + " " + title;
    note.appendChild(link);
  }

  /* A version's search index is named by its folder; `latest/` (the 404 page searches
     it) holds the newest version's. */
  function indexKey(version) {
    var latest = (window.STRATMAP_VERSIONS || []).filter(function (v) { return v.latest; })[0];
    return version === "latest" && latest ? latest.path.replace(/\/$/, "") : version;
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
        entries = (window.STRATMAP_SEARCH || {})[indexKey(version)] || [];
        then();
      }, function () { loading = false; });
    }

    function show() {
      var query = input.value.trim();
      var words = query.toLowerCase().split(/\s+/).filter(Boolean);
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
        var title = document.createElement("span");
        title.className = "search-title";
        highlight(title, hit.entry.t, words);
        var kind = document.createElement("span");
        kind.className = "muted";
        kind.textContent = " · " + hit.entry.k;
        link.appendChild(title);
        link.appendChild(kind);
        var around = snippet(hit.entry.x, words);
        if (around) {
          var quote = document.createElement("span");
          quote.className = "search-snippet";
          highlight(quote, around, words);
          link.appendChild(quote);
        }
        item.appendChild(link);
        list.appendChild(item);
      });
      if (!hits.length) {
        var none = document.createElement("li");
        none.className = "search-none";
        none.textContent = t("No results for") + " “" + query + "”";
        list.appendChild(none);
      }
      status.textContent = hits.length ? hits.length + " " + t(hits.length > 1 ? "results" : "result") :
        t("No results for") + " " + query;
    }

    function links() { return Array.prototype.slice.call(list.querySelectorAll("a")); }

    input.addEventListener("input", function () { ensureIndex(show); });
    input.addEventListener("keydown", function (event) {
      if (event.key === "Escape") { input.value = ""; show(); }
      else if (event.key === "ArrowDown" && links().length) { event.preventDefault(); links()[0].focus(); }
      else if (event.key === "Enter" && links().length) { event.preventDefault(); links()[0].click(); }
    });
    list.addEventListener("keydown", function (event) {
      var all = links(), at = all.indexOf(document.activeElement);
      if (event.key === "ArrowDown" && at < all.length - 1) { event.preventDefault(); all[at + 1].focus(); }
      else if (event.key === "ArrowUp") { event.preventDefault(); (at > 0 ? all[at - 1] : input).focus(); }
      else if (event.key === "Escape") { input.focus(); }
    });
  }

  /* Some words around the match in a page's text, so a result says why it matched: the
     query as a phrase where it occurs, else its longest word. */
  function snippet(text, words) {
    var lower = text.toLowerCase(), at = lower.indexOf(words.join(" "));
    if (at < 0) {
      var longest = words.slice().sort(function (a, b) { return b.length - a.length; })[0];
      at = lower.indexOf(longest);
    }
    if (at < 0) return "";
    var start = Math.max(0, at - 50), end = Math.min(text.length, at + 110);
    return (start > 0 ? "…" : "") + text.slice(start, end).trim() + (end < text.length ? "…" : "");
  }

  /* The text into `element`, the query's words in <mark>: built as nodes, never as HTML. */
  function highlight(element, text, words) {
    var lower = text.toLowerCase(), at = 0;
    while (at < text.length) {
      var next = -1, word = "";
      words.forEach(function (w) {
        var i = lower.indexOf(w, at);
        if (i >= 0 && (next < 0 || i < next)) { next = i; word = w; }
      });
      if (next < 0) { element.appendChild(document.createTextNode(text.slice(at))); break; }
      if (next > at) element.appendChild(document.createTextNode(text.slice(at, next)));
      var mark = document.createElement("mark");
      mark.textContent = text.slice(next, next + word.length);
      element.appendChild(mark);
      at = next + word.length;
    }
  }

  /* Maps. On a phone a map is shown at a size where its text stays legible (12 px at
     least) and scrolls; a team map opens on the team's own objectives. Every map can open
     full screen, to pan and zoom with a finger, a mouse or the keyboard. */
  var LEGIBLE_PX = 12;

  function maps() {
    document.querySelectorAll("figure.map").forEach(function (figure) {
      var scroller = figure.querySelector(".map-scroll");
      var svg = scroller && scroller.querySelector("svg");
      if (!svg) return;
      addFullScreen(figure, scroller, svg);
      if (figure.classList.contains("map-team")) focusOwn(scroller, svg);
    });
  }

  function nodeFontUnits(svg) {
    var text = svg.querySelector(".node text");
    return (text && parseFloat(text.getAttribute("font-size"))) || 11;
  }

  function focusOwn(scroller, svg) {
    var own = svg.querySelectorAll(".node.own");
    var shown = svg.getBoundingClientRect().width;
    if (!own.length || !shown || shown <= scroller.clientWidth) return;  // the whole map shows
    var units = svg.viewBox.baseVal.width;
    var legible = units * LEGIBLE_PX / nodeFontUnits(svg);
    var box = union(own, svg), room = scroller.clientWidth - 16;
    var width = Math.max(legible, Math.min(shown, shown * room / Math.max(box.width, 1)));
    svg.style.width = Math.round(width) + "px";
    svg.style.maxWidth = "none";
    svg.style.height = "auto";
    var shownOwn = widestWindow(own, svg, scroller.clientWidth - 8);
    box = union(shownOwn, svg);
    scroller.scrollLeft = Math.max(0, box.left + box.width / 2 - scroller.clientWidth / 2);
    scroller.scrollTop = Math.max(0, box.top + box.height / 2 - scroller.clientHeight / 2);
  }

  /* The team's objectives that fit side by side in `room` px, as many as can: all of them
     when the map allows, else the largest group lying close together. */
  function widestWindow(own, svg, room) {
    var origin = svg.getBoundingClientRect().left;
    var nodes = Array.prototype.map.call(own, function (node) {
      var r = node.getBoundingClientRect();
      return {node: node, left: r.left - origin, right: r.right - origin};
    }).sort(function (a, b) { return a.left - b.left; });
    var best = [];
    nodes.forEach(function (first, i) {
      var inside = nodes.slice(i).filter(function (n) { return n.right <= first.left + room; });
      if (inside.length > best.length) best = inside;
    });
    return best.map(function (n) { return n.node; });
  }

  function union(elements, svg) {  // in px, relative to the svg's top left corner
    var origin = svg.getBoundingClientRect(), left = Infinity, top = Infinity, right = -Infinity, bottom = -Infinity;
    Array.prototype.forEach.call(elements, function (element) {
      var r = element.getBoundingClientRect();
      left = Math.min(left, r.left); top = Math.min(top, r.top);
      right = Math.max(right, r.right); bottom = Math.max(bottom, r.bottom);
    });
    return {left: left - origin.left, top: top - origin.top, width: right - left, height: bottom - top};
  }

  function addFullScreen(figure, scroller, svg) {
    var tools = document.createElement("div"), button = document.createElement("button");
    tools.className = "map-tools";
    button.type = "button";
    button.className = "map-open";
    button.textContent = t("Full screen");
    button.setAttribute("aria-haspopup", "dialog");
    tools.appendChild(button);
    figure.insertBefore(tools, scroller);
    button.addEventListener("click", function () {
      openViewer(svg, svg.getAttribute("aria-label") || "Map");
    });
  }

  function openViewer(svg, label) {
    var dialog = document.createElement("dialog");
    dialog.className = "map-viewer";
    dialog.setAttribute("aria-label", label + ", " + t("Full screen"));
    var bar = document.createElement("div");
    bar.className = "map-viewer-bar";
    var title = document.createElement("p");
    title.textContent = label;
    bar.appendChild(title);
    var stage = document.createElement("div");
    stage.className = "map-viewer-stage";
    stage.tabIndex = 0;
    stage.setAttribute("aria-label", t("Map: drag or use the arrow keys to move, pinch or + and - to zoom, 0 to fit"));
    var picture = svg.cloneNode(true);
    picture.removeAttribute("style");
    [picture].concat(Array.prototype.slice.call(picture.querySelectorAll("[id]"))).forEach(function (element) {
      element.removeAttribute("id");  // ids stay unique in the page
    });
    stage.appendChild(picture);
    var view = {scale: 1, x: 0, y: 0};
    function apply() {
      picture.style.transform = "translate(" + view.x + "px," + view.y + "px) scale(" + view.scale + ")";
      dialog.dataset.scale = view.scale.toFixed(3);
    }
    function fit() {
      var width = parseFloat(svg.getAttribute("width")), height = parseFloat(svg.getAttribute("height"));
      picture.style.width = width + "px";
      picture.style.height = height + "px";
      view.scale = Math.min(stage.clientWidth / width, stage.clientHeight / height);
      view.x = (stage.clientWidth - width * view.scale) / 2;
      view.y = (stage.clientHeight - height * view.scale) / 2;
      apply();
    }
    function zoom(factor, cx, cy) {  // about a point of the stage
      var scale = Math.min(8, Math.max(0.2, view.scale * factor));
      if (cx === undefined) { cx = stage.clientWidth / 2; cy = stage.clientHeight / 2; }
      view.x = cx - (cx - view.x) * scale / view.scale;
      view.y = cy - (cy - view.y) * scale / view.scale;
      view.scale = scale;
      apply();
    }
    function pan(dx, dy) { view.x += dx; view.y += dy; apply(); }
    [["Zoom in", "+", function () { zoom(1.25); }], ["Zoom out", "−", function () { zoom(0.8); }],
     ["Fit", "Fit", fit], ["Close", "Close", function () { dialog.close(); }]].forEach(function (spec) {
      var control = document.createElement("button");
      control.type = "button";
      control.textContent = spec[1] === spec[0] ? t(spec[1]) : spec[1];
      control.setAttribute("aria-label", t(spec[0]));
      control.addEventListener("click", spec[2]);
      bar.appendChild(control);
    });
    dialog.appendChild(bar);
    dialog.appendChild(stage);
    dialog.addEventListener("keydown", function (event) {
      var step = 60, keys = {"+": function () { zoom(1.25); }, "=": function () { zoom(1.25); },
        "-": function () { zoom(0.8); }, "0": fit,
        ArrowLeft: function () { pan(step, 0); }, ArrowRight: function () { pan(-step, 0); },
        ArrowUp: function () { pan(0, step); }, ArrowDown: function () { pan(0, -step); }};
      if (keys[event.key] && (event.target === stage || event.target === dialog)) {
        event.preventDefault();
        keys[event.key]();
      }
    });
    // one pointer drags; two pinch (touch), their distance setting the zoom
    var pointers = {}, pinch = null;
    function spread() {
      var p = Object.keys(pointers).map(function (k) { return pointers[k]; });
      return {d: Math.hypot(p[0].x - p[1].x, p[0].y - p[1].y), x: (p[0].x + p[1].x) / 2, y: (p[0].y + p[1].y) / 2};
    }
    stage.addEventListener("pointerdown", function (event) {
      var origin = stage.getBoundingClientRect();
      pointers[event.pointerId] = {x: event.clientX - origin.left, y: event.clientY - origin.top};
      if (stage.setPointerCapture) { try { stage.setPointerCapture(event.pointerId); } catch (e) { /* synthetic */ } }
      pinch = Object.keys(pointers).length === 2 ? spread() : null;
    });
    stage.addEventListener("pointermove", function (event) {
      var last = pointers[event.pointerId];
      if (!last) return;
      var origin = stage.getBoundingClientRect();
      var now = {x: event.clientX - origin.left, y: event.clientY - origin.top};
      pointers[event.pointerId] = now;
      if (pinch && Object.keys(pointers).length === 2) {
        var next = spread();
        if (pinch.d > 0) zoom(next.d / pinch.d, next.x, next.y);
        pan(next.x - pinch.x, next.y - pinch.y);
        pinch = next;
      } else if (!pinch) {
        pan(now.x - last.x, now.y - last.y);
      }
    });
    function lift(event) { delete pointers[event.pointerId]; pinch = null; }
    stage.addEventListener("pointerup", lift);
    stage.addEventListener("pointercancel", lift);
    stage.addEventListener("wheel", function (event) {
      event.preventDefault();
      var origin = stage.getBoundingClientRect();
      zoom(event.deltaY < 0 ? 1.1 : 0.9, event.clientX - origin.left, event.clientY - origin.top);
    }, {passive: false});
    dialog.addEventListener("close", function () { dialog.remove(); });
    document.body.appendChild(dialog);
    dialog.showModal();
    fit();
    stage.focus();
    // fit again once the dialog has its size on screen; then it is ready to use
    requestAnimationFrame(function () { fit(); dialog.dataset.ready = "true"; });
  }

  function start() {
    sortableTables();
    versionSwitcher();
    latestLink();
    search();
    maps();
  }
  // loaded late (the 404 page adds this script once it has found the site's root)
  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", start);
  } else {
    start();
  }
})();
