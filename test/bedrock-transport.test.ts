// The lean Bedrock transport against the test double: signing (SigV4 with session tokens, Bedrock
// API keys), retries before the first byte only, and stream failures surfacing as BedrockError.
import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import { BedrockError } from "../src/bedrock/bedrock-error.ts";
import { createBedrockRuntime } from "../src/bedrock/runtime-client.ts";
import { BedrockHttp } from "../src/bedrock/transport/bedrock-http.ts";
import { createBearerSigner, createSigV4Signer } from "../src/bedrock/transport/request-signer.ts";
import { startFakeBedrock, TEST_CREDENTIALS, text } from "./fake-bedrock/fake-bedrock.ts";
import type { FakeBedrock } from "./fake-bedrock/fake-bedrock.ts";

const timeouts = { connectMs: 2000, firstByteMs: 5000, idleMs: 5000 };
const msgs = { messages: [{ role: "user" as const, content: [{ text: "hi" }] }] };

describe("Bedrock transport", () => {
  let fake: FakeBedrock;
  before(async () => {
    fake = await startFakeBedrock({
      bearerToken: "bedrock-api-key-abc",
      credentials: { ...TEST_CREDENTIALS, sessionToken: "session-token-xyz" },
    });
  });
  after(() => fake.close());

  const client = (
    retryMs = 3000,
    signer = createSigV4Signer("us-east-1", async () => ({ ...TEST_CREDENTIALS, sessionToken: "session-token-xyz" })),
  ) => createBedrockRuntime(new BedrockHttp(fake.url, signer, timeouts, { maxElapsedMs: retryMs, baseDelayMs: 20, maxDelayMs: 100 }));

  it("signs with SigV4 including the session token", async () => {
    fake.enqueue({ content: [text("signed")] });
    const out = await client().converse("amazon.nova-lite-v1:0", msgs);
    assert.equal(
      out.output.message?.content[0] && "text" in out.output.message.content[0] ? out.output.message.content[0].text : "",
      "signed",
    );
    assert.equal(fake.lastCall()!.headers["x-amz-security-token"], "session-token-xyz");
  });

  it("sends a Bedrock API key as a bearer token", async () => {
    const out = await client(0, createBearerSigner("bedrock-api-key-abc")).converse("amazon.nova-lite-v1:0", msgs);
    assert.equal(out.stopReason, "end_turn");
    const bad = client(0, createBearerSigner("wrong"));
    await assert.rejects(
      bad.converse("amazon.nova-lite-v1:0", msgs),
      (e: unknown) => e instanceof BedrockError && e.exception === "UnrecognizedClientException" && e.status === 403,
    );
  });

  it("retries throttling with backoff, then succeeds", async () => {
    fake.reset();
    const throttle = { error: { exception: "ThrottlingException", message: "Too many requests, please wait before trying again." } };
    fake.enqueue(throttle, { error: { exception: "ServiceUnavailableException", message: "busy" } }, { content: [text("finally")] });
    const retries: number[] = [];
    const out = await client().converse("amazon.nova-lite-v1:0", msgs, { onRetry: (_e, attempt) => retries.push(attempt) });
    assert.equal(fake.calls("Converse").length, 3);
    assert.deepEqual(retries, [1, 2]);
    assert.equal(out.stopReason, "end_turn");
  });

  it("gives up when the retry budget is spent and reports Bedrock's error", async () => {
    fake.reset();
    fake.setDefault({ error: { exception: "ThrottlingException", message: "Too many requests" } });
    const started = Date.now();
    await assert.rejects(
      client(300).converse("amazon.nova-lite-v1:0", msgs),
      (e: unknown) => e instanceof BedrockError && e.exception === "ThrottlingException" && e.status === 429,
    );
    assert.ok(Date.now() - started < 1000);
    assert.ok(fake.calls("Converse").length >= 2);
    fake.reset();
  });

  it("does not retry validation errors", async () => {
    fake.reset();
    await assert.rejects(
      client().converse("amazon.nova-lite-v1:0", { messages: [] }),
      (e: unknown) => e instanceof BedrockError && e.exception === "ValidationException",
    );
    assert.equal(fake.calls("Converse").length, 1);
  });

  it("surfaces an exception frame mid-stream, after the events before it", async () => {
    fake.enqueue({
      content: [text("0123456789abcdef")],
      stream: { textChunk: 4, failAfter: { events: 3, exception: "ModelStreamErrorException", message: "model broke" } },
    });
    const events = await client().converseStream("amazon.nova-lite-v1:0", msgs);
    const seen: string[] = [];
    await assert.rejects(
      (async () => {
        for await (const batch of events) {
          assert.ok(batch.length > 0, "no empty batch");
          for (const e of batch) seen.push(Object.keys(e)[0]!);
        }
      })(),
      (e: unknown) => e instanceof BedrockError && e.midStream && e.exception === "ModelStreamErrorException" && e.status === 424,
    );
    assert.deepEqual(seen, ["messageStart", "contentBlockDelta", "contentBlockDelta"]);
  });

  it("yields the events of a stream in order, those of one network read together", async () => {
    fake.enqueue({ content: [text("0123456789abcdef")], stream: { textChunk: 2 } });
    const events = await client().converseStream("amazon.nova-lite-v1:0", msgs);
    const batches: string[][] = [];
    for await (const batch of events) batches.push(batch.map((e) => Object.keys(e)[0]!));
    const flat = batches.flat();
    assert.deepEqual(flat, ["messageStart", ...Array<string>(8).fill("contentBlockDelta"), "contentBlockStop", "messageStop", "metadata"]);
    assert.ok(batches.every((b) => b.length > 0));
    // The double writes the whole stream at once: it arrives in fewer reads than events.
    assert.ok(batches.length < flat.length, `${batches.length} batches for ${flat.length} events`);
  });

  it("reports a connection cut mid-frame", async () => {
    fake.enqueue({ content: [text("0123456789")], stream: { cutAfter: 2 } });
    const events = await client().converseStream("amazon.nova-lite-v1:0", msgs);
    await assert.rejects(
      (async () => {
        for await (const _ of events) {
          // drain
        }
      })(),
      (e: unknown) => e instanceof BedrockError && e.exception === "TransportError",
    );
  });

  it("aborting closes the upstream connection", async () => {
    fake.enqueue({ content: [text("0123456789")], stream: { hangAfter: 2 } });
    const ac = new AbortController();
    const events = await client().converseStream("amazon.nova-lite-v1:0", msgs, { signal: ac.signal });
    const it = events[Symbol.asyncIterator]();
    await it.next();
    ac.abort();
    await assert.rejects(async () => {
      // Events already decoded may still come out; the iteration must then fail, not end cleanly.
      for (let r = await it.next(); !r.done; r = await it.next());
    });
    const rec = await fake.waitFor((r) => r.operation === "ConverseStream" && r.clientClosedAt !== undefined, 1000);
    assert.ok(rec.clientClosedAt);
  });
});

describe("Bedrock transport without credentials", () => {
  it("fails fast with a credentials error, without retrying", async () => {
    const fake = await startFakeBedrock();
    try {
      let attempts = 0;
      const noCreds = createSigV4Signer("us-east-1", async () => {
        attempts++;
        throw new Error("Could not load credentials from any providers");
      });
      const client = createBedrockRuntime(
        new BedrockHttp(fake.url, noCreds, timeouts, { maxElapsedMs: 5000, baseDelayMs: 20, maxDelayMs: 100 }),
      );
      await assert.rejects(
        client.converse("amazon.nova-lite-v1:0", msgs),
        (e: unknown) => e instanceof BedrockError && e.exception === "CredentialsError" && /could not load AWS credentials/.test(e.message),
      );
      assert.equal(attempts, 1, "not retried");
      assert.equal(fake.requests.length, 0);
    } finally {
      await fake.close();
    }
  });
});
