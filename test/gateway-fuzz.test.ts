// Issue 14, item 19: seeded fuzzing of every front door through HTTP against a real gateway and
// the Bedrock test double. 5,200 mutations of valid chat, messages (and count_tokens), responses
// (and input_tokens), embeddings, images and rerank requests: field deletion, type swaps, deep
// nesting, __proto__/constructor keys, lone surrogates, CR/LF, huge strings and arrays, private
// and file: URLs, bad base64, extreme n / max_tokens, truncated and doubled JSON, BOM, invalid
// UTF-8, wrong content types, odd header names and values. Then 300 requests while the double is
// told to fail. Asserts: no status >= 500 except the documented upstream-mapped 502/503/504 while
// the double fails, no "unexpected error" logged, no request over 10 s, every error body in its
// front door's shape, the process heap bounded after the run.
//
// Reproduce a failure: the message names the case number; BGW_FUZZ_SEED=<n> explores other seeds.
import assert from "node:assert/strict";
import { setFlagsFromString } from "node:v8";
import { runInNewContext } from "node:vm";
import { after, before, describe, it } from "node:test";
import { anthropicSchemaErrors, openaiSchemaErrors } from "./helpers/openapi-schemas.ts";
import { startGateway, TEST_API_KEY } from "./helpers/gateway.ts";
import type { TestGateway } from "./helpers/gateway.ts";

const SEED = Number(process.env.BGW_FUZZ_SEED ?? 20261207);
const MUTATIONS = Number(process.env.BGW_FUZZ_N ?? 5_200);
const FAILING_UPSTREAM = 300;
const CONCURRENCY = 8;
const HANG_MS = 10_000;

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
type Rand = () => number;
const pick = <T>(r: Rand, xs: readonly T[]): T => xs[Math.floor(r() * xs.length)]!;
const int = (r: Rand, lo: number, hi: number) => lo + Math.floor(r() * (hi - lo + 1));

const PNG = "data:image/png;base64,iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8BQDwAEhQGAhKmMIQAAAABJRU5ErkJggg==";
const CLAUDE = "anthropic.claude-sonnet-4-5-20250929-v1:0";
const NOVA = "amazon.nova-lite-v1:0";
const tool = {
  type: "function",
  function: { name: "w", description: "d", parameters: { type: "object", properties: { c: { type: "string" } } } },
};

interface Endpoint {
  path: string;
  shape: "openai" | "anthropic";
  seeds: Record<string, unknown>[];
  /** Calls Converse (so the failing-upstream phase applies). */
  converse: boolean;
}

const ENDPOINTS: Endpoint[] = [
  {
    path: "/v1/chat/completions",
    shape: "openai",
    converse: true,
    seeds: [
      { model: NOVA, messages: [{ role: "user", content: "hello" }] },
      {
        model: CLAUDE,
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
        tools: [tool],
        tool_choice: "auto",
        n: 2,
        response_format: {
          type: "json_schema",
          json_schema: { name: "o", schema: { type: "object", properties: { a: { type: "string" } } } },
        },
      },
    ],
  },
  {
    path: "/v1/messages",
    shape: "anthropic",
    converse: true,
    seeds: [
      { model: CLAUDE, max_tokens: 64, messages: [{ role: "user", content: "hi" }] },
      {
        model: CLAUDE,
        max_tokens: 2048,
        stream: true,
        system: [{ type: "text", text: "be brief", cache_control: { type: "ephemeral" } }],
        thinking: { type: "enabled", budget_tokens: 1024 },
        tools: [{ name: "w", description: "d", input_schema: { type: "object", properties: { c: { type: "string" } } } }],
        messages: [
          {
            role: "user",
            content: [
              { type: "text", text: "look" },
              { type: "image", source: { type: "base64", media_type: "image/png", data: PNG.split(",")[1] } },
            ],
          },
        ],
      },
    ],
  },
  {
    path: "/v1/messages/count_tokens",
    shape: "anthropic",
    converse: false,
    seeds: [{ model: CLAUDE, messages: [{ role: "user", content: "count me" }], tools: [{ name: "w", input_schema: { type: "object" } }] }],
  },
  {
    path: "/v1/responses",
    shape: "openai",
    converse: true,
    seeds: [
      { model: NOVA, input: "hi", store: false },
      {
        model: CLAUDE,
        instructions: "be brief",
        input: [
          {
            role: "user",
            content: [
              { type: "input_text", text: "x" },
              { type: "input_image", image_url: PNG },
            ],
          },
        ],
        tools: [{ type: "function", name: "w", parameters: { type: "object", properties: {} } }, { type: "web_search" }],
        stream: true,
        max_output_tokens: 100,
        reasoning: { effort: "low" },
      },
    ],
  },
  { path: "/v1/responses/input_tokens", shape: "openai", converse: false, seeds: [{ model: CLAUDE, input: "count me" }] },
  {
    path: "/v1/embeddings",
    shape: "openai",
    converse: false,
    seeds: [
      { model: "amazon.titan-embed-text-v2:0", input: "hello", dimensions: 256 },
      { model: "cohere.embed-english-v3", input: ["a", "b"], encoding_format: "base64", input_type: "search_query" },
    ],
  },
  {
    path: "/v1/images/generations",
    shape: "openai",
    converse: false,
    seeds: [{ model: "amazon.nova-canvas-v1:0", prompt: "a cat", n: 1, size: "512x512", response_format: "b64_json" }],
  },
  {
    path: "/v1/rerank",
    shape: "openai",
    converse: false,
    seeds: [{ model: "cohere.rerank-v3-5:0", query: "q", documents: ["a", "b", "c"], top_n: 2 }],
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
  [],
  [1, 2],
  {},
  { a: { b: [] } },
  "gpt-4o",
  "user",
  "assistant",
  "tool",
  "none",
  "required",
  "[DONE]",
];
/** A fresh copy: shared objects would let one document's mutations reach into another's. */
const weird = (r: Rand): unknown => structuredClone(pick(r, WEIRD));
const BAD_URLS = [
  "http://127.0.0.1/x.png",
  "http://169.254.169.254/latest/meta-data/",
  "http://[::1]/",
  "http://[::127.0.0.1]/",
  "http://[::ffff:10.0.0.1]/a",
  "http://0x7f.1/",
  "http://localhost:22/",
  "file:///etc/passwd",
  "gopher://127.0.0.1/",
  "ftp://10.0.0.1/a.png",
  "http://user:pw@192.168.1.1/",
  "javascript:alert(1)",
  "//no-scheme",
  "http://[fe80::1%25eth0]/",
  "data:image/png;base64,!!!!",
  "data:image/png;base64,AAAA",
  "data:;base64,",
  `data:image/png;base64,${"A".repeat(20_000)}`,
  "data:text/html,<b>x</b>",
];
const NUMERIC_KEYS = [
  "n",
  "max_tokens",
  "max_completion_tokens",
  "max_output_tokens",
  "top_n",
  "dimensions",
  "temperature",
  "top_p",
  "budget_tokens",
  "max_tokens_per_doc",
  "seed",
];
const EXTREME = [1e9, -1, 0, 2 ** 53, 1.5, 1e308, -0, 128, 2 ** 31, -(2 ** 31), 0.0001];
const ODD_KEYS = [
  "__proto__",
  "constructor",
  "prototype",
  "toString",
  "hasOwnProperty",
  "x\r\nset-cookie: a=b",
  "naïve",
  "k".repeat(2000),
  "\ud800",
  "a b",
  "",
];

/** Paths into a document, iteratively and no deeper than 24 levels (mutations nest far deeper). */
function paths(doc: unknown): (string | number)[][] {
  const out: (string | number)[][] = [];
  const stack: [unknown, (string | number)[]][] = [[doc, []]];
  while (stack.length) {
    const [v, prefix] = stack.pop()!;
    out.push(prefix);
    if (prefix.length >= 24) continue;
    if (Array.isArray(v)) {
      // Huge arrays: a sample of their elements is enough.
      for (let i = 0; i < Math.min(v.length, 8); i++) stack.push([v[i], [...prefix, i]]);
    } else if (v && typeof v === "object") for (const [k, x] of Object.entries(v)) stack.push([x, [...prefix, k]]);
  }
  return out.reverse();
}

/** Deep values are spliced into the JSON text after serialising: JSON.stringify itself recurses
 * (and overflows at a few thousand levels), so the document holds a marker string instead. */
const NEST = /"@@nest:(\d+):(a|o)@@"/g;
function nested(r: Rand, depth: number): string {
  return `@@nest:${depth}:${r() < 0.5 ? "a" : "o"}@@`;
}
function expandNested(text: string): string {
  return text.replace(NEST, (_, d: string, kind: string) => {
    const n = Number(d);
    return kind === "a"
      ? "[".repeat(n) + '"leaf"' + "]".repeat(n)
      : '{"type":"object","properties":{"a":'.repeat(n) + "{}" + "}}".repeat(n);
  });
}

/** An own enumerable property, even for names like __proto__ (which assignment would not create). */
function setOwn(o: object, key: string, value: unknown) {
  Object.defineProperty(o, key, { value, enumerable: true, configurable: true, writable: true });
}

function mutate(seed: Record<string, unknown>, r: Rand): Record<string, unknown> {
  const doc = structuredClone(seed);
  const steps = 1 + Math.floor(r() * 3);
  for (let s = 0; s < steps; s++) {
    const all = paths(doc).filter((p) => p.length > 0);
    if (all.length === 0) break;
    const path = pick(r, all);
    let parent: any = doc;
    for (const k of path.slice(0, -1)) parent = parent[k];
    if (parent === null || typeof parent !== "object") continue;
    const key = path.at(-1)!;
    const cur = parent[key];
    const op = r();
    if (op < 0.14) parent[key] = weird(r);
    else if (op < 0.26) {
      if (Array.isArray(parent)) parent.splice(Number(key), 1);
      else delete parent[key];
    } else if (op < 0.32) parent[key] = nested(r, pick(r, [20, 63, 65, 127, 129, 600, 5_000]));
    else if (op < 0.38 && typeof cur === "string")
      parent[key] = pick(r, [`${cur}\ud800`, `\udfff${cur}`, `${cur}\r\n${cur}`, `${cur}\u0000`, "\ufeff" + cur]);
    else if (op < 0.43)
      parent[key] =
        r() < 0.5 ? "x".repeat(int(r, 30_000, 200_000)) : Array.from({ length: int(r, 1_000, 10_000) }, (_, i) => (i % 2 ? i : "s"));
    else if (op < 0.5 && typeof cur === "string") parent[key] = pick(r, BAD_URLS);
    else if (op < 0.56) {
      const target = Array.isArray(parent) ? doc : parent;
      target[pick(r, NUMERIC_KEYS)] = pick(r, EXTREME);
    } else if (op < 0.62 && Array.isArray(parent)) parent.push(structuredClone(parent[Number(key)]));
    else if (op < 0.68 && typeof cur === "string") parent[key] = "[".repeat(4_000) + "]".repeat(4_000);
    else if (op < 0.76) parent[`x_${Math.floor(r() * 1000)}`] = weird(r);
    else if (op < 0.84 && typeof cur === "string") parent[key] = cur.split("").reverse().join("") + pick(r, ["'", '"', "\\", "{", "\n"]);
    else if (op < 0.92) parent[key] = typeof cur === "number" ? -cur * 1000 : String(cur);
    else
      parent[key] = structuredClone(
        pick(
          r,
          all.filter((p) => p.length < 6).map((p) => p.reduce((o: any, k) => o?.[k], doc)),
        ) ?? null,
      );
  }
  // Media parts with hostile URLs where the front door takes them.
  if (r() < 0.12) {
    const url = pick(r, BAD_URLS);
    const msgs = doc.messages ?? doc.input;
    if (Array.isArray(msgs) && msgs[0] && typeof msgs[0] === "object") {
      const part = () =>
        doc.messages
          ? "max_tokens" in doc
            ? { type: "image", source: { type: "url", url } }
            : { type: "image_url", image_url: { url } }
          : { type: "input_image", image_url: url };
      (msgs[0] as Record<string, unknown>).content = [
        { type: doc.messages ? "text" : "input_text", text: "see" },
        ...Array.from({ length: int(r, 1, 30) }, part),
      ];
    }
  }
  // Keys that are dangerous in JavaScript or in headers, added last (structuredClone would drop them).
  if (r() < 0.15) {
    const objects = paths(doc)
      .map((p) => p.reduce((o: any, k) => o?.[k], doc))
      .filter((v) => v && typeof v === "object" && !Array.isArray(v));
    setOwn(pick(r, objects), pick(r, ODD_KEYS), structuredClone(pick<unknown>(r, [{ polluted: true }, "x", 1, null, { toString: 1 }])));
  }
  return doc;
}

const CONTENT_TYPES = [
  "application/json",
  "application/json",
  "application/json",
  "text/plain",
  "multipart/form-data; boundary=x",
  "application/x-www-form-urlencoded",
  "application/json; charset=utf-16",
  "application/vnd.api+json",
  "application/json;;;",
  "*/*",
  "",
];
const ODD_HEADERS: [string, string][] = [
  ["x-request-id", "x".repeat(300)],
  ["x-request-id", "a b\tc"],
  ["x-request-id", "\u00e9t\u00e9"],
  ["anthropic-version", "garbage"],
  ["anthropic-beta", "a,".repeat(500)],
  ["x-weird_name.~!", "v"],
  ["accept", "application/xml"],
  ["openai-beta", "assistants=v2"],
  ["x-" + "h".repeat(200), "\u00ff".repeat(100)],
  ["authorization", `Bearer ${TEST_API_KEY} extra`],
  ["authorization", "Basic Zm9vOmJhcg=="],
  ["x-api-key", TEST_API_KEY],
  ["content-encoding", "gzip"],
];

interface Case {
  n: number;
  endpoint: Endpoint;
  body: string | Uint8Array;
  headers: Record<string, string>;
  failing: boolean;
}

function makeCase(n: number, r: Rand, failing: boolean): Case {
  const endpoint = failing
    ? pick(
        r,
        ENDPOINTS.filter((e) => e.converse),
      )
    : pick(r, ENDPOINTS);
  const doc = failing ? structuredClone(pick(r, endpoint.seeds)) : mutate(pick(r, endpoint.seeds), r);
  let text = expandNested(JSON.stringify(doc));
  let body: string | Uint8Array = text;
  const headers: Record<string, string> = { "content-type": "application/json", authorization: `Bearer ${TEST_API_KEY}` };
  if (!failing) {
    const t = r();
    if (t < 0.03) text = text.slice(0, Math.floor(r() * text.length));
    else if (t < 0.05) text = text + text;
    else if (t < 0.07) text = "\ufeff" + text;
    else if (t < 0.08) text = pick(r, ["[]", "null", "42", '"str"', "", " ", "{", "}", "[".repeat(200_000)]);
    body = text;
    if (r() < 0.02)
      body = Buffer.concat([Buffer.from(text.slice(0, 20)), Buffer.from([0xff, 0xfe, 0xc3, 0x28]), Buffer.from(text.slice(20))]);
    if (r() < 0.08) headers["content-type"] = pick(r, CONTENT_TYPES);
    if (r() < 0.1) {
      const [k, v] = pick(r, ODD_HEADERS);
      if (k === "x-api-key") delete headers.authorization;
      headers[k] = v;
    }
  }
  return { n, endpoint, body, headers, failing };
}

function errorShapeProblems(endpoint: Endpoint, json: unknown): string[] {
  return endpoint.shape === "anthropic" ? anthropicSchemaErrors("ErrorResponse", json) : openaiSchemaErrors("ErrorResponse", json);
}

function gc(): void {
  setFlagsFromString("--expose-gc");
  (runInNewContext("gc") as () => void)();
}

const UPSTREAM_FAILURES = [
  { exception: "ServiceUnavailableException", message: "down", status: 503 },
  { exception: "InternalServerException", message: "boom", status: 500 },
  { exception: "ModelErrorException", message: "model failed", status: 424 },
  { exception: "ModelTimeoutException", message: "slow", status: 408 },
];
/** What the gateway may answer with 5xx, and only while the double fails. */
const UPSTREAM_CODES = new Set([
  "upstream_unavailable",
  "upstream_error",
  "model_error",
  "upstream_timeout",
  "api_error",
  "overloaded_error",
]);

describe("gateway fuzzing (all front doors)", () => {
  let gw: TestGateway;
  before(async () => {
    gw = await startGateway({ env: { LOG_LEVEL: "warn", UPSTREAM_RETRY_MAX_TIME: "0", METRICS_PUBLIC: "true" } });
    // Compile the schema validators now: compiling them inside the run blocks this process's
    // event loop (the gateway's too) for seconds, which would read as hangs.
    openaiSchemaErrors("ErrorResponse", {});
    anthropicSchemaErrors("ErrorResponse", {});
  });
  after(() => gw.close());

  // About 21 s of CPU (≈25 s on a quiet 2-core machine); the limit leaves room for a heavily
  // shared runner (at load 40 on 2 cores the run took over 4 minutes).
  it(
    `${MUTATIONS} seeded mutations and ${FAILING_UPSTREAM} failing upstream calls: no 5xx, no hang, front-door error shapes, bounded heap`,
    { timeout: 600_000 },
    async () => {
      const r = rng(SEED);
      const cases = Array.from({ length: MUTATIONS }, (_, i) => makeCase(i, r, false));
      const failingCases = Array.from({ length: FAILING_UPSTREAM }, (_, i) => makeCase(MUTATIONS + i, r, true));
      const problems: string[] = [];
      const statuses = new Map<number, number>();
      const byEndpoint = new Map<string, number>();
      let slowest = 0;

      const run = async (c: Case) => {
        const started = Date.now();
        let res: Response;
        let text: string;
        try {
          res = await fetch(gw.url + c.endpoint.path, {
            method: "POST",
            headers: c.headers,
            body: c.body,
            signal: AbortSignal.timeout(HANG_MS),
          });
          text = await res.text();
        } catch (err) {
          const e = err as Error & { cause?: Error };
          problems.push(
            `#${c.n} ${c.endpoint.path}: no answer within ${HANG_MS} ms (${e.name}: ${e.message} ${e.cause?.message ?? ""}) headers ${JSON.stringify(c.headers).slice(0, 200)} body ${String(c.body).slice(0, 150)}`,
          );
          return;
        }
        slowest = Math.max(slowest, Date.now() - started);
        statuses.set(res.status, (statuses.get(res.status) ?? 0) + 1);
        byEndpoint.set(c.endpoint.path, (byEndpoint.get(c.endpoint.path) ?? 0) + 1);
        const show = () =>
          `#${c.n} ${c.endpoint.path} → ${res.status}: ${text.slice(0, 300)} | body ${String(typeof c.body === "string" ? c.body : Buffer.from(c.body).toString("latin1")).slice(0, 200)}`;
        if (res.status >= 400) {
          let json: any;
          try {
            json = JSON.parse(text);
          } catch {
            problems.push(`${show()} (error body is not JSON)`);
            return;
          }
          const shape = errorShapeProblems(c.endpoint, json);
          if (shape.length) problems.push(`${show()} (error shape: ${shape.join("; ")})`);
          const code: string | undefined = json?.error?.code ?? json?.error?.type;
          // Anthropic's front door answers Bedrock's unavailability with 529 overloaded_error, as Anthropic does.
          if (res.status >= 500 && !(c.failing && [502, 503, 504, 529].includes(res.status) && code && UPSTREAM_CODES.has(code)))
            problems.push(show());
        } else if (res.headers.get("content-type")?.startsWith("text/event-stream")) {
          if (/internal_error|unexpected error/.test(text)) problems.push(`${show()} (stream carried an internal error)`);
        } else if (res.status === 200) {
          try {
            JSON.parse(text);
          } catch {
            problems.push(`${show()} (200 body is not JSON)`);
          }
        }
      };

      const pool = async (list: Case[]) => {
        let next = 0;
        await Promise.all(
          Array.from({ length: CONCURRENCY }, async () => {
            while (next < list.length) await run(list[next++]!);
          }),
        );
      };

      // Warm up (catalog, pools, code paths), then measure the heap around the whole run.
      await pool(cases.slice(0, 200));
      gc();
      const heapBefore = process.memoryUsage().heapUsed;
      const t0 = Date.now();
      const cpu0 = process.cpuUsage();
      await pool(cases.slice(200));
      gw.fake.setDefault((req) => ({
        error: UPSTREAM_FAILURES[req.body ? JSON.stringify(req.body).length % UPSTREAM_FAILURES.length : 0]!,
      }));
      await pool(failingCases);
      gw.fake.setDefault({ content: [{ text: "Hello from the Bedrock test double." }] });
      const elapsed = Date.now() - t0;
      const cpu = process.cpuUsage(cpu0);
      gc();
      const heapGrowth = process.memoryUsage().heapUsed - heapBefore;

      const unexpected = gw.logs.filter((l) => l.msg === "unexpected error");
      const summary = `seed ${SEED}, ${elapsed} ms (CPU ${Math.round((cpu.user + cpu.system) / 1000)} ms), slowest ${slowest} ms, heap +${(heapGrowth / 1_048_576).toFixed(1)} MiB, statuses ${JSON.stringify([...statuses].sort((a, b) => a[0] - b[0]))}`;
      console.log(`gateway fuzz: ${summary}`);
      if (process.env.BGW_FUZZ_DUMP) (await import("node:fs")).writeFileSync(process.env.BGW_FUZZ_DUMP, problems.join("\n"));
      assert.deepEqual(problems.slice(0, 8), [], `${problems.length} problems (${summary})`);
      assert.deepEqual(
        unexpected.slice(0, 3).map((l) => String((l.err as { message?: string } | undefined)?.message ?? l.msg)),
        [],
        "no unexpected errors logged",
      );
      // Every front door was exercised, and both acceptance and refusal happened.
      for (const e of ENDPOINTS) assert.ok((byEndpoint.get(e.path) ?? 0) > 100, `${e.path}: ${byEndpoint.get(e.path)}`);
      assert.ok((statuses.get(200) ?? 0) > 1000, summary);
      assert.ok((statuses.get(400) ?? 0) > 1000, summary);
      assert.ok(
        [502, 503, 504].some((s) => (statuses.get(s) ?? 0) > 0),
        `the failing phase produced upstream errors: ${summary}`,
      );
      assert.ok(heapGrowth < 64 * 1_048_576, `heap grew ${heapGrowth} bytes`);
      // The metrics page stays small however many odd models were named.
      const page = await (await fetch(`${gw.url}/metrics`)).text();
      assert.ok(page.length < 512 * 1024, `/metrics is ${page.length} bytes`);
    },
  );
});
