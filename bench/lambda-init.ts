// Lambda init cost of the bundled handler: builds dist/lambda, then loads it in fresh processes with
// the `awslambda` global stubbed and times module evaluation + handler creation (what Lambda's init
// phase spends in our code; the runtime's own bootstrap comes on top). Reports sizes and the median.
// Usage: node bench/lambda-init.ts [runs]
import { spawnSync } from "node:child_process";
import { buildLambda } from "../scripts/build-lambda.ts";
import { median } from "./cold-start.ts";

export function measureLambdaInit(entry: string, runs: number): number[] {
  const times: number[] = [];
  for (let i = 0; i < runs; i++) {
    const r = spawnSync(process.execPath, ["bench/lambda-init-child.ts", entry], {
      env: {
        PATH: process.env.PATH,
        API_KEY: "bench-key",
        AWS_REGION: "us-east-1",
        AWS_ACCESS_KEY_ID: "AKIABENCH",
        AWS_SECRET_ACCESS_KEY: "bench",
        LOG_LEVEL: "warn",
      },
      encoding: "utf8",
    });
    if (r.status !== 0) throw new Error(`init failed: ${r.stderr}`);
    times.push((JSON.parse(r.stdout) as { initMs: number }).initMs);
  }
  return times;
}

if (import.meta.main) {
  const runs = Number(process.argv[2] ?? 11);
  const built = await buildLambda();
  const times = measureLambdaInit(built.entry, runs);
  console.log(
    JSON.stringify({
      zipBytes: built.zipBytes,
      totalBytes: built.totalBytes,
      initBytes: built.initBytes,
      runs,
      initMedianMs: Math.round(median(times) * 10) / 10,
      initAllMs: times.map((t) => Math.round(t)),
    }),
  );
}
