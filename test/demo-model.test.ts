// The demo's stand-in model (test/fake-bedrock/demo-model.ts): its answers must be valid where a
// real model's would be — tool arguments and structured output against their JSON Schemas (checked
// with Ajv), similar texts close in embedding space, real PNGs — and the demo server behind the
// real SDKs shows each feature.
import assert from "node:assert/strict";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { inflateSync } from "node:zlib";
import { after, before, describe, it } from "node:test";
import Anthropic from "@anthropic-ai/sdk";
import { Ajv2020 } from "ajv/dist/2020.js";
import addFormatsModule from "ajv-formats";
import OpenAI from "openai";
import { DEMO_KEY, startDemo } from "../scripts/demo-server.ts";
import type { Demo } from "../scripts/demo-server.ts";
import { demoPng, demoVector, instanceOf } from "./fake-bedrock/demo-model.ts";

const addFormats = addFormatsModule as unknown as (ajv: Ajv2020) => void;
const ajv = new Ajv2020({ strict: false });
addFormats(ajv);
const valid = (schema: object, value: unknown) => {
  const ok = ajv.validate(schema, value);
  assert.ok(ok, `${JSON.stringify(value)} is not valid: ${ajv.errorsText()}`);
};
const dot = (a: number[], b: number[]) => a.reduce((s, x, i) => s + x * b[i]!, 0);

describe("demo model (pure)", () => {
  it("fills JSON Schemas with valid instances, taking values from the prompt", () => {
    const weather = {
      type: "object",
      properties: {
        city: { type: "string" },
        unit: { type: "string", enum: ["celsius", "fahrenheit"] },
        days: { type: "integer", minimum: 1, maximum: 7 },
      },
      required: ["city"],
      additionalProperties: false,
    };
    const w = instanceOf(weather, "Weather in Lisbon in fahrenheit for 3 days") as Record<string, unknown>;
    valid(weather, w);
    assert.deepEqual(w, { city: "Lisbon", unit: "fahrenheit", days: 3 });
    const schemas: object[] = [
      {
        type: "object",
        properties: {
          tags: { type: "array", items: { type: "string", minLength: 2 }, minItems: 2 },
          when: { type: "string", format: "date-time" },
          email: { type: "string", format: "email" },
        },
        required: ["tags", "when", "email"],
      },
      {
        type: "object",
        properties: {
          choice: { anyOf: [{ type: "null" }, { type: "number", exclusiveMinimum: 5 }] },
          nested: { type: "object", properties: { ok: { type: "boolean" }, c: { const: "x" } }, required: ["ok", "c"] },
        },
        required: ["choice", "nested"],
      },
      {
        $defs: { item: { type: "object", properties: { sku: { type: "string", maxLength: 4 } }, required: ["sku"] } },
        type: "object",
        properties: { items: { type: "array", items: { $ref: "#/$defs/item" } } },
        required: ["items"],
      },
      { type: ["string", "null"], minLength: 40 },
    ];
    for (const s of schemas) valid(s, instanceOf(s, "make it so, Number One, 42 times"));
  });

  it("embeds similar texts close together and unrelated ones apart", () => {
    const a = demoVector("The cat sat on the mat.", 256);
    const b = demoVector("A cat was sitting on a mat", 256);
    const c = demoVector("Quarterly revenue grew by twelve percent", 256);
    assert.ok(Math.abs(dot(a, a) - 1) < 1e-5, "unit length");
    assert.ok(dot(a, b) > 0.4, `similar: ${dot(a, b)}`);
    assert.ok(Math.abs(dot(a, c)) < 0.3, `unrelated: ${dot(a, c)}`);
  });

  it("draws real PNGs whose pixels follow the prompt", () => {
    const png = demoPng("a red fox", 32);
    assert.deepEqual([...png.subarray(0, 8)], [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);
    assert.equal(png.readUInt32BE(16), 32);
    const idat = png.indexOf("IDAT");
    const pixels = inflateSync(png.subarray(idat + 4, idat + 4 + png.readUInt32BE(idat - 4)));
    assert.equal(pixels.length, 32 * (1 + 32 * 3));
    assert.notDeepEqual(demoPng("a blue whale", 32), png);
  });
});

describe("the demo server (npm run demo) through the SDKs", () => {
  let demo: Demo;
  let openai: OpenAI;
  const dataDir = mkdtempSync(join(tmpdir(), "bgw-demo-"));
  before(async () => {
    demo = await startDemo({ port: 0, logLevel: "silent", env: { DATA_DIR: dataDir } });
    openai = new OpenAI({ baseURL: `${demo.url}/v1`, apiKey: DEMO_KEY, maxRetries: 0 });
  });
  after(async () => {
    await demo.close();
    rmSync(dataDir, { recursive: true, force: true });
  });

  it("calls the tool the prompt asks for, then answers with its result", async () => {
    const tools: OpenAI.ChatCompletionTool[] = [
      {
        type: "function",
        function: {
          name: "get_time",
          description: "Current time in a timezone",
          parameters: { type: "object", properties: { tz: { type: "string" } }, required: ["tz"] },
        },
      },
      {
        type: "function",
        function: {
          name: "get_weather",
          description: "Current weather for a city",
          parameters: { type: "object", properties: { city: { type: "string" } }, required: ["city"] },
        },
      },
    ];
    const messages: OpenAI.ChatCompletionMessageParam[] = [{ role: "user", content: "What's the weather in Paris?" }];
    const first = await openai.chat.completions.create({ model: "claude-sonnet-4-5", messages, tools });
    const call = first.choices[0]!.message.tool_calls?.[0] as OpenAI.ChatCompletionMessageFunctionToolCall;
    assert.equal(first.choices[0]!.finish_reason, "tool_calls");
    assert.equal(call.function.name, "get_weather");
    assert.deepEqual(JSON.parse(call.function.arguments), { city: "Paris" });
    messages.push(first.choices[0]!.message, { role: "tool", tool_call_id: call.id, content: "18°C and sunny" });
    const second = await openai.chat.completions.create({ model: "claude-sonnet-4-5", messages, tools });
    assert.match(second.choices[0]!.message.content!, /18°C and sunny/);
  });

  it("answers response_format json_schema with a valid instance (forced tool and prompt modes)", async () => {
    const schema = {
      type: "object",
      properties: { name: { type: "string" }, age: { type: "integer" } },
      required: ["name", "age"],
      additionalProperties: false,
    };
    for (const model of ["claude-sonnet-4-5", "meta.llama3-1-8b-instruct-v1:0"]) {
      const r = await openai.chat.completions.create({
        model,
        messages: [{ role: "user", content: "Ana is 31" }],
        response_format: { type: "json_schema", json_schema: { name: "person", schema } },
      });
      valid(schema, JSON.parse(r.choices[0]!.message.content!));
    }
  });

  it("reasons when asked to, through the Anthropic SDK", async () => {
    const anthropic = new Anthropic({ baseURL: demo.url, apiKey: DEMO_KEY, maxRetries: 0 });
    const msg = await anthropic.messages.create({
      model: "claude-sonnet-4-5",
      max_tokens: 2048,
      thinking: { type: "enabled", budget_tokens: 1024 },
      messages: [{ role: "user", content: "Is 17 prime?" }],
    });
    assert.equal(msg.content[0]!.type, "thinking");
    assert.equal(msg.content.at(-1)!.type, "text");
    const plain = await anthropic.messages.create({
      model: "claude-haiku-4-5",
      max_tokens: 100,
      messages: [{ role: "user", content: "Hi" }],
    });
    assert.ok(plain.content.every((b) => b.type === "text"));
  });

  it("embeds, ranks and draws meaningfully", async () => {
    const e = await openai.embeddings.create({
      model: "text-embedding-3-small",
      input: ["the cat sat on the mat", "a cat sat on a mat", "stock prices fell sharply"],
    });
    const [a, b, c] = e.data.map((d) => d.embedding) as [number[], number[], number[]];
    assert.ok(dot(a, b) > dot(a, c) + 0.3);
    const rr: any = await (
      await fetch(`${demo.url}/v1/rerank`, {
        method: "POST",
        headers: { authorization: `Bearer ${DEMO_KEY}`, "content-type": "application/json" },
        body: JSON.stringify({
          model: "cohere.rerank-v3-5:0",
          query: "capital of France",
          documents: ["Bananas are yellow.", "Paris is the capital of France."],
        }),
      })
    ).json();
    assert.equal(rr.results[0].index, 1);
    assert.ok(rr.results[0].relevance_score > 0);
    const img = await openai.images.generate({ model: "amazon.nova-canvas-v1:0", prompt: "a red fox" });
    const png = Buffer.from(img.data![0]!.b64_json!, "base64");
    assert.equal(png.readUInt32BE(16), 64, "a 64-pixel-wide PNG");
  });
});
