// The package as a user gets it: `npm pack` → `npm install <tarball>` in an empty folder → the bin
// commands run there, outside the clone (compiled JavaScript, no TypeScript, no dev dependencies).
// The bundles are built into a staging copy (what "prepack" builds into the project's dist/), so
// this test never rewrites dist/ under the container test running in parallel.
import assert from "node:assert/strict";
import { execFile, spawn } from "node:child_process";
import { cpSync, existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, describe, it } from "node:test";
import { fileURLToPath } from "node:url";
import { promisify } from "node:util";
import { buildPackage } from "../scripts/build-package.ts";
import { startFakeBedrock, TEST_CREDENTIALS } from "./fake-bedrock/fake-bedrock.ts";
import type { FakeBedrock } from "./fake-bedrock/fake-bedrock.ts";
import { freePort } from "./helpers/free-port.ts";

const ROOT = fileURLToPath(new URL("..", import.meta.url));
const exec = promisify(execFile);
const pkg = JSON.parse(readFileSync(join(ROOT, "package.json"), "utf8")) as { version: string; files: string[]; engines: { node: string } };

async function waitHealthy(url: string, child: import("node:child_process").ChildProcess, ms: number): Promise<void> {
  const end = Date.now() + ms;
  while (Date.now() < end) {
    if (child.exitCode !== null) throw new Error(`exited with ${child.exitCode}`);
    try {
      if ((await fetch(`${url}/health`)).status === 200) return;
    } catch {
      /* not listening yet */
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error("no /health 200");
}

describe("npm pack → install in an empty folder → bin commands", () => {
  const work = mkdtempSync(join(tmpdir(), "bgw-pack-"));
  const stage = join(work, "stage");
  const app = join(work, "app");
  let bin: string;
  let fake: FakeBedrock;

  before(
    async () => {
      // Stage exactly the package's "files" (plus package.json), build the bundles into it, pack it.
      mkdirSync(stage);
      for (const f of [...pkg.files.filter((f) => !f.startsWith("dist/")), "package.json"])
        cpSync(join(ROOT, f), join(stage, f), { recursive: true });
      await buildPackage(stage);
      const { stdout } = await exec("npm", ["pack", "--ignore-scripts", "--json", "--pack-destination", work], {
        cwd: stage,
        maxBuffer: 8 * 1024 * 1024,
      });
      const tarball = join(work, (JSON.parse(stdout) as { filename: string }[])[0]!.filename);
      mkdirSync(app);
      writeFileSync(join(app, "package.json"), JSON.stringify({ name: "try-bedrock-gateway", private: true }));
      await exec("npm", ["install", "--prefer-offline", "--no-audit", "--no-fund", "--loglevel=error", tarball], {
        cwd: app,
        maxBuffer: 8 * 1024 * 1024,
        timeout: 10 * 60_000,
      });
      bin = join(app, "node_modules", ".bin", "bedrock-gateway");
      fake = await startFakeBedrock();
    },
    { timeout: 12 * 60_000 },
  );
  after(async () => {
    await fake?.close();
    rmSync(work, { recursive: true, force: true });
  });

  const run = (args: string[], env: Record<string, string> = {}) =>
    exec(bin, args, { cwd: app, env: { PATH: process.env.PATH ?? "", HOME: app, DATA_DIR: join(app, "data"), ...env } }).then(
      (r) => ({ code: 0, ...r }),
      (e: { code: number; stdout: string; stderr: string }) => e,
    );

  it("ships compiled JavaScript only, no TypeScript sources or tests", () => {
    const installed = join(app, "node_modules", "bedrock-gateway");
    const all = readdirSync(installed, { recursive: true }) as string[];
    assert.ok(
      all.includes(join("dist", "server", "main.mjs")) &&
        all.includes(join("dist", "cli", "main.mjs")) &&
        all.includes(join("dist", "demo", "main.mjs")),
    );
    assert.deepEqual(
      all.filter((f) => f.endsWith(".ts") && !f.endsWith(".d.ts")),
      [],
    );
    assert.ok(!existsSync(join(installed, "src")) && !existsSync(join(installed, "test")));
    assert.ok(!existsSync(join(app, "node_modules", "typescript")), "no dev dependencies");
  });

  it("npx bedrock-gateway --help and --version", async () => {
    const help = await exec("npx", ["--no-install", "bedrock-gateway", "--help"], { cwd: app });
    assert.match(help.stdout, /bedrock-gateway demo\s+the gateway plus a local stand-in for Bedrock/);
    assert.equal((await run(["--version"])).stdout.trim(), pkg.version);
    const unknown = await run(["frobnicate"]);
    assert.equal(unknown.code, 2);
  });

  it("keys and usage: refuse a missing store, create it on request, name it", async () => {
    const refused = await run(["keys", "list"]);
    assert.equal(refused.code, 2);
    assert.match(refused.stderr, /no store at .*--create-store/);
    const created = await run(["keys", "create", "--name", "ci", "--create-store"]);
    assert.equal(created.code, 0, created.stderr);
    assert.match(created.stdout, /sk-bgw-/);
    assert.match(created.stderr, new RegExp(`store SQLite ${join(app, "data", "gateway.db").replace(/[.\\/]/g, "\\$&")}`));
    const usage = await run(["usage"]);
    assert.equal(usage.code, 0, usage.stderr);
  });

  it("serve (the default command) answers /health against Bedrock and stops on SIGTERM", async () => {
    const port = await freePort();
    const child = spawn(bin, [], {
      cwd: app,
      env: {
        PATH: process.env.PATH ?? "",
        HOME: app,
        PORT: String(port),
        HOST: "127.0.0.1",
        API_KEY: "sk-packaged-gateway-test-key",
        DATA_DIR: join(app, "serve-data"),
        AWS_REGION: fake.region,
        AWS_ENDPOINT_URL_BEDROCK_RUNTIME: fake.url,
        AWS_ENDPOINT_URL_BEDROCK: fake.url,
        AWS_ACCESS_KEY_ID: TEST_CREDENTIALS.accessKeyId,
        AWS_SECRET_ACCESS_KEY: TEST_CREDENTIALS.secretAccessKey,
      },
      stdio: "ignore",
    });
    try {
      await waitHealthy(`http://127.0.0.1:${port}`, child, 20_000);
      const models = await fetch(`http://127.0.0.1:${port}/v1/models`, {
        headers: { authorization: "Bearer sk-packaged-gateway-test-key" },
      });
      assert.equal(models.status, 200);
    } finally {
      child.kill("SIGTERM");
    }
    const code = await new Promise<number | null>((r) => child.once("exit", (c) => r(c)));
    assert.equal(code, 0);
  });

  it("demo: a gateway that answers without AWS", async () => {
    const port = await freePort();
    const child = spawn(bin, ["demo"], {
      cwd: app,
      env: { PATH: process.env.PATH ?? "", HOME: app, PORT: String(port), DATA_DIR: join(app, "demo-data") },
      stdio: "ignore",
    });
    try {
      await waitHealthy(`http://127.0.0.1:${port}`, child, 20_000);
      const res = await fetch(`http://127.0.0.1:${port}/v1/chat/completions`, {
        method: "POST",
        headers: { authorization: "Bearer demo-key", "content-type": "application/json" },
        body: JSON.stringify({ model: "claude-sonnet-4-5", messages: [{ role: "user", content: "Say hello" }] }),
      });
      assert.equal(res.status, 200);
      const body = (await res.json()) as { choices: { message: { content: string } }[] };
      assert.ok(body.choices[0]!.message.content.length > 0);
    } finally {
      child.kill("SIGTERM");
    }
    await new Promise((r) => child.once("exit", r));
  });

  it("engines states the minimum the launcher enforces", async () => {
    const launcher = readFileSync(join(app, "node_modules", "bedrock-gateway", "bin", "bedrock-gateway.mjs"), "utf8");
    const min = /MIN_NODE = \[(\d+), (\d+), (\d+)\]/.exec(launcher)!.slice(1).join(".");
    assert.equal(`>=${min.replace(/\.0$/, "")}`, pkg.engines.node);
  });
});
