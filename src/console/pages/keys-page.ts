// Keys: every key with its status, allow-list, limits, budget and this period's spend (a <meter>
// against the budget), recent 429s, and forms for everything the CLI and admin API do: create
// (secret shown once, with a copy button), edit limits, enable/disable, rotate, revoke.
import { html } from "hono/html";
import type { KeyRecord } from "../../store/store.ts";
import { count, day, usd, utc } from "../format.ts";
import type { Html } from "./layout.ts";

export interface KeyRow {
  key: KeyRecord;
  status: string;
  /** Spend in the budget's current period (or this month without a budget). */
  spend: number;
  /** 429 answers among this process's recent requests. */
  throttled: number;
}

const csrfField = (csrf: string) => html`<input type="hidden" name="_csrf" value="${csrf}" />`;

function limitsFields(k: KeyRecord | undefined): Html {
  const id = k?.id ?? "new";
  return html` <label for="models-${id}">Models (comma-separated globs; blank = all)</label>
    <input id="models-${id}" name="models" value="${k?.models?.join(", ") ?? ""}" placeholder="anthropic.*, us.amazon.nova-*" />
    <div class="row">
      <span><label for="rpm-${id}">RPM</label><input id="rpm-${id}" name="rpm" inputmode="numeric" value="${k?.rpm ?? ""}" /></span>
      <span><label for="tpm-${id}">TPM</label><input id="tpm-${id}" name="tpm" inputmode="numeric" value="${k?.tpm ?? ""}" /></span>
      <span
        ><label for="budget-${id}">Budget (USD)</label
        ><input id="budget-${id}" name="budget_usd" inputmode="decimal" value="${k?.budget?.usd ?? ""}"
      /></span>
      <span
        ><label for="period-${id}">per</label>
        <select id="period-${id}" name="budget_period">
          <option value="month" ${k?.budget?.period !== "day" ? "selected" : ""}>month</option>
          <option value="day" ${k?.budget?.period === "day" ? "selected" : ""}>day</option>
        </select></span
      >
      <span
        ><label for="expires-${id}">Expires (YYYY-MM-DD)</label
        ><input id="expires-${id}" name="expires_at" value="${k?.expiresAt ? day(k.expiresAt) : ""}"
      /></span>
    </div>
    <label for="metadata-${id}">Metadata (name=value, comma-separated)</label>
    <input
      id="metadata-${id}"
      name="metadata"
      value="${
        k
          ? Object.entries(k.metadata)
              .map(([n, v]) => `${n}=${v}`)
              .join(", ")
          : ""
      }"
      placeholder="team=ml, owner=ana"
    />` as Html;
}

export function keysPage(p: {
  rows: KeyRow[];
  csrf: string;
  secret?: { id: string; name: string; secret: string; rotated: boolean };
}): Html {
  return html` ${
      p.secret
        ? html`<section class="secret" aria-labelledby="secret-title">
            <h2 id="secret-title">${p.secret.rotated ? "New secret for" : "Secret for"} ${p.secret.name} <code>${p.secret.id}</code></h2>
            <p>Copy it now: it is shown this once and cannot be recovered (only its hash is stored).</p>
            <div class="row">
              <input id="new-secret" class="mono" readonly value="${p.secret.secret}" aria-label="Secret" />
              <button type="button" data-copy="new-secret">Copy</button>
            </div>
          </section>`
        : ""
    }
    <details class="panel" ${p.rows.length === 0 ? "open" : ""}>
      <summary>Create a key</summary>
      <form method="post" action="/console/keys" class="stack">
        ${csrfField(p.csrf)}
        <label for="name-new">Name</label>
        <input id="name-new" name="name" required maxlength="200" />
        ${limitsFields(undefined)}
        <button type="submit">Create key</button>
      </form>
    </details>
    <table class="keys">
      <caption>
        ${p.rows.length === 1 ? "1 key" : `${p.rows.length} keys`}
      </caption>
      <thead>
        <tr>
          <th scope="col">Key</th>
          <th scope="col">Status</th>
          <th scope="col">Models</th>
          <th scope="col" class="num">RPM</th>
          <th scope="col" class="num">TPM</th>
          <th scope="col">Budget and spend this period</th>
          <th scope="col" class="num">Recent 429s</th>
          <th scope="col">Created</th>
          <th scope="col">Actions</th>
        </tr>
      </thead>
      <tbody>
        ${
          p.rows.length === 0
            ? html`<tr>
                <td colspan="9" class="empty">No keys yet.</td>
              </tr>`
            : ""
        }
        ${p.rows.map(
          ({ key: k, status, spend, throttled }) =>
            html`<tr data-key-id="${k.id}">
              <td>
                <strong>${k.name}</strong><br /><code>${k.id}</code><br /><code class="hint">${k.hint}</code>${
                  Object.keys(k.metadata).length > 0
                    ? html`<br /><span class="muted"
                          >${Object.entries(k.metadata)
                            .map(([n, v]) => `${n}=${v}`)
                            .join(", ")}</span
                        >`
                    : ""
                }
              </td>
              <td><span class="status ${status}">${status}</span></td>
              <td>${k.models === null ? html`<em>all</em>` : k.models.join(", ")}</td>
              <td class="num">${k.rpm === null ? "—" : count(k.rpm)}</td>
              <td class="num">${k.tpm === null ? "—" : count(k.tpm)}</td>
              <td>
                ${
                  k.budget
                    ? html`<meter
                          min="0"
                          max="${k.budget.usd}"
                          low="${k.budget.usd * 0.8}"
                          high="${k.budget.usd * 0.95}"
                          optimum="0"
                          value="${Math.min(spend, k.budget.usd)}"
                          aria-label="Spend against budget"
                        ></meter>
                        <span>${usd(spend)} of ${usd(k.budget.usd)} / ${k.budget.period}</span>`
                    : html`<span>${usd(spend)} this month, no budget</span>`
                }
              </td>
              <td class="num">${throttled > 0 ? html`<span class="flag">${throttled}</span>` : "0"}</td>
              <td>${utc(k.createdAt)}</td>
              <td class="actions">
                ${
                  k.revokedAt === null
                    ? html`<details>
                          <summary>Edit</summary>
                          <form method="post" action="/console/keys/${k.id}" class="stack">
                            ${csrfField(p.csrf)}
                            <label for="name-${k.id}">Name</label><input id="name-${k.id}" name="name" value="${k.name}" maxlength="200" />
                            ${limitsFields(k)}
                            <input type="hidden" name="enabled_field" value="1" />
                            <label class="check"><input type="checkbox" name="enabled" ${k.enabled ? "checked" : ""} /> Enabled</label>
                            <button type="submit">Save</button>
                          </form>
                        </details>
                        <form method="post" action="/console/keys/${k.id}/rotate">
                          ${csrfField(p.csrf)}<button type="submit" data-confirm="Rotate ${k.name}? The old secret stops working.">
                            Rotate
                          </button>
                        </form>
                        <form method="post" action="/console/keys/${k.id}/revoke">
                          ${csrfField(p.csrf)}<button type="submit" class="danger" data-confirm="Revoke ${k.name} for good?">Revoke</button>
                        </form>`
                    : html`<span class="muted">revoked ${utc(k.revokedAt)}</span>`
                }
              </td>
            </tr>`,
        )}
      </tbody>
    </table>` as Html;
}
