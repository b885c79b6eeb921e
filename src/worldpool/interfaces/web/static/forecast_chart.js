// Draw the forecast fan chart (history, P10-P90 band, P50) with the vendored uPlot.
(function () {
  var el = document.getElementById("forecast-chart");
  if (!el || !window.uPlot) { return; }
  var s = JSON.parse(el.dataset.series);
  var names = JSON.parse(el.dataset.labels);
  var xs = s.dates.map(function (d) { return Date.parse(d + "T00:00:00Z") / 1000; });
  var opts = {
    width: Math.max(320, el.clientWidth || 900),
    height: 360,
    series: [
      { label: names.date || "Date" },
      { label: names.history, stroke: "#334155", width: 1.5, points: { show: false } },
      { label: "P90", stroke: "rgba(37,99,235,0.35)", width: 1, points: { show: false } },
      { label: names.p50, stroke: "#2563eb", width: 2, points: { show: false } },
      { label: "P10", stroke: "rgba(37,99,235,0.35)", width: 1, points: { show: false } }
    ],
    bands: [{ series: [2, 4], fill: "rgba(37,99,235,0.15)" }],
    axes: [{}, { label: "" }]
  };
  var chart = new uPlot(opts, [xs, s.history, s.p90, s.p50, s.p10], el);
  el.dataset.drawn = "1";
  el.setAttribute("aria-label", names.band);
  window.addEventListener("resize", function () {
    chart.setSize({ width: Math.max(320, el.clientWidth), height: 360 });
  });
})();
