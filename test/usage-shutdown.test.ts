// Kill and restart: the real Node entry (node src/main.ts) as a child process, usage flushing
// set to once an hour so that only the graceful-shutdown flush can write. After SIGTERM and a
// restart on the same data directory, every completed request has its record — including a
// stream that was still running when the signal came.
import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import type { ChildProcess } from "node:child_process";
import { once } from "node:events";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, describe, it } from "node:test";
import Database from "better-sqlite3";
import { startFakeBedrock, TEST_CREDENTIALS, text } from "./fake-bedrock/fake-bedrock.ts";
import type { FakeBedrock } from "./fake-bedrock/fake-bedrock.ts";
import { freePort } from "./helpers/free-port.ts";

const ADMIN = "admin-shutdown-0123456789";
let fake: FakeBedrock;
let dataDir: string;
before(async () => {
  fake = await startFakeBedrock();
  dataDir = mkdtempSync(join(tmpdir(), "bgw-shutdown-"));
});
after(async () => {
  await fake.close();
  rmSync(dataDir, { recursive: true, force: true });
});

async function startMain(): Promise<{ child: ChildProcess; url: string }> {
  const port = await freePort();
  const child = spawn(process.execPath, ["src/main.ts"], {
    env: {
      PATH: process.env.PATH,
      PORT: String(port),
      HOST: "127.0.0.1",
      API_KEY: "static-key",
      ADMIN_API_KEY: ADMIN,
      DATA_DIR: dataDir,
      USAGE_FLUSH_INTERVAL: "1h",
      AWS_REGION: "us-east-1",
      AWS_ENDPOINT_URL_BEDROCK_RUNTIME: fake.url,
      AWS_ENDPOINT_URL_BEDROCK: fake.url,
      AWS_ENDPOINT_URL_BEDROCK_MANTLE: fake.mantleUrl,
      AWS_ACCESS_KEY_ID: TEST_CREDENTIALS.accessKeyId,
      AWS_SECRET_ACCESS_KEY: TEST_CREDENTIALS.secretAccessKey,
      AWS_EC2_METADATA_DISABLED: "true",
      LOG_LEVEL: "warn",
    },
    stdio: ["ignore", "ignore", "pipe"],
  });
  const url = `http://127.0.0.1:${port}`;
  for (let i = 0; i < 500; i++) {
    try {
      if ((await fetch(`${url}/health`)).ok) return { child, url };
    } catch {
      await new Promise((r) => setTimeout(r, 20));
    }
  }
  child.kill("SIGKILL");
  throw new Error("gateway did not start");
}

describe("usage across a graceful restart", () => {
  it("loses no record of a completed request", async () => {
    let { child, url } = await startMain();
    const created: any = await (
      await fetch(`${url}/admin/keys`, {
        method: "POST",
        headers: { authorization: `Bearer ${ADMIN}`, "content-type": "application/json" },
        body: JSON.stringify({ name: "restart", rpm: 10_000 }),
      })
    ).json();
    const call = (i: number, stream: boolean) =>
      fetch(`${url}/v1/chat/completions`, {
        method: "POST",
        headers: {
          authorization: `Bearer ${i % 3 === 0 ? "static-key" : created.secret}`,
          "content-type": "application/json",
          "x-request-id": `restart-${i}`,
        },
        body: JSON.stringify({ model: "us.amazon.nova-lite-v1:0", messages: [{ role: "user", content: `hello ${i}` }], stream }),
      });
    const N = 30;
    const results = await Promise.all(
      Array.from({ length: N }, async (_, i) => {
        const res = await call(i, i % 2 === 0);
        await res.text();
        return res.status;
      }),
    );
    assert.deepEqual(new Set(results), new Set([200]));

    // One more stream still running when SIGTERM arrives: it finishes, and is recorded too.
    fake.enqueue({ content: [text("0123456789abcdefghij")], stream: { textChunk: 2, delayMs: 40 } });
    const slow = await call(N, true);
    const reader = slow.body!.getReader();
    await reader.read();
    const exited = once(child, "exit");
    child.kill("SIGTERM");
    let body = "";
    for (let r = await reader.read(); !r.done; r = await reader.read()) body += new TextDecoder().decode(r.value);
    assert.ok(body.endsWith("data: [DONE]\n\n"));
    assert.equal((await exited)[0], 0);

    // Straight from the file, before anything else opens it.
    const db = new Database(join(dataDir, "gateway.db"), { readonly: true });
    const ids = (db.prepare("SELECT request_id FROM usage_records ORDER BY request_id").all() as { request_id: string }[]).map(
      (r) => r.request_id,
    );
    db.close();
    assert.equal(ids.length, N + 1);
    assert.deepEqual(new Set(ids), new Set(Array.from({ length: N + 1 }, (_, i) => `restart-${i}`)));

    ({ child, url } = await startMain());
    try {
      const report: any = await (await fetch(`${url}/admin/usage?group_by=key`, { headers: { authorization: `Bearer ${ADMIN}` } })).json();
      assert.equal(report.totals.requests, N + 1);
      assert.equal(report.data.find((r: any) => r.group === created.id).requests, 20);
    } finally {
      const gone = once(child, "exit");
      child.kill("SIGTERM");
      await gone;
    }
  });
});
