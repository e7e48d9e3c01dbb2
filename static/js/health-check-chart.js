// Draws the mean rating of each health check statement from its data-health-chart
// attribute, beside the last round's where there is one. The tables beneath hold the same
// figures, so the page is complete without this script.
(function () {
  "use strict";
  if (typeof Chart === "undefined") {
    return;
  }

  function draw(figure) {
    var data = JSON.parse(figure.getAttribute("data-health-chart"));
    var datasets = [];
    if (data.previous.length) {
      datasets.push({ label: data.previousLabel, data: data.previous, backgroundColor: "#b1b4b6" });
    }
    datasets.push({ label: data.currentLabel, data: data.current, backgroundColor: "#1d70b8" });
    new Chart(figure.querySelector("canvas"), {
      type: "bar",
      data: { labels: data.labels, datasets: datasets },
      options: {
        animation: false,
        maintainAspectRatio: false,
        indexAxis: "y",
        scales: { x: { min: 1, max: 5, ticks: { stepSize: 1 } } },
        plugins: { legend: { position: "bottom" } }
      }
    });
  }

  document.querySelectorAll("[data-health-chart]").forEach(draw);
})();
