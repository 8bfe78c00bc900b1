// Start-up by the ways people start the gateway: spawn → first /health 200, median of N, against
// the benchmark upstream. `npm start` goes through npm and the launcher (bin/bedrock-gateway.mjs),
// which runs the server bundle when it is built and current and the TypeScript sources otherwise.
// Usage: node bench/start-paths.ts [runs]   (builds the bundles first; prints JSON)
import { spawn } from "node:child_process";
import { mkdtempSync, rmSync, utimesSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { buildPackage } from "../scripts/build-package.ts";
import { GATEWAY_KEY } from "./contenders/contenders.ts";
import { freePort } from "./lib/processes.ts";
import { median } from "./lib/stats.ts";
import { startBenchUpstream } from "./upstream/bench-upstream.ts";

const ROOT = fileURLToPath(new URL("..", import.meta.url));
const npm = process.platform === "win32" ? "npm.cmd" : "npm";

const PATHS: { name: string; cmd: string; args: string[]; before?: () => void }[] = [
  { name: "npm start (bundle current)", cmd: npm, args: ["start", "--silent"] },
  { name: "node bin/bedrock-gateway.mjs (bundle current)", cmd: process.execPath, args: ["bin/bedrock-gateway.mjs"] },
  { name: "node dist/server/main.mjs", cmd: process.execPath, args: ["dist/server/main.mjs"] },
  { name: "node src/main.ts", cmd: process.execPath, args: ["src/main.ts"] },
  // An edited source newer than the bundle: the launcher runs the sources.
  {
    name: "npm start (bundle stale → sources)",
    cmd: npm,
    args: ["start", "--silent"],
    before: () => utimesSync(join(ROOT, "src/main.ts"), new Date(), new Date()),
  },
];

async function once(cmd: string, args: string[], upPort: number): Promise<number> {
  const port = await freePort();
  const data = mkdtempSync(join(tmpdir(), "bench-start-"));
  const t0 = performance.now();
  const child = spawn(cmd, args, {
    cwd: ROOT,
    detached: true,
    stdio: "ignore",
    env: {
      PATH: process.env.PATH,
      HOME: process.env.HOME,
      PORT: String(port),
      HOST: "127.0.0.1",
      API_KEY: GATEWAY_KEY,
      AWS_REGION: "us-east-1",
      AWS_ENDPOINT_URL_BEDROCK_RUNTIME: `http://127.0.0.1:${upPort}`,
      AWS_ENDPOINT_URL_BEDROCK: `http://127.0.0.1:${upPort}`,
      AWS_ACCESS_KEY_ID: "AKIABENCHMARKDUMMY01",
      AWS_SECRET_ACCESS_KEY: "bench/dummy/secret/access/key",
      AWS_EC2_METADATA_DISABLED: "true",
      LOG_LEVEL: "warn",
      DATA_DIR: data,
    },
  });
  try {
    for (;;) {
      if (child.exitCode !== null) throw new Error(`${cmd} ${args.join(" ")} exited ${child.exitCode}`);
      const ok = await fetch(`http://127.0.0.1:${port}/health`).then(
        (r) => r.status === 200,
        () => false,
      );
      if (ok) return performance.now() - t0;
      await new Promise((r) => setTimeout(r, 2));
    }
  } finally {
    process.kill(-child.pid!, "SIGTERM");
    await new Promise((r) => child.once("exit", r));
    rmSync(data, { recursive: true, force: true });
  }
}

if (import.meta.main) {
  const runs = Number(process.argv[2] ?? 7);
  await buildPackage(ROOT, ["server"]);
  const upstream = await startBenchUpstream();
  const out: Record<string, { medianMs: number; allMs: number[] }> = {};
  try {
    for (const p of PATHS) {
      p.before?.();
      await once(p.cmd, p.args, upstream.port); // warm the compile cache and the page cache
      const times: number[] = [];
      for (let i = 0; i < runs; i++) times.push(await once(p.cmd, p.args, upstream.port));
      out[p.name] = { medianMs: Math.round(median(times)), allMs: times.map(Math.round) };
      process.stderr.write(`${p.name}: ${out[p.name]!.medianMs} ms\n`);
    }
  } finally {
    await upstream.close();
  }
  console.log(JSON.stringify({ runs, load: (await import("node:os")).loadavg().map((l) => l.toFixed(2)), firstHealth: out }, null, 2));
}
