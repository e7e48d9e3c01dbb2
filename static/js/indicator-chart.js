// Draws each indicator's line chart from the figures in its data-indicator-chart
// attribute. The table beside the chart holds the same figures, so the page is complete
// without this script.
(function () {
  "use strict";
  if (typeof Chart === "undefined") {
    return;
  }
  var BLUE = "#1d70b8";
  var GREEN = "#00703c";
  var GREY = "#505a5f";
  var ORANGE = "#f47738";

  function flat(value, length) {
    var values = [];
    for (var i = 0; i < length; i += 1) {
      values.push(value);
    }
    return values;
  }

  function draw(figure) {
    var data = JSON.parse(figure.getAttribute("data-indicator-chart"));
    var count = data.labels.length;
    var datasets = [
      { label: "Measurements", data: data.measurements, borderColor: BLUE, backgroundColor: BLUE, borderWidth: 3, spanGaps: true }
    ];
    if (data.trajectory.length) {
      datasets.push({ label: "Trajectory to target", data: data.trajectory, borderColor: ORANGE, backgroundColor: ORANGE,
        borderDash: [6, 4], pointRadius: 0, borderWidth: 2 });
    }
    if (data.baseline !== null) {
      datasets.push({ label: "Baseline", data: flat(data.baseline, count), borderColor: GREY, backgroundColor: GREY,
        borderDash: [2, 3], pointRadius: 0, borderWidth: 2 });
    }
    if (data.target !== null) {
      datasets.push({ label: "Target", data: flat(data.target, count), borderColor: GREEN, backgroundColor: GREEN,
        pointRadius: 0, borderWidth: 2 });
    }
    var formatter = new Intl.NumberFormat("en-GB", {
      minimumFractionDigits: data.decimalPlaces,
      maximumFractionDigits: data.decimalPlaces
    });
    new Chart(figure.querySelector("canvas"), {
      type: "line",
      data: { labels: data.labels, datasets: datasets },
      options: {
        animation: false,
        maintainAspectRatio: false,
        interaction: { mode: "index", intersect: false },
        plugins: {
          legend: { position: "bottom" },
          tooltip: {
            callbacks: {
              label: function (context) {
                return context.dataset.label + ": " + formatter.format(context.parsed.y);
              }
            }
          }
        },
        scales: { y: { ticks: { callback: function (value) { return formatter.format(value); } } } }
      }
    });
    figure.classList.add("app-indicator-chart--drawn");
  }

  document.querySelectorAll("[data-indicator-chart]").forEach(draw);
})();
