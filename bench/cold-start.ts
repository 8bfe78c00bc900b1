// Cold start: process spawn → first 200. Used by `npm run bench` for every contender (first 200
// of a chat completion, which for the gateway includes loading the model catalog; and the
// gateway's first /health 200), and on its own for the gateway alone.
// Usage: node bench/cold-start.ts [runs]   (gateway against the benchmark upstream; median)
import { fileURLToPath } from "node:url";
import { CONTENDERS } from "./contenders/contenders.ts";
import type { Contender } from "./contenders/contenders.ts";
import { freePort, stopAll, waitFor200 } from "./lib/processes.ts";
import type { HttpTarget } from "./load/stream-client.ts";
import { median } from "./lib/stats.ts";

export { median };

const ROOT = fileURLToPath(new URL("..", import.meta.url));

/** Spawn → first 200 of `target(base)`, `runs` times; each process is stopped before the next. */
export async function measureColdStart(
  contender: Contender,
  upstreamPort: number,
  runs: number,
  target: (base: string) => HttpTarget,
): Promise<number[]> {
  const times: number[] = [];
  for (let i = 0; i < runs; i++) {
    const port = await freePort();
    const started = performance.now();
    // SUT_ROOT: the gateway from another checkout (see bench/run.ts).
    const proc = contender.spawn!(upstreamPort, port, (contender.name === "gateway" && process.env.SUT_ROOT) || ROOT);
    try {
      await waitFor200(target(`http://127.0.0.1:${port}`), proc, 20_000, 1);
      times.push(performance.now() - started);
    } finally {
      await proc.stop();
    }
  }
  return times;
}

export const healthTarget = (base: string): HttpTarget => ({ url: `${base}/health`, method: "GET", headers: {} });

if (import.meta.main) {
  const { startBenchUpstream } = await import("./upstream/bench-upstream.ts");
  await (await import("../scripts/build-server.ts")).buildServer();
  const runs = Number(process.argv[2] ?? 7);
  const upstream = await startBenchUpstream();
  const gateway = CONTENDERS.find((c) => c.name === "gateway")!;
  try {
    const health = await measureColdStart(gateway, upstream.port, runs, healthTarget);
    const chat = await measureColdStart(gateway, upstream.port, runs, (base) => gateway.targets(base, upstream.port).chat);
    const ms = (xs: number[]) => ({ medianMs: Math.round(median(xs)), allMs: xs.map(Math.round) });
    console.log(JSON.stringify({ runs, firstHealth: ms(health), firstChatCompletion: ms(chat) }));
  } finally {
    stopAll();
    await upstream.close();
  }
}
