// Doc tests: every example in README.md and docs/*.md runs against the demo (scripts/demo-server.ts
// — the gateway in front of the demo model), so none can rot. The convention (which blocks run,
// how to mark the ones that cannot) is in docs/contributing.md and test/doc-tests/doc-blocks.ts.
// Shell blocks run with bash -euo pipefail in the repository root, with `curl` failing on HTTP
// errors; TypeScript/JavaScript blocks run with node; http://localhost:8080 becomes the demo's
// address; OPENAI_* / ANTHROPIC_* / API_KEY / ADMIN_API_KEY / DATA_DIR point at the demo.
import assert from "node:assert/strict";
import { execFile, spawn } from "node:child_process";
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, describe, it } from "node:test";
import { fileURLToPath } from "node:url";
import { promisify } from "node:util";
import { DEMO_KEY, startDemo } from "../scripts/demo-server.ts";
import type { Demo } from "../scripts/demo-server.ts";
import { docBlocks } from "./doc-tests/doc-blocks.ts";
import type { DocBlock } from "./doc-tests/doc-blocks.ts";
import { freePort } from "./helpers/free-port.ts";

const ROOT = fileURLToPath(new URL("..", import.meta.url));
const exec = promisify(execFile);
const ADMIN_KEY = "demo-admin-key";

const files = [
  "README.md",
  ...readdirSync(join(ROOT, "docs"))
    .filter((f) => f.endsWith(".md"))
    .sort()
    .map((f) => `docs/${f}`),
];
const blocks: DocBlock[] = files.flatMap((f) => docBlocks(f, readFileSync(join(ROOT, f), "utf8")));

describe("doc examples run against the demo", () => {
  let demo: Demo;
  let env: NodeJS.ProcessEnv;
  const dataDir = mkdtempSync(join(tmpdir(), "bgw-doc-tests-"));
  const scratch = join(ROOT, ".cache", "doc-tests", String(process.pid));
  const local = (code: string) =>
    code.replace(/http:\/\/localhost:8080/g, demo.url).replace(/localhost:8080/g, demo.url.replace("http://", ""));

  before(async () => {
    demo = await startDemo({ port: 0, logLevel: "silent", env: { DATA_DIR: dataDir, ADMIN_API_KEY: ADMIN_KEY } });
    mkdirSync(scratch, { recursive: true });
    env = {
      PATH: `${join(ROOT, "node_modules", ".bin")}:${process.env.PATH ?? ""}`,
      HOME: process.env.HOME,
      OPENAI_BASE_URL: `${demo.url}/v1`,
      OPENAI_API_KEY: DEMO_KEY,
      ANTHROPIC_BASE_URL: demo.url,
      ANTHROPIC_API_KEY: DEMO_KEY,
      API_KEY: DEMO_KEY,
      ADMIN_API_KEY: ADMIN_KEY,
      DATA_DIR: dataDir,
      NODE_NO_WARNINGS: "1",
    };
  });
  after(async () => {
    await demo.close();
    rmSync(dataDir, { recursive: true, force: true });
    rmSync(scratch, { recursive: true, force: true });
  });

  it("every code block follows the convention (docs/contributing.md)", () => {
    assert.deepEqual(
      blocks.filter((b) => b.problem).map((b) => `${b.file}:${b.line}: ${b.problem}`),
      [],
    );
    assert.ok(blocks.filter((b) => b.action === "shell" || b.action === "node").length >= 10, "the docs have runnable examples");
  });

  for (const b of blocks.filter((x) => !x.problem)) {
    const name = `${b.file}:${b.line} (${b.lang || "no language"}, ${b.action}${b.reason ? `: ${b.reason}` : ""})`;
    if (b.action === "skip" || b.action === "data") {
      it(name, { skip: b.action === "skip" ? b.reason : "shown, not run" }, () => {});
      continue;
    }
    it(name, { timeout: 240_000 }, async () => {
      const where = `${b.file}:${b.line}`;
      if (b.action === "json") {
        assert.doesNotThrow(() => JSON.parse(b.code), `${where}: not valid JSON`);
        return;
      }
      if (b.action === "shell") {
        const file = join(scratch, `block-${b.line}.sh`);
        writeFileSync(file, `set -euo pipefail\ncurl() { command curl --fail-with-body -sS "$@"; }\n${local(b.code)}\n`);
        const r = await exec("bash", [file], { cwd: ROOT, env, timeout: 200_000, maxBuffer: 16 * 1024 * 1024 }).catch(
          (e: { code: number; stdout: string; stderr: string }) => e,
        );
        assert.ok(!("code" in r) || r.code === 0, `${where} failed:\n${r.stdout}\n${r.stderr}`);
        return;
      }
      if (b.action === "node") {
        const file = join(
          scratch,
          `block-${b.file.replace(/\W/g, "_")}-${b.line}.${b.lang.startsWith("j") || b.lang === "mjs" ? "mjs" : "mts"}`,
        );
        writeFileSync(file, local(b.code));
        const r = await exec(process.execPath, [file], { cwd: ROOT, env, timeout: 200_000, maxBuffer: 16 * 1024 * 1024 }).catch(
          (e: { code: number; stdout: string; stderr: string }) => e,
        );
        assert.ok(!("code" in r) || r.code === 0, `${where} failed:\n${r.stdout}\n${r.stderr}`);
        return;
      }
      // server: the block's last command starts a server; it must answer /health, then stop on SIGTERM.
      const command = b.code
        .split("\n")
        .map((l) => l.trim())
        .filter((l) => l && !l.startsWith("#"))
        .at(-1)!;
      const port = await freePort();
      const child = spawn("bash", ["-c", `exec ${command}`], {
        cwd: ROOT,
        env: { ...env, PORT: String(port), DATA_DIR: join(dataDir, `server-${b.line}`) },
        stdio: "ignore",
        detached: true,
      });
      try {
        const end = Date.now() + 60_000;
        let ok = false;
        while (!ok && Date.now() < end && child.exitCode === null) {
          ok = await fetch(`http://127.0.0.1:${port}/health`).then(
            (r) => r.status === 200,
            () => false,
          );
          if (!ok) await new Promise((r) => setTimeout(r, 200));
        }
        assert.ok(ok, `${where}: \`${command}\` did not answer /health (exit ${child.exitCode})`);
      } finally {
        process.kill(-child.pid!, "SIGTERM");
      }
      await new Promise((r) => child.once("exit", r));
    });
  }
});
