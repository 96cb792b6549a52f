// The client's Work Ability Score over time (serviceplans issue). The data comes from the
// accessible table on the page (#was-table rows with data-date and data-score), so there
// is no inline script and the table remains the source for screen readers.
(function () {
  "use strict";
  function draw() {
    var canvas = document.getElementById("was-chart");
    var rows = document.querySelectorAll("#was-table .was-row");
    if (!canvas || !rows.length || typeof window.Chart === "undefined") {
      return;
    }
    var points = Array.prototype.map.call(rows, function (row) {
      return { x: row.dataset.date, y: Number(row.dataset.score) };
    }).reverse();
    // Bands used in Finnish research: poor 0–5, moderate 6–7, good 8–10.
    var colour = function (score) {
      return score <= 5 ? "#b02a37" : score <= 7 ? "#997404" : "#146c43";
    };
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
        scales: { y: { min: 0, max: 10, ticks: { stepSize: 1 } } },
        plugins: { legend: { display: false } },
      },
    });
  }
  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", draw);
  } else {
    draw();
  }
})();
