/*
 * Live status of a long-running job: polls [data-poll-url] (JSON) once a second until the
 * answer says `finished`, then opens `redirect` if there is one.
 *
 * Inside the element: [data-field=NAME] shows field NAME; [data-href-field=NAME] takes it as
 * its link; [data-value-field=NAME] takes it as its value (a <progress>); [data-show-if=NAME] is shown once NAME is set; [data-hide-when-finished] hides at
 * the end; an svg[data-chart] plots data-chart-y against data-chart-x as the values arrive,
 * after the points of the answer's `history` ([x, y, ...] each): the whole curve, whenever opened.
 */
(function () {
  "use strict";

  function text(value) { return value === null || value === undefined || value === "" ? "—" : String(value); }

  function Chart(svg) {
    this.svg = svg;
    this.xKey = svg.getAttribute("data-chart-x");
    this.yKey = svg.getAttribute("data-chart-y");
    this.points = [];
    this.line = svg.querySelector("[data-chart-line]");
    this.box = { left: 40, right: 470, top: 10, bottom: 130 };
    this.now = 0;
  }
  Chart.prototype.load = function (history) {
    this.points = history.map(function (h) { return [Number(h[0]), Number(h[1])]; });
    this.points.forEach(function (p) { this.now = Math.max(this.now, p[0]); }, this);
  };
  Chart.prototype.add = function (data) {
    var x = Number(data[this.xKey]), y = data[this.yKey];
    if (isNaN(x)) { return; }
    this.now = Math.max(this.now || 0, x);
    if (y !== null && y !== undefined) {
      var last = this.points[this.points.length - 1];
      if (!last || last[1] !== Number(y)) { this.points.push([x, Number(y)]); }
    }
    if (this.points.length) { this.draw(); }
  };
  Chart.prototype.draw = function () {
    // A step line: the best cost holds until the next improvement, up to the latest poll.
    var b = this.box, ys = this.points.map(function (p) { return p[1]; });
    var lo = Math.min.apply(null, ys), hi = Math.max.apply(null, ys);
    var bottom = lo - Math.max((hi - lo) * 0.08, 1), span = Math.max(hi - bottom, 1);
    var xMax = Math.max(10, Math.ceil(this.now * 1.25));
    function px(x) { return (b.left + (x / xMax) * (b.right - b.left)).toFixed(1); }
    function py(y) { return (b.bottom - ((y - bottom) / span) * (b.bottom - b.top)).toFixed(1); }
    var pts = [];
    this.points.forEach(function (p, i, all) {
      pts.push(px(p[0]) + "," + py(p[1]));
      var next = i + 1 < all.length ? all[i + 1][0] : this.now;
      pts.push(px(next) + "," + py(p[1]));
    }, this);
    this.line.setAttribute("points", pts.join(" "));
    var label = function (sel, value) {
      var el = this.svg.querySelector(sel);
      if (el) { el.textContent = value; }
    }.bind(this);
    label("[data-chart-ymax]", String(hi));
    label("[data-chart-ymin]", String(lo));
    label("[data-chart-xmax]", xMax + " s");
  };

  function start(root) {
    var url = root.getAttribute("data-poll-url");
    var chart = root.querySelector("svg[data-chart]") ? new Chart(root.querySelector("svg[data-chart]")) : null;
    var announce = root.querySelector("[data-announce]");
    var lastStatus = null;
    var watched = root.getAttribute("data-poll-finished") !== "1";  // it ends while we watch

    function apply(data) {
      root.querySelectorAll("[data-field]").forEach(function (el) {
        var name = el.getAttribute("data-field");
        if (name in data) {
          el.textContent = name === "error_message" ? (data[name] || "") : text(data[name]);
          if (name === "status") { el.className = "status status-" + data.status; }
        }
      });
      root.querySelectorAll("[data-value-field]").forEach(function (el) {
        var value = data[el.getAttribute("data-value-field")];
        if (value !== null && value !== undefined) { el.value = value; }
      });
      root.querySelectorAll("[data-href-field]").forEach(function (el) {
        var value = data[el.getAttribute("data-href-field")];
        if (value) { el.setAttribute("href", value); }
      });
      root.querySelectorAll("[data-show-if]").forEach(function (el) {
        el.hidden = !data[el.getAttribute("data-show-if")];
      });
      if (chart) {
        if (Array.isArray(data.history)) { chart.load(data.history); }
        chart.add(data);
      }
      if (announce && data.status !== lastStatus) { announce.textContent = "Status: " + data.status; }
      lastStatus = data.status;
      if (data.finished) {
        root.querySelectorAll("[data-hide-when-finished]").forEach(function (el) { el.hidden = true; });
        if (data.redirect && watched) { window.setTimeout(function () { window.location.assign(data.redirect); }, 600); }
      }
    }

    function poll() {
      fetch(url, { credentials: "same-origin", headers: { "Accept": "application/json" } })
        .then(function (r) { return r.json(); })
        .then(function (data) {
          apply(data);
          if (!data.finished) { window.setTimeout(poll, 1000); }
        })
        .catch(function () { window.setTimeout(poll, 3000); });
    }
    poll();
  }

  document.querySelectorAll("[data-poll-url]").forEach(start);
})();
