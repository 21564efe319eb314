/* The dashboard's charts (统计看板). Reads the figures from <script type="application/json"
   id="dashboard-data"> and draws them with the vendored Chart.js; the tables beside the charts carry
   the same numbers, so the page works and prints without this file. No inline script, no third-party
   request (strict CSP). */
(function () {
  "use strict";

  var PALETTE = ["#b3261e", "#0b5cad", "#2e7d32", "#e08a00", "#6a1b9a", "#00838f", "#5d4037", "#9e9e9e"];

  function colors(n) {
    var out = [];
    for (var i = 0; i < n; i++) { out.push(PALETTE[i % PALETTE.length]); }
    return out;
  }

  // Chart.js draws an array label on several lines: long Chinese names are cut every `width` characters.
  function wrap(label, width) {
    if (typeof label !== "string" || label.length <= width) { return label; }
    var lines = [];
    for (var i = 0; i < label.length; i += width) { lines.push(label.slice(i, i + width)); }
    return lines;
  }

  function config(chart) {
    var round = chart.type === "doughnut";
    var datasets = chart.datasets.map(function (d, i) {
      // A doughnut: a colour per slice; bars: a colour per series (the page may name it).
      var fill = round ? colors(d.data.length) : (d.color || PALETTE[(i + 1) % PALETTE.length]);
      return { label: d.label, data: d.data, backgroundColor: fill, borderColor: round ? "#fff" : fill, borderWidth: round ? 2 : 0 };
    });
    var options = {
      responsive: true,
      maintainAspectRatio: false,
      animation: false,  // complete at once: for printing and for a projector
      plugins: {
        title: { display: true, text: chart.title, font: { size: 15 } },
        legend: { display: round || chart.datasets.length > 1, position: round ? "right" : "top" }
      }
    };
    if (!round) {
      // Long category names (the four focus areas) read better on horizontal bars.
      var category = { stacked: !!chart.stacked, ticks: { autoSkip: false, maxRotation: 45 } };
      var value = { stacked: !!chart.stacked, beginAtZero: true, ticks: { precision: 0 } };
      options.indexAxis = chart.horizontal ? "y" : "x";
      options.scales = chart.horizontal ? { x: value, y: category } : { x: category, y: value };
    }
    var labels = round ? chart.labels : chart.labels.map(function (l) { return wrap(l, chart.horizontal ? 9 : 12); });
    return { type: chart.type, data: { labels: labels, datasets: datasets }, options: options };
  }

  function draw() {
    var node = document.getElementById("dashboard-data");
    if (!node || typeof window.Chart === "undefined") { return; }
    var data;
    try { data = JSON.parse(node.textContent); } catch (e) { return; }
    var Chart = window.Chart;
    Chart.defaults.font.family = '"PingFang SC", "Microsoft YaHei", "Noto Sans CJK SC", "WenQuanYi Micro Hei", sans-serif';
    Chart.defaults.color = "#24292f";
    var drawn = [];
    (data.charts || []).forEach(function (chart) {
      var canvas = document.getElementById(chart.id);
      if (!canvas) { return; }
      var figure = canvas.closest("figure");
      if (figure) { figure.hidden = false; }
      drawn.push(new Chart(canvas, config(chart)));
    });
    // Printing: lay the charts out again for the paper's width, and back for the screen.
    function resize() { drawn.forEach(function (c) { c.resize(); }); }
    window.addEventListener("beforeprint", resize);
    window.addEventListener("afterprint", resize);
    var button = document.getElementById("print-page");
    if (button) {
      button.hidden = false;
      button.addEventListener("click", function () { window.print(); });
    }
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", draw);
  } else {
    draw();
  }
})();
