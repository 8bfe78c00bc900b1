// Playground: a chat message to any model the given key may use, streamed through the gateway's
// own /v1/chat/completions (the key's allow-list, limits and usage apply exactly as for a client).
// The key is typed or pasted here and kept only in this page; the model list is GET /v1/models
// with that key, so it shows what the key may use.
import { html } from "hono/html";
import type { Html } from "./layout.ts";

export function playgroundPage(): Html {
  return html` <form id="playground" class="stack" aria-label="Playground">
      <label for="pg-key">API key (its secret, as a client would send it)</label>
      <div class="row">
        <input id="pg-key" type="password" autocomplete="off" class="mono" required />
        <button type="button" id="pg-load">Load models</button>
      </div>
      <label for="pg-model">Model</label>
      <select id="pg-model" required>
        <option value="">load the key's models first</option>
      </select>
      <label for="pg-message">Message</label>
      <textarea id="pg-message" rows="4" required>Say hello in five words.</textarea>
      <div class="row"><button type="submit" id="pg-send">Send</button></div>
      <noscript><p class="flash error">The playground needs JavaScript.</p></noscript>
    </form>
    <section aria-live="polite" class="panel">
      <h2>Answer</h2>
      <pre id="pg-output" class="output"></pre>
      <dl class="stats">
        <dt>Status</dt>
        <dd id="pg-status">—</dd>
        <dt>Time to first token</dt>
        <dd id="pg-ttft">—</dd>
        <dt>Latency</dt>
        <dd id="pg-latency">—</dd>
        <dt>Tokens in / out</dt>
        <dd id="pg-tokens">—</dd>
        <dt>Cost</dt>
        <dd id="pg-cost">—</dd>
        <dt>Request id</dt>
        <dd id="pg-request-id">—</dd>
      </dl>
    </section>` as Html;
}
