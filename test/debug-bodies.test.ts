// DEBUG=true logs the request and response bodies of every endpoint, whatever LOG_LEVEL is (here
// "info"): JSON answers as they were sent, a stream's answer assembled at its end. Off, nothing.
import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import Anthropic from "@anthropic-ai/sdk";
import { text, toolUse } from "./fake-bedrock/fake-bedrock.ts";
import { startGateway, TEST_API_KEY } from "./helpers/gateway.ts";
import type { TestGateway } from "./helpers/gateway.ts";

const NOVA = "us.amazon.nova-lite-v1:0";
const CLAUDE = "anthropic.claude-sonnet-4-5-20250929-v1:0";
const bodies = (gw: TestGateway, msg: string, endpoint: string) => gw.logs.filter((l) => l.msg === msg && l.endpoint === endpoint);

async function waitFor<T>(get: () => T | undefined): Promise<T> {
  for (let i = 0; i < 200; i++) {
    const v = get();
    if (v !== undefined) return v;
    await new Promise((r) => setTimeout(r, 10));
  }
  throw new Error("timed out");
}

describe("DEBUG=true body logging", () => {
  let gw: TestGateway;
  before(async () => {
    gw = await startGateway({ env: { DEBUG: "true", LOG_LEVEL: "info" } });
  });
  after(() => gw.close());

  it("logs request and response bodies of chat, embeddings and a streamed Anthropic answer at LOG_LEVEL=info", async () => {
    gw.fake.enqueue({ content: [text("Four.")] });
    await gw.openai.chat.completions.create({ model: NOVA, messages: [{ role: "user", content: "2+2?" }] });
    const [req] = bodies(gw, "request body", "chat.completions");
    assert.deepEqual((req!.body as { messages: unknown[] }).messages, [{ role: "user", content: "2+2?" }]);
    const [res] = bodies(gw, "response body", "chat.completions");
    assert.equal((res!.body as { choices: { message: { content: string } }[] }).choices[0]!.message.content, "Four.");

    await gw.openai.embeddings.create({ model: "amazon.titan-embed-text-v2:0", input: "hello" });
    assert.equal((bodies(gw, "request body", "embeddings")[0]!.body as { input: string }).input, "hello");
    assert.equal(bodies(gw, "response body", "embeddings").length, 1);

    gw.fake.enqueue({ content: [text("Let me check."), toolUse("get_weather", { city: "Paris" })], stopReason: "tool_use" });
    const anthropic = new Anthropic({ baseURL: gw.url, apiKey: TEST_API_KEY });
    await anthropic.messages
      .stream({
        model: CLAUDE,
        max_tokens: 100,
        messages: [{ role: "user", content: "Weather?" }],
        tools: [{ name: "get_weather", input_schema: { type: "object" } }],
      })
      .finalMessage();
    const streamed = await waitFor(() => bodies(gw, "response body", "messages")[0]);
    const choice = (streamed.body as { choices: { text: string; toolCalls: { name: string; arguments: string }[]; stopReason: string }[] })
      .choices[0]!;
    assert.equal(choice.text, "Let me check.");
    assert.deepEqual(
      choice.toolCalls.map((t) => [t.name, JSON.parse(t.arguments)]),
      [["get_weather", { city: "Paris" }]],
    );
    assert.equal(choice.stopReason, "tool_use");
    assert.ok(!gw.logText().includes(TEST_API_KEY), "the API key never appears");
  });
});

describe("without DEBUG", () => {
  let gw: TestGateway;
  before(async () => {
    gw = await startGateway({ env: { LOG_LEVEL: "debug" } });
  });
  after(() => gw.close());

  it("logs no bodies, even at LOG_LEVEL=debug", async () => {
    gw.fake.enqueue({ content: [text("Four.")] });
    await gw.openai.chat.completions.create({ model: NOVA, messages: [{ role: "user", content: "2+2?" }] });
    assert.equal(gw.logs.filter((l) => l.msg === "request body" || l.msg === "response body").length, 0);
  });
});
