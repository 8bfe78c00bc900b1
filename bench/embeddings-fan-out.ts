// How long a 500-input Titan embedding request takes through the gateway against the Bedrock
// test double, for several EMBEDDINGS_CONCURRENCY values, with the double answering at once and
// with a simulated per-call model latency. Prints the median of several runs.
// Usage: node bench/embeddings-fan-out.ts [runs] [latencyMs]
import { defaultInvoke } from "../test/fake-bedrock/fake-bedrock.ts";
import { startGateway } from "../test/helpers/gateway.ts";

const runs = Number(process.argv[2] ?? 7);
const latencyMs = Number(process.argv[3] ?? 20);
const input = Array.from({ length: 500 }, (_, i) => `Passage ${i}: embeddings turn text into vectors so that similar texts are close.`);

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;

for (const concurrency of [1, 4, 16, 64]) {
  const gw = await startGateway({ env: { EMBEDDINGS_CONCURRENCY: String(concurrency), LOG_LEVEL: "warn" } });
  try {
    const row: string[] = [];
    for (const delay of [0, latencyMs]) {
      gw.fake.onInvoke(async (id, body, model) => {
        if (delay) await new Promise((r) => setTimeout(r, delay));
        return defaultInvoke(id, body, model);
      });
      // One warm-up request (connections, JIT) that is not counted.
      await gw.openai.embeddings.create({ model: "amazon.titan-embed-text-v2:0", input: input.slice(0, 20) });
      const times: number[] = [];
      for (let i = 0; i < (delay && concurrency === 1 ? 1 : runs); i++) {
        const t = performance.now();
        const res = await gw.openai.embeddings.create({ model: "amazon.titan-embed-text-v2:0", input });
        times.push(performance.now() - t);
        if (res.data.length !== 500) throw new Error("wrong count");
      }
      row.push(`${delay ? `model latency ${delay} ms` : "instant double"}: ${median(times).toFixed(0)} ms`);
    }
    console.log(`EMBEDDINGS_CONCURRENCY=${concurrency}\t${row.join("\t")}`);
  } finally {
    await gw.close();
  }
}
