// Seeded fuzzing of /v1/chat/completions: 1,200 mutations of valid requests must never produce a
// 5xx, a hang, or an error that is not OpenAI-shaped.
import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import { openaiSchemaErrors } from "./helpers/openapi-schemas.ts";
import { startGateway } from "./helpers/gateway.ts";
import type { TestGateway } from "./helpers/gateway.ts";

/** mulberry32: small, seeded, reproducible. */
function rng(seed: number) {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const PNG = "data:image/png;base64,iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8BQDwAEhQGAhKmMIQAAAABJRU5ErkJggg==";
const SEEDS: Record<string, unknown>[] = [
  { model: "amazon.nova-lite-v1:0", messages: [{ role: "user", content: "hello" }] },
  {
    model: "anthropic.claude-sonnet-4-5-20250929-v1:0",
    messages: [
      { role: "system", content: "s" },
      {
        role: "user",
        content: [
          { type: "text", text: "hi" },
          { type: "image_url", image_url: { url: PNG } },
        ],
      },
    ],
    temperature: 0.3,
    max_tokens: 50,
    stream: true,
  },
  {
    model: "amazon.nova-pro-v1:0",
    messages: [
      { role: "user", content: "weather?" },
      {
        role: "assistant",
        content: null,
        tool_calls: [{ id: "call_1", type: "function", function: { name: "w", arguments: '{"c":"x"}' } }],
      },
      { role: "tool", tool_call_id: "call_1", content: "sunny" },
    ],
    tools: [
      {
        type: "function",
        function: { name: "w", description: "d", parameters: { type: "object", properties: { c: { type: "string" } } } },
      },
    ],
    tool_choice: "auto",
    stream_options: { include_usage: true },
  },
  {
    model: "mistral.mistral-large-2402-v1:0",
    messages: [
      { role: "developer", content: "d" },
      { role: "user", content: "x" },
    ],
    stop: ["a", "b"],
    n: 2,
    top_p: 0.5,
  },
];

const WEIRD: unknown[] = [
  null,
  true,
  false,
  0,
  -1,
  1.5,
  1e308,
  -1e308,
  "",
  " ",
  "\u0000",
  "💥".repeat(50),
  "x".repeat(5000),
  [],
  [1, 2],
  {},
  { a: { b: { c: [] } } },
  "gpt-4o",
  "user",
  "assistant",
  "tool",
  "function",
  "none",
  "required",
  "data:image/png;base64,AAAA",
  "data:,",
  "[DONE]",
];

function pick<T>(r: () => number, xs: T[]): T {
  return xs[Math.floor(r() * xs.length)]!;
}

function paths(v: unknown, prefix: (string | number)[] = [], out: (string | number)[][] = []): (string | number)[][] {
  out.push(prefix);
  if (Array.isArray(v)) v.forEach((x, i) => paths(x, [...prefix, i], out));
  else if (v && typeof v === "object") for (const [k, x] of Object.entries(v)) paths(x, [...prefix, k], out);
  return out;
}

function mutate(seed: unknown, r: () => number): unknown {
  const doc = structuredClone(seed) as Record<string, unknown>;
  const n = 1 + Math.floor(r() * 3);
  for (let i = 0; i < n; i++) {
    const all = paths(doc).filter((p) => p.length > 0);
    if (all.length === 0) break;
    const path = pick(r, all);
    let parent: any = doc;
    for (const k of path.slice(0, -1)) parent = parent[k];
    const key = path.at(-1)!;
    if (parent === null || typeof parent !== "object") continue;
    const op = r();
    if (op < 0.3) parent[key] = pick(r, WEIRD);
    else if (op < 0.45) {
      if (Array.isArray(parent)) parent.splice(Number(key), 1);
      else delete parent[key];
    } else if (op < 0.6)
      parent[key] = structuredClone(
        pick(
          r,
          all.map((p) => p.reduce((o: any, k) => o?.[k], doc)),
        ),
      );
    else if (op < 0.7 && Array.isArray(parent)) parent.push(structuredClone(parent[Number(key)]));
    else if (op < 0.8) parent[`x_${Math.floor(r() * 1000)}`] = pick(r, WEIRD);
    else if (op < 0.9 && typeof parent[key] === "string")
      parent[key] = parent[key].split("").reverse().join("") + pick(r, ["'", '"', "\\", "{", "\n"]);
    else parent[key] = typeof parent[key] === "number" ? -parent[key] * 1000 : String(parent[key]);
  }
  return doc;
}

describe("chat completions fuzzing", () => {
  let gw: TestGateway;
  before(async () => {
    gw = await startGateway({ env: { LOG_LEVEL: "warn", UPSTREAM_RETRY_MAX_TIME: "0" } });
  });
  after(() => gw.close());

  it("1,200 seeded mutations: no 5xx, no hang, only OpenAI-shaped errors", async () => {
    const r = rng(20261127);
    const statuses = new Map<number, number>();
    for (let i = 0; i < 1200; i++) {
      const body = mutate(pick(r, SEEDS), r);
      const raw = r() < 0.03 ? JSON.stringify(body).slice(0, -3) : JSON.stringify(body);
      const res = await gw.request("/v1/chat/completions", {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: raw,
        signal: AbortSignal.timeout(10_000),
      });
      const text = await res.text();
      statuses.set(res.status, (statuses.get(res.status) ?? 0) + 1);
      assert.ok(res.status < 500, `#${i} status ${res.status} for ${raw.slice(0, 400)}\n${text}`);
      if (res.status >= 400) {
        const errs = openaiSchemaErrors("ErrorResponse", JSON.parse(text));
        assert.deepEqual(errs, [], `#${i} ${text}`);
      } else if (res.headers.get("content-type")?.startsWith("text/event-stream")) {
        assert.ok(text.endsWith("data: [DONE]\n\n") || /data: \{"error"/.test(text), `#${i} stream ended cleanly: ${text.slice(-200)}`);
      }
    }
    // The mutations must exercise both acceptance and rejection, or the test proves nothing.
    assert.ok((statuses.get(200) ?? 0) > 100, JSON.stringify([...statuses]));
    assert.ok((statuses.get(400) ?? 0) > 100, JSON.stringify([...statuses]));
  });
});
