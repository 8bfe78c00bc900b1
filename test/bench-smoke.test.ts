// The benchmark harness in smoke mode (a few seconds): every process starts, every scenario runs
// against every contender, and every figure, ratio, target, the chart and the Markdown come out.
// Nothing here checks a number against a threshold: CI machines are too noisy for that.
import assert from "node:assert/strict";
import { execFile } from "node:child_process";
import { mkdtempSync, readdirSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, describe, it } from "node:test";
import { fileURLToPath } from "node:url";
import { promisify } from "node:util";
import type { BenchResult } from "../bench/run.ts";

const ROOT = fileURLToPath(new URL("..", import.meta.url));
const run = promisify(execFile);

describe("npm run bench -- --smoke", () => {
  const out = mkdtempSync(join(tmpdir(), "bench-smoke-"));
  after(() => rmSync(out, { recursive: true, force: true }));

  it("produces every figure for every contender, the chart and the tables", async () => {
    const { stdout } = await run(process.execPath, ["bench/run.ts", "--smoke", "--out", out], { cwd: ROOT, maxBuffer: 16 * 1024 * 1024 });
    const files = readdirSync(out);
    const json = files.find((f) => f.endsWith(".json"));
    assert.ok(json, `no results JSON in ${files.join(", ")}`);
    const r = JSON.parse(readFileSync(join(out, json), "utf8")) as BenchResult;
    const svg = readFileSync(join(out, json.replace(/\.json$/, ".svg")), "utf8");
    assert.match(svg, /^<svg /);

    const all = ["direct", "direct-sdk", "gateway", "portkey", "floor"] as const;
    assert.deepEqual(
      r.contenders.map((c) => c.name),
      [...all],
    );
    const finite = (x: unknown, what: string) => assert.ok(typeof x === "number" && Number.isFinite(x), `${what} = ${String(x)}`);

    for (const id of ["chat-c1", "chat-c16", "chat-c64", "chat-c256", "chat-rate64", "embeddings"] as const) {
      for (const name of all) {
        if (id === "embeddings" && name === "direct-sdk") continue; // the SDK server has no embeddings path
        const f = r.medians.http[id]?.[name];
        assert.ok(f, `${id} ${name} missing`);
        assert.equal(f.failures, 0, `${id} ${name} had failures`);
        assert.ok(f.requests > 0, `${id} ${name} sent nothing`);
        for (const k of ["rps", "p50", "p90", "p99", "cpuMsPerReq"] as const) finite(f[k], `${id} ${name} ${k}`);
      }
    }
    for (const id of ["stream-paced", "stream-burst"] as const) {
      for (const name of all) {
        const f = r.medians.stream[id]?.[name];
        assert.ok(f, `${id} ${name} missing`);
        assert.equal(f.failures, 0, `${id} ${name}: streams failed or lost tokens`);
        for (const k of ["ttftP50", "totalP50", "streamsPerSecond", "cpuMsPerStream"] as const) finite(f[k], `${id} ${name} ${k}`);
      }
    }
    finite(r.ratios["chat-c64"]?.gateway?.rpsToFloor, "gateway throughput ÷ floor");
    finite(r.ratios["chat-rate64"]?.gateway?.p50OverheadMs, "gateway p50 overhead");
    finite(r.ratios["stream-paced"]?.gateway?.ttftOverheadMs, "gateway TTFT overhead");
    for (const name of all.filter((n) => n !== "direct")) {
      for (const count of r.settings.memory.counts) {
        const m = r.memory[name]?.[String(count)];
        assert.ok(m, `memory ${name} ${count} missing`);
        assert.equal(m.opened, count, `memory ${name}: ${m.failures} streams did not open`);
        finite(m.kbPerStream, `memory ${name} ${count}`);
      }
      finite(r.coldStart[name]?.chatMs, `cold start ${name}`);
    }
    finite(r.coldStart.gateway?.healthMs, "gateway cold start to /health");
    assert.equal(r.targets.length, 7);
    for (const t of r.targets) finite(t.measured, `target ${t.id}`);
    assert.match(stdout, /#### Targets/);
    assert.match(stdout, /\| bedrock-gateway \|/);
  });
});
