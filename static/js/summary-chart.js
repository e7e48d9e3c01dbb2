// Draws the contributions-by-sector bar chart from its data-sector-chart attribute. The
// table beneath holds the same figures, so the page is complete without this script.
(function () {
  "use strict";
  if (typeof Chart === "undefined") {
    return;
  }
  var pounds = new Intl.NumberFormat("en-GB", { style: "currency", currency: "GBP", maximumFractionDigits: 0 });

  function draw(figure) {
    var data = JSON.parse(figure.getAttribute("data-sector-chart"));
    new Chart(figure.querySelector("canvas"), {
      type: "bar",
      data: {
        labels: data.labels,
        datasets: [
          { label: "Cash", data: data.cash, backgroundColor: "#1d70b8" },
          { label: "Staff time", data: data.staffTime, backgroundColor: "#f47738" },
          { label: "In-kind", data: data.inKind, backgroundColor: "#00703c" }
        ]
      },
      options: {
        animation: false,
        maintainAspectRatio: false,
        indexAxis: "y",
        scales: {
          x: { stacked: true, ticks: { callback: function (value) { return pounds.format(value); } } },
          y: { stacked: true }
        },
        plugins: {
          legend: { position: "bottom" },
          tooltip: {
            callbacks: {
              label: function (context) {
                return context.dataset.label + ": " + pounds.format(context.parsed.x);
              }
            }
          }
        }
      }
    });
  }

  document.querySelectorAll("[data-sector-chart]").forEach(draw);
})();
