// Draws each indicator's line chart from the figures in its data-indicator-chart
// attribute. The table beside the chart holds the same figures, so the page is complete
// without this script. The x axis counts days since 1 January 1970.
(function () {
  "use strict";
  if (typeof Chart === "undefined") {
    return;
  }
  var BLUE = "#1d70b8";
  var GREEN = "#00703c";
  var GREY = "#505a5f";
  var ORANGE = "#f47738";
  var DAY = 24 * 60 * 60 * 1000;
  var monthYear = new Intl.DateTimeFormat("en-GB", { month: "short", year: "numeric", timeZone: "UTC" });
  var fullDate = new Intl.DateTimeFormat("en-GB", { day: "numeric", month: "long", year: "numeric", timeZone: "UTC" });

  function line(label, data, colour, extra) {
    var dataset = { label: label, data: data, borderColor: colour, backgroundColor: colour, borderWidth: 2, pointRadius: 0 };
    Object.keys(extra || {}).forEach(function (key) { dataset[key] = extra[key]; });
    return dataset;
  }

  function draw(figure) {
    var data = JSON.parse(figure.getAttribute("data-indicator-chart"));
    var datasets = [line("Measurements", data.measurements, BLUE, { borderWidth: 3, pointRadius: 3 })];
    if (data.trajectory.length) {
      datasets.push(line("Trajectory to target", data.trajectory, ORANGE, { borderDash: [6, 4] }));
    }
    if (data.baseline.length) {
      datasets.push(line("Baseline", data.baseline, GREY, { borderDash: [2, 3] }));
    }
    if (data.target.length) {
      datasets.push(line("Target", data.target, GREEN));
    }
    var number = new Intl.NumberFormat("en-GB", {
      minimumFractionDigits: data.decimalPlaces,
      maximumFractionDigits: data.decimalPlaces
    });
    new Chart(figure.querySelector("canvas"), {
      type: "line",
      data: { datasets: datasets },
      options: {
        animation: false,
        maintainAspectRatio: false,
        interaction: { mode: "nearest", intersect: false },
        plugins: {
          legend: { position: "bottom" },
          tooltip: {
            callbacks: {
              title: function (items) { return fullDate.format(new Date(items[0].parsed.x * DAY)); },
              label: function (item) { return item.dataset.label + ": " + number.format(item.parsed.y); }
            }
          }
        },
        scales: {
          x: { type: "linear", min: data.from, max: data.to, ticks: { callback: function (day) { return monthYear.format(new Date(day * DAY)); } } },
          y: { ticks: { callback: function (value) { return number.format(value); } } }
        }
      }
    });
    figure.classList.add("app-indicator-chart--drawn");
  }

  document.querySelectorAll("[data-indicator-chart]").forEach(draw);
})();
