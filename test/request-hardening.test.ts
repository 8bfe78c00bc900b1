// Issue 14, findings 5 and 6: nothing a client sends can make a response header invalid or huge,
// and bodies nested too deep are refused with a 400 naming the field before any recursive work.
import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import { findDepthViolation, MAX_JSON_DEPTH, MAX_SCHEMA_DEPTH } from "../src/http/json-depth.ts";
import { headerList as safeHeaderList } from "../src/pipeline/parameter-headers.ts";

const MAX_HEADER_NAMES = 20;
const MAX_HEADER_BYTES = 1024;
import { startGateway } from "./helpers/gateway.ts";
import type { TestGateway } from "./helpers/gateway.ts";

const NOVA = "us.amazon.nova-lite-v1:0";
const CLAUDE = "us.anthropic.claude-sonnet-4-5-20250929-v1:0";

/** A JSON text nested `levels` deep ({"a":{"a":…}}), built without recursion. */
function nestedSchemaText(levels: number): string {
  return '{"type":"object","properties":{"a":'.repeat(levels) + '{"type":"string"}' + "}}".repeat(levels);
}

describe("header lists (pure: src/pipeline/parameter-headers.ts)", () => {
  it("keeps safe names once, drops unsafe ones and caps count and size", () => {
    assert.equal(safeHeaderList([]), undefined);
    assert.equal(safeHeaderList(["top_k", "top_k", "tools[0].function.strict"]), "top_k,tools[0].function.strict");
    assert.equal(safeHeaderList(["ok", "bad\r\nset-cookie: x=1", "café", "a b"]), "ok,...+3 more");
    assert.equal(safeHeaderList(["x".repeat(100_000)]), "...+1 more");
    const many = safeHeaderList(Array.from({ length: 20_000 }, (_, i) => `field_${i}`))!;
    assert.equal(many.split(",").length, MAX_HEADER_NAMES + 1);
    assert.match(many, /,\.\.\.\+19980 more$/);
    const long = safeHeaderList(Array.from({ length: 40 }, (_, i) => `${"n".repeat(60)}${i}`))!;
    assert.ok(long.length <= MAX_HEADER_BYTES, String(long.length));
    assert.match(long, /\+\d+ more$/);
    for (const v of [many, long]) assert.match(v, /^[\x21-\x7e]+( more)?$/);
  });
});

describe("findDepthViolation (pure)", () => {
  it("accepts the limits and refuses one level more, naming where", () => {
    const deep = (n: number) => JSON.parse("[".repeat(n) + "]".repeat(n)) as unknown;
    assert.equal(findDepthViolation(deep(MAX_JSON_DEPTH)), undefined);
    assert.equal(findDepthViolation(deep(MAX_JSON_DEPTH + 1))?.limit, MAX_JSON_DEPTH);
    const tool = (n: number) => ({ tools: [{ type: "function", function: { name: "f", parameters: JSON.parse(nestedSchemaText(n)) } }] });
    // Each level of nestedSchemaText is two objects (the schema and its properties).
    assert.equal(findDepthViolation(tool(MAX_SCHEMA_DEPTH / 2 - 1)), undefined);
    const v = findDepthViolation(tool(MAX_SCHEMA_DEPTH / 2 + 1));
    assert.deepEqual(v, { path: "tools[0].function.parameters", limit: MAX_SCHEMA_DEPTH, inSchema: true });
    assert.equal(findDepthViolation(JSON.parse(`{"a":${"[".repeat(100_000)}${"]".repeat(100_000)}}`))?.path.startsWith("a[0][0]"), true);
  });
});

describe("header values and nesting through the gateway", () => {
  let gw: TestGateway;
  before(async () => {
    gw = await startGateway();
  });
  after(() => gw.close());

  const post = (path: string, body: string) => gw.request(path, { method: "POST", headers: { "content-type": "application/json" }, body });

  it("unknown field names with CR/LF or non-ASCII, 100 KB tool types and 20,000 fields never make a bad header", async () => {
    const weird: Record<string, unknown> = { model: NOVA, messages: [{ role: "user", content: "hi" }] };
    weird["x\r\nset-cookie: pwned=1"] = 1;
    weird["naïve"] = 2;
    weird["top_k"] = 3;
    const res = await post("/v1/chat/completions", JSON.stringify(weird));
    assert.equal(res.status, 200, await res.clone().text());
    assert.equal(res.headers.get("set-cookie"), null);
    assert.equal(res.headers.get("x-bedrock-gateway-dropped-params"), "top_k,...+2 more");

    const many: Record<string, unknown> = { model: NOVA, messages: [{ role: "user", content: "hi" }] };
    for (let i = 0; i < 20_000; i++) many[`unknown_field_${i}`] = i;
    for (const path of ["/v1/chat/completions", "/v1/messages", "/v1/responses"]) {
      const body =
        path === "/v1/responses"
          ? { ...many, messages: undefined, input: "hi" }
          : path === "/v1/messages"
            ? { ...many, max_tokens: 5 }
            : many;
      const r = await post(path, JSON.stringify(body));
      assert.equal(r.status, 200, `${path}: ${await r.clone().text()}`);
      const h = r.headers.get("x-bedrock-gateway-dropped-params")!;
      assert.ok(h.length <= MAX_HEADER_BYTES, `${path}: ${h.length} bytes`);
      assert.match(h, /\+\d+ more$/);
    }

    const tools = [{ type: "x".repeat(100_000) }, { type: "web\r\nsearch" }, { type: "hosted_ünïcode" }, { type: "code_interpreter" }];
    const r = await post("/v1/responses", JSON.stringify({ model: NOVA, input: "hi", tools }));
    assert.equal(r.status, 200, await r.clone().text());
    assert.equal(r.headers.get("x-bedrock-gateway-dropped-tools"), "code_interpreter,...+3 more");
  });

  it("deeply nested tool schemas are a 400 naming the field on every conversation endpoint (3,000 and 100,000 levels)", async () => {
    for (const levels of [3_000, 100_000]) {
      const schema = nestedSchemaText(levels);
      const cases: [string, string, "openai" | "anthropic", string][] = [
        [
          "/v1/chat/completions",
          `{"model":"${NOVA}","messages":[{"role":"user","content":"hi"}],"tools":[{"type":"function","function":{"name":"f","parameters":${schema}}}]}`,
          "openai",
          "tools[0].function.parameters",
        ],
        [
          "/v1/messages",
          `{"model":"${CLAUDE}","max_tokens":5,"messages":[{"role":"user","content":"hi"}],"tools":[{"name":"f","input_schema":${schema}}]}`,
          "anthropic",
          "tools[0].input_schema",
        ],
        [
          "/v1/messages/count_tokens",
          `{"model":"${CLAUDE}","messages":[{"role":"user","content":"hi"}],"tools":[{"name":"f","input_schema":${schema}}]}`,
          "anthropic",
          "tools[0].input_schema",
        ],
        [
          "/v1/responses",
          `{"model":"${NOVA}","input":"hi","tools":[{"type":"function","name":"f","parameters":${schema}}]}`,
          "openai",
          "tools[0].parameters",
        ],
        [
          "/v1/responses/input_tokens",
          `{"model":"${NOVA}","input":"hi","tools":[{"type":"function","name":"f","parameters":${schema}}]}`,
          "openai",
          "tools[0].parameters",
        ],
        [
          "/v1/chat/completions",
          `{"model":"${NOVA}","messages":[{"role":"user","content":"hi"}],"response_format":{"type":"json_schema","json_schema":{"name":"x","schema":${schema}}}}`,
          "openai",
          "response_format.json_schema.schema",
        ],
      ];
      for (const [path, body, shape, param] of cases) {
        const res = await post(path, body);
        const json: any = await res.json();
        assert.equal(res.status, 400, `${path} at ${levels}: ${JSON.stringify(json).slice(0, 300)}`);
        const error = shape === "anthropic" ? json.error : json.error;
        if (shape === "openai") {
          assert.equal(error.code, "json_too_deep");
          assert.equal(error.param, param);
        } else {
          assert.equal(json.type, "error");
          assert.equal(error.type, "invalid_request_error");
        }
        assert.ok(error.message.includes(param), error.message);
      }
    }
    // Deep nesting outside schemas has the overall limit.
    const deepMessages = `{"model":"${NOVA}","messages":[{"role":"user","content":"hi","extra":${"[".repeat(500)}${"]".repeat(500)}}]}`;
    const res = await post("/v1/chat/completions", deepMessages);
    const json: any = await res.json();
    assert.equal(res.status, 400);
    assert.equal(json.error.code, "json_too_deep");
    assert.match(json.error.message, /128 levels/);
  });
});
