// Telemetry costs nothing when it is not configured: no @opentelemetry module (and no pino-pretty)
// is even resolved. Checked in a child process with a module resolution hook that records every
// module the gateway loads. Also: LOG_FORMAT=pretty and the version in the start-up line.
import assert from "node:assert/strict";
import { spawn, spawnSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, describe, it } from "node:test";
import { startFakeBedrock, TEST_CREDENTIALS } from "./fake-bedrock/fake-bedrock.ts";
import type { FakeBedrock } from "./fake-bedrock/fake-bedrock.ts";
import { freePort } from "./helpers/free-port.ts";

const VERSION = (JSON.parse(readFileSync("package.json", "utf8")) as { version: string }).version;

// Builds the whole gateway (config → dependencies → app), serves one /health and one API request,
// then prints every module URL that was resolved.
const PROBE = `
import { registerHooks } from "node:module";
const seen = [];
registerHooks({ resolve(specifier, context, next) { const r = next(specifier, context); seen.push(r.url); return r; } });
const { loadConfig } = await import("./src/config/config.ts");
const { createRuntime } = await import("./src/dependencies.ts");
const { createApp } = await import("./src/app.ts");
const { createLogger } = await import("./src/logging/logger.ts");
const { Writable } = await import("node:stream");
const config = loadConfig(process.env);
const runtime = await createRuntime(config, createLogger("info", new Writable({ write(_c, _e, cb) { cb(); } })));
const app = createApp(runtime.deps);
const health = await app.fetch(new Request("http://127.0.0.1/health"));
const models = await app.fetch(new Request("http://127.0.0.1/v1/models", { headers: { authorization: "Bearer k" } }));
await runtime.stop();
process.stdout.write(JSON.stringify({ health: health.status, models: models.status, seen }));
`;

// Each test starts Node processes that load the whole gateway from source: slow on a busy machine.
const SLOW = { timeout: 300_000 };

let fake: FakeBedrock;
const dataDir = mkdtempSync(join(tmpdir(), "bgw-otel-startup-"));
before(async () => {
  fake = await startFakeBedrock();
});
after(async () => {
  await fake.close();
  rmSync(dataDir, { recursive: true, force: true });
});

const baseEnv = () => ({
  PATH: process.env.PATH,
  API_KEY: "k",
  HOST: "127.0.0.1",
  AWS_REGION: "us-east-1",
  AWS_ENDPOINT_URL_BEDROCK_RUNTIME: fake.url,
  AWS_ENDPOINT_URL_BEDROCK: fake.url,
  AWS_ACCESS_KEY_ID: TEST_CREDENTIALS.accessKeyId,
  AWS_SECRET_ACCESS_KEY: TEST_CREDENTIALS.secretAccessKey,
  AWS_EC2_METADATA_DISABLED: "true",
  DATA_DIR: dataDir,
  DATABASE_URL: "none",
});

function probe(env: Record<string, string>): { health: number; models: number; seen: string[] } {
  const r = spawnSync(process.execPath, ["--input-type=module", "-e", PROBE], {
    env: { ...baseEnv(), ...env },
    encoding: "utf8",
    timeout: 150_000,
  });
  assert.equal(r.status, 0, r.stderr);
  return JSON.parse(r.stdout) as { health: number; models: number; seen: string[] };
}

describe("telemetry off by default", () => {
  it("loads no OTel SDK module and no pino-pretty when no OTLP endpoint is set", SLOW, () => {
    const off = probe({});
    assert.equal(off.health, 200);
    assert.equal(off.models, 200);
    assert.ok(
      off.seen.some((u) => u.includes("/src/app.ts")),
      "the probe sees the gateway's modules",
    );
    // prom-client (Prometheus /metrics, on by default) requires @opentelemetry/api itself, for
    // exemplars; it did before this gateway had telemetry. Nothing else of OTel may load.
    // src/telemetry/telemetry.ts is the interface and the import() of the rest: it may load.
    const sdkFile = (u: string) => u.includes("/src/telemetry/") && !u.endsWith("/src/telemetry/telemetry.ts");
    const otel = (u: string) =>
      (u.includes("@opentelemetry") && !u.includes("@opentelemetry/api/")) || sdkFile(u) || u.includes("pino-pretty");
    assert.deepEqual(off.seen.filter(otel), []);
    const bare = probe({ ENABLE_METRICS: "false" });
    assert.deepEqual(
      bare.seen.filter((u) => u.includes("@opentelemetry") || sdkFile(u)),
      [],
      "without Prometheus metrics, not even the API",
    );
  });

  it("loads the OTel SDK when an endpoint is set (the probe can see it)", SLOW, () => {
    const on = probe({ OTEL_EXPORTER_OTLP_ENDPOINT: "http://127.0.0.1:9" });
    assert.ok(on.seen.some((u) => u.includes("@opentelemetry/sdk-trace")));
    assert.ok(on.seen.some((u) => u.includes("@opentelemetry/exporter-trace-otlp-proto")));
    assert.equal(
      on.seen.some((u) => u.includes("exporter-trace-otlp-http/")),
      false,
      "only the configured protocol's exporter",
    );
  });

  it("OTEL_SDK_DISABLED=true wins over a configured endpoint", SLOW, () => {
    const disabled = probe({ OTEL_EXPORTER_OTLP_ENDPOINT: "http://127.0.0.1:9", OTEL_SDK_DISABLED: "true", ENABLE_METRICS: "false" });
    assert.deepEqual(
      disabled.seen.filter((u) => u.includes("@opentelemetry")),
      [],
    );
  });
});

async function startLine(env: Record<string, string>): Promise<string> {
  const port = await freePort();
  const child = spawn(process.execPath, ["src/main.ts"], {
    env: { ...baseEnv(), PORT: String(port), ...env },
    stdio: ["ignore", "pipe", "pipe"],
  });
  let out = "";
  let err = "";
  child.stdout.on("data", (c: Buffer) => (out += c.toString("utf8")));
  child.stderr.on("data", (c: Buffer) => (err += c.toString("utf8")));
  try {
    for (let i = 0; i < 3000 && !out.includes("bedrock-gateway listening"); i++) await new Promise((r) => setTimeout(r, 20));
    assert.ok(out.includes("bedrock-gateway listening"), `no start-up line; stderr: ${err}`);
    const health = (await (await fetch(`http://127.0.0.1:${port}/health`)).json()) as { version: string };
    assert.equal(health.version, VERSION, "/health carries the version");
    // Give the (pretty printer's) following lines a moment to arrive.
    await new Promise((r) => setTimeout(r, 100));
    // From the start of the start-up line on (pino-pretty puts its fields on the following lines).
    return out.slice(out.lastIndexOf("\n", out.indexOf("bedrock-gateway listening")) + 1);
  } finally {
    child.kill("SIGTERM");
    await new Promise((r) => child.once("exit", r));
  }
}

describe("start-up line and LOG_FORMAT", () => {
  it("the JSON start-up line carries the version and where telemetry goes, without exporter headers", SLOW, async () => {
    const line = JSON.parse(
      (
        await startLine({
          OTEL_EXPORTER_OTLP_ENDPOINT: "http://user:pw@127.0.0.1:9",
          OTEL_EXPORTER_OTLP_HEADERS: "x-honeycomb-team=SECRET-EXPORT-KEY",
        })
      ).split("\n")[0]!,
    ) as Record<string, unknown>;
    assert.equal(line.version, VERSION);
    const telemetry = line.telemetry as { traces: { endpoint: string; protocol: string } };
    assert.equal(telemetry.traces.endpoint, "http://127.0.0.1:9/v1/traces");
    assert.equal(telemetry.traces.protocol, "http/protobuf");
    assert.ok(!JSON.stringify(line).includes("SECRET-EXPORT-KEY") && !JSON.stringify(line).includes("pw@"));
  });

  it("LOG_FORMAT=pretty prints human-readable lines", SLOW, async () => {
    const text = await startLine({ LOG_FORMAT: "pretty" });
    assert.throws(() => JSON.parse(text.split("\n")[0]!), "not JSON");
    assert.match(text, /INFO.*bedrock-gateway listening/);
    assert.match(text, new RegExp(`version: "${VERSION.replaceAll(".", "\\.")}"`));
  });
});
