// Test shortcuts for store keys on a running test gateway (through its KeyService, as the admin
// API and the CLI do), and for waiting on usage records.
import type { KeySpec } from "../../src/keys/key-spec.ts";
import type { UsageRecord } from "../../src/store/store.ts";
import type { TestGateway } from "./gateway.ts";

export async function createKey(gw: TestGateway, spec: KeySpec & { name: string }): Promise<{ id: string; secret: string }> {
  const issued = await gw.runtime.deps.keys!.create(spec);
  return { id: issued.key.id, secret: issued.secret };
}

/** The usage record of a request, once it has been written (streams report after they end). */
export async function usageOf(gw: TestGateway, requestId: string, timeoutMs = 5000): Promise<UsageRecord> {
  const end = Date.now() + timeoutMs;
  for (;;) {
    await gw.runtime.usage!.flush();
    const all = await gw.runtime.deps.store!.usageRecords({ from: 0, to: Date.now() + 60_000 });
    const hit = all.find((r) => r.requestId === requestId);
    if (hit) return hit;
    if (Date.now() > end) throw new Error(`no usage record for ${requestId}`);
    await new Promise((r) => setTimeout(r, 25));
  }
}

export function chatBody(model: string, content: string, extra: Record<string, unknown> = {}): string {
  return JSON.stringify({ model, messages: [{ role: "user", content }], ...extra });
}
