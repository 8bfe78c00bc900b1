// The Files and Batch APIs end to end: the official `openai` SDK against the real gateway, whose
// real S3 client and Bedrock job client talk to the test double's S3 and batch control plane
// (SigV4 for `s3` and `bedrock` checked, records answered as the runtime double answers them).
import assert from "node:assert/strict";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, describe, test } from "node:test";
import OpenAI, { toFile } from "openai";
import { startFakeBedrock } from "./fake-bedrock/fake-bedrock.ts";
import type { FakeBedrock } from "./fake-bedrock/fake-bedrock.ts";
import { startGateway } from "./helpers/gateway.ts";
import type { TestGateway } from "./helpers/gateway.ts";
import { createKey } from "./helpers/store-keys.ts";

const BUCKET = "gateway-batch-test";
const ROLE = "arn:aws:iam::111122223333:role/bedrock-batch";
const HAIKU = "anthropic.claude-3-haiku-20240307-v1:0";
const MICRO = "amazon.nova-micro-v1:0";

const batchEnv = (fake: FakeBedrock, extra: Record<string, string> = {}) => ({
  AWS_ENDPOINT_URL_S3: fake.url,
  BATCH_S3_BUCKET: BUCKET,
  BATCH_ROLE_ARN: ROLE,
  BATCH_POLL_INTERVAL: "100ms",
  ...extra,
});

const chatLine = (i: number, model = HAIKU, extra: Record<string, unknown> = {}) =>
  JSON.stringify({
    custom_id: `req-${i}`,
    method: "POST",
    url: "/v1/chat/completions",
    body: { model, messages: [{ role: "user", content: `Question ${i}` }], max_tokens: 64, ...extra },
  });

const jsonl = (lines: string[]) => lines.join("\n") + "\n";

/** The double echoes the question it was asked, so every output line can be checked against its input. */
function echoQuestions(fake: FakeBedrock): void {
  fake.setDefault((req) => {
    const msgs = (req.body?.messages ?? []) as { content: { text?: string }[] }[];
    const q = msgs.at(-1)?.content.find((c) => c.text)?.text ?? "?";
    return { content: [{ text: `Answer to ${q}` }], usage: { inputTokens: 10, outputTokens: 4 } };
  });
}

async function upload(client: OpenAI, text: string, name = "input.jsonl") {
  return client.files.create({ file: await toFile(Buffer.from(text), name), purpose: "batch" });
}

async function waitForStatus(client: OpenAI, id: string, wanted: string[], timeoutMs = 20_000) {
  const end = Date.now() + timeoutMs;
  for (;;) {
    const b = await client.batches.retrieve(id);
    if (wanted.includes(b.status)) return b;
    if (Date.now() > end) throw new Error(`batch ${id} is still ${b.status}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

async function outputLines(client: OpenAI, fileId: string): Promise<any[]> {
  const text = await (await client.files.content(fileId)).text();
  return text
    .trim()
    .split("\n")
    .map((l) => JSON.parse(l));
}

async function batchUsage(gw: TestGateway) {
  await gw.runtime.usage!.flush();
  return (await gw.runtime.deps.store!.usageRecords({ from: 0, to: Date.now() + 60_000 })).filter((r) => r.endpoint.startsWith("batch."));
}

describe("batch through Bedrock batch inference jobs", () => {
  let fake: FakeBedrock;
  let gw: TestGateway;

  before(async () => {
    fake = await startFakeBedrock();
    fake.s3.createBucket(BUCKET);
    echoQuestions(fake);
    gw = await startGateway({ fake, env: batchEnv(fake) });
  });
  after(async () => {
    await gw.close();
    await fake.close();
  });

  test("upload, create, poll to completed, download: every line answered, in order, billed at the batch price", async () => {
    const lines = Array.from({ length: 120 }, (_, i) => chatLine(i));
    const file = await upload(gw.openai, jsonl(lines));
    assert.equal(file.object, "file");
    assert.equal(file.purpose, "batch");
    assert.equal(file.bytes, Buffer.byteLength(jsonl(lines)));
    assert.ok(fake.s3.object(BUCKET, `bedrock-gateway/files/${file.id}.jsonl`), "the upload is stored in the bucket");

    const created = await gw.openai.batches.create({
      input_file_id: file.id,
      endpoint: "/v1/chat/completions",
      completion_window: "24h",
      metadata: { run: "t1" },
    });
    assert.equal(created.status, "validating");
    assert.deepEqual(created.metadata, { run: "t1" });
    assert.equal(created.request_counts?.total, 120);

    const job = fake.lastCall("CreateModelInvocationJob")!;
    assert.equal(job.body.modelId, HAIKU);
    assert.equal(job.body.roleArn, ROLE);
    assert.equal(job.body.modelInvocationType, "Converse");
    assert.match(
      job.body.inputDataConfig.s3InputDataConfig.s3Uri,
      new RegExp(`^s3://${BUCKET}/bedrock-gateway/batches/${created.id}/0/input/records.jsonl$`),
    );
    const records = fake.s3
      .object(BUCKET, `bedrock-gateway/batches/${created.id}/0/input/records.jsonl`)!
      .toString("utf8")
      .trim()
      .split("\n")
      .map((l) => JSON.parse(l));
    assert.equal(records.length, 120);
    assert.deepEqual(records[7].modelInput.messages, [{ role: "user", content: [{ text: "Question 7" }] }]);
    assert.equal(records[7].modelInput.inferenceConfig.maxTokens, 64);
    assert.match(records[7].recordId, /^[A-Za-z0-9]+$/);

    const done = await waitForStatus(gw.openai, created.id, ["completed", "failed"]);
    assert.equal(done.status, "completed", JSON.stringify(done.errors));
    assert.deepEqual(done.request_counts, { total: 120, completed: 120, failed: 0 });
    assert.ok(done.in_progress_at && done.finalizing_at && done.completed_at);
    assert.equal(done.error_file_id, null);
    const out = await outputLines(gw.openai, done.output_file_id!);
    assert.equal(out.length, 120);
    out.forEach((o, i) => {
      assert.equal(o.custom_id, `req-${i}`);
      assert.match(o.id, /^batch_req_/);
      assert.equal(o.error, null);
      assert.equal(o.response.status_code, 200);
      assert.equal(o.response.body.object, "chat.completion");
      assert.equal(o.response.body.model, HAIKU);
      assert.equal(o.response.body.choices[0].message.content, `Answer to Question ${i}`);
      assert.equal(o.response.body.choices[0].finish_reason, "stop");
      assert.deepEqual([o.response.body.usage.prompt_tokens, o.response.body.usage.completion_tokens], [10, 4]);
    });
    const outFile = await gw.openai.files.retrieve(done.output_file_id!);
    assert.equal(outFile.purpose, "batch_output");

    const usage = await batchUsage(gw);
    const mine = usage.filter((r) => r.requestId.startsWith(created.id));
    assert.equal(mine.length, 120);
    // Claude 3 Haiku batch: $0.125 / $0.625 per 1M tokens (half the on-demand price).
    const expected = (10 * 0.125 + 4 * 0.625) / 1_000_000;
    for (const r of mine) {
      assert.equal(r.endpoint, "batch.chat.completions");
      assert.equal(r.bedrockModel, HAIKU);
      assert.ok(Math.abs(r.costUsd! - expected) < 1e-12, `cost ${r.costUsd}`);
    }
  });

  test("lines for two models become two jobs shown as one batch; a failed record goes to the error file", async () => {
    const lines = [
      ...Array.from({ length: 100 }, (_, i) => chatLine(i, HAIKU)),
      ...Array.from({ length: 100 }, (_, i) => chatLine(100 + i, MICRO)),
    ];
    // One record the model refuses: the double answers it with Bedrock's error record.
    lines[150] = JSON.stringify({
      custom_id: "req-150",
      method: "POST",
      url: "/v1/chat/completions",
      body: { model: MICRO, messages: [{ role: "user", content: "Question 150" }], max_tokens: 64 },
    });
    const before = fake.calls("CreateModelInvocationJob").length;
    fake.setDefault((req) => {
      const text = (req.body?.messages?.[0]?.content?.[0]?.text ?? "") as string;
      if (text === "Question 150") return { error: { exception: "ValidationException", message: "This record was refused." } };
      return { content: [{ text: `Answer to ${text}` }] };
    });
    try {
      const file = await upload(gw.openai, jsonl(lines));
      const b = await gw.openai.batches.create({ input_file_id: file.id, endpoint: "/v1/chat/completions", completion_window: "24h" });
      const jobs = fake.calls("CreateModelInvocationJob").slice(before);
      assert.deepEqual(jobs.map((j) => j.body.modelId).sort(), [MICRO, HAIKU].sort());
      const done = await waitForStatus(gw.openai, b.id, ["completed", "failed"]);
      assert.equal(done.status, "completed");
      assert.deepEqual(done.request_counts, { total: 200, completed: 199, failed: 1 });
      const ok = await outputLines(gw.openai, done.output_file_id!);
      assert.equal(ok.length, 199);
      assert.deepEqual(
        ok.map((o) => o.custom_id),
        lines.map((_, i) => `req-${i}`).filter((id) => id !== "req-150"),
      );
      const bad = await outputLines(gw.openai, done.error_file_id!);
      assert.equal(bad.length, 1);
      assert.equal(bad[0].custom_id, "req-150");
      assert.equal(bad[0].response.status_code, 400);
      assert.match(bad[0].response.body.error.message, /This record was refused/);
    } finally {
      echoQuestions(fake);
    }
  });

  test("embeddings lines become InvokeModel records in the family's native body and come back as embeddings", async () => {
    const model = "amazon.titan-embed-text-v2:0";
    const lines = Array.from({ length: 100 }, (_, i) =>
      JSON.stringify({
        custom_id: `e-${i}`,
        method: "POST",
        url: "/v1/embeddings",
        body: { model, input: i === 5 ? [`text ${i}`, "second"] : `text ${i}`, dimensions: 256 },
      }),
    );
    const file = await upload(gw.openai, jsonl(lines));
    const b = await gw.openai.batches.create({ input_file_id: file.id, endpoint: "/v1/embeddings", completion_window: "24h" });
    const job = fake.lastCall("CreateModelInvocationJob")!;
    assert.equal(job.body.modelInvocationType, "InvokeModel");
    const records = fake.s3
      .object(BUCKET, `bedrock-gateway/batches/${b.id}/0/input/records.jsonl`)!
      .toString("utf8")
      .trim()
      .split("\n")
      .map((l) => JSON.parse(l));
    assert.equal(records.length, 101, "Titan takes one text per call: the two-text line is two records");
    assert.deepEqual(records[0].modelInput, { inputText: "text 0", dimensions: 256 });
    const done = await waitForStatus(gw.openai, b.id, ["completed", "failed"]);
    assert.equal(done.status, "completed", JSON.stringify(done.errors));
    const out = await outputLines(gw.openai, done.output_file_id!);
    assert.equal(out.length, 100);
    assert.equal(out[0].response.body.object, "list");
    assert.equal(out[0].response.body.data[0].embedding.length, 256);
    assert.equal(out[5].response.body.data.length, 2);
    assert.deepEqual(
      out[5].response.body.data.map((d: any) => d.index),
      [0, 1],
    );
  });

  test("cancel: the Bedrock job is stopped and the batch ends cancelled", async () => {
    fake.batch.script.delayMs = 60_000;
    try {
      const file = await upload(gw.openai, jsonl(Array.from({ length: 100 }, (_, i) => chatLine(i))));
      const b = await gw.openai.batches.create({ input_file_id: file.id, endpoint: "/v1/chat/completions", completion_window: "24h" });
      const cancelling = await gw.openai.batches.cancel(b.id);
      assert.equal(cancelling.status, "cancelling");
      const done = await waitForStatus(gw.openai, b.id, ["cancelled"]);
      assert.ok(done.cancelled_at);
      const jobArn = (await gw.runtime.deps.store!.batches.getBatch(b.id))!.jobs[0]!.jobArn!;
      assert.ok(fake.calls("StopModelInvocationJob").some((r) => r.modelId === jobArn));
      assert.equal(fake.batch.jobs.get(jobArn.split("/").pop()!)!.status, "Stopped");
      const errs = await outputLines(gw.openai, done.error_file_id!);
      assert.equal(errs.length, 100);
      assert.equal(errs[0].response.body.error.code, "batch_cancelled");
      assert.equal((await gw.openai.batches.cancel(b.id)).status, "cancelled", "cancelling again changes nothing");
    } finally {
      fake.batch.script.delayMs = 300;
    }
  });

  test("a job Bedrock fails ends the batch failed with Bedrock's message", async () => {
    fake.batch.script.failWith = "The input file has an invalid record format.";
    try {
      const file = await upload(gw.openai, jsonl(Array.from({ length: 100 }, (_, i) => chatLine(i))));
      const b = await gw.openai.batches.create({ input_file_id: file.id, endpoint: "/v1/chat/completions", completion_window: "24h" });
      const done = await waitForStatus(gw.openai, b.id, ["failed", "completed"]);
      assert.equal(done.status, "failed");
      assert.ok(done.failed_at);
      assert.match(done.errors!.data![0]!.message!, /invalid record format/);
      await assert.rejects(gw.openai.batches.cancel(b.id), (e: any) => e.status === 409 && e.error.code === "batch_not_cancellable");
    } finally {
      delete fake.batch.script.failWith;
    }
  });

  test("a small batch (below Bedrock's minimum) runs through the on-demand path, billed on demand", async () => {
    const jobsBefore = fake.calls("CreateModelInvocationJob").length;
    const conversesBefore = fake.calls("Converse").length;
    const file = await upload(gw.openai, jsonl([chatLine(1), chatLine(2), chatLine(3)]));
    const b = await gw.openai.batches.create({ input_file_id: file.id, endpoint: "/v1/chat/completions", completion_window: "24h" });
    const done = await waitForStatus(gw.openai, b.id, ["completed", "failed"]);
    assert.equal(done.status, "completed");
    assert.equal(fake.calls("CreateModelInvocationJob").length, jobsBefore, "no Bedrock job for 3 records");
    assert.equal(fake.calls("Converse").length - conversesBefore, 3);
    const out = await outputLines(gw.openai, done.output_file_id!);
    assert.deepEqual(
      out.map((o) => o.response.body.choices[0].message.content),
      ["Answer to Question 1", "Answer to Question 2", "Answer to Question 3"],
    );
    const usage = (await batchUsage(gw)).filter((r) => r.requestId.startsWith(b.id));
    assert.equal(usage.length, 3);
    const onDemand = (10 * 0.25 + 4 * 1.25) / 1_000_000;
    for (const r of usage) assert.ok(Math.abs(r.costUsd! - onDemand) < 1e-12, `on-demand price, got ${r.costUsd}`);
  });

  test("files: list with cursor pages, retrieve, content, delete; unknown ids are 404s", async () => {
    const a = await upload(gw.openai, jsonl([chatLine(1)]), "a.jsonl");
    const b = await upload(gw.openai, jsonl([chatLine(2)]), "b.jsonl");
    const page1 = await gw.openai.files.list({ limit: 1 });
    assert.equal(page1.data.length, 1);
    assert.equal(page1.data[0]!.id, b.id, "newest first");
    assert.equal(page1.has_more, true);
    const page2 = await gw.openai.files.list({ limit: 1, after: b.id });
    assert.equal(page2.data[0]!.id, a.id);
    assert.equal((await gw.openai.files.retrieve(a.id)).filename, "a.jsonl");
    assert.equal(await (await gw.openai.files.content(a.id)).text(), jsonl([chatLine(1)]));
    const del = await gw.openai.files.delete(a.id);
    assert.deepEqual([del.id, del.deleted], [a.id, true]);
    assert.equal(fake.s3.object(BUCKET, `bedrock-gateway/files/${a.id}.jsonl`), undefined);
    await assert.rejects(gw.openai.files.retrieve(a.id), (e: any) => e.status === 404 && e.error?.code === "file_not_found");
    await assert.rejects(gw.openai.batches.retrieve("batch_nope"), (e: any) => e.status === 404);
  });

  test("batches: list with cursor pagination, newest first", async () => {
    const file = await upload(gw.openai, jsonl([chatLine(1)]));
    const ids: string[] = [];
    for (let i = 0; i < 3; i++)
      ids.push((await gw.openai.batches.create({ input_file_id: file.id, endpoint: "/v1/chat/completions", completion_window: "24h" })).id);
    const first = await gw.openai.batches.list({ limit: 2 });
    assert.deepEqual(
      first.data.map((b) => b.id),
      [ids[2], ids[1]],
    );
    assert.equal(first.has_more, true);
    const next = await gw.openai.batches.list({ limit: 2, after: ids[1] });
    assert.equal(next.data[0]!.id, ids[0]);
    for (const id of ids) await waitForStatus(gw.openai, id, ["completed"]);
  });
});

describe("batch input errors are 400s naming the line or the setting", () => {
  let fake: FakeBedrock;
  let gw: TestGateway;
  before(async () => {
    fake = await startFakeBedrock();
    fake.s3.createBucket(BUCKET);
    gw = await startGateway({ fake, env: batchEnv(fake) });
  });
  after(async () => {
    await gw.close();
    await fake.close();
  });

  const rejects400 = async (p: Promise<unknown>, pattern: RegExp, status = 400) =>
    assert.rejects(p, (e: any) => {
      assert.equal(e.status, status, e.message);
      assert.match(e.error?.message ?? e.message, pattern);
      return true;
    });

  test("upload: the first bad line is named", async () => {
    await rejects400(upload(gw.openai, jsonl([chatLine(1), chatLine(2), "{not json"])), /^Line 3: not valid JSON/);
    await rejects400(
      upload(gw.openai, jsonl([chatLine(1), JSON.stringify({ custom_id: "x", method: "GET", url: "/v1/chat/completions", body: {} })])),
      /^Line 2: 'method' must be POST/,
    );
    await rejects400(upload(gw.openai, jsonl([chatLine(1), chatLine(1)])), /^Line 2: custom_id 'req-1' is used by an earlier line/);
    await rejects400(
      upload(gw.openai, jsonl([JSON.stringify({ custom_id: "x", method: "POST", url: "/v1/images/generations", body: {} })])),
      /^Line 1: 'url' must be one of/,
    );
    await rejects400(upload(gw.openai, ""), /no requests/);
    const form = new FormData();
    form.set("purpose", "fine-tune");
    form.set("file", new Blob([jsonl([chatLine(1)])]), "x.jsonl");
    const res = await gw.request("/v1/files", { method: "POST", body: form });
    assert.equal(res.status, 400);
    assert.match(((await res.json()) as any).error.message, /purpose 'batch'/);
  });

  test("upload: a file over BATCH_MAX_FILE_SIZE is a 413, before it is stored", async () => {
    const small = await startGateway({ fake, env: batchEnv(fake, { BATCH_MAX_FILE_SIZE: "2kb" }) });
    try {
      const puts = fake.s3.calls.filter((c) => c.operation === "PutObject").length;
      await rejects400(upload(small.openai, jsonl(Array.from({ length: 40 }, (_, i) => chatLine(i)))), /exceeds the limit/, 413);
      assert.equal(fake.s3.calls.filter((c) => c.operation === "PutObject").length, puts);
    } finally {
      await small.close();
    }
  });

  test("create: unknown model, model without batch support, a body the endpoint refuses, a mismatched url", async () => {
    const unknown = await upload(gw.openai, jsonl([chatLine(1), chatLine(2, "no-such-model")]));
    await rejects400(
      gw.openai.batches.create({ input_file_id: unknown.id, endpoint: "/v1/chat/completions", completion_window: "24h" }),
      /^Line 2: The model 'no-such-model' does not exist/,
    );
    const cohere = await upload(
      gw.openai,
      jsonl([
        JSON.stringify({ custom_id: "e", method: "POST", url: "/v1/embeddings", body: { model: "cohere.embed-english-v3", input: "x" } }),
      ]),
    );
    await rejects400(
      gw.openai.batches.create({ input_file_id: cohere.id, endpoint: "/v1/embeddings", completion_window: "24h" }),
      /^Line 1: .*does not support Bedrock batch inference/,
    );
    const bad = await upload(gw.openai, jsonl([chatLine(1), chatLine(2, HAIKU, { temperature: "hot" })]));
    await rejects400(
      gw.openai.batches.create({ input_file_id: bad.id, endpoint: "/v1/chat/completions", completion_window: "24h" }),
      /^Line 2: .*temperature/,
    );
    const stream = await upload(gw.openai, jsonl([chatLine(1, HAIKU, { stream: true })]));
    await rejects400(
      gw.openai.batches.create({ input_file_id: stream.id, endpoint: "/v1/chat/completions", completion_window: "24h" }),
      /^Line 1: 'stream' is not supported/,
    );
    const mixed = await upload(gw.openai, jsonl([chatLine(1)]));
    await rejects400(
      gw.openai.batches.create({ input_file_id: mixed.id, endpoint: "/v1/embeddings", completion_window: "24h" }),
      /^Line 1: 'url' is \/v1\/chat\/completions but the batch's endpoint is \/v1\/embeddings/,
    );
    await rejects400(
      gw.openai.batches.create({ input_file_id: mixed.id, endpoint: "/v1/chat/completions", completion_window: "48h" as "24h" }),
      /completion_window/,
    );
    await rejects400(
      gw.openai.batches.create({ input_file_id: "file-missing", endpoint: "/v1/chat/completions", completion_window: "24h" }),
      /No such File object/,
      404,
    );
    assert.equal(fake.calls("CreateModelInvocationJob").length, 0, "nothing was submitted");
    assert.equal(fake.calls("Converse").length, 0, "nothing ran");
  });

  test("missing bucket and missing role are 400s naming the setting", async () => {
    const noBucket = await startGateway({ fake, env: { BATCH_ROLE_ARN: ROLE } });
    try {
      await rejects400(upload(noBucket.openai, jsonl([chatLine(1)])), /BATCH_S3_BUCKET is not set/);
      await rejects400(
        noBucket.openai.batches.create({ input_file_id: "file-x", endpoint: "/v1/chat/completions", completion_window: "24h" }),
        /BATCH_S3_BUCKET is not set/,
      );
    } finally {
      await noBucket.close();
    }
    const noRole = await startGateway({ fake, env: batchEnv(fake, { BATCH_ROLE_ARN: "" }) });
    try {
      const big = await upload(noRole.openai, jsonl(Array.from({ length: 100 }, (_, i) => chatLine(i))));
      await rejects400(
        noRole.openai.batches.create({ input_file_id: big.id, endpoint: "/v1/chat/completions", completion_window: "24h" }),
        /BATCH_ROLE_ARN is not set/,
      );
      // A small batch needs no role: it runs on demand.
      const small = await upload(noRole.openai, jsonl([chatLine(1)]));
      const b = await noRole.openai.batches.create({ input_file_id: small.id, endpoint: "/v1/chat/completions", completion_window: "24h" });
      assert.equal((await waitForStatus(noRole.openai, b.id, ["completed", "failed"])).status, "completed");
    } finally {
      await noRole.close();
    }
    const noStore = await startGateway({ fake, env: batchEnv(fake, { DATABASE_URL: "none" }) });
    try {
      await rejects400(upload(noStore.openai, jsonl([chatLine(1)])), /DATABASE_URL/);
    } finally {
      await noStore.close();
    }
  });
});

describe("batches are scoped per key and follow the key's policy", () => {
  let fake: FakeBedrock;
  let gw: TestGateway;
  before(async () => {
    fake = await startFakeBedrock();
    fake.s3.createBucket(BUCKET);
    echoQuestions(fake);
    gw = await startGateway({ fake, env: batchEnv(fake, { ADMIN_API_KEY: "admin-secret-0123456789" }) });
  });
  after(async () => {
    await gw.close();
    await fake.close();
  });

  test("two keys cannot see, download, delete, use or cancel each other's files and batches", async () => {
    const alice = new OpenAI({ baseURL: gw.baseURL, apiKey: (await createKey(gw, { name: "alice" })).secret, maxRetries: 0 });
    const bob = new OpenAI({ baseURL: gw.baseURL, apiKey: (await createKey(gw, { name: "bob" })).secret, maxRetries: 0 });
    const file = await upload(alice, jsonl([chatLine(1)]));
    const batch = await alice.batches.create({ input_file_id: file.id, endpoint: "/v1/chat/completions", completion_window: "24h" });
    const notFound = (e: any) => e.status === 404;
    await assert.rejects(bob.files.retrieve(file.id), notFound);
    await assert.rejects(bob.files.content(file.id), notFound);
    await assert.rejects(bob.files.delete(file.id), notFound);
    await assert.rejects(
      bob.batches.create({ input_file_id: file.id, endpoint: "/v1/chat/completions", completion_window: "24h" }),
      notFound,
    );
    await assert.rejects(bob.batches.retrieve(batch.id), notFound);
    await assert.rejects(bob.batches.cancel(batch.id), notFound);
    assert.equal((await bob.files.list()).data.length, 0);
    assert.equal((await bob.batches.list()).data.length, 0);
    const done = await waitForStatus(alice, batch.id, ["completed"]);
    await assert.rejects(bob.files.content(done.output_file_id!), notFound);
    assert.equal((await alice.files.retrieve(file.id)).id, file.id);
  });

  test("a key not allowed a line's model is refused at create, naming the line; nothing runs", async () => {
    const key = await createKey(gw, { name: "haiku-only", models: [HAIKU] });
    const client = new OpenAI({ baseURL: gw.baseURL, apiKey: key.secret, maxRetries: 0 });
    const file = await upload(client, jsonl([chatLine(1), chatLine(2), chatLine(3, MICRO)]));
    const converses = fake.calls("Converse").length;
    await assert.rejects(
      client.batches.create({ input_file_id: file.id, endpoint: "/v1/chat/completions", completion_window: "24h" }),
      (e: any) => {
        assert.equal(e.status, 403);
        assert.match(e.error.message, /^Line 3: this API key is not allowed to use the model 'amazon.nova-micro-v1:0'/);
        return true;
      },
    );
    assert.equal((await client.batches.list()).data.length, 0);
    await new Promise((r) => setTimeout(r, 300));
    assert.equal(fake.calls("Converse").length, converses);
  });

  test("the on-demand runner keeps within the key's RPM (it waits instead of failing)", async () => {
    const key = await createKey(gw, { name: "slow", rpm: 2 });
    const client = new OpenAI({ baseURL: gw.baseURL, apiKey: key.secret, maxRetries: 0 });
    // Calls of earlier tests can share the batch's created_at second: count from now, in ms.
    const since = Date.now();
    const file = await upload(client, jsonl([chatLine(1), chatLine(2), chatLine(3)]));
    const b = await client.batches.create({ input_file_id: file.id, endpoint: "/v1/chat/completions", completion_window: "24h" });
    // The create took one request of the 2 per minute; the runner gets the other at once and then
    // waits for the bucket to refill (one request every 30 s): after 1.5 s only one line has run.
    await new Promise((r) => setTimeout(r, 1500));
    const mid = await client.batches.retrieve(b.id);
    assert.equal(mid.status, "in_progress");
    const ran = fake.calls("Converse").filter((r) => /Question [123]/.test(JSON.stringify(r.body)) && r.receivedAt >= since);
    assert.ok(ran.length <= 1, `ran ${ran.length} calls within the RPM`);
    await client.batches.cancel(b.id);
    const done = await waitForStatus(client, b.id, ["cancelled"], 10_000);
    assert.ok(done.cancelled_at);
  });
});

describe("a restart in the middle of a batch", () => {
  test("the next process picks the batch up from the store and finishes it", async () => {
    const fake = await startFakeBedrock();
    fake.s3.createBucket(BUCKET);
    echoQuestions(fake);
    fake.batch.script.delayMs = 1500;
    const dataDir = mkdtempSync(join(tmpdir(), "bgw-batch-restart-"));
    try {
      const first = await startGateway({ fake, env: batchEnv(fake, { DATA_DIR: dataDir }) });
      const file = await upload(first.openai, jsonl(Array.from({ length: 100 }, (_, i) => chatLine(i))));
      const b = await first.openai.batches.create({ input_file_id: file.id, endpoint: "/v1/chat/completions", completion_window: "24h" });
      await waitForStatus(first.openai, b.id, ["in_progress"]);
      await first.close();
      const second = await startGateway({ fake, env: batchEnv(fake, { DATA_DIR: dataDir }) });
      try {
        const done = await waitForStatus(second.openai, b.id, ["completed", "failed"]);
        assert.equal(done.status, "completed");
        assert.equal(
          done.error_file_id,
          null,
          done.error_file_id ? await (await second.openai.files.content(done.error_file_id)).text() : "",
        );
        assert.equal(fake.calls("CreateModelInvocationJob").length, 1, "the job was not submitted twice");
        const out = await outputLines(second.openai, done.output_file_id!);
        assert.equal(out.length, 100);
        assert.equal(out[42].response.body.choices[0].message.content, "Answer to Question 42");
      } finally {
        await second.close();
      }
    } finally {
      await fake.close();
      rmSync(dataDir, { recursive: true, force: true });
    }
  });
});
