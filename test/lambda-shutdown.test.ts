// Lambda's shutdown notice (SIGTERM, sent when an extension is registered) on the bundled handler
// with a stream open and usage going to PostgreSQL: the stream ends with its front door's terminal
// event, the process exits 0 within Lambda's ~500 ms of notice, and both requests of the sandbox
// (one finished, one cut) have their usage record — the cut one marked as cut by the shutdown,
// with the tokens streamed so far.
import assert from "node:assert/strict";
import { fork } from "node:child_process";
import { once } from "node:events";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, describe, it } from "node:test";
import pg from "pg";
import { buildLambda } from "../scripts/build-lambda.ts";
import type { LambdaBuild } from "../scripts/build-lambda.ts";
import { startFakeBedrock, text } from "./fake-bedrock/fake-bedrock.ts";
import type { FakeBedrock } from "./fake-bedrock/fake-bedrock.ts";
import { fakeBedrockEnv } from "./helpers/gateway.ts";
import { startPostgres } from "./helpers/postgres-server.ts";
import type { PostgresServer } from "./helpers/postgres-server.ts";

const KEY = "sk-lambda-shutdown-key-0123456789";
type Kind = "chat" | "messages" | "responses";

let dir: string;
let built: LambdaBuild;
let fake: FakeBedrock;
let postgres: PostgresServer;
let databaseUrl: string;

before(async () => {
  dir = mkdtempSync(join(tmpdir(), "gateway-lambda-shutdown-"));
  [built, fake, postgres] = await Promise.all([buildLambda(join(dir, "lambda")), startFakeBedrock(), startPostgres()]);
  databaseUrl = await postgres.createDatabase("lambda_shutdown");
  // A slow model: 2 characters every 100 ms for 600 characters (30 s), far past the notice.
  fake.setDefault({ content: [text("y".repeat(600))], stream: { textChunk: 2, delayMs: 100 } });
});
after(async () => {
  await fake.close();
  postgres.stop();
  rmSync(dir, { recursive: true, force: true });
});

/** One sandbox: a finished request, a stream open, SIGTERM. Returns the stream's body and the exit. */
async function sandbox(kind: Kind, id: string): Promise<{ body: string; code: number | null; afterNoticeMs: number; stderr: string }> {
  const out = join(dir, `${id}.body`);
  const child = fork(join(import.meta.dirname, "helpers/lambda-sigterm-child.ts"), [built.entry, kind, id, out], {
    env: { ...fakeBedrockEnv(fake), API_KEY: KEY, DATABASE_URL: databaseUrl },
    stdio: ["ignore", "ignore", "pipe", "ipc"],
  });
  let stderr = "";
  child.stderr!.on("data", (d: Buffer) => (stderr += d.toString()));
  const exited = once(child, "exit");
  const streaming = once(child, "message");
  await Promise.race([streaming, exited.then(() => assert.fail(`the sandbox exited before streaming: ${stderr}`))]);
  const noticed = Date.now();
  child.kill("SIGTERM");
  const [code] = (await exited) as [number | null];
  return { body: readFileSync(out, "utf8"), code, afterNoticeMs: Date.now() - noticed, stderr };
}

interface Row {
  request_id: string;
  aborted: boolean;
  abort_reason: string | null;
  input_tokens: number;
  output_tokens: number;
}

async function records(): Promise<Map<string, Row>> {
  const client = new pg.Client({ connectionString: databaseUrl });
  await client.connect();
  try {
    const { rows } = await client.query<Row>("SELECT request_id, aborted, abort_reason, input_tokens, output_tokens FROM usage_records");
    return new Map(rows.map((r) => [r.request_id, { ...r, input_tokens: Number(r.input_tokens), output_tokens: Number(r.output_tokens) }]));
  } finally {
    await client.end();
  }
}

/** The last SSE event of a body: [event name or "", data]. */
function lastEvent(body: string): [string, string] {
  const events = body.split("\n\n").filter((e) => e.trim());
  const last = events.at(-1) ?? "";
  const name = /^event: (.+)$/m.exec(last)?.[1] ?? "";
  const data = /^data: (.+)$/m.exec(last)?.[1] ?? "";
  return [name, data];
}

describe("Lambda: the sandbox's shutdown notice with a stream open", () => {
  const cases: [Kind, (event: string, data: string) => void][] = [
    [
      "chat",
      (_e, data) => {
        // A chunk the OpenAI SDKs raise: {"error": {...}}, no [DONE] after it.
        const { error } = JSON.parse(data) as { error: { code: string } };
        assert.equal(error.code, "server_shutting_down");
      },
    ],
    [
      "messages",
      (event, data) => {
        assert.equal(event, "error");
        assert.equal((JSON.parse(data) as { error: { type: string } }).error.type, "overloaded_error");
      },
    ],
    [
      "responses",
      (event, data) => {
        assert.equal(event, "response.failed");
        const { response } = JSON.parse(data) as { response: { status: string; error: { code: string; message: string } } };
        assert.equal(response.status, "failed");
        assert.match(response.error.message, /shutting down/);
      },
    ],
  ];
  for (const [kind, terminal] of cases) {
    it(`${kind}: the stream ends with its terminal event, exit 0, and both requests are recorded`, { timeout: 60_000 }, async () => {
      const id = `lambda-sigterm-${kind}`;
      const { body, code, afterNoticeMs, stderr } = await sandbox(kind, id);
      assert.equal(code, 0, stderr);
      // Lambda gives the runtime ~300-500 ms after SIGTERM; the drain waits at most 200 ms for the stream.
      assert.ok(afterNoticeMs < 3_000, `exited ${afterNoticeMs} ms after the notice`);
      assert.ok(body.includes("y"), `the stream had delivered text before the notice: ${body.slice(0, 200)}`);
      const [event, data] = lastEvent(body);
      terminal(event, data);

      const rows = await records();
      const done = rows.get(`${id}-done`);
      assert.ok(done, "the finished request was recorded");
      assert.equal(done.aborted, false);
      const cut = rows.get(id);
      assert.ok(cut, "the stream cut by the shutdown was recorded");
      assert.equal(cut.aborted, true);
      assert.equal(cut.abort_reason, "shutdown");
      assert.ok(cut.input_tokens > 0, "input tokens from the request");
      assert.ok(cut.output_tokens > 0, "output tokens streamed before the notice");
    });
  }
});
