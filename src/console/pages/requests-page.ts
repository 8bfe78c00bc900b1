// Requests: this process's last finished requests (no bodies), filterable; console.js polls
// /console/requests/feed for newer ones and adds them at the top.
import { html } from "hono/html";
import type { RecentFilter, RecentRequest } from "../recent-requests.ts";
import { count, ms, usd, utc } from "../format.ts";
import type { Html } from "./layout.ts";

export function requestRow(r: RecentRequest, keyNames: ReadonlyMap<string, string>): Html {
  const keyName = r.keyId ? keyNames.get(r.keyId) : undefined;
  return html`<tr data-seq="${r.seq}" data-request-id="${r.requestId}">
    <td>${utc(r.ts)}</td>
    <td>${r.keyId ? html`${keyName ?? ""} <code>${r.keyId}</code>` : html`<span class="muted">none</span>`}</td>
    <td>${r.endpoint ?? html`<code>${r.method} ${r.path}</code>`}</td>
    <td>${r.model ? html`<code>${r.model}</code>` : "—"}</td>
    <td class="num"><span class="status s${Math.floor(r.status / 100)}xx">${r.status}</span></td>
    <td class="num">${ms(r.latencyMs)}</td>
    <td class="num">${ms(r.ttftMs)}</td>
    <td class="num">${count(r.inputTokens)} / ${count(r.outputTokens)}</td>
    <td class="num">${r.endpoint ? usd(r.costUsd) : "—"}</td>
    <td>${r.errorType ?? ""}</td>
  </tr>` as Html;
}

export function requestsPage(p: {
  rows: RecentRequest[];
  filter: RecentFilter;
  capacity: number;
  keyNames: ReadonlyMap<string, string>;
}): Html {
  const f = p.filter;
  const last = p.rows[0]?.seq ?? 0;
  return html` <form method="get" action="/console/requests" class="filters" aria-label="Filters" id="requests-filter">
      <span><label for="f-key">Key id</label><input id="f-key" name="key" value="${f.keyId ?? ""}" placeholder="vk_…" /></span>
      <span><label for="f-model">Model</label><input id="f-model" name="model" value="${f.model ?? ""}" /></span>
      <span
        ><label for="f-status">Status</label><input id="f-status" name="status" value="${f.status ?? ""}" placeholder="2xx, 429…"
      /></span>
      <span
        ><label for="f-endpoint">Endpoint</label
        ><input id="f-endpoint" name="endpoint" value="${f.endpoint ?? ""}" placeholder="chat.completions"
      /></span>
      <button type="submit">Apply</button>
      <label class="check"><input type="checkbox" id="live" checked /> Live</label>
    </form>
    <p class="muted">The last ${count(p.capacity)} requests of this gateway process (in memory; request bodies are never kept).</p>
    <div class="scroll">
      <table id="requests" data-last-seq="${last}">
        <caption>
          Recent requests
        </caption>
        <thead>
          <tr>
            <th scope="col">Time (UTC)</th>
            <th scope="col">Key</th>
            <th scope="col">Endpoint</th>
            <th scope="col">Model</th>
            <th scope="col" class="num">Status</th>
            <th scope="col" class="num">Latency</th>
            <th scope="col" class="num">TTFT</th>
            <th scope="col" class="num">Tokens in / out</th>
            <th scope="col" class="num">Cost</th>
            <th scope="col">Error</th>
          </tr>
        </thead>
        <tbody>
          ${
            p.rows.length === 0
              ? html`<tr class="empty-row">
                  <td colspan="10" class="empty">No requests yet.</td>
                </tr>`
              : ""
          }
          ${p.rows.map((r) => requestRow(r, p.keyNames))}
        </tbody>
      </table>
    </div>` as Html;
}
