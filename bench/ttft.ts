// Time to first token over direct, one stream at a time, for the gateway of this checkout and
// (optionally) of another one, alternating runs so that both see the same machine. The benchmark's
// stream-paced scenario measures the same thing over 8 streams; this takes hundreds, for an A/B.
// Usage: node bench/ttft.ts [streams=200] [rounds=3]
//        SUT_ROOT=/other/checkout node bench/ttft.ts   (also the gateway built there: `npm run build` first)
import { fork } from "node:child_process";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { buildServer } from "../scripts/build-server.ts";
import { CONTENDERS } from "./contenders/contenders.ts";
import { freePort, waitFor200 } from "./lib/processes.ts";
import { median } from "./lib/stats.ts";
import type { StreamResult } from "./load/load-worker.ts";
import { TOKEN_MARKER } from "./upstream/canned-responses.ts";
import { startBenchUpstream } from "./upstream/bench-upstream.ts";

const ROOT = fileURLToPath(new URL("..", import.meta.url));
const streams = Number(process.argv[2] ?? 200);
const rounds = Number(process.argv[3] ?? 3);

await buildServer();
const upstream = await startBenchUpstream();
await fetch(`http://127.0.0.1:${upstream.port}/__bench/config`, {
  method: "POST",
  body: JSON.stringify({ streamTokens: 20, tokenRate: 1000, hold: false }),
}).then((r) => r.arrayBuffer());
const load = fork(join(ROOT, "bench/load/load-worker.ts"), [], { execArgv: [], stdio: ["ignore", "inherit", "inherit", "ipc"] });
const ttft = (target: unknown) =>
  new Promise<number>((resolve, reject) => {
    load.once("message", (m: { ok: boolean; value?: StreamResult; error?: string }) =>
      m.ok ? resolve(m.value!.ttftMs.p50) : reject(new Error(m.error)),
    );
    load.send({ op: "stream", target, marker: TOKEN_MARKER, concurrency: 1, streams, expectedTokens: 20, timeoutMs: 60_000, watch: [] });
  });

const gateway = CONTENDERS.find((c) => c.name === "gateway")!;
const direct = CONTENDERS.find((c) => c.name === "direct")!;
const roots: [string, string][] = [
  ["this checkout", ROOT],
  ...(process.env.SUT_ROOT ? [["SUT_ROOT", process.env.SUT_ROOT] as [string, string]] : []),
];
const results: Record<string, number[]> = {};
try {
  for (let round = 0; round < rounds; round++) {
    const directTtft = await ttft(direct.targets(`http://127.0.0.1:${upstream.port}`, upstream.port).stream);
    for (const [name, root] of round % 2 ? [...roots].reverse() : roots) {
      const port = await freePort();
      const proc = gateway.spawn!(upstream.port, port, root);
      try {
        const targets = gateway.targets(`http://127.0.0.1:${port}`, upstream.port);
        await waitFor200(targets.chat, proc, 30_000, 20);
        await ttft(targets.stream); // warm-up: JIT, the upstream connection pool
        const over = (await ttft(targets.stream)) - directTtft;
        (results[name] ??= []).push(over);
        process.stderr.write(`round ${round + 1} ${name}: TTFT over direct ${over.toFixed(3)} ms\n`);
      } finally {
        await proc.stop();
      }
    }
  }
} finally {
  load.kill();
  await upstream.close();
}
const summary = Object.fromEntries(Object.entries(results).map(([k, v]) => [k, { medianMs: Number(median(v).toFixed(3)), runs: v }]));
console.log(JSON.stringify({ streams, rounds, ttftOverDirect: summary }, null, 2));
