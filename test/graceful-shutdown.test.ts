// SIGTERM on the real Node entry (node src/main.ts): stop accepting, let in-flight streams finish
// up to SHUTDOWN_TIMEOUT, then close.
import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import type { ChildProcess } from "node:child_process";
import { once } from "node:events";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, describe, it } from "node:test";
import { startFakeBedrock, text } from "./fake-bedrock/fake-bedrock.ts";
import type { FakeBedrock } from "./fake-bedrock/fake-bedrock.ts";
import { fakeBedrockEnv } from "./helpers/gateway.ts";

let fake: FakeBedrock;
const dataDir = mkdtempSync(join(tmpdir(), "bgw-graceful-"));
before(async () => {
  fake = await startFakeBedrock();
});
after(async () => {
  await fake.close();
  rmSync(dataDir, { recursive: true, force: true });
});

let nextPort = 19_400 + Math.floor(Math.random() * 500);

async function startMain(env: Record<string, string> = {}): Promise<{ child: ChildProcess; url: string }> {
  const port = nextPort++;
  const child = spawn(process.execPath, ["src/main.ts"], {
    env: {
      ...fakeBedrockEnv(fake),
      PORT: String(port),
      HOST: "127.0.0.1",
      API_KEY: "k",
      DATA_DIR: dataDir,
      ...env,
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
  throw new Error("gateway did not start");
}

const streamRequest = (url: string) =>
  fetch(`${url}/v1/chat/completions`, {
    method: "POST",
    headers: { authorization: "Bearer k", "content-type": "application/json" },
    body: JSON.stringify({ model: "amazon.nova-lite-v1:0", messages: [{ role: "user", content: "x" }], stream: true }),
  });

describe("graceful shutdown", () => {
  it("lets an in-flight stream finish, refuses new connections, then exits 0", async () => {
    fake.enqueue({ content: [text("0123456789abcdefghij")], stream: { textChunk: 2, delayMs: 60 } });
    const { child, url } = await startMain();
    const res = await streamRequest(url);
    const reader = res.body!.getReader();
    await reader.read();
    const exited = once(child, "exit");
    child.kill("SIGTERM");
    await new Promise((r) => setTimeout(r, 100));
    await assert.rejects(fetch(`${url}/health`), "new connections are refused while draining");
    let body = "";
    for (let r = await reader.read(); !r.done; r = await reader.read()) body += new TextDecoder().decode(r.value);
    assert.ok(body.endsWith("data: [DONE]\n\n"), "the stream completed");
    const [code] = await exited;
    assert.equal(code, 0);
  });

  it("ends streams that outlive SHUTDOWN_TIMEOUT with a terminal error event, then exits 0", async () => {
    fake.enqueue({ content: [text("x".repeat(100))], stream: { textChunk: 1, delayMs: 100 } });
    const { child, url } = await startMain({ SHUTDOWN_TIMEOUT: "300ms" });
    const res = await streamRequest(url);
    const reader = res.body!.getReader();
    await reader.read();
    const started = Date.now();
    const exited = once(child, "exit");
    child.kill("SIGTERM");
    let body = "";
    for (let r = await reader.read(); !r.done; r = await reader.read()) body += new TextDecoder().decode(r.value);
    const last = body.trimEnd().split("\n\n").at(-1)!;
    assert.match(last, /^data: \{"error":/, "the last event is an error chunk, not a cut");
    assert.equal(JSON.parse(last.slice(6)).error.code, "server_shutting_down");
    assert.ok(!body.includes("[DONE]"));
    const [code] = await exited;
    assert.equal(code, 0);
    assert.ok(Date.now() - started < 3000);
  });

  it("refuses to start with a clear message naming the variable", async () => {
    const child = spawn(process.execPath, ["src/main.ts"], {
      env: { PATH: process.env.PATH, API_KEY: "k", PORT: "nope" },
      stdio: ["ignore", "ignore", "pipe"],
    });
    let stderr = "";
    child.stderr.on("data", (d: Buffer) => (stderr += d.toString()));
    const [code] = await once(child, "exit");
    assert.equal(code, 2);
    assert.match(stderr, /PORT/);
    assert.doesNotMatch(stderr, /at .*\.ts:\d+/, "no stack trace");
  });
});
