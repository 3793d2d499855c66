/*
 * Tells an open timetable page that a newer revision was saved: polls [data-newer-url] (JSON:
 * {latest: {id, number, url}, published: ...}) every few seconds and, once the latest number
 * passes data-known-latest, writes a notice with a link to it into the element (a live region).
 * Polls pause while the tab is hidden. No inline script or style: the page's policy forbids them.
 */
(function () {
  "use strict";
  var INTERVAL = 3000;

  function start(root) {
    var url = root.getAttribute("data-newer-url");
    var known = Number(root.getAttribute("data-known-latest") || 0);
    var shown = 0;

    function show(latest) {
      if (latest.number === shown) { return; }
      shown = latest.number;
      var p = document.createElement("p");
      p.className = "notice newer";
      p.appendChild(document.createTextNode("A newer revision, #" + latest.number + ", was saved. "));
      var link = document.createElement("a");
      link.href = latest.url;
      link.textContent = "Open revision #" + latest.number;
      p.appendChild(link);
      root.replaceChildren(p);
    }

    function poll() {
      if (document.hidden) { window.setTimeout(poll, INTERVAL); return; }
      fetch(url, { credentials: "same-origin", headers: { "Accept": "application/json" } })
        .then(function (r) { return r.ok ? r.json() : null; })
        .then(function (data) {
          if (data && data.latest && data.latest.number > known) { show(data.latest); }
          window.setTimeout(poll, INTERVAL);
        })
        .catch(function () { window.setTimeout(poll, 2 * INTERVAL); });
    }
    window.setTimeout(poll, INTERVAL);
  }

  document.querySelectorAll("[data-newer-url]").forEach(start);
})();
