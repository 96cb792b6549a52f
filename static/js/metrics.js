// The metrics dashboard's charts. The numbers come from the page itself (json_script,
// the same rows as the tables under each chart); a hidden count ("<5") is a gap.
document.addEventListener("DOMContentLoaded", () => {
  const source = document.getElementById("metrics-charts");
  if (!source || typeof Chart === "undefined") {
    return;
  }
  const colours = ["#0b5394", "#e69138", "#38761d", "#741b47", "#3d85c6"];
  const toNumber = (value) => (typeof value === "number" ? value : null);
  for (const table of JSON.parse(source.textContent)) {
    const canvas = document.getElementById(`chart-${table.key}`);
    if (!canvas) {
      continue;
    }
    // The first column names the row; the others are counts. Contact sources by kind
    // draw only the requests, not the numbers of organisations beside them.
    const last = table.key === "contact_kinds" ? 2 : table.headers.length;
    const columns = [];
    for (let index = 1; index < last; index++) {
      columns.push(index);
    }
    // Chart.js fills its container: give bars room per row (CSSOM, allowed under the CSP).
    canvas.parentElement.style.position = "relative";
    canvas.parentElement.style.height =
      table.chart === "bar" ? `${Math.max(160, table.rows.length * 26 + 50)}px` : "320px";
    new Chart(canvas, {
      type: table.chart,
      data: {
        labels: table.rows.map((row) => row[0]),
        datasets: columns.map((index, n) => ({
          label: table.headers[index],
          data: table.rows.map((row) => toNumber(row[index])),
          backgroundColor: colours[n % colours.length],
          borderColor: colours[n % colours.length],
          spanGaps: false,
        })),
      },
      options: {
        maintainAspectRatio: false,
        indexAxis: table.chart === "bar" ? "y" : "x",
        animation: false,
        plugins: { legend: { display: columns.length > 1 } },
        scales: { [table.chart === "bar" ? "x" : "y"]: { beginAtZero: true, ticks: { precision: 0 } } },
      },
    });
  }
});
