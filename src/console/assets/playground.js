// Playground: streams /v1/chat/completions with the key typed into the page (it never leaves this
// page except to the gateway itself), then reads the request's cost from the console's feed.
"use strict";
(function () {
  const $ = (id) => document.getElementById(id);
  const form = $("playground");
  if (!form) return;
  const set = (id, v) => ($(id).textContent = v);
  const auth = () => ({ authorization: "Bearer " + $("pg-key").value.trim() });

  async function loadModels() {
    const select = $("pg-model");
    set("pg-status", "loading models…");
    const res = await fetch("/v1/models", { headers: auth() });
    const body = await res.json().catch(() => ({}));
    if (!res.ok) {
      set("pg-status", res.status + " " + (body.error?.message ?? res.statusText));
      return;
    }
    select.replaceChildren();
    const chat = (body.data ?? []).filter((m) => !/embed|rerank|canvas|image|titan-image|stable/i.test(m.id));
    for (const m of chat) {
      const o = document.createElement("option");
      o.value = m.id;
      o.textContent = m.id;
      select.append(o);
    }
    set("pg-status", chat.length + " models this key may use");
  }

  async function send(e) {
    e.preventDefault();
    const out = $("pg-output");
    out.textContent = "";
    for (const id of ["pg-ttft", "pg-latency", "pg-tokens", "pg-cost", "pg-request-id"]) set(id, "—");
    set("pg-status", "sending…");
    $("pg-send").disabled = true;
    const started = performance.now();
    try {
      const res = await fetch("/v1/chat/completions", {
        method: "POST",
        headers: Object.assign({ "content-type": "application/json" }, auth()),
        body: JSON.stringify({
          model: $("pg-model").value,
          stream: true,
          stream_options: { include_usage: true },
          messages: [{ role: "user", content: $("pg-message").value }],
        }),
      });
      const requestId = res.headers.get("x-request-id") ?? "";
      set("pg-request-id", requestId);
      if (!res.ok || !res.body) {
        const body = await res.json().catch(() => ({}));
        set("pg-status", res.status + " " + (body.error?.code ?? "") + ": " + (body.error?.message ?? res.statusText));
        set("pg-latency", Math.round(performance.now() - started) + " ms");
        return;
      }
      set("pg-status", String(res.status));
      const reader = res.body.pipeThrough(new TextDecoderStream()).getReader();
      let buf = "";
      let first = true;
      for (;;) {
        const { value, done } = await reader.read();
        if (done) break;
        buf += value;
        let cut;
        while ((cut = buf.indexOf("\n\n")) >= 0) {
          const event = buf.slice(0, cut);
          buf = buf.slice(cut + 2);
          for (const line of event.split("\n")) {
            if (!line.startsWith("data: ") || line === "data: [DONE]") continue;
            const chunk = JSON.parse(line.slice(6));
            if (chunk.error) {
              set("pg-status", "error: " + chunk.error.message);
              continue;
            }
            const text = chunk.choices?.[0]?.delta?.content;
            if (text) {
              if (first) {
                set("pg-ttft", Math.round(performance.now() - started) + " ms");
                first = false;
              }
              out.textContent += text;
            }
            if (chunk.usage) set("pg-tokens", chunk.usage.prompt_tokens + " / " + chunk.usage.completion_tokens);
          }
        }
      }
      set("pg-latency", Math.round(performance.now() - started) + " ms");
      // The cost is what the gateway recorded for this request (its price table, its region).
      for (let i = 0; i < 10 && requestId; i++) {
        const feed = await fetch("/console/requests/feed?request_id=" + encodeURIComponent(requestId), { credentials: "same-origin" });
        const rows = feed.ok ? (await feed.json()).rows : [];
        if (rows.length > 0) {
          const c = rows[0].costUsd;
          set("pg-cost", c === null ? "unpriced" : "$" + c.toFixed(6));
          break;
        }
        await new Promise((r) => setTimeout(r, 200));
      }
    } catch (err) {
      set("pg-status", "failed: " + err.message);
    } finally {
      $("pg-send").disabled = false;
    }
  }

  $("pg-load").addEventListener("click", () => void loadModels());
  form.addEventListener("submit", (e) => void send(e));
})();
