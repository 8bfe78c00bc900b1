// SIGTERM with 50 streams open past SHUTDOWN_TIMEOUT (2 s) on the real Node entry (node src/main.ts),
// spoken to by the real SDKs (openai chat + responses, @anthropic-ai/sdk messages). Every stream
// must end with its front door's terminal event — not a cut — and, after a restart on the same data
// folder, every request (the finished ones and the 50 cut ones) must have its usage record, the
// cut ones marked aborted / abort_reason "shutdown" with the tokens seen so far.
import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import type { ChildProcess } from "node:child_process";
import { once } from "node:events";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, describe, it } from "node:test";
import Anthropic from "@anthropic-ai/sdk";
import Database from "better-sqlite3";
import OpenAI from "openai";
import pg from "pg";
import { startFakeBedrock, TEST_CREDENTIALS, text } from "./fake-bedrock/fake-bedrock.ts";
import type { FakeBedrock } from "./fake-bedrock/fake-bedrock.ts";
import { freePort } from "./helpers/free-port.ts";
import { startPostgres } from "./helpers/postgres-server.ts";
import type { PostgresServer } from "./helpers/postgres-server.ts";

const ADMIN = "admin-open-streams-0123456789";
const KEY = "static-open-streams-key";
const FINISHED = 12;
let fake: FakeBedrock;
let dataDir: string;
let postgres: PostgresServer;

before(async () => {
  [fake, postgres] = await Promise.all([startFakeBedrock({ validateResponses: false }), startPostgres()]);
  dataDir = mkdtempSync(join(tmpdir(), "bgw-open-streams-"));
});
after(async () => {
  await fake.close();
  postgres.stop();
  rmSync(dataDir, { recursive: true, force: true });
});

async function startMain(env: Record<string, string>): Promise<{ child: ChildProcess; url: string; stderr: () => string }> {
  const port = await freePort();
  const child = spawn(process.execPath, ["src/main.ts"], {
    env: {
      PATH: process.env.PATH,
      PORT: String(port),
      HOST: "127.0.0.1",
      API_KEY: KEY,
      ADMIN_API_KEY: ADMIN,
      DATA_DIR: dataDir,
      USAGE_FLUSH_INTERVAL: "1h",
      SHUTDOWN_TIMEOUT: "2s",
      AWS_REGION: "us-east-1",
      AWS_ENDPOINT_URL_BEDROCK_RUNTIME: fake.url,
      AWS_ENDPOINT_URL_BEDROCK: fake.url,
      AWS_ACCESS_KEY_ID: TEST_CREDENTIALS.accessKeyId,
      AWS_SECRET_ACCESS_KEY: TEST_CREDENTIALS.secretAccessKey,
      AWS_EC2_METADATA_DISABLED: "true",
      LOG_LEVEL: "warn",
      ...env,
    },
    stdio: ["ignore", "ignore", "pipe"],
  });
  let stderr = "";
  child.stderr.on("data", (d: Buffer) => (stderr += d.toString()));
  const url = `http://127.0.0.1:${port}`;
  for (let i = 0; i < 500; i++) {
    try {
      if ((await fetch(`${url}/health`)).ok) return { child, url, stderr: () => stderr };
    } catch {
      await new Promise((r) => setTimeout(r, 20));
    }
  }
  child.kill("SIGKILL");
  throw new Error("gateway did not start");
}

type Kind = "chat" | "messages" | "responses";
const kindOf = (i: number): Kind => (["chat", "messages", "responses"] as const)[i % 3]!;

interface Outcome {
  id: string;
  kind: Kind;
  /** Text deltas received before the end. */
  deltas: number;
  /** How the stream ended: the terminal event's code/type, "completed", or "cut: <error>". */
  end: string;
}

/** Opens one stream through the kind's SDK; `firstDelta` resolves when its first text arrived. */
function openStream(url: string, i: number, firstDelta: () => void): Promise<Outcome> {
  const id = `open-${i}`;
  const kind = kindOf(i);
  const out: Outcome = { id, kind, deltas: 0, end: "" };
  const headers = { "x-request-id": id };
  const seen = () => {
    if (out.deltas++ === 0) firstDelta();
  };
  const run = async () => {
    if (kind === "chat") {
      const openai = new OpenAI({ baseURL: `${url}/v1`, apiKey: KEY, maxRetries: 0 });
      const stream = await openai.chat.completions.create(
        { model: "us.amazon.nova-lite-v1:0", messages: [{ role: "user", content: `long ${i}` }], stream: true },
        { headers },
      );
      for await (const chunk of stream) if (chunk.choices[0]?.delta?.content) seen();
      out.end = "completed";
    } else if (kind === "messages") {
      const anthropic = new Anthropic({ baseURL: url, apiKey: KEY, maxRetries: 0 });
      const stream = await anthropic.messages.create(
        {
          model: "us.anthropic.claude-sonnet-4-5-20250929-v1:0",
          max_tokens: 1000,
          messages: [{ role: "user", content: `long ${i}` }],
          stream: true,
        },
        { headers },
      );
      for await (const ev of stream) if (ev.type === "content_block_delta") seen();
      out.end = "completed";
    } else {
      const openai = new OpenAI({ baseURL: `${url}/v1`, apiKey: KEY, maxRetries: 0 });
      const stream = await openai.responses.create({ model: "us.amazon.nova-lite-v1:0", input: `long ${i}`, stream: true }, { headers });
      for await (const ev of stream) {
        if (ev.type === "response.output_text.delta") seen();
        // The Responses error object's code is one of the API's ResponseErrorCode values: the
        // shutdown is a server_error whose message says so.
        if (ev.type === "response.failed")
          out.end = `response.failed:${ev.response.error?.code ?? "?"}:${/shutting down/.test(ev.response.error?.message ?? "") ? "shutting down" : "?"}`;
        if (ev.type === "response.completed") out.end = "completed";
      }
      if (!out.end) out.end = "cut: no terminal event";
    }
  };
  return run().then(
    () => out,
    (err: unknown) => {
      // The SDKs raise the terminal error event as an APIError carrying its code / type.
      if (err instanceof OpenAI.APIError && err.status === undefined) out.end = `error:${err.code ?? err.type ?? "?"}`;
      else if (err instanceof Anthropic.APIError && err.status === undefined)
        out.end = `error:${(err.error as { error?: { type?: string } } | undefined)?.error?.type ?? "?"}`;
      else out.end = `cut: ${(err as Error).message}`;
      return out;
    },
  );
}

interface UsageRow {
  request_id: string;
  endpoint: string;
  aborted: boolean;
  abort_reason: string | null;
  input_tokens: number;
  output_tokens: number;
}

/** Every usage record, straight from the database (before any gateway opens it again). */
async function usageRows(databaseUrl: string | undefined): Promise<UsageRow[]> {
  const sql = "SELECT request_id, endpoint, aborted, abort_reason, input_tokens, output_tokens FROM usage_records";
  let raw: Record<string, unknown>[];
  if (databaseUrl) {
    const client = new pg.Client({ connectionString: databaseUrl });
    await client.connect();
    raw = (await client.query(sql)).rows;
    await client.end();
  } else {
    const db = new Database(join(dataDir, "gateway.db"), { readonly: true });
    raw = db.prepare(sql).all() as Record<string, unknown>[];
    db.close();
  }
  return raw.map((r) => ({
    request_id: String(r.request_id),
    endpoint: String(r.endpoint),
    aborted: r.aborted === true || r.aborted === 1,
    abort_reason: (r.abort_reason as string | null) ?? null,
    input_tokens: Number(r.input_tokens),
    output_tokens: Number(r.output_tokens),
  }));
}

async function shutdownWithOpenStreams(STREAMS: number, databaseUrl?: string): Promise<void> {
  const env: Record<string, string> = databaseUrl ? { DATABASE_URL: databaseUrl } : {};
  {
    let { child, url, stderr } = await startMain(env);
    try {
      // Requests that finish before the signal (recorded only by the shutdown flush: 1h interval).
      const openai = new OpenAI({ baseURL: `${url}/v1`, apiKey: KEY, maxRetries: 0 });
      for (let i = 0; i < FINISHED; i++) {
        const r = await openai.chat.completions.create(
          { model: "us.amazon.nova-lite-v1:0", messages: [{ role: "user", content: `short ${i}` }] },
          { headers: { "x-request-id": `done-${i}` } },
        );
        assert.ok(r.choices[0]!.message.content);
      }

      // Slow model: 2 characters every 100 ms for 600 characters = 30 s, far past the deadline.
      fake.setDefault({ content: [text("y".repeat(600))], stream: { textChunk: 2, delayMs: 100 } });
      let started = 0;
      let allStarted!: () => void;
      const streaming = new Promise<void>((r) => (allStarted = r));
      const outcomes = Array.from({ length: STREAMS }, (_, i) => openStream(url, i, () => ++started === STREAMS && allStarted()));
      await streaming;

      const exited = once(child, "exit");
      const signalled = Date.now();
      child.kill("SIGTERM");
      const ends = await Promise.all(outcomes);
      const [code] = await exited;
      const tookMs = Date.now() - signalled;
      assert.equal(code, 0, stderr());
      assert.ok(tookMs < 2_000 + 4_000, `exited ${tookMs} ms after SIGTERM`);

      const expected: Record<Kind, string> = {
        chat: "error:server_shutting_down",
        messages: "error:overloaded_error",
        responses: "response.failed:server_error:shutting down",
      };
      for (const o of ends) {
        assert.ok(o.deltas > 0, `${o.id} streamed before the signal`);
        assert.equal(o.end, expected[o.kind], `${o.id} (${o.kind}) ends with its terminal event`);
      }

      // Straight from the database, before anything else opens it: one record per request.
      const rows = await usageRows(databaseUrl);
      const byId = new Map(rows.map((r) => [r.request_id, r]));
      assert.equal(rows.length, FINISHED + STREAMS, "one record per request, no duplicates");
      for (let i = 0; i < FINISHED; i++) {
        const r = byId.get(`done-${i}`);
        assert.ok(r, `done-${i} recorded`);
        assert.equal(r.aborted, false);
        assert.equal(r.abort_reason, null);
      }
      for (const o of ends) {
        const r = byId.get(o.id);
        assert.ok(r, `${o.id} recorded`);
        assert.equal(r.aborted, true, `${o.id} marked aborted`);
        assert.equal(r.abort_reason, "shutdown", `${o.id} marked as cut by the shutdown`);
        assert.ok(r.input_tokens > 0, `${o.id} input tokens from the request`);
        assert.ok(r.output_tokens > 0, `${o.id} output tokens seen so far`);
      }
      assert.deepEqual(new Set(ends.filter((o) => o.kind === "messages").map((o) => byId.get(o.id)!.endpoint)), new Set(["messages"]));

      // And the restarted gateway reports them.
      ({ child, url, stderr } = await startMain(env));
      const report = (await (await fetch(`${url}/admin/usage?group_by=key`, { headers: { authorization: `Bearer ${ADMIN}` } })).json()) as {
        totals: { requests: number };
      };
      assert.equal(report.totals.requests, FINISHED + STREAMS);
    } finally {
      fake.reset();
      if (child.exitCode === null) {
        const gone = once(child, "exit");
        child.kill("SIGTERM");
        await gone;
      }
    }
  }
}

describe("SIGTERM with streams open past SHUTDOWN_TIMEOUT", () => {
  // Two gateway start-ups and 62 requests each: slower than most tests on a busy CI machine.
  it("SQLite: ends every stream with a terminal event and loses no usage record", { timeout: 180_000 }, async () => {
    await shutdownWithOpenStreams(50);
  });

  it("PostgreSQL: the same, the records written to PostgreSQL before the exit", { timeout: 180_000 }, async () => {
    await shutdownWithOpenStreams(20, await postgres.createDatabase("open_streams"));
  });
});
