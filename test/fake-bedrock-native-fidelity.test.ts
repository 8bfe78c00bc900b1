// The double's native endpoints checked against the official `openai` SDK's own Bedrock provider
// (openai/providers/bedrock and .../bedrock/aws), which signs Mantle requests with SigV4 under the
// "bedrock-mantle" signing name and the runtime's under "bedrock", or sends a Bedrock API key. If
// the double accepts what the SDK sends and refuses what AWS refuses, the gateway's tests against
// it mean something.
import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import OpenAI from "openai";
import { bedrock as bedrockBearer } from "openai/providers/bedrock";
import { bedrock as bedrockAws } from "openai/providers/bedrock/aws";
import { createSigV4Signer } from "../src/bedrock/transport/request-signer.ts";
import { startFakeBedrock, TEST_CREDENTIALS } from "./fake-bedrock/fake-bedrock.ts";
import type { FakeBedrock } from "./fake-bedrock/fake-bedrock.ts";

const TOKEN = "bedrock-api-key-fidelity-0123456789";
const creds = { accessKeyId: TEST_CREDENTIALS.accessKeyId, secretAccessKey: TEST_CREDENTIALS.secretAccessKey };

describe("the double's native endpoints against the openai SDK's Bedrock provider", () => {
  let fake: FakeBedrock;
  before(async () => (fake = await startFakeBedrock({ bearerToken: TOKEN })));
  after(() => fake.close());

  const mantle = () =>
    new OpenAI({
      provider: bedrockAws({ endpoint: "mantle", region: fake.region, baseURL: `${fake.mantleUrl}/openai/v1`, ...creds }),
      maxRetries: 0,
    });

  it("accepts Mantle requests the SDK signs (SigV4, bedrock-mantle), JSON and streamed", async () => {
    const r = await mantle().responses.create({ model: "openai.gpt-5.5", input: "hi", store: false });
    assert.equal(r.status, "completed");
    assert.equal(fake.native.lastCall("NativeResponses")?.auth, "bedrock-mantle");
    const types: string[] = [];
    for await (const e of await mantle().responses.create({ model: "openai.gpt-5.5", input: "hi", stream: true, store: false }))
      types.push(e.type);
    assert.deepEqual([types[0], types.at(-1)], ["response.created", "response.completed"]);
    const list = await new OpenAI({
      provider: bedrockAws({ endpoint: "mantle", region: fake.region, baseURL: `${fake.mantleUrl}/v1`, ...creds }),
      maxRetries: 0,
    }).models.list();
    assert.ok(list.data.some((m) => m.id === "openai.gpt-5.5"));
  });

  it("accepts the runtime's /openai/v1 signed as bedrock, and the Bedrock API key as a bearer token", async () => {
    const rt = new OpenAI({
      provider: bedrockAws({ endpoint: "runtime", region: fake.region, baseURL: `${fake.url}/openai/v1`, ...creds }),
      maxRetries: 0,
    });
    const chat = await rt.chat.completions.create({ model: "openai.gpt-oss-20b-1:0", messages: [{ role: "user", content: "hi" }] });
    assert.equal(chat.object, "chat.completion");
    assert.equal(fake.native.lastCall("NativeChat")?.auth, "bedrock");
    const bearer = new OpenAI({ provider: bedrockBearer({ apiKey: TOKEN, baseURL: `${fake.mantleUrl}/v1` }), maxRetries: 0 });
    const stream = await bearer.chat.completions.create({
      model: "google.gemma-4-31b",
      messages: [{ role: "user", content: "hi" }],
      stream: true,
      stream_options: { include_usage: true },
    });
    let usage = 0;
    for await (const c of stream) if (c.usage) usage++;
    assert.equal(usage, 1);
    assert.equal(fake.native.lastCall("NativeChat")?.auth, "bearer");
  });

  it("refuses the wrong signing name, a wrong key, a wrong prefix and a chat call to a Responses-only model", async () => {
    // Signed for the runtime ("bedrock") but sent to Mantle: AWS scopes credentials per service.
    const wrongService = new OpenAI({
      provider: bedrockAws({ endpoint: "runtime", region: fake.region, baseURL: `${fake.mantleUrl}/v1`, ...creds }),
      maxRetries: 0,
    });
    await assert.rejects(wrongService.models.list(), (e: InstanceType<typeof OpenAI.APIError>) => e.status === 403);
    const wrongKey = new OpenAI({ provider: bedrockBearer({ apiKey: "not-the-key", baseURL: `${fake.mantleUrl}/v1` }), maxRetries: 0 });
    await assert.rejects(wrongKey.models.list(), (e: InstanceType<typeof OpenAI.APIError>) => e.status === 401);
    const v1 = new OpenAI({
      provider: bedrockAws({ endpoint: "mantle", region: fake.region, baseURL: `${fake.mantleUrl}/v1`, ...creds }),
      maxRetries: 0,
    });
    await assert.rejects(
      v1.responses.create({ model: "openai.gpt-5.5", input: "hi" }),
      (e: InstanceType<typeof OpenAI.APIError>) => e.status === 400 && /isn't supported on this route/.test(e.message),
    );
    await assert.rejects(
      mantle().chat.completions.create({ model: "openai.gpt-5.5", messages: [{ role: "user", content: "hi" }] }),
      (e: InstanceType<typeof OpenAI.APIError>) => e.status === 400,
    );
    const unknown = await mantle()
      .responses.create({ model: "openai.gpt-9", input: "hi" })
      .catch((e: unknown) => e);
    assert.ok(unknown instanceof OpenAI.NotFoundError);
  });

  it("verifies the gateway's own Mantle signer the same way", async () => {
    const sign = createSigV4Signer(fake.region, async () => creds, "bedrock-mantle");
    const url = new URL(fake.mantleUrl);
    const headers = await sign({ method: "GET", url, path: "/v1/models", headers: { accept: "application/json" } });
    const res = await fetch(`${fake.mantleUrl}/v1/models`, { headers });
    assert.equal(res.status, 200);
    const bad = await sign({ method: "GET", url, path: "/v1/models", headers: { accept: "application/json" } });
    const tampered = await fetch(`${fake.mantleUrl}/v1/models?extra=1`, { headers: bad });
    assert.equal(tampered.status, 401);
  });
});
