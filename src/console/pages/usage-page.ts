// Usage: by key, model or day over a date range, filtered by key and model; a chart of cost and
// requests per group, the table (unpriced usage flagged) and a CSV export of the same rows.
import { html, raw } from "hono/html";
import type { AggregateRow, KeyRecord } from "../../store/store.ts";
import { count, jsonForScript, ms, usd } from "../format.ts";
import type { UsageFilter } from "../usage-data.ts";
import type { Html } from "./layout.ts";

export function usagePage(p: { filter: UsageFilter; rows: AggregateRow[]; keys: KeyRecord[] }): Html {
  const f = p.filter;
  const qs = new URLSearchParams({
    from: f.from,
    to: f.to,
    group_by: f.groupBy,
    ...(f.key ? { key: f.key } : {}),
    ...(f.model ? { model: f.model } : {}),
  });
  const unpriced = p.rows.reduce((a, r) => a + r.unpricedRequests, 0);
  const chart = {
    labels: p.rows.map((r) => (r.name ? `${r.name} (${r.group})` : r.group)),
    requests: p.rows.map((r) => r.requests),
    costUsd: p.rows.map((r) => Math.round(r.costUsd * 1e6) / 1e6),
  };
  return html` <form method="get" action="/console/usage" class="filters" aria-label="Filters">
      <span><label for="from">From</label><input type="date" id="from" name="from" value="${f.from}" /></span>
      <span><label for="to">To (inclusive)</label><input type="date" id="to" name="to" value="${f.to}" /></span>
      <span
        ><label for="group_by">Group by</label>
        <select id="group_by" name="group_by">
          ${(["key", "model", "day"] as const).map((g) => html`<option value="${g}" ${g === f.groupBy ? "selected" : ""}>${g}</option>`)}
        </select></span
      >
      <span
        ><label for="key">Key</label>
        <select id="key" name="key">
          <option value="">all keys</option>
          ${p.keys.map((k) => html`<option value="${k.id}" ${k.id === f.key ? "selected" : ""}>${k.name} (${k.id})</option>`)}
        </select></span
      >
      <span><label for="model">Model</label><input id="model" name="model" value="${f.model}" placeholder="any" /></span>
      <button type="submit">Apply</button>
      <a class="button" id="csv-export" href="/console/usage.csv?${qs.toString()}" download>Export CSV</a>
    </form>
    ${unpriced > 0 ? html`<p class="flash warn" role="status">${count(unpriced)} requests have no price (unknown model price): their cost is not included, so totals are lower bounds.</p>` : ""}
    <script type="application/json" id="usage-data">
      ${raw(jsonForScript(chart))}
    </script>
    <figure class="wide">
      <figcaption>Cost and requests by ${f.groupBy}</figcaption>
      <div class="chart-box"><canvas id="chart-usage" data-chart="usage" role="img" aria-label="Usage chart"></canvas></div>
    </figure>
    <table>
      <caption>
        Usage by ${f.groupBy}, ${f.from} to ${f.to}
      </caption>
      <thead>
        <tr>
          <th scope="col">${f.groupBy}</th>
          <th scope="col" class="num">Requests</th>
          <th scope="col" class="num">Errors</th>
          <th scope="col" class="num">Input</th>
          <th scope="col" class="num">Output</th>
          <th scope="col" class="num">Cache read / write</th>
          <th scope="col" class="num">Cost</th>
          <th scope="col" class="num">Mean latency</th>
        </tr>
      </thead>
      <tbody>
        ${
          p.rows.length === 0
            ? html`<tr>
                <td colspan="8" class="empty">No usage in this range.</td>
              </tr>`
            : ""
        }
        ${p.rows.map(
          (r) =>
            html`<tr>
              <td>${r.name ? html`${r.name} <code>${r.group}</code>` : html`<code>${r.group}</code>`}</td>
              <td class="num">${count(r.requests)}</td>
              <td class="num">${count(r.errors)}</td>
              <td class="num">${count(r.inputTokens)}</td>
              <td class="num">${count(r.outputTokens)}</td>
              <td class="num">${count(r.cacheReadTokens)} / ${count(r.cacheWriteTokens)}</td>
              <td class="num">
                ${usd(r.costUsd)}${r.unpricedRequests > 0 ? html` <span class="flag unpriced">${r.unpricedRequests} unpriced</span>` : ""}
              </td>
              <td class="num">${ms(r.meanLatencyMs)}</td>
            </tr>`,
        )}
      </tbody>
    </table>` as Html;
}
