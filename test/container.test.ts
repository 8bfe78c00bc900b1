// The container image cannot be built here (no Docker engine), so what it runs is run instead: the
// server bundle its build stage makes, the Dockerfile's CMD started exactly as the image starts it
// (against the Bedrock test double), its
// HEALTHCHECK command, and the compile-cache warm-up step of its build. The Dockerfile is parsed so
// that a change to one of those commands there, and not here, fails this test.
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { once } from "node:events";
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from "node:fs";
import { connect } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, describe, it } from "node:test";
import { buildServer } from "../scripts/build-server.ts";
import { IMAGE_COMMAND, startImageCommand } from "../scripts/warm-compile-cache.ts";
import { startFakeBedrock, TEST_CREDENTIALS } from "./fake-bedrock/fake-bedrock.ts";
import type { FakeBedrock } from "./fake-bedrock/fake-bedrock.ts";

interface Instruction {
  op: string;
  args: string;
}

/** Dockerfile instructions with line continuations joined and comments dropped. */
function dockerfile(): Instruction[] {
  const text = readFileSync("Dockerfile", "utf8").replace(/\\\n\s*/g, " ");
  return text
    .split("\n")
    .map((l) => l.trim())
    .filter((l) => l && !l.startsWith("#"))
    .map((l) => {
      const [op, ...rest] = l.split(/\s+/);
      return { op: op!.toUpperCase(), args: rest.join(" ") };
    });
}

const execForm = (args: string) => JSON.parse(args) as string[];

describe("container image", () => {
  const steps = dockerfile();
  const runtimeStage = steps.slice(steps.findLastIndex((s) => s.op === "FROM"));

  it("is multi-stage on node:24-slim, runs as a non-root user, with a health check", () => {
    const froms = steps.filter((s) => s.op === "FROM");
    assert.ok(froms.length >= 2, "multi-stage");
    assert.ok(froms.every((f) => /node:\$\{NODE_VERSION\}-slim/.test(f.args)));
    assert.ok(steps.some((s) => s.op === "ARG" && s.args === "NODE_VERSION=24"));
    const user = runtimeStage.filter((s) => s.op === "USER").at(-1);
    assert.ok(user && !["root", "0"].includes(user.args), "the runtime stage drops root");
    assert.ok(runtimeStage.some((s) => s.op === "HEALTHCHECK"));
    assert.equal(runtimeStage.find((s) => s.op === "EXPOSE")?.args, "8080");
  });

  it("copies only what .dockerignore lets into the build context", () => {
    const allowed = readFileSync(".dockerignore", "utf8")
      .split("\n")
      .filter((l) => l.startsWith("!"))
      .map((l) => l.slice(1).replace(/\/$/, ""));
    for (const copy of steps.filter((s) => s.op === "COPY" && !s.args.startsWith("--from"))) {
      const sources = copy.args.split(/\s+/).slice(0, -1);
      for (const src of sources) {
        assert.ok(allowed.includes(src.replace(/\/$/, "")), `${src} is copied but excluded by .dockerignore`);
        assert.ok(existsSync(src), `${src} does not exist`);
      }
    }
  });

  describe("the start command, health check and warm-up", () => {
    let fake: FakeBedrock;
    let cacheDir: string;
    before(async () => {
      // The image runs the server bundle, built in its build stage: build it the same way.
      await buildServer();
      fake = await startFakeBedrock();
      cacheDir = mkdtempSync(join(tmpdir(), "gateway-compile-cache-"));
    });
    after(async () => {
      await fake.close();
      rmSync(cacheDir, { recursive: true, force: true });
    });

    it("CMD is the command this test starts", () => {
      const cmd = runtimeStage.filter((s) => s.op === "CMD").at(-1);
      assert.ok(cmd, "the image has a CMD");
      assert.deepEqual(execForm(cmd.args), [...IMAGE_COMMAND]);
    });

    it("serves the API, passes the HEALTHCHECK command and exits 0 on SIGTERM", async () => {
      const server = await startImageCommand({
        PATH: process.env.PATH,
        API_KEY: "sk-container-test",
        ADMIN_API_KEY: "container-admin-key-0123456789",
        AWS_REGION: fake.region,
        AWS_ACCESS_KEY_ID: TEST_CREDENTIALS.accessKeyId,
        AWS_SECRET_ACCESS_KEY: TEST_CREDENTIALS.secretAccessKey,
        AWS_EC2_METADATA_DISABLED: "true",
        AWS_ENDPOINT_URL_BEDROCK: fake.url,
        AWS_ENDPOINT_URL_BEDROCK_RUNTIME: fake.url,
        AWS_ENDPOINT_URL_BEDROCK_MANTLE: fake.mantleUrl,
        NODE_DISABLE_COMPILE_CACHE: "1",
      });
      try {
        const health = await fetch(`${server.url}/health`);
        assert.equal(health.status, 200);
        const end = Date.now() + 5000;
        let models: { data: unknown[] } = { data: [] };
        while (models.data.length === 0 && Date.now() < end) {
          models = (await (
            await fetch(`${server.url}/v1/models`, { headers: { authorization: "Bearer sk-container-test" } })
          ).json()) as typeof models;
        }
        assert.ok(models.data.length > 20, "the catalog came from the double");
        // The console's files travel with the bundle (console-assets/) and Chart.js with node_modules.
        for (const asset of ["console.js", "console.css", "playground.js", "chart.umd.min.js"]) {
          assert.equal((await fetch(`${server.url}/console/assets/${asset}`)).status, 200, asset);
        }

        const check = execForm(runtimeStage.find((s) => s.op === "HEALTHCHECK")!.args.replace(/^.*?CMD\s+/, ""));
        assert.equal(check[0], "node");
        const port = new URL(server.url).port;
        const ok = spawnSync(process.execPath, check.slice(1), { env: { PATH: process.env.PATH, PORT: port }, timeout: 5000 });
        assert.equal(ok.status, 0, "the HEALTHCHECK command passes against a serving gateway");
        const down = spawnSync(process.execPath, check.slice(1), { env: { PATH: process.env.PATH, PORT: "9" }, timeout: 5000 });
        assert.equal(down.status, 1, "the HEALTHCHECK command fails when nothing listens");
      } finally {
        assert.equal(await server.stop(), 0, `exit code after SIGTERM\n${server.output()}`);
      }
      assert.match(server.output(), /shutting down: draining in-flight requests/);
    });

    it("closes idle keep-alive connections after KEEP_ALIVE_TIMEOUT, not before", async () => {
      const server = await startImageCommand({
        PATH: process.env.PATH,
        API_KEY: "sk-container-test",
        AWS_REGION: fake.region,
        AWS_ACCESS_KEY_ID: TEST_CREDENTIALS.accessKeyId,
        AWS_SECRET_ACCESS_KEY: TEST_CREDENTIALS.secretAccessKey,
        AWS_EC2_METADATA_DISABLED: "true",
        AWS_ENDPOINT_URL_BEDROCK: fake.url,
        AWS_ENDPOINT_URL_BEDROCK_RUNTIME: fake.url,
        NODE_DISABLE_COMPILE_CACHE: "1",
        KEEP_ALIVE_TIMEOUT: "1200ms",
      });
      try {
        const socket = connect(Number(new URL(server.url).port), "127.0.0.1");
        await once(socket, "connect");
        const closed = once(socket, "close");
        socket.write("GET /health HTTP/1.1\r\nHost: x\r\nConnection: keep-alive\r\n\r\n");
        await once(socket, "data");
        const answeredAt = Date.now();
        socket.resume();
        await closed;
        const idleMs = Date.now() - answeredAt;
        assert.ok(idleMs >= 1000 && idleMs < 5000, `the server closed the idle connection after ${idleMs} ms`);
      } finally {
        assert.equal(await server.stop(), 0);
      }
    });

    it("the build's warm-up step starts and stops the server and leaves a compile cache", () => {
      const run = runtimeStage.find((s) => s.op === "RUN" && s.args.includes("warm-compile-cache"));
      assert.ok(run, "the runtime stage runs the warm-up");
      assert.ok(runtimeStage.some((s) => s.op === "ENV" && /NODE_COMPILE_CACHE=\/app\/\.compile-cache/.test(s.args)));
      const r = spawnSync(process.execPath, ["scripts/warm-compile-cache.ts"], {
        env: { PATH: process.env.PATH, NODE_COMPILE_CACHE: cacheDir },
        encoding: "utf8",
        timeout: 30_000,
      });
      assert.equal(r.status, 0, r.stderr + r.stdout);
      const entries = readdirSync(cacheDir, { recursive: true });
      assert.ok(entries.length > 50, `only ${entries.length} compile cache entries`);
    });
  });
});
