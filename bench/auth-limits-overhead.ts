// Added latency of auth + limits + usage recording per request. The same small non-streamed chat
// completion goes, round-robin, to gateways that differ only in what is switched on:
//   baseline     static API_KEY, no store (DATABASE_URL=none), no metrics: the foundation path
//   static+usage static API_KEY, SQLite usage records and metrics on
//   key+limits   store key (SQLite) with allow-list, RPM, TPM and budget; in-process limits; usage and metrics on
//   key+redis    the same with limits in Redis (when redis-server is installed)
//   key+pg+redis the same with the store in PostgreSQL (with --postgres)
// Two measurements:
//   in-process  app.fetch() with Bedrock answered instantly by a stub: the gateway's own time per
//               request, without sockets — the cost of the feature, least disturbed by a busy machine
//   over HTTP   a real client, the Node server and the Bedrock test double on loopback
// Usage: node bench/auth-limits-overhead.ts [--iterations 3000] [--postgres]
import { existsSync } from "node:fs";
import { parseArgs } from "node:util";
import { Agent, fetch } from "undici";
import { createApp } from "../src/app.ts";
import type { ConverseResponse } from "../src/bedrock/converse-types.ts";
import { startFakeBedrock } from "../test/fake-bedrock/fake-bedrock.ts";
import { startGateway, TEST_API_KEY } from "../test/helpers/gateway.ts";
import type { TestGateway } from "../test/helpers/gateway.ts";
import { startPostgres } from "../test/helpers/postgres-server.ts";
import { startRedis } from "../test/helpers/redis-server.ts";
import { createKey } from "../test/helpers/store-keys.ts";

const { values } = parseArgs({
  options: { iterations: { type: "string", default: "3000" }, postgres: { type: "boolean", default: false } },
});
const iterations = Number(values.iterations);
const warmup = Math.min(300, Math.ceil(iterations / 10));

const fake = await startFakeBedrock();
const redis = existsSync("/usr/bin/redis-server") ? await startRedis() : undefined;
const pg = values.postgres ? await startPostgres() : undefined;
const quiet = { LOG_LEVEL: "warn" };
const limits = {
  models: ["us.amazon.nova-*"],
  rpm: 1_000_000_000,
  tpm: 1_000_000_000,
  budget: { usd: 1_000_000, period: "month" as const },
};

interface Variant {
  name: string;
  gw: TestGateway;
  key: string;
  samples: number[];
  inProcess: number[];
  app: ReturnType<typeof createApp>;
}
const variants: Variant[] = [];
const add = async (name: string, env: Record<string, string | undefined>, storeKey: boolean) => {
  const gw = await startGateway({ fake, env: { ...quiet, ...env } });
  const key = storeKey ? (await createKey(gw, { name, ...limits })).secret : TEST_API_KEY;
  variants.push({ name, gw, key, samples: [], inProcess: [], app: createApp(gw.runtime.deps) });
};
await add("baseline", { DATABASE_URL: "none", ENABLE_METRICS: "false" }, false);
await add("static+usage", {}, false);
await add("key+limits", {}, true);
if (redis) await add("key+redis", { REDIS_URL: redis.url }, true);
if (pg && redis) await add("key+pg+redis", { DATABASE_URL: await pg.createDatabase("bench"), REDIS_URL: redis.url }, true);

const dispatcher = new Agent({ keepAliveTimeout: 60_000, connections: 4 });
const body = JSON.stringify({
  model: "us.amazon.nova-lite-v1:0",
  messages: [{ role: "user", content: "Say hello in five words." }],
  max_tokens: 50,
});
async function once(v: Variant): Promise<number> {
  const t = performance.now();
  const res = await fetch(`${v.gw.baseURL}/chat/completions`, {
    method: "POST",
    headers: { authorization: `Bearer ${v.key}`, "content-type": "application/json" },
    body,
    dispatcher,
  });
  await res.arrayBuffer();
  if (res.status !== 200) throw new Error(`${v.name}: HTTP ${res.status}`);
  return performance.now() - t;
}

const canned: ConverseResponse = {
  output: { message: { role: "assistant", content: [{ text: "Hello there, five words exactly." }] } },
  stopReason: "end_turn",
  usage: { inputTokens: 12, outputTokens: 8, totalTokens: 20 },
};
async function inProcess(v: Variant): Promise<number> {
  const t = performance.now();
  const res = await v.app.fetch(
    new Request("http://gateway/v1/chat/completions", {
      method: "POST",
      headers: { authorization: `Bearer ${v.key}`, "content-type": "application/json" },
      body,
    }),
  );
  await res.arrayBuffer();
  if (res.status !== 200) throw new Error(`${v.name}: HTTP ${res.status}`);
  return performance.now() - t;
}

async function measure(run: (v: Variant) => Promise<number>, into: (v: Variant) => number[]) {
  for (let i = 0; i < warmup; i++) for (const v of variants) await run(v);
  for (let i = 0; i < iterations; i++) {
    // Rotate the order every iteration so no variant always goes first.
    for (let j = 0; j < variants.length; j++) {
      const v = variants[(i + j) % variants.length]!;
      into(v).push(await run(v));
    }
  }
}

await measure(once, (v) => v.samples);
// In-process: the same deps, Bedrock stubbed so only the gateway's own work is timed.
for (const v of variants) (v.gw.runtime.deps.runtime as { converse: unknown }).converse = async () => structuredClone(canned);
await measure(inProcess, (v) => v.inProcess);

const pct = (xs: number[], p: number) => {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.floor((p / 100) * s.length))]!;
};
const table = (pick: (v: Variant) => number[]) => {
  const base = pick(variants[0]!);
  return variants.map((v) => {
    const p50 = pct(pick(v), 50);
    const p99 = pct(pick(v), 99);
    return {
      variant: v.name,
      p50: p50.toFixed(3),
      p99: p99.toFixed(3),
      Δp50: (p50 - pct(base, 50)).toFixed(3),
      Δp99: (p99 - pct(base, 99)).toFixed(3),
    };
  });
};
process.stdout.write(`node ${process.version}, ${iterations} requests per variant (+${warmup} warm-up), milliseconds, Δ = vs baseline\n`);
process.stdout.write("\nin-process (app.fetch, Bedrock stubbed): the gateway's own time per request\n");
console.table(table((v) => v.inProcess));
process.stdout.write("\nover HTTP (client → Node server → Bedrock test double, loopback)\n");
console.table(table((v) => v.samples));

for (const v of variants) await v.gw.close();
await dispatcher.close();
await fake.close();
await redis?.stop();
pg?.stop();
