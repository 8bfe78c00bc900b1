// bedrock-gateway console: charts (Chart.js, served by the gateway), copy buttons, confirmations
// and the live Requests table. Everything works without this file except charts and live updates.
"use strict";
(function () {
  const csrf = document.querySelector('meta[name="csrf-token"]')?.getAttribute("content") ?? "";
  const css = (name) => getComputedStyle(document.documentElement).getPropertyValue(name).trim();
  const readJson = (id) => {
    const el = document.getElementById(id);
    return el ? JSON.parse(el.textContent || "null") : null;
  };

  function timeLabel(t, unit) {
    const d = new Date(t);
    const iso = d.toISOString();
    return unit === "day" ? iso.slice(5, 10) : iso.slice(11, 16);
  }

  function chart(canvas, type, labels, datasets, opts) {
    if (typeof Chart === "undefined") return;
    const grid = css("--line");
    const text = css("--muted");
    new Chart(canvas, {
      type,
      data: { labels, datasets },
      options: Object.assign(
        {
          responsive: true,
          maintainAspectRatio: false,
          animation: false,
          interaction: { mode: "index", intersect: false },
          plugins: { legend: { labels: { color: text } } },
          scales: {
            x: { ticks: { color: text, maxRotation: 0, autoSkip: true }, grid: { color: grid } },
            y: { beginAtZero: true, ticks: { color: text }, grid: { color: grid } },
          },
        },
        opts || {},
      ),
    });
  }

  function overviewCharts() {
    const d = readJson("overview-data");
    if (!d) return;
    const labels = d.t.map((t) => timeLabel(t, d.unit));
    const c = (n) => css(n);
    for (const canvas of document.querySelectorAll("canvas[data-chart]")) {
      switch (canvas.dataset.chart) {
        case "requests":
          chart(canvas, "bar", labels, [{ label: "requests", data: d.requests, backgroundColor: c("--c1") }, { label: "errors", data: d.errors, backgroundColor: c("--c4") }]);
          break;
        case "tokens":
          chart(canvas, "line", labels, [
            { label: "input", data: d.inputTokens, borderColor: c("--c1"), backgroundColor: c("--c1"), pointRadius: 0 },
            { label: "output", data: d.outputTokens, borderColor: c("--c2"), backgroundColor: c("--c2"), pointRadius: 0 },
          ]);
          break;
        case "cost":
          chart(canvas, "bar", labels, [{ label: "USD", data: d.costUsd, backgroundColor: c("--c3") }], {
            scales: {
              x: { ticks: { color: css("--muted"), maxRotation: 0, autoSkip: true }, grid: { color: css("--line") } },
              y: { beginAtZero: true, ticks: { color: css("--muted"), callback: (v) => "$" + Number(v).toPrecision(2) }, grid: { color: css("--line") } },
            },
          });
          break;
        case "errors":
          chart(canvas, "line", labels, [{ label: "error %", data: d.errorRate, borderColor: c("--c4"), backgroundColor: c("--c4"), pointRadius: 0 }]);
          break;
      }
    }
  }

  function usageChart() {
    const d = readJson("usage-data");
    const canvas = document.getElementById("chart-usage");
    if (!d || !canvas) return;
    chart(
      canvas,
      "bar",
      d.labels,
      [
        { label: "cost (USD)", data: d.costUsd, backgroundColor: css("--c3"), yAxisID: "y" },
        { label: "requests", data: d.requests, backgroundColor: css("--c1"), yAxisID: "y1" },
      ],
      {
        scales: {
          x: { ticks: { color: css("--muted") }, grid: { color: css("--line") } },
          y: { beginAtZero: true, position: "left", ticks: { color: css("--muted"), callback: (v) => "$" + Number(v).toPrecision(2) }, grid: { color: css("--line") } },
          y1: { beginAtZero: true, position: "right", ticks: { color: css("--muted") }, grid: { drawOnChartArea: false } },
        },
      },
    );
  }

  function copyButtons() {
    for (const b of document.querySelectorAll("button[data-copy]")) {
      b.addEventListener("click", async () => {
        const input = document.getElementById(b.dataset.copy);
        if (!input) return;
        input.select();
        try {
          await navigator.clipboard.writeText(input.value);
          b.textContent = "Copied";
        } catch {
          b.textContent = "Press Ctrl+C";
        }
      });
    }
  }

  function confirmations() {
    for (const b of document.querySelectorAll("button[data-confirm]")) {
      b.addEventListener("click", (e) => {
        if (!window.confirm(b.dataset.confirm)) e.preventDefault();
      });
    }
  }

  function liveRequests() {
    const table = document.getElementById("requests");
    const live = document.getElementById("live");
    if (!table || !live) return;
    const body = table.tBodies[0];
    let last = Number(table.dataset.lastSeq || 0);
    const filter = new URLSearchParams(location.search);
    async function poll() {
      if (live.checked && document.visibilityState === "visible") {
        filter.set("after", String(last));
        try {
          const res = await fetch("/console/requests/feed?" + filter.toString(), { headers: { accept: "application/json" }, credentials: "same-origin" });
          if (res.status === 401) return location.assign("/console/login?next=/console/requests");
          if (res.ok) {
            const data = await res.json();
            if (data.last) {
              last = data.last;
              body.querySelector(".empty-row")?.remove();
              body.insertAdjacentHTML("afterbegin", data.html);
              while (body.rows.length > 500) body.deleteRow(-1);
            }
          }
        } catch {
          /* the next poll retries */
        }
      }
      setTimeout(poll, 2000);
    }
    setTimeout(poll, 2000);
  }

  window.consoleCsrf = csrf;
  overviewCharts();
  usageChart();
  copyButtons();
  confirmations();
  liveRequests();
})();
