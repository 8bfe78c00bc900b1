// The Responses API for models on Bedrock's OpenAI-compatible endpoints, and the governance every
// request gets: stored responses in the gateway's own store (previous_response_id expanded here,
// the upstream always called with store: false), streaming with tools, key allow-lists, limits,
// usage records with cost; the feature switch and NATIVE_MODELS; bearer-token upstream auth.
import assert from "node:assert/strict";
import { after, before, beforeEach, describe, it } from "node:test";
import OpenAI from "openai";
import { startFakeBedrock } from "./fake-bedrock/fake-bedrock.ts";
import { startGateway } from "./helpers/gateway.ts";
import type { TestGateway } from "./helpers/gateway.ts";
import { chatBody, createKey, usageOf } from "./helpers/store-keys.ts";

const GPT5 = "openai.gpt-5.5";
const GEMMA = "google.gemma-4-31b";
const ADMIN = "admin-native-key-0123456789";

describe("native endpoints: Responses API", () => {
  let gw: TestGateway;
  before(async () => (gw = await startGateway()));
  after(() => gw.close());
  beforeEach(() => gw.fake.reset());

  it("answers through Mantle's /openai/v1/responses and stores the response in the gateway", async () => {
    gw.fake.native.enqueue({ text: "first answer", usage: { input: 12, output: 3 } });
    const first = await gw.openai.responses.create({ model: GPT5, input: "remember the number 42" });
    assert.equal(first.output_text, "first answer");
    assert.equal((first as unknown as { store: boolean }).store, true);
    const call = gw.fake.native.lastCall("NativeResponses")!;
    assert.equal(call.path, "/openai/v1/responses");
    assert.equal(call.body.store, false, "state lives in the gateway, never upstream");
    assert.equal(call.auth, "bedrock-mantle");

    // Retrieval is the gateway's own store.
    const again = await gw.openai.responses.retrieve(first.id);
    assert.equal(again.output_text, "first answer");

    gw.fake.native.enqueue({ text: "it was 42" });
    const second = await gw.openai.responses.create({ model: GPT5, input: "what was the number?", previous_response_id: first.id });
    assert.equal(second.output_text, "it was 42");
    assert.equal(second.previous_response_id, first.id);
    const sent = gw.fake.native.lastCall("NativeResponses")!.body;
    assert.equal(sent.previous_response_id, undefined, "expanded by the gateway, not forwarded");
    const texts = JSON.stringify(sent.input);
    assert.match(texts, /remember the number 42/);
    assert.match(texts, /first answer/);
    assert.match(texts, /what was the number\?/);

    const items = await gw.openai.responses.inputItems.list(second.id);
    assert.equal(items.data.length, 1);
  });

  it("streams events with tools and reasoning through, stores the completed response", async () => {
    gw.fake.native.enqueue({
      reasoning: "consider the tool",
      toolCalls: [{ name: "shell", arguments: '{"cmd":"ls"}', id: "call_s1" }],
      usage: { input: 40, output: 10 },
    });
    const stream = await gw.openai.responses.create({
      model: GPT5,
      input: [{ role: "user", content: "list files" }],
      tools: [{ type: "function", name: "shell", parameters: { type: "object", properties: { cmd: { type: "string" } } }, strict: false }],
      stream: true,
    });
    const types: string[] = [];
    let completed: OpenAI.Responses.Response | undefined;
    let args = "";
    for await (const e of stream) {
      types.push(e.type);
      if (e.type === "response.function_call_arguments.delta") args += e.delta;
      if (e.type === "response.completed") completed = e.response;
    }
    assert.equal(types[0], "response.created");
    assert.ok(types.includes("response.reasoning_summary_text.delta"));
    assert.equal(types.at(-1), "response.completed");
    assert.deepEqual(JSON.parse(args), { cmd: "ls" });
    const call = completed!.output.find((o) => o.type === "function_call") as OpenAI.Responses.ResponseFunctionToolCall;
    assert.equal(call.call_id, "call_s1");

    // The tool result continues the stored conversation (reasoning items are not replayed upstream).
    gw.fake.native.enqueue({ text: "two files" });
    const next = await gw.openai.responses.create({
      model: GPT5,
      previous_response_id: completed!.id,
      input: [{ type: "function_call_output", call_id: "call_s1", output: "a.txt b.txt" }],
    });
    assert.equal(next.output_text, "two files");
    const input = gw.fake.native.lastCall("NativeResponses")!.body.input as { type?: string }[];
    assert.deepEqual(
      input.map((i) => i.type ?? "message"),
      ["message", "function_call", "function_call_output"],
    );
  });

  it("does not store with store: false", async () => {
    const r = await gw.openai.responses.create({ model: GEMMA, input: "hi", store: false });
    assert.equal((r as unknown as { store: boolean }).store, false);
    await assert.rejects(gw.openai.responses.retrieve(r.id), (e: InstanceType<typeof OpenAI.APIError>) => e.status === 404);
    assert.equal(gw.fake.native.lastCall("NativeResponses")!.path, "/v1/responses");
  });

  it("passes an upstream error event through (the SDK raises it) and records the error", async () => {
    gw.fake.native.enqueue({ text: "partial output that fails", stream: { failAfter: 4 } });
    const stream = await gw.openai.responses.create(
      { model: GPT5, input: "hi", stream: true },
      { headers: { "x-request-id": "native-fail-1" } },
    );
    const types: string[] = [];
    await assert.rejects(
      async () => {
        for await (const e of stream) types.push(e.type);
      },
      (e: Error) => e instanceof OpenAI.APIError && /failed while generating/.test(e.message),
    );
    assert.equal(types[0], "response.created");
    const line = await waitFor(() => gw.logs.find((l) => l.requestId === "native-fail-1" && "status" in l));
    assert.equal(line.errorType, "model_error");
  });

  it("closes a stream cut mid-way with an error event", async () => {
    gw.fake.native.enqueue({ text: "cut off in the middle of the answer", stream: { cutAfter: 5 } });
    const stream = await gw.openai.responses.create({ model: GEMMA, input: "hi", stream: true });
    await assert.rejects(
      async () => {
        for await (const _ of stream);
      },
      (e: Error) => e instanceof OpenAI.APIError,
    );
  });
});

describe("native endpoints: same governance as Converse", () => {
  let gw: TestGateway;
  before(async () => (gw = await startGateway({ env: { ADMIN_API_KEY: ADMIN, USAGE_FLUSH_INTERVAL: "100ms" } })));
  after(() => gw.close());
  beforeEach(() => gw.fake.reset());

  const post = (path: string, secret: string, body: string, requestId: string = crypto.randomUUID()) =>
    gw.request(path, {
      method: "POST",
      headers: { authorization: `Bearer ${secret}`, "content-type": "application/json", "x-request-id": requestId },
      body,
    });

  it("applies the key's allow-list to the native model id, in /v1/models and on calls", async () => {
    const key = await createKey(gw, { name: "converse-only", models: ["anthropic.*"] });
    const list = (await (await gw.request("/v1/models", { headers: { authorization: `Bearer ${key.secret}` } })).json()) as {
      data: { id: string }[];
    };
    assert.equal(
      list.data.some((m) => m.id === GPT5),
      false,
    );
    const res = await post("/v1/responses", key.secret, JSON.stringify({ model: GPT5, input: "hi" }));
    assert.equal(res.status, 403);
    const chat = await post("/v1/chat/completions", key.secret, chatBody(GPT5, "hi"));
    assert.equal(chat.status, 403);
    assert.equal(gw.fake.native.requests.filter((r) => r.operation !== "NativeListModels").length, 0);

    const allowed = await createKey(gw, { name: "gpt5-only", models: ["openai.gpt-5*"] });
    assert.equal((await post("/v1/responses", allowed.secret, JSON.stringify({ model: GPT5, input: "hi" }))).status, 200);
  });

  it("counts native requests against RPM", async () => {
    const key = await createKey(gw, { name: "rpm-2", rpm: 2 });
    assert.equal((await post("/v1/chat/completions", key.secret, chatBody(GEMMA, "1"))).status, 200);
    assert.equal((await post("/v1/chat/completions", key.secret, chatBody(GEMMA, "2"))).status, 200);
    const third = await post("/v1/chat/completions", key.secret, chatBody(GEMMA, "3"));
    assert.equal(third.status, 429);
    assert.equal(gw.fake.native.calls("NativeChat").length, 2);
  });

  it("writes usage records with the native model's price, for JSON and streams", async () => {
    const key = await createKey(gw, { name: "usage", rpm: 1000 });
    gw.fake.native.enqueue({ text: "priced", usage: { input: 1000, output: 500, cached: 200 } });
    assert.equal((await post("/v1/responses", key.secret, JSON.stringify({ model: GPT5, input: "hi" }), "native-usage-1")).status, 200);
    const r = await usageOf(gw, "native-usage-1");
    assert.equal(r.keyId, key.id);
    assert.equal(r.endpoint, "responses");
    assert.equal(r.model, GPT5);
    assert.equal(r.baseModel, GPT5);
    assert.deepEqual([r.inputTokens, r.outputTokens, r.cacheReadTokens], [800, 500, 200]);
    assert.ok(r.costUsd !== null && Math.abs(r.costUsd - (800 * 5.5 + 500 * 33 + 200 * 0.55) / 1e6) < 1e-9);

    gw.fake.native.enqueue({ text: "streamed and priced", usage: { input: 100, output: 50 } });
    const res = await post("/v1/chat/completions", key.secret, chatBody(GEMMA, "hi", { stream: true }), "native-usage-2");
    await res.text();
    const s = await usageOf(gw, "native-usage-2");
    assert.equal(s.stream, true);
    assert.deepEqual([s.inputTokens, s.outputTokens], [100, 50]);
    assert.equal(s.costUsd, null, "a model without a price is unknown, never zero");
  });

  it("stops a spent budget before calling the native endpoint", async () => {
    const key = await createKey(gw, { name: "tiny-budget", budget: { usd: 0.000001, period: "day" } });
    gw.fake.native.enqueue({ text: "expensive", usage: { input: 10_000, output: 10_000 } });
    assert.equal((await post("/v1/responses", key.secret, JSON.stringify({ model: GPT5, input: "hi" }), "budget-1")).status, 200);
    await usageOf(gw, "budget-1");
    const calls = gw.fake.native.calls("NativeResponses").length;
    let status = 0;
    for (let i = 0; i < 50 && status !== 429; i++) {
      status = (await post("/v1/responses", key.secret, JSON.stringify({ model: GPT5, input: "again" }))).status;
      if (status !== 429) await new Promise((r) => setTimeout(r, 100));
    }
    assert.equal(status, 429);
    assert.ok(gw.fake.native.calls("NativeResponses").length <= calls + 50);
  });
});

describe("native endpoints: switches", () => {
  it("ENABLE_NATIVE_ENDPOINTS=false hides native models and never calls Mantle", async () => {
    const gw = await startGateway({ env: { ENABLE_NATIVE_ENDPOINTS: "false" } });
    try {
      const list = await gw.openai.models.list();
      assert.equal(
        list.data.some((m) => m.id === GPT5),
        false,
      );
      assert.ok(list.data.every((m) => (m as unknown as { endpoint: string }).endpoint === "converse"));
      await assert.rejects(
        gw.openai.responses.create({ model: GPT5, input: "hi" }),
        (e: InstanceType<typeof OpenAI.APIError>) => e.status === 404,
      );
      assert.equal(gw.fake.native.requests.length, 0);
    } finally {
      await gw.close();
    }
  });

  it("NATIVE_MODELS forces a Converse model onto bedrock-runtime's /openai/v1", async () => {
    const gw = await startGateway({ env: { NATIVE_MODELS: "openai.gpt-oss-*" } });
    try {
      const list = await gw.openai.models.list();
      const oss = list.data.find((m) => m.id === "openai.gpt-oss-120b-1:0") as unknown as { endpoint: string };
      assert.equal(oss.endpoint, "openai-native");
      const res = await gw.openai.chat.completions.create({
        model: "openai.gpt-oss-120b-1:0",
        messages: [{ role: "user", content: "hi" }],
      });
      assert.equal(res.choices[0]!.message.content, "Hello from the native endpoint of the test double.");
      const call = gw.fake.native.lastCall("NativeChat")!;
      assert.equal(call.host, "runtime");
      assert.equal(call.path, "/openai/v1/chat/completions");
      assert.equal(call.auth, "bedrock", "the runtime's signing name");
      assert.equal(gw.fake.calls("Converse").length, 0);
      // The runtime's /openai/v1 has no Responses for gpt-oss: that front door stays on Converse.
      const r = await gw.openai.responses.create({ model: "openai.gpt-oss-120b-1:0", input: "hi" });
      assert.equal(r.output_text, "Hello from the Bedrock test double.");
      // Other Converse models are unaffected.
      await gw.openai.chat.completions.create({
        model: "anthropic.claude-3-haiku-20240307-v1:0",
        messages: [{ role: "user", content: "hi" }],
      });
      assert.equal(gw.fake.lastCall("Converse")?.modelId, "anthropic.claude-3-haiku-20240307-v1:0");
    } finally {
      await gw.close();
    }
  });

  it("STRICT_PARAMS refuses what the translation cannot carry, before calling upstream", async () => {
    const gw = await startGateway({ env: { STRICT_PARAMS: "true" } });
    try {
      await assert.rejects(
        gw.openai.chat.completions.create({ model: GPT5, messages: [{ role: "user", content: "hi" }], seed: 1 }),
        (e: InstanceType<typeof OpenAI.APIError>) => e.status === 400 && /seed/.test(e.message),
      );
      assert.equal(gw.fake.native.calls("NativeResponses").length, 0);
    } finally {
      await gw.close();
    }
  });

  it("sends the Bedrock API key as a bearer token when AWS_BEARER_TOKEN_BEDROCK is set", async () => {
    const token = "bedrock-api-key-ABSKtest0123456789";
    const gw = await startGateway({ env: { AWS_BEARER_TOKEN_BEDROCK: token }, fakeOptions: { bearerToken: token } });
    try {
      const r = await gw.openai.responses.create({ model: GPT5, input: "hi" });
      assert.ok(r.output_text.length > 0);
      const call = gw.fake.native.lastCall("NativeResponses")!;
      assert.equal(call.auth, "bearer");
      assert.equal(call.headers.authorization, `Bearer ${token}`);
      assert.equal(gw.logText().includes(token), false, "the upstream key never reaches the log");
    } finally {
      await gw.close();
    }
  });

  it("keeps Converse models listed when Mantle cannot be reached, and native models from the last good list", async () => {
    const gw = await startGateway({ env: { MODELS_CACHE_TTL: "1h", UPSTREAM_RETRY_MAX_TIME: "0" } });
    try {
      gw.fake.native.failModelList(10);
      await gw.runtime.deps.catalog.ready(1000);
      await (gw.runtime.deps.catalog as unknown as { refresh(): Promise<void> }).refresh();
      const list = await gw.openai.models.list();
      assert.ok(
        list.data.some((m) => m.id === GPT5),
        "kept from the last good list",
      );
      assert.ok(list.data.some((m) => m.id === "anthropic.claude-3-haiku-20240307-v1:0"));
      assert.ok(gw.logs.some((l) => l.msg === "Mantle model list failed; keeping the previous list"));
    } finally {
      await gw.close();
    }
  });

  it("never holds up the Converse catalog for a slow Mantle; its models appear when the list arrives", async () => {
    const fake = await startFakeBedrock();
    fake.native.listDelayMs = 4000;
    const started = Date.now();
    const gw = await startGateway({ fake });
    try {
      const first = await gw.openai.models.list();
      assert.ok(Date.now() - started < 3800, "published before Mantle answered");
      assert.ok(first.data.some((m) => m.id === "anthropic.claude-3-haiku-20240307-v1:0"));
      assert.equal(
        first.data.some((m) => m.id === GPT5),
        false,
      );
      const end = Date.now() + 6000;
      let later = first;
      while (!later.data.some((m) => m.id === GPT5) && Date.now() < end) {
        await new Promise((r) => setTimeout(r, 200));
        later = await gw.openai.models.list();
      }
      assert.ok(
        later.data.some((m) => m.id === GPT5),
        "added once Mantle answered",
      );
    } finally {
      await gw.close();
      await fake.close();
    }
  });
});

async function waitFor<T>(get: () => T | undefined, timeoutMs = 3000): Promise<T> {
  const end = Date.now() + timeoutMs;
  for (;;) {
    const v = get();
    if (v !== undefined) return v;
    if (Date.now() > end) throw new Error("timed out");
    await new Promise((r) => setTimeout(r, 20));
  }
}
