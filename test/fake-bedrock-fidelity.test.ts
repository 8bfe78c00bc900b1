// The test double is only useful if it is Bedrock-shaped: the official AWS SDK clients must
// accept what it sends (frames, CRCs, errors) and it must accept what they send (SigV4).
import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import { BedrockClient, ListFoundationModelsCommand, ListInferenceProfilesCommand } from "@aws-sdk/client-bedrock";
import {
  BedrockRuntimeClient,
  ConverseCommand,
  ConverseStreamCommand,
  ThrottlingException,
  ValidationException,
} from "@aws-sdk/client-bedrock-runtime";
import { NodeHttpHandler } from "@smithy/node-http-handler";
import { startFakeBedrock, TEST_CREDENTIALS, text, thinking, toolUse } from "./fake-bedrock/fake-bedrock.ts";
import type { FakeBedrock } from "./fake-bedrock/fake-bedrock.ts";

describe("test double fidelity with the official AWS SDK", () => {
  let fake: FakeBedrock;
  let runtime: BedrockRuntimeClient;
  before(async () => {
    fake = await startFakeBedrock();
    // The SDK defaults to HTTP/2 for this service; the double speaks HTTP/1.1 (as Bedrock also does).
    runtime = new BedrockRuntimeClient({
      region: "us-east-1",
      endpoint: fake.url,
      credentials: TEST_CREDENTIALS,
      maxAttempts: 1,
      requestHandler: new NodeHttpHandler(),
    });
  });
  after(async () => {
    runtime.destroy();
    await fake.close();
  });

  it("Converse round trip with SigV4 over an ARN model id", async () => {
    fake.enqueue({ content: [text("Hi there")] });
    const out = await runtime.send(
      new ConverseCommand({
        modelId: "arn:aws:bedrock:us-east-1:111122223333:application-inference-profile/a1b2c3d4e5f6",
        messages: [{ role: "user", content: [{ text: "hello" }] }],
      }),
    );
    assert.equal(out.output?.message?.content?.[0]?.text, "Hi there");
    assert.equal(out.stopReason, "end_turn");
    assert.ok(out.usage!.inputTokens! > 0);
    assert.equal(fake.lastCall()!.modelId, "arn:aws:bedrock:us-east-1:111122223333:application-inference-profile/a1b2c3d4e5f6");
  });

  it("ConverseStream frames decode in the SDK, with tool use and reasoning", async () => {
    fake.enqueue({ content: [thinking("let me think"), text("Calling a tool."), toolUse("get_weather", { city: "Paris" })] });
    const out = await runtime.send(
      new ConverseStreamCommand({
        modelId: "us.anthropic.claude-sonnet-4-5-20250929-v1:0",
        messages: [{ role: "user", content: [{ text: "weather?" }] }],
        toolConfig: { tools: [{ toolSpec: { name: "get_weather", inputSchema: { json: { type: "object" } } } }] },
      }),
    );
    const kinds: string[] = [];
    let input = "";
    let reasoning = "";
    for await (const ev of out.stream!) {
      kinds.push(Object.keys(ev).filter((k) => (ev as unknown as Record<string, unknown>)[k] !== undefined)[0]!);
      if (ev.contentBlockDelta?.delta?.toolUse) input += ev.contentBlockDelta.delta.toolUse.input;
      if (ev.contentBlockDelta?.delta?.reasoningContent?.text) reasoning += ev.contentBlockDelta.delta.reasoningContent.text;
    }
    assert.equal(kinds[0], "messageStart");
    assert.ok(kinds.includes("contentBlockStart"));
    assert.equal(kinds.at(-2), "messageStop");
    assert.equal(kinds.at(-1), "metadata");
    assert.deepEqual(JSON.parse(input), { city: "Paris" });
    assert.equal(reasoning, "let me think");
  });

  it("errors arrive as the SDK's modelled exceptions, before and during a stream", async () => {
    fake.enqueue({ error: { exception: "ThrottlingException", message: "Too many requests" } });
    await assert.rejects(
      runtime.send(new ConverseCommand({ modelId: "amazon.nova-lite-v1:0", messages: [{ role: "user", content: [{ text: "x" }] }] })),
      (e: unknown) => e instanceof ThrottlingException && e.$metadata.httpStatusCode === 429,
    );
    fake.enqueue({
      content: [text("abcdefghijklmnopqrstuvwxyz")],
      stream: { failAfter: { events: 3, exception: "ValidationException", message: "bad mid-stream" } },
    });
    const out = await runtime.send(
      new ConverseStreamCommand({ modelId: "amazon.nova-lite-v1:0", messages: [{ role: "user", content: [{ text: "x" }] }] }),
    );
    await assert.rejects(
      (async () => {
        for await (const _ of out.stream!) {
          // drain
        }
      })(),
      (e: unknown) => e instanceof ValidationException && e.message === "bad mid-stream",
    );
  });

  it("validates requests like Bedrock (alternation, blank text, on-demand base id)", async () => {
    const send = (modelId: string, messages: any[]) => runtime.send(new ConverseCommand({ modelId, messages }));
    await assert.rejects(
      send("amazon.nova-lite-v1:0", [{ role: "assistant", content: [{ text: "x" }] }]),
      /must start with a user message/,
    );
    await assert.rejects(
      send("amazon.nova-lite-v1:0", [
        { role: "user", content: [{ text: "a" }] },
        { role: "user", content: [{ text: "b" }] },
      ]),
      /alternate/,
    );
    await assert.rejects(send("amazon.nova-lite-v1:0", [{ role: "user", content: [{ text: "  " }] }]), /is blank/);
    await assert.rejects(
      send("anthropic.claude-sonnet-4-5-20250929-v1:0", [{ role: "user", content: [{ text: "a" }] }]),
      /on-demand throughput isn’t supported/,
    );
  });

  it("rejects a wrong secret key like AWS does", async () => {
    const wrong = new BedrockRuntimeClient({
      region: "us-east-1",
      endpoint: fake.url,
      credentials: { ...TEST_CREDENTIALS, secretAccessKey: "nope" },
      maxAttempts: 1,
      requestHandler: new NodeHttpHandler(),
    });
    await assert.rejects(
      wrong.send(new ConverseCommand({ modelId: "amazon.nova-lite-v1:0", messages: [{ role: "user", content: [{ text: "x" }] }] })),
      (e: any) => e.name === "InvalidSignatureException" && e.$metadata.httpStatusCode === 403,
    );
    wrong.destroy();
  });

  it("control plane listings page like Bedrock", async () => {
    const cp = new BedrockClient({ region: "us-east-1", endpoint: fake.url, credentials: TEST_CREDENTIALS });
    const fms = await cp.send(new ListFoundationModelsCommand({}));
    assert.ok(fms.modelSummaries!.length > 30);
    const first = await cp.send(new ListInferenceProfilesCommand({ maxResults: 3, typeEquals: "SYSTEM_DEFINED" }));
    assert.equal(first.inferenceProfileSummaries!.length, 3);
    assert.ok(first.nextToken);
    const second = await cp.send(
      new ListInferenceProfilesCommand({ maxResults: 3, typeEquals: "SYSTEM_DEFINED", nextToken: first.nextToken }),
    );
    assert.notEqual(second.inferenceProfileSummaries![0]!.inferenceProfileId, first.inferenceProfileSummaries![0]!.inferenceProfileId);
    assert.ok(first.inferenceProfileSummaries![0]!.createdAt instanceof Date);
    cp.destroy();
  });
});
