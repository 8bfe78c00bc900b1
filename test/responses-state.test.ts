// Stateful Responses: previous_response_id chaining (the double receives the whole history),
// retrieve / delete / input_items, scoping to the API key that created a response, and signed
// reasoning across turns — sealed in encrypted_content for store:false clients (tampering refused),
// or from the thinking store when a client replays reasoning without it.
import assert from "node:assert/strict";
import { mkdtempSync, readdirSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, beforeEach, describe, it } from "node:test";
import OpenAI from "openai";
import type { ApiKeyVerifier } from "../src/auth/api-key-verifier.ts";
import { text, thinking, toolUse } from "./fake-bedrock/fake-bedrock.ts";
import { openaiSchemaErrors } from "./helpers/openapi-schemas.ts";
import { startGateway, TEST_API_KEY } from "./helpers/gateway.ts";
import type { TestGateway } from "./helpers/gateway.ts";

const CLAUDE = "anthropic.claude-sonnet-4-5-20250929-v1:0";
const NOVA = "amazon.nova-pro-v1:0";
const OTHER_KEY = "sk-test-other-team-key-9876543210";
const weather = {
  type: "function" as const,
  name: "get_weather",
  parameters: { type: "object", properties: { city: { type: "string" } } },
  strict: false,
};

/** Two teams' keys (the static key source knows one; this stands in for the keys store). */
const twoKeys: ApiKeyVerifier = {
  verify: (k) =>
    k === TEST_API_KEY
      ? { ok: true, principal: { keyId: "key_team_a" } }
      : k === OTHER_KEY
        ? { ok: true, principal: { keyId: "key_team_b" } }
        : { ok: false, reason: "invalid" },
  start: async () => {},
  ready: async () => {},
  stop: () => {},
};

describe("stored responses", () => {
  let gw: TestGateway;
  let other: OpenAI;
  before(async () => {
    gw = await startGateway({ auth: twoKeys });
    other = new OpenAI({ baseURL: gw.baseURL, apiKey: OTHER_KEY, maxRetries: 0 });
  });
  after(() => gw.close());
  beforeEach(() => gw.fake.reset());

  it("chains previous_response_id: Bedrock receives the full history, instructions are not carried over", async () => {
    gw.fake.enqueue(
      { content: [text("Paris.")] },
      { content: [toolUse("get_weather", { city: "Paris" })] },
      { content: [text("Sunny in Paris.")] },
    );
    const first = await gw.openai.responses.create({ model: NOVA, input: "Capital of France?", instructions: "Be brief." });
    const second = await gw.openai.responses.create({
      model: NOVA,
      input: "Weather there?",
      previous_response_id: first.id,
      tools: [weather],
    });
    const call = second.output[0] as OpenAI.Responses.ResponseFunctionToolCall;
    const third = await gw.openai.responses.create({
      model: NOVA,
      previous_response_id: second.id,
      tools: [weather],
      input: [{ type: "function_call_output", call_id: call.call_id, output: "sunny" }],
    });
    assert.equal(third.output_text, "Sunny in Paris.");
    assert.equal(third.previous_response_id, second.id);
    const sent = gw.fake.lastCall()!.body;
    assert.equal(sent.system, undefined, "instructions of an earlier response are not carried over");
    assert.deepEqual(
      sent.messages.map((m: any) => [m.role, Object.keys(m.content[0])[0]]),
      [
        ["user", "text"],
        ["assistant", "text"],
        ["user", "text"],
        ["assistant", "toolUse"],
        ["user", "toolResult"],
      ],
    );
    assert.equal(sent.messages[1].content[0].text, "Paris.");
  });

  it("retrieves, lists input items and deletes a stored response", async () => {
    const r = await gw.openai.responses.create({
      model: NOVA,
      input: [
        { role: "developer", content: "Be kind" },
        { role: "user", content: "Hi" },
      ],
      metadata: { team: "a" },
    });
    const got = await gw.openai.responses.retrieve(r.id);
    assert.deepEqual(got, r);
    assert.deepEqual(openaiSchemaErrors("Response", got), []);
    const items = await gw.openai.responses.inputItems.list(r.id, { order: "asc" });
    assert.deepEqual(
      items.data.map((i) => [i.type, (i as { role?: string }).role]),
      [
        ["message", "developer"],
        ["message", "user"],
      ],
    );
    for (const i of items.data) assert.match(i.id, /^msg_/);
    const page = (await gw.request(`/v1/responses/${r.id}/input_items?limit=1`).then((res) => res.json())) as any;
    assert.equal(page.object, "list");
    assert.equal(page.has_more, true);
    assert.equal(page.data[0].role, "user", "newest first by default");
    assert.deepEqual(openaiSchemaErrors("ResponseItemList", page), []);
    const next = (await gw.request(`/v1/responses/${r.id}/input_items?limit=1&after=${page.last_id}`).then((res) => res.json())) as any;
    assert.equal(next.data[0].role, "developer");
    assert.equal(next.has_more, false);
    const deleted = await gw.openai.responses.delete(r.id);
    assert.deepEqual(deleted, { id: r.id, object: "response", deleted: true });
    await assert.rejects(gw.openai.responses.retrieve(r.id), OpenAI.NotFoundError);
    await assert.rejects(gw.openai.responses.delete(r.id), OpenAI.NotFoundError);
  });

  it("stores a streamed response before response.completed, so a chained request finds it at once", async () => {
    gw.fake.enqueue({ content: [text("One.")] }, { content: [text("Two.")] });
    let id = "";
    for await (const e of await gw.openai.responses.create({ model: NOVA, input: "Count", stream: true })) {
      if (e.type === "response.completed") id = e.response.id;
    }
    const next = await gw.openai.responses.create({ model: NOVA, input: "Go on", previous_response_id: id });
    assert.equal(next.output_text, "Two.");
    assert.equal(gw.fake.lastCall()!.body.messages[1].content[0].text, "One.");
  });

  it("keeps nothing with store: false", async () => {
    const r = await gw.openai.responses.create({ model: NOVA, input: "x", store: false });
    assert.equal((r as { store?: boolean }).store, false);
    await assert.rejects(gw.openai.responses.retrieve(r.id), OpenAI.NotFoundError);
  });

  it("scopes stored responses to the key that created them: another key gets 404", async () => {
    const r = await gw.openai.responses.create({ model: NOVA, input: "secret plans" });
    await assert.rejects(other.responses.retrieve(r.id), OpenAI.NotFoundError);
    await assert.rejects(other.responses.inputItems.list(r.id), OpenAI.NotFoundError);
    await assert.rejects(other.responses.delete(r.id), OpenAI.NotFoundError);
    await assert.rejects(
      other.responses.create({ model: NOVA, input: "continue", previous_response_id: r.id }),
      (e: unknown) => e instanceof OpenAI.NotFoundError && (e.error as { code?: string }).code === "previous_response_not_found",
    );
    assert.equal((await gw.openai.responses.retrieve(r.id)).id, r.id, "still there for its owner");
  });

  it("replays signed thinking through previous_response_id (the double checks the signature)", async () => {
    gw.fake.enqueue(
      { content: [thinking("Need the weather tool."), toolUse("get_weather", { city: "Oslo" })] },
      { content: [text("Cold.")] },
    );
    const first = await gw.openai.responses.create({
      model: CLAUDE,
      input: "Weather in Oslo?",
      tools: [weather],
      reasoning: { effort: "low" },
    });
    const call = first.output.find((o) => o.type === "function_call")!;
    const second = await gw.openai.responses.create({
      model: CLAUDE,
      previous_response_id: first.id,
      tools: [weather],
      reasoning: { effort: "low" },
      input: [{ type: "function_call_output", call_id: call.call_id, output: "-5°C" }],
    });
    assert.equal(second.output_text, "Cold.");
    const replayed = gw.fake.lastCall()!.body.messages[1].content[0];
    assert.equal(replayed.reasoningContent.reasoningText.text, "Need the weather tool.");
    assert.ok(gw.fake.lastCall()!.body.additionalModelRequestFields.thinking, "thinking stayed on");
  });
});

describe("store: false with encrypted reasoning (Codex's way)", () => {
  let gw: TestGateway;
  before(async () => {
    gw = await startGateway({ env: { THINKING_STORE_MAX_ENTRIES: "0" } });
  });
  after(() => gw.close());
  beforeEach(() => gw.fake.reset());

  async function firstTurn(stream: boolean) {
    gw.fake.enqueue({ content: [thinking("The user wants Paris weather; call the tool."), toolUse("get_weather", { city: "Paris" })] });
    const params = {
      model: CLAUDE,
      input: [{ role: "user" as const, content: "Weather in Paris?" }],
      tools: [weather],
      reasoning: { effort: "low" as const, summary: "auto" as const },
      store: false,
      include: ["reasoning.encrypted_content" as const],
    };
    if (!stream) return (await gw.openai.responses.create(params)).output;
    const items: OpenAI.Responses.ResponseOutputItem[] = [];
    for await (const e of await gw.openai.responses.create({ ...params, stream: true }))
      if (e.type === "response.output_item.done") items.push(e.item);
    return items;
  }

  function secondInput(output: OpenAI.Responses.ResponseOutputItem[]): OpenAI.Responses.ResponseInput {
    const call = output.find((o) => o.type === "function_call")!;
    // As Codex replays them: reasoning with content null and the encrypted_content it was given.
    const replay = output.map((o) => (o.type === "reasoning" ? { ...o, content: null } : o));
    return [
      { role: "user", content: "Weather in Paris?" },
      ...replay,
      { type: "function_call_output", call_id: call.call_id, output: "sunny" },
    ] as OpenAI.Responses.ResponseInput;
  }

  for (const stream of [false, true]) {
    it(`replays signed thinking from encrypted_content (${stream ? "streamed" : "non-streamed"} first turn)`, async () => {
      const output = await firstTurn(stream);
      const reasoning = output.find((o) => o.type === "reasoning")!;
      assert.match(reasoning.encrypted_content!, /^bgw1\./);
      assert.ok(!reasoning.encrypted_content!.includes("Paris"), "the thinking is not readable in the blob");
      gw.fake.enqueue({ content: [text("Sunny.")] });
      const second = await gw.openai.responses.create({
        model: CLAUDE,
        tools: [weather],
        reasoning: { effort: "low" },
        store: false,
        input: secondInput(output),
      });
      assert.equal(second.output_text, "Sunny.");
      const sent = gw.fake.lastCall()!.body;
      assert.equal(sent.messages[1].content[0].reasoningContent.reasoningText.text, "The user wants Paris weather; call the tool.");
      assert.ok(sent.additionalModelRequestFields.thinking);
    });
  }

  it("refuses a tampered blob with a 400 and never calls Bedrock", async () => {
    const output = await firstTurn(false);
    const input = secondInput(output) as any[];
    const r = input.find((i) => i.type === "reasoning");
    const blob: string = r.encrypted_content;
    const i = blob.length - 10;
    r.encrypted_content = blob.slice(0, i) + (blob[i] === "A" ? "B" : "A") + blob.slice(i + 1);
    const calls = gw.fake.calls("Converse").length;
    await assert.rejects(
      gw.openai.responses.create({ model: CLAUDE, tools: [weather], reasoning: { effort: "low" }, store: false, input }),
      (e: unknown) =>
        e instanceof OpenAI.BadRequestError &&
        (e.error as { code?: string }).code === "invalid_encrypted_content" &&
        (e.error as { param?: string }).param === "input[1].encrypted_content",
    );
    r.encrypted_content = "gAAAAABforeign-openai-blob";
    await assert.rejects(gw.openai.responses.create({ model: CLAUDE, input, tools: [weather], store: false }), OpenAI.BadRequestError);
    assert.equal(gw.fake.calls("Converse").length, calls);
  });

  it("accepts blobs from a previous key after rotation (RESPONSES_ENCRYPTION_KEY=new,old)", async () => {
    const oldKey = Buffer.alloc(32, 1).toString("base64");
    const newKey = Buffer.alloc(32, 2).toString("hex");
    const before_ = await startGateway({ fake: gw.fake, env: { RESPONSES_ENCRYPTION_KEY: oldKey } });
    const after_ = await startGateway({ fake: gw.fake, env: { RESPONSES_ENCRYPTION_KEY: `${newKey},${oldKey}` } });
    const fresh = await startGateway({ fake: gw.fake, env: { RESPONSES_ENCRYPTION_KEY: newKey } });
    try {
      gw.fake.enqueue({ content: [thinking("plan"), toolUse("get_weather", { city: "Rome" })] });
      const first = await before_.openai.responses.create({
        model: CLAUDE,
        input: "Rome?",
        tools: [weather],
        reasoning: { effort: "low" },
        store: false,
        include: ["reasoning.encrypted_content"],
      });
      const input = secondInput(first.output);
      gw.fake.enqueue({ content: [text("Warm.")] });
      assert.equal(
        (await after_.openai.responses.create({ model: CLAUDE, input, tools: [weather], reasoning: { effort: "low" }, store: false }))
          .output_text,
        "Warm.",
      );
      await assert.rejects(fresh.openai.responses.create({ model: CLAUDE, input, tools: [weather], store: false }), OpenAI.BadRequestError);
    } finally {
      await Promise.all([before_.close(), after_.close(), fresh.close()]);
    }
  });
});

describe("reasoning replayed without encrypted content", () => {
  let gw: TestGateway;
  before(async () => {
    gw = await startGateway();
  });
  after(() => gw.close());

  it("falls back to the server-side thinking store, keyed by call id", async () => {
    gw.fake.enqueue({ content: [thinking("Use the tool."), toolUse("get_weather", { city: "Lima" })] }, { content: [text("Mild.")] });
    const first = await gw.openai.responses.create({
      model: CLAUDE,
      input: "Lima?",
      tools: [weather],
      reasoning: { effort: "low" },
      store: false,
    });
    const reasoning = first.output.find((o) => o.type === "reasoning")!;
    assert.equal(reasoning.encrypted_content, undefined);
    const call = first.output.find((o) => o.type === "function_call")!;
    const second = await gw.openai.responses.create({
      model: CLAUDE,
      tools: [weather],
      reasoning: { effort: "low" },
      store: false,
      input: [{ role: "user", content: "Lima?" }, reasoning, call, { type: "function_call_output", call_id: call.call_id, output: "18°C" }],
    });
    assert.equal(second.output_text, "Mild.");
    assert.equal(gw.fake.lastCall()!.body.messages[1].content[0].reasoningContent.reasoningText.text, "Use the tool.");
  });
});

describe("where stored responses live", () => {
  it("in the store's SQLite database by default, kept across a restart", async () => {
    const dataDir = mkdtempSync(join(tmpdir(), "bgw-restart-"));
    try {
      const before_ = await startGateway({ env: { DATA_DIR: dataDir } });
      before_.fake.enqueue({ content: [text("Kept.")] });
      const r = await before_.openai.responses.create({ model: NOVA, input: "remember" });
      assert.equal(before_.runtime.deps.responses.store.kind, "sqlite");
      await before_.close();
      const after_ = await startGateway({ env: { DATA_DIR: dataDir }, waitForCatalog: false });
      try {
        assert.equal((await after_.openai.responses.retrieve(r.id)).output_text, "Kept.");
      } finally {
        await after_.close();
      }
      assert.deepEqual(
        readdirSync(dataDir).filter((f) => f.endsWith(".db")),
        ["gateway.db"],
        "one database file",
      );
    } finally {
      rmSync(dataDir, { recursive: true, force: true });
    }
  });

  for (const env of [{ DATABASE_URL: "none" }, { RESPONSES_STORE: "memory" }]) {
    it(`in memory with ${Object.entries(env)[0]!.join("=")}, storing and chaining the same way`, async () => {
      const gw = await startGateway({ env });
      try {
        gw.fake.enqueue({ content: [text("A.")] }, { content: [text("B.")] });
        const first = await gw.openai.responses.create({ model: NOVA, input: "1" });
        await gw.openai.responses.create({ model: NOVA, input: "2", previous_response_id: first.id });
        assert.equal(gw.fake.lastCall()!.body.messages.length, 3);
        assert.equal(gw.runtime.deps.responses.store.kind, "memory");
      } finally {
        await gw.close();
      }
    });
  }
});
