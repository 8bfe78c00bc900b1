// Bounded load on loopback with one region flapping: it alternates every 150 ms between healthy and
// failing (throttling, 503, 500, or a throttle in a stream's first frame) while clients keep 12
// requests in flight, a quarter of them streams. The breaker opens, probes and closes as the region
// comes and goes; no client request may be lost.
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import type { RecordedRequest } from "./fake-bedrock/fake-bedrock.ts";
import { modelCalls, startMultiRegion } from "./helpers/multi-region.ts";

const NOVA = "amazon.nova-lite-v1:0";
const REQUESTS = 600;
const CONCURRENCY = 12;

describe("load with one region flapping", () => {
  it("loses no request", async (t) => {
    const m = await startMultiRegion(
      [
        { name: "flappy", region: "us-east-1", weight: 2 },
        { name: "steady", region: "us-west-2" },
      ],
      {
        CIRCUIT_BREAKER_FAILURES: "3",
        CIRCUIT_BREAKER_WINDOW: "1s",
        CIRCUIT_BREAKER_COOLDOWN: "200ms",
      },
    );
    try {
      const started = Date.now();
      const failures = [
        { error: { exception: "ThrottlingException", message: "Too many requests" } },
        { error: { exception: "ServiceUnavailableException", message: "Service unavailable" } },
        { error: { exception: "InternalServerException", message: "Internal error" } },
      ];
      let n = 0;
      m.fakes.flappy!.setDefault((req: RecordedRequest) => {
        const failing = Math.floor((Date.now() - started) / 150) % 2 === 1;
        if (!failing) return { content: [{ text: "ok from flappy" }] };
        n++;
        if (req.operation === "ConverseStream" && n % 2 === 0) {
          return {
            content: [{ text: "never sent" }],
            stream: { failAfter: { events: 0, exception: "throttlingException", message: "Rate exceeded" } },
          };
        }
        return failures[n % failures.length]!;
      });
      m.fakes.steady!.setDefault({ content: [{ text: "ok from steady" }] });

      const latencies: number[] = [];
      const lost: string[] = [];
      const served: Record<string, number> = {};
      let next = 0;
      const one = async (i: number) => {
        const t0 = performance.now();
        try {
          if (i % 4 === 0) {
            const { data, response } = await m.gw.openai.chat.completions
              .create({ model: NOVA, messages: [{ role: "user", content: "hi" }], stream: true })
              .withResponse();
            let text = "";
            for await (const ch of data) text += ch.choices[0]?.delta.content ?? "";
            if (!/^ok from /.test(text)) lost.push(`stream ${i}: ${text}`);
            const target = response.headers.get("x-bedrock-gateway-target")!;
            served[target] = (served[target] ?? 0) + 1;
          } else {
            const { data, response } = await m.gw.openai.chat.completions
              .create({ model: NOVA, messages: [{ role: "user", content: "hi" }] })
              .withResponse();
            if (!/^ok from /.test(data.choices[0]?.message.content ?? "")) lost.push(`call ${i}`);
            const target = response.headers.get("x-bedrock-gateway-target")!;
            served[target] = (served[target] ?? 0) + 1;
          }
        } catch (err) {
          lost.push(`${i}: ${(err as Error).message}`);
        }
        latencies.push(performance.now() - t0);
      };
      const t0 = performance.now();
      await Promise.all(
        Array.from({ length: CONCURRENCY }, async () => {
          while (next < REQUESTS) await one(next++);
        }),
      );
      const seconds = (performance.now() - t0) / 1000;
      latencies.sort((a, b) => a - b);
      const pct = (p: number) => latencies[Math.min(latencies.length - 1, Math.floor(p * latencies.length))]!.toFixed(1);
      const breakers = m.gw.runtime.deps.upstreams!.status().find((s) => s.name === "flappy")!.breakers[0];
      t.diagnostic(
        `${REQUESTS} requests in ${seconds.toFixed(1)} s (${(REQUESTS / seconds).toFixed(0)}/s), p50 ${pct(0.5)} ms, p99 ${pct(0.99)} ms; ` +
          `served ${JSON.stringify(served)}; flappy failures injected ${n}, breaker opened ${breakers?.opened ?? 0} times; model calls flappy ${modelCalls(m.fakes.flappy!)}, steady ${modelCalls(m.fakes.steady!)}`,
      );
      assert.deepEqual(lost, []);
      assert.equal((served.flappy ?? 0) + (served.steady ?? 0), REQUESTS);
      assert.ok(n > 0, "the region did fail during the run");
      assert.ok((served.flappy ?? 0) > 0, "the flapping region still served while it was up");
      assert.ok((breakers?.opened ?? 0) >= 1, "its breaker opened at least once");
    } finally {
      await m.close();
    }
  });
});
