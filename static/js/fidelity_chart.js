// The trend of a team's IPS fidelity reviews (coaching issue). The data comes from the
// accessible table under each chart (rows with data-date and data-total), so there is no
// inline script and the table remains the source for screen readers.
(function () {
  "use strict";
  // Bands: exemplary 115–125, good 100–114, fair 74–99, not supported employment ≤ 73.
  function colour(total) {
    return total >= 115 ? "#146c43" : total >= 100 ? "#0d6efd" : total >= 74 ? "#997404" : "#b02a37";
  }
  function draw() {
    if (typeof window.Chart === "undefined") {
      return;
    }
    document.querySelectorAll("canvas.fidelity-chart").forEach(function (canvas) {
      var table = document.getElementById(canvas.dataset.table);
      if (!table) {
        return;
      }
      var rows = table.querySelectorAll(".fidelity-row");
      var points = Array.prototype.map.call(rows, function (row) {
        // The date as the table shows it (in the page's language), not ISO.
        return { x: row.dataset.label || row.dataset.date, y: Number(row.dataset.total) };
      });
      new window.Chart(canvas, {
        type: "line",
        data: {
          labels: points.map(function (p) { return p.x; }),
          datasets: [{
            label: canvas.dataset.label,
            data: points.map(function (p) { return p.y; }),
            borderColor: "#0d6efd",
            pointBackgroundColor: points.map(function (p) { return colour(p.y); }),
            pointRadius: 5,
            tension: 0,
          }],
        },
        options: {
          animation: false,
          maintainAspectRatio: false,
          // Ticks every 25 points: 25, 50, 75, 100, 125 (the scale's range).
          scales: { y: { min: 25, max: 125, ticks: { stepSize: 25 } } },
          plugins: { legend: { display: false } },
        },
      });
    });
  }
  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", draw);
  } else {
    draw();
  }
})();
