// The Node.js minimum, checked with real Node builds (from the npm registry, installed on first use
// into .cache/e2e-tools): on Node 22.12 the launcher refuses with what to install instead of dying
// on ".ts"; on Node 22.19 — the minimum package.json "engines" and the README state — the demo runs
// from the TypeScript sources and answers. linux-x64 only (the Node builds are platform packages).
import assert from "node:assert/strict";
import { execFile, spawn } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, describe, it } from "node:test";
import { fileURLToPath } from "node:url";
import { promisify } from "node:util";
import { ensureE2eTool } from "../scripts/e2e-tools.ts";
import { freePort } from "./helpers/free-port.ts";

const ROOT = fileURLToPath(new URL("..", import.meta.url));
const exec = promisify(execFile);
const supported = process.platform === "linux" && process.arch === "x64";

describe("Node.js version check", { skip: supported ? false : "Node builds from npm are installed for linux-x64 only" }, () => {
  let tooOld: string;
  let minimum: string;
  const dataDir = mkdtempSync(join(tmpdir(), "bgw-node-min-"));
  before(
    async () => {
      [tooOld, minimum] = await Promise.all([ensureE2eTool("node-22.12"), ensureE2eTool("node-22.19")]);
    },
    { timeout: 10 * 60_000 },
  );
  after(() => rmSync(dataDir, { recursive: true, force: true }));

  it("engines, the launcher and the README agree on 22.19", () => {
    const pkg = JSON.parse(readFileSync(join(ROOT, "package.json"), "utf8")) as { engines: { node: string } };
    assert.equal(pkg.engines.node, ">=22.19");
    assert.match(readFileSync(join(ROOT, "bin/bedrock-gateway.mjs"), "utf8"), /MIN_NODE = \[22, 19, 0\]/);
    assert.match(readFileSync(join(ROOT, "README.md"), "utf8"), /Node\.js 22\.19 or later/);
  });

  it("Node 22.12: the sources cannot even load, and the launcher says what to install", async () => {
    const raw = await exec(tooOld, ["src/main.ts"], { cwd: ROOT }).then(
      () => ({ stderr: "" }),
      (e: { stderr: string }) => e,
    );
    assert.match(raw.stderr, /ERR_UNKNOWN_FILE_EXTENSION/);
    for (const args of [["bin/bedrock-gateway.mjs"], ["bin/bedrock-gateway.mjs", "demo"], ["bin/bedrock-gateway.mjs", "keys", "list"]]) {
      const r = await exec(tooOld, args, { cwd: ROOT }).then(
        () => ({ code: 0, stderr: "" }),
        (e: { code: number; stderr: string }) => e,
      );
      assert.equal(r.code, 1);
      assert.match(r.stderr, /needs Node\.js 22\.19\.0 or later; this is Node\.js 22\.12\.0/);
      assert.match(r.stderr, /Install Node\.js 24/);
    }
  });

  it("Node 22.19: the demo runs from the TypeScript sources and answers", { timeout: 60_000 }, async () => {
    const port = await freePort();
    const child = spawn(minimum, ["bin/bedrock-gateway.mjs", "demo"], {
      cwd: ROOT,
      env: { PATH: process.env.PATH, HOME: process.env.HOME, PORT: String(port), DATA_DIR: dataDir },
      stdio: "ignore",
    });
    try {
      let ok = false;
      for (let i = 0; i < 400 && !ok && child.exitCode === null; i++) {
        ok = await fetch(`http://127.0.0.1:${port}/health`).then(
          (r) => r.status === 200,
          () => false,
        );
        if (!ok) await new Promise((r) => setTimeout(r, 100));
      }
      assert.ok(ok, `no /health 200 on Node 22.19 (exit ${child.exitCode})`);
      const res = await fetch(`http://127.0.0.1:${port}/v1/chat/completions`, {
        method: "POST",
        headers: { authorization: "Bearer demo-key", "content-type": "application/json" },
        body: JSON.stringify({ model: "claude-haiku-4-5", messages: [{ role: "user", content: "hello" }] }),
      });
      assert.equal(res.status, 200);
    } finally {
      child.kill("SIGTERM");
    }
    assert.equal(await new Promise((r) => child.once("exit", r)), 0, "a clean exit on SIGTERM");
  });
});
