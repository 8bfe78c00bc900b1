// The console's Overview (and Usage) over 1,000,000 usage records in SQLite: the target
// is under 1 s. Records are spread over the last 30 days, 50 keys and 12 models, written through
// the store's own insertUsage (so the hourly rollup of migration 5 is built as in production).
// Each page's queries are timed 5 times (median), and, for comparison, the same questions asked
// once of the raw records (ranges shifted by 1 ms so no rollup can be used).
// Usage: node bench/console-overview.ts [--records 1000000] [--db /tmp/overview.db]
import { existsSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { parseArgs } from "node:util";
import { loadOverview, rangeWindow } from "../src/console/overview-data.ts";
import type { OverviewRange } from "../src/console/overview-data.ts";
import { openStore } from "../src/store/open-store.ts";
import type { Store, UsageRecord } from "../src/store/store.ts";

const { values } = parseArgs({ options: { records: { type: "string", default: "1000000" }, db: { type: "string" } } });
const N = Number(values.records);
const path = values.db ?? join(tmpdir(), `bgw-console-bench-${N}.db`);
const DAY = 86_400_000;
const now = Date.now();

const MODELS = [
  "us.anthropic.claude-sonnet-4-5-20250929-v1:0",
  "global.anthropic.claude-haiku-4-5-20251001-v1:0",
  "amazon.nova-lite-v1:0",
  "amazon.nova-micro-v1:0",
  "us.amazon.nova-pro-v1:0",
  "meta.llama3-1-70b-instruct-v1:0",
  "mistral.mistral-large-2407-v1:0",
  "cohere.embed-multilingual-v3",
  "amazon.titan-embed-text-v2:0",
  "deepseek.r1-v1:0",
  "openai.gpt-oss-120b-1:0",
  "unknown.model-v1:0",
];

async function fill(store: Store): Promise<void> {
  const started = performance.now();
  const batch = 10_000;
  let seed = 42;
  const rand = () => (seed = (seed * 1_103_515_245 + 12_345) % 2_147_483_648) / 2_147_483_648;
  for (let i = 0; i < N; i += batch) {
    const records: UsageRecord[] = [];
    for (let j = i; j < Math.min(N, i + batch); j++) {
      const model = MODELS[Math.floor(rand() * MODELS.length)]!;
      const status = rand() < 0.03 ? 429 : rand() < 0.01 ? 500 : 200;
      const input = Math.floor(rand() * 2000);
      const output = Math.floor(rand() * 800);
      records.push({
        ts: now - 30 * DAY + Math.floor((j / N) * 30 * DAY),
        requestId: `req_${j}`,
        keyId: `vk_${String(Math.floor(rand() * 50)).padStart(12, "0")}`,
        endpoint: "chat.completions",
        model,
        bedrockModel: model,
        baseModel: model,
        inputTokens: input,
        outputTokens: output,
        cacheReadTokens: 0,
        cacheWriteTokens: 0,
        latencyMs: 200 + rand() * 2000,
        ttftMs: 100,
        status,
        stream: rand() < 0.5,
        aborted: false,
        errorType: status === 200 ? null : "x",
        costUsd: model.startsWith("unknown") ? null : status === 200 ? (input * 3 + output * 15) / 1e6 : 0,
      });
    }
    await store.insertUsage(records);
  }
  process.stdout.write(`wrote ${N.toLocaleString("en-US")} records in ${((performance.now() - started) / 1000).toFixed(1)} s\n`);
}

async function median(fn: () => Promise<unknown>, runs = 5): Promise<number> {
  const times: number[] = [];
  for (let i = 0; i < runs; i++) {
    const t = performance.now();
    await fn();
    times.push(performance.now() - t);
  }
  return times.sort((a, b) => a - b)[Math.floor(runs / 2)]!;
}

const fresh = !existsSync(path);
const store = (await openStore({ kind: "sqlite", path }))!;
if (fresh) await fill(store);
const count = (await store.usageAggregate({ from: 0, to: now + DAY, groupBy: "key" })).reduce((s, r) => s + r.requests, 0);
process.stdout.write(`database ${path}: ${count.toLocaleString("en-US")} records\n\n`);

const rows: [string, number, number][] = [];
for (const range of ["hour", "day", "month"] as OverviewRange[]) {
  const w = rangeWindow(range, now);
  const fast = await median(() => loadOverview(store, range, now));
  // The same three questions asked of the records themselves.
  const raw = await median(
    () =>
      Promise.all([
        store.usageAggregate({ from: w.from + 1, to: w.to - 1, groupBy: "bucket", bucketMs: Math.max(60_000, w.bucketMs) }),
        store.usageAggregate({ from: w.from + 1, to: w.to - 1, groupBy: "key", top: 8 }),
        store.usageAggregate({ from: w.from + 1, to: w.to - 1, groupBy: "model", top: 8 }),
      ]),
    1,
  );
  rows.push([`overview, ${range}`, fast, raw]);
}
for (const groupBy of ["key", "model", "day"] as const) {
  const from = Math.floor((now - 30 * DAY) / DAY) * DAY;
  const to = Math.floor(now / DAY) * DAY + DAY;
  rows.push([
    `usage 30 days by ${groupBy}`,
    await median(() => store.usageAggregate({ from, to, groupBy })),
    await median(() => store.usageAggregate({ from: from + 1, to: to - 1, groupBy }), 1),
  ]);
}
process.stdout.write("page                        rollup (ms)   records only (ms)\n");
for (const [name, a, b] of rows) process.stdout.write(`${name.padEnd(28)}${a.toFixed(1).padStart(11)}${b.toFixed(1).padStart(20)}\n`);
await store.close();
if (!values.db && process.env.KEEP_DB !== "1") for (const f of [path, `${path}-wal`, `${path}-shm`]) rmSync(f, { force: true });
