// Log output: the lines of one event-loop turn leave in one write, in order, and nothing held
// back is lost on flush or exit; the access logger still redacts credentials.
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { accessLogger, createLogger } from "../src/logging/logger.ts";
import { TickBatchedDestination } from "../src/logging/tick-batched-destination.ts";
import type { FlushableDestination } from "../src/logging/tick-batched-destination.ts";

function recorder() {
  const writes: string[] = [];
  let flushes = 0;
  const target: FlushableDestination = {
    write: (s: string) => void writes.push(s),
    flush: (cb) => {
      flushes++;
      cb?.();
    },
    flushSync: () => void flushes++,
  };
  return { target, writes, flushes: () => flushes };
}

const tick = () => new Promise((r) => setImmediate(r));

describe("logging", () => {
  it("writes the lines of one event-loop turn together, in order", async () => {
    const { target, writes } = recorder();
    const d = new TickBatchedDestination(target);
    d.write("a\n");
    d.write("b\n");
    d.write("c\n");
    assert.deepEqual(writes, []);
    await tick();
    assert.deepEqual(writes, ["a\nb\nc\n"]);
    d.write("d\n");
    await tick();
    assert.deepEqual(writes, ["a\nb\nc\n", "d\n"]);
  });

  it("hands held lines over on flush and flushSync", async () => {
    const { target, writes, flushes } = recorder();
    const d = new TickBatchedDestination(target);
    d.write("x\n");
    await new Promise<void>((r) => d.flush(() => r()));
    assert.deepEqual(writes, ["x\n"]);
    d.write("y\n");
    d.flushSync();
    assert.deepEqual(writes, ["x\n", "y\n"]);
    assert.equal(flushes(), 2);
    await tick();
    assert.deepEqual(writes, ["x\n", "y\n"], "nothing written twice");
  });

  it("redacts credentials in access lines and in every other line", async () => {
    const { target, writes } = recorder();
    const logger = createLogger("info", new TickBatchedDestination(target));
    accessLogger(logger).info(
      { requestId: "r1", authorization: "Bearer sk-secret", apiKey: "k1", "x-api-key": "k2", status: 200 },
      "request",
    );
    logger.info({ headers: { authorization: "Bearer sk-secret" }, err: { apiKey: "k3" } }, "other");
    await tick();
    const text = writes.join("");
    for (const secret of ["sk-secret", "k1", "k2", "k3"]) assert.ok(!text.includes(secret), `${secret} leaked: ${text}`);
    const [access] = text
      .trim()
      .split("\n")
      .map((l) => JSON.parse(l) as Record<string, unknown>);
    assert.equal(access!.requestId, "r1");
    assert.equal(access!.authorization, "[redacted]");
    assert.equal(access!.service, "bedrock-gateway");
  });
});
