// Cold start: process spawn → first 200 from the gateway (test double upstream). Run several
// times and report the median. Usage: node bench/cold-start.ts [runs]
import { spawn } from "node:child_process";
import { startFakeBedrock, TEST_CREDENTIALS } from "../test/fake-bedrock/fake-bedrock.ts";

export async function measureColdStart(entry: string[], runs: number, fakeUrl: string): Promise<number[]> {
  const times: number[] = [];
  for (let i = 0; i < runs; i++) {
    const port = 19000 + i;
    const started = performance.now();
    const child = spawn(process.execPath, entry, {
      env: {
        ...process.env,
        PORT: String(port),
        HOST: "127.0.0.1",
        API_KEY: "bench-key",
        AWS_REGION: "us-east-1",
        AWS_ENDPOINT_URL_BEDROCK_RUNTIME: fakeUrl,
        AWS_ENDPOINT_URL_BEDROCK: fakeUrl,
        AWS_ACCESS_KEY_ID: TEST_CREDENTIALS.accessKeyId,
        AWS_SECRET_ACCESS_KEY: TEST_CREDENTIALS.secretAccessKey,
        LOG_LEVEL: "warn",
      },
      stdio: "ignore",
    });
    for (;;) {
      try {
        const res = await fetch(`http://127.0.0.1:${port}/health`);
        if (res.status === 200) break;
      } catch {
        // not listening yet
      }
      await new Promise((r) => setTimeout(r, 2));
    }
    times.push(performance.now() - started);
    child.kill("SIGTERM");
    await new Promise((r) => child.once("exit", r));
  }
  return times;
}

export const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;

if (import.meta.main) {
  const runs = Number(process.argv[2] ?? 7);
  const fake = await startFakeBedrock();
  const times = await measureColdStart(["src/main.ts"], runs, fake.url);
  console.log(JSON.stringify({ runs, medianMs: Math.round(median(times)), allMs: times.map(Math.round) }));
  await fake.close();
}
