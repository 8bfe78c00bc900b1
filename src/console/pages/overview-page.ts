// Overview: totals, four charts over time (Chart.js, drawn by console.js from the JSON block) and
// the top keys and models as tables that read without JavaScript.
import { html, raw } from "hono/html";
import { count, jsonForScript, ms, percent, usd } from "../format.ts";
import type { Overview } from "../overview-data.ts";
import { RANGES } from "../overview-data.ts";
import type { AggregateRow } from "../../store/store.ts";
import type { Html } from "./layout.ts";

const RANGE_LABEL = { hour: "Last hour", day: "Last day", month: "Last 30 days" } as const;

function topTable(caption: string, first: string, rows: AggregateRow[], link: (r: AggregateRow) => string): Html {
  return html`<table>
    <caption>
      ${caption}
    </caption>
    <thead>
      <tr>
        <th scope="col">${first}</th>
        <th scope="col" class="num">Requests</th>
        <th scope="col" class="num">Errors</th>
        <th scope="col" class="num">Tokens in / out</th>
        <th scope="col" class="num">Cost</th>
        <th scope="col" class="num">Mean latency</th>
      </tr>
    </thead>
    <tbody>
      ${
        rows.length === 0
          ? html`<tr>
              <td colspan="6" class="empty">No requests in this range.</td>
            </tr>`
          : ""
      }
      ${rows.map(
        (r) =>
          html`<tr>
            <td><a href="${link(r)}">${r.name ? html`${r.name} <code>${r.group}</code>` : html`<code>${r.group}</code>`}</a></td>
            <td class="num">${count(r.requests)}</td>
            <td class="num">${count(r.errors)}</td>
            <td class="num">${count(r.inputTokens)} / ${count(r.outputTokens)}</td>
            <td class="num">
              ${usd(r.costUsd)}${r.unpricedRequests > 0 ? html` <span class="flag" title="${r.unpricedRequests} requests without a price">+${r.unpricedRequests} unpriced</span>` : ""}
            </td>
            <td class="num">${ms(r.meanLatencyMs)}</td>
          </tr>`,
      )}
    </tbody>
  </table>` as Html;
}

export function overviewPage(o: Overview): Html {
  const t = o.totals;
  const labelFmt = o.range === "hour" ? "minute" : o.range === "day" ? "hour" : "day";
  const chartData = {
    unit: labelFmt,
    t: o.series.map((p) => p.t),
    requests: o.series.map((p) => p.requests),
    errors: o.series.map((p) => p.errors),
    inputTokens: o.series.map((p) => p.inputTokens),
    outputTokens: o.series.map((p) => p.outputTokens),
    costUsd: o.series.map((p) => Math.round(p.costUsd * 1e6) / 1e6),
    errorRate: o.series.map((p) => (p.requests > 0 ? Math.round((1000 * p.errors) / p.requests) / 10 : 0)),
  };
  return html` <nav class="tabs" aria-label="Time range">
      ${RANGES.map((r) => html`<a href="/console/overview?range=${r}" ${r === o.range ? html`aria-current="page"` : ""}>${RANGE_LABEL[r]}</a>`)}
    </nav>
    <section class="cards" aria-label="Totals">
      <div class="card"><span class="label">Requests</span><span class="value" id="total-requests">${count(t.requests)}</span></div>
      <div class="card">
        <span class="label">Tokens in / out</span><span class="value">${count(t.inputTokens)} / ${count(t.outputTokens)}</span>
      </div>
      <div class="card">
        <span class="label">Cost</span
        ><span class="value">${usd(t.costUsd)}</span>${t.unpriced > 0 ? html`<span class="flag">${count(t.unpriced)} unpriced</span>` : ""}
      </div>
      <div class="card"><span class="label">Error rate</span><span class="value">${percent(t.errors, t.requests)}</span></div>
    </section>
    <script type="application/json" id="overview-data">
      ${raw(jsonForScript(chartData))}
    </script>
    <section class="charts" aria-label="Charts">
      <figure>
        <figcaption>Requests</figcaption>
        <div class="chart-box"><canvas id="chart-requests" data-chart="requests" role="img" aria-label="Requests over time"></canvas></div>
      </figure>
      <figure>
        <figcaption>Tokens in / out</figcaption>
        <div class="chart-box"><canvas id="chart-tokens" data-chart="tokens" role="img" aria-label="Tokens over time"></canvas></div>
      </figure>
      <figure>
        <figcaption>Cost (USD)</figcaption>
        <div class="chart-box"><canvas id="chart-cost" data-chart="cost" role="img" aria-label="Cost over time"></canvas></div>
      </figure>
      <figure>
        <figcaption>Error rate (%)</figcaption>
        <div class="chart-box"><canvas id="chart-errors" data-chart="errors" role="img" aria-label="Error rate over time"></canvas></div>
      </figure>
    </section>
    <div class="two">
      ${topTable("Top keys", "Key", o.topKeys, (r) => `/console/usage?group_by=day&key=${encodeURIComponent(r.group)}`)}
      ${topTable("Top models", "Model", o.topModels, (r) => `/console/usage?group_by=day&model=${encodeURIComponent(r.group)}`)}
    </div>` as Html;
}
