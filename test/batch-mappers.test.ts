// Pure batch mappers on fixtures: JSONL lines, a chat line → Converse record → chat.completion
// (tool names restored as the real-time endpoint restores them), an embedding line → one record
// per InvokeModel call → embeddings, Bedrock error records and missing records → error results.
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { parseBatchLines } from "../src/batch/batch-lines.ts";
import { lineOfRecord, lineResult, planChatLine, planEmbeddingLine, recordId } from "../src/batch/record-mappers.ts";
import type { OutputRecord } from "../src/batch/record-mappers.ts";
import { batchObject, fileObject } from "../src/batch/openai-objects.ts";
import { loadConfig } from "../src/config/config.ts";
import type { ResolvedModel } from "../src/models/resolve-model.ts";

const chat = loadConfig({ API_KEY: "k" }).chat;
const HAIKU: ResolvedModel = {
  requested: "claude-haiku",
  bedrockId: "anthropic.claude-3-haiku-20240307-v1:0",
  baseModelId: "anthropic.claude-3-haiku-20240307-v1:0",
  entry: undefined,
};
const COHERE: ResolvedModel = {
  requested: "cohere.embed-english-v3",
  bedrockId: "cohere.embed-english-v3",
  baseModelId: "cohere.embed-english-v3",
  entry: undefined,
};
const line = (n: number, body: Record<string, unknown>, url: "/v1/chat/completions" | "/v1/embeddings" = "/v1/chat/completions") => ({
  line: n,
  customId: `c${n}`,
  url,
  body,
});

describe("parseBatchLines", () => {
  it("keeps editor line numbers across blank and CRLF lines", async () => {
    const ok = (id: string) => JSON.stringify({ custom_id: id, method: "POST", url: "/v1/embeddings", body: { input: "x" } });
    const lines = await parseBatchLines(`${ok("a")}\r\n\n   \n${ok("b")}\n`, 10);
    assert.deepEqual(
      lines.map((l) => [l.line, l.customId]),
      [
        [1, "a"],
        [4, "b"],
      ],
    );
    await assert.rejects(
      parseBatchLines(`${ok("a")}\n\n{"custom_id":"b","method":"POST","url":"/v1/embeddings"}`, 10),
      /^GatewayError: Line 3: missing required field 'body'/,
    );
    await assert.rejects(parseBatchLines(`${ok("a")}\n${ok("b")}\n${ok("c")}`, 2), /Line 3: the file has more than 2 requests/);
    await assert.rejects(
      parseBatchLines(`${JSON.stringify({ custom_id: "a", method: "POST", url: "/v1/embeddings", body: {}, extra: 1 })}`, 2),
      /Line 1: unknown field\(s\) 'extra'/,
    );
  });
});

describe("chat lines", () => {
  const body = {
    model: "claude-haiku",
    messages: [
      { role: "system", content: "Be brief." },
      { role: "user", content: "Weather in Paris?" },
    ],
    tools: [
      {
        type: "function",
        function: { name: "get.weather", description: "Weather", parameters: { type: "object", properties: { city: { type: "string" } } } },
      },
    ],
    max_tokens: 100,
  };

  it("become one Converse record through the chat front door's mapping", () => {
    const plan = planChatLine(line(7, body), HAIKU, chat, false);
    assert.equal(plan.records.length, 1);
    assert.equal(plan.records[0]!.recordId, recordId(7));
    assert.equal(lineOfRecord(plan.records[0]!.recordId), 7);
    const input = plan.records[0]!.modelInput as any;
    assert.deepEqual(input.system, [{ text: "Be brief." }]);
    assert.deepEqual(input.messages, [{ role: "user", content: [{ text: "Weather in Paris?" }] }]);
    assert.equal(input.inferenceConfig.maxTokens, 100);
    const toolName = input.toolConfig.tools[0].toolSpec.name;
    assert.match(toolName, /^[a-zA-Z0-9_-]+$/, "Bedrock's tool-name rules applied");

    const output: OutputRecord = {
      recordId: recordId(7),
      modelOutput: {
        output: {
          message: { role: "assistant", content: [{ toolUse: { toolUseId: "tooluse_1", name: toolName, input: { city: "Paris" } } }] },
        },
        stopReason: "tool_use",
        usage: { inputTokens: 20, outputTokens: 9, totalTokens: 29 },
      },
    };
    const r = lineResult(plan, new Map([[recordId(7), output]]), "chatcmpl-x", 1_700_000_000);
    assert.equal(r.ok, true);
    const b = r.body as any;
    assert.equal(b.choices[0].finish_reason, "tool_calls");
    assert.equal(b.choices[0].message.tool_calls[0].function.name, "get.weather", "the client's own tool name comes back");
    assert.equal(b.choices[0].message.tool_calls[0].function.arguments, '{"city":"Paris"}');
    assert.deepEqual([b.model, b.created, b.usage.total_tokens], ["claude-haiku", 1_700_000_000, 29]);
    assert.deepEqual([r.inputTokens, r.outputTokens], [20, 9]);
  });

  it("refuse what a batch cannot do, naming the line and the field", () => {
    assert.throws(
      () => planChatLine(line(3, { ...body, stream: true }), HAIKU, chat, false),
      /^GatewayError: Line 3: 'stream' is not supported/,
    );
    assert.throws(() => planChatLine(line(4, { ...body, n: 2 }), HAIKU, chat, false), /Line 4: 'n' must be 1/);
    const img = {
      model: "claude-haiku",
      messages: [{ role: "user", content: [{ type: "image_url", image_url: { url: "https://example.com/a.png" } }] }],
    };
    assert.throws(
      () => planChatLine(line(5, img), HAIKU, chat, false),
      /Line 5: Image URLs are not fetched for batches.*body\.messages\[0\]\.content\[0\]\.image_url/,
    );
    assert.throws(() => planChatLine(line(6, { model: "x", messages: "hi" }), HAIKU, chat, false), /Line 6: .*messages/);
  });

  it("error and missing records become error results with Bedrock's status and message", () => {
    const plan = planChatLine(line(1, body), HAIKU, chat, false);
    const err = lineResult(
      plan,
      new Map([[recordId(1), { recordId: recordId(1), error: { errorCode: 429, errorMessage: "Too many tokens" } }]]),
      "x",
      0,
    );
    assert.deepEqual([err.ok, err.statusCode, (err.body as any).error.message], [false, 429, "Too many tokens"]);
    const missing = lineResult(plan, new Map(), "x", 0);
    assert.deepEqual([missing.ok, missing.statusCode, (missing.body as any).error.code], [false, 500, "batch_record_missing"]);
  });
});

describe("embedding lines", () => {
  it("split into the family's calls and reassemble in input order", () => {
    const texts = Array.from({ length: 100 }, (_, i) => `t${i}`);
    const plan = planEmbeddingLine(
      line(2, { model: "cohere.embed-english-v3", input: texts, encoding_format: "base64" }, "/v1/embeddings"),
      COHERE,
    );
    assert.equal(plan.kind, "embedding");
    assert.equal(plan.records.length, 2, "Cohere takes 96 texts per call");
    assert.deepEqual((plan.records[1]!.modelInput as any).texts, ["t96", "t97", "t98", "t99"]);
    const outputs = new Map<string, OutputRecord>([
      [
        recordId(2, 0),
        {
          recordId: recordId(2, 0),
          modelOutput: { embeddings: texts.slice(0, 96).map((_, i) => [i, 0]), id: "a", texts: [] },
          inputTokens: 96,
        },
      ],
      [
        recordId(2, 1),
        {
          recordId: recordId(2, 1),
          modelOutput: {
            embeddings: [
              [96, 0],
              [97, 0],
              [98, 0],
              [99, 0],
            ],
            id: "b",
            texts: [],
          },
          inputTokens: 4,
        },
      ],
    ]);
    const r = lineResult(plan, outputs, "x", 0);
    assert.equal(r.ok, true, JSON.stringify(r.body));
    const data = (r.body as any).data;
    assert.equal(data.length, 100);
    assert.equal(data[99].index, 99);
    const bytes = Buffer.from(data[97].embedding, "base64");
    assert.deepEqual([...new Float32Array(bytes.buffer, bytes.byteOffset, bytes.length / 4)], [97, 0]);
    assert.equal(r.inputTokens, 100);
  });
});

describe("OpenAI objects", () => {
  it("report times in epoch seconds and errors as a list", () => {
    const f = fileObject({
      id: "file-1",
      keyId: "k",
      purpose: "batch",
      filename: "a.jsonl",
      bytes: 3,
      createdAt: 1_700_000_000_999,
      objectKey: "x",
      lines: 1,
    });
    assert.deepEqual([f.object, f.created_at, f.status], ["file", 1_700_000_000, "processed"]);
    const b = batchObject({
      id: "batch_1",
      keyId: "k",
      version: 3,
      status: "failed",
      endpoint: "/v1/embeddings",
      inputFileId: "file-1",
      completionWindow: "24h",
      metadata: null,
      errors: [{ code: "batch_job_failed", message: "m" }],
      outputFileId: null,
      errorFileId: null,
      requestCounts: { total: 1, completed: 0, failed: 1 },
      createdAt: 1000,
      inProgressAt: null,
      finalizingAt: null,
      completedAt: null,
      failedAt: 5000,
      expiredAt: null,
      cancellingAt: null,
      cancelledAt: null,
      expiresAt: 9000,
      jobs: [],
    });
    assert.deepEqual(b.errors, { object: "list", data: [{ code: "batch_job_failed", message: "m", param: null, line: null }] });
    assert.deepEqual([b.created_at, b.failed_at, b.in_progress_at, b.expires_at], [1, 5, null, 9]);
    assert.equal("jobs" in b, false, "internal job details are not exposed");
  });
});
