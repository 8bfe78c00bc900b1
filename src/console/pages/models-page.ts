// Models: the catalog as the gateway serves it, with the refresh's health.
import { html } from "hono/html";
import type { CatalogStatus } from "../../models/model-catalog.ts";
import { count, utc } from "../format.ts";
import type { ModelRow } from "../model-rows.ts";
import type { Html } from "./layout.ts";

const price = (v: number | undefined) => (v === undefined ? html`<span class="flag">unpriced</span>` : `$${v}`);

export function modelsPage(p: { rows: ModelRow[]; status: CatalogStatus; filter: string }): Html {
  const s = p.status;
  const healthy = s.loaded && !s.lastError;
  const q = p.filter.toLowerCase();
  const rows = q
    ? p.rows.filter((r) => `${r.id} ${r.provider} ${r.name ?? ""} ${r.kind} ${r.aliases.join(" ")}`.toLowerCase().includes(q))
    : p.rows;
  return html` <p class="flash ${healthy ? "ok" : "error"}" role="status" id="catalog-status">
      Catalog
      ${healthy ? "healthy" : s.loaded ? "stale: the last refresh failed (see the gateway log); the previous list is served" : "not loaded yet: Bedrock has not answered"}
      · ${count(s.count)} models · last refresh ${s.lastRefresh ? utc(Date.parse(s.lastRefresh)) : "never"}
    </p>
    <form method="get" action="/console/models" class="filters">
      <span><label for="q">Filter</label><input id="q" name="q" value="${p.filter}" placeholder="claude, nova, embedding…" /></span>
      <button type="submit">Apply</button>
    </form>
    <div class="scroll">
      <table class="models">
        <caption>
          ${rows.length} models
        </caption>
        <thead>
          <tr>
            <th scope="col">Model</th>
            <th scope="col">Provider</th>
            <th scope="col">Kind</th>
            <th scope="col">Input</th>
            <th scope="col">Streaming</th>
            <th scope="col">Tools</th>
            <th scope="col">Reasoning</th>
            <th scope="col" class="num">Max output</th>
            <th scope="col">Inference profiles</th>
            <th scope="col">Aliases</th>
            <th scope="col" class="num">$ / M in</th>
            <th scope="col" class="num">$ / M out</th>
            <th scope="col">Endpoints</th>
          </tr>
        </thead>
        <tbody>
          ${rows.map(
            (r) =>
              html`<tr>
                <td>
                  <code>${r.id}</code
                  >${r.name ? html`<br /><span class="muted">${r.name}</span>` : ""}${r.source !== "foundation-model" ? html`<br /><span class="muted">${r.source}</span>` : ""}
                </td>
                <td>${r.provider}</td>
                <td>${r.kind}</td>
                <td>${r.modalities.join(", ").toLowerCase() || "—"}</td>
                <td>${r.streaming}</td>
                <td>${r.tools ? "yes" : "no"}</td>
                <td>${r.reasoning}</td>
                <td class="num">${r.maxOutputTokens === undefined ? "—" : count(r.maxOutputTokens)}</td>
                <td>${r.profiles.length ? r.profiles.map((id) => html`<code>${id}</code> `) : "—"}</td>
                <td>${r.aliases.length ? r.aliases.map((a) => html`<code>${a}</code> `) : "—"}</td>
                <td class="num">${r.kind === "chat" || r.kind === "embedding" ? price(r.inputPerM) : "—"}</td>
                <td class="num">${r.kind === "chat" ? price(r.outputPerM) : "—"}</td>
                <td>${r.endpoints.map((e) => html`<code>${e}</code> `)}</td>
              </tr>`,
          )}
        </tbody>
      </table>
    </div>
    <p class="muted">
      Context windows are not in Bedrock's model listing and are not shown; max output is the gateway's capability table.
    </p>` as Html;
}
