// Several Bedrock test doubles as regions / accounts on loopback, and a real gateway whose
// BEDROCK_TARGETS points each target at one of them through its per-target endpoint URLs.
import { startFakeBedrock } from "../fake-bedrock/fake-bedrock.ts";
import type { FakeBedrock, FakeBedrockOptions } from "../fake-bedrock/fake-bedrock.ts";
import { startGateway } from "./gateway.ts";
import type { TestGateway } from "./gateway.ts";

export interface RegionSpec {
  name: string;
  region: string;
  weight?: number;
  fake?: FakeBedrockOptions;
  /** Extra target fields (roleArn, externalId, models, endpoints.sts, …). */
  extra?: Record<string, unknown>;
}

export interface MultiRegion {
  gw: TestGateway;
  fakes: Record<string, FakeBedrock>;
  close(): Promise<void>;
}

export async function startMultiRegion(regions: RegionSpec[], env: Record<string, string> = {}): Promise<MultiRegion> {
  const fakes: Record<string, FakeBedrock> = {};
  for (const r of regions) fakes[r.name] = await startFakeBedrock({ region: r.region, ...r.fake });
  const targets = regions.map((r) => {
    const extra = r.extra ?? {};
    const endpoints = {
      "bedrock-runtime": fakes[r.name]!.url,
      bedrock: fakes[r.name]!.url,
      ...((extra.endpoints as Record<string, string> | undefined) ?? {}),
    };
    return { name: r.name, region: r.region, ...(r.weight !== undefined ? { weight: r.weight } : {}), ...extra, endpoints };
  });
  const first = fakes[regions[0]!.name]!;
  const gw = await startGateway({ fake: first, env: { BEDROCK_TARGETS: JSON.stringify(targets), ...env }, waitForCatalog: false });
  // Every target's catalog, not just the first one to load.
  const end = Date.now() + 10_000;
  const status = () => gw.runtime.deps.upstreams!.status();
  while (!status().every((t) => t.catalog.loaded) && Date.now() < end) await new Promise((r) => setTimeout(r, 20));
  return {
    gw,
    fakes,
    async close() {
      await gw.close();
      await Promise.all(Object.values(fakes).map((f) => f.close()));
    },
  };
}

/** Model calls (not catalog listings) a double received. */
export function modelCalls(fake: FakeBedrock): number {
  return fake.requests.filter((r) => r.operation === "Converse" || r.operation === "ConverseStream" || r.operation === "InvokeModel")
    .length;
}

export const THROTTLED = { error: { exception: "ThrottlingException", message: "Too many requests, please wait before trying again." } };

export async function chat(
  gw: TestGateway,
  model: string,
  extra: Record<string, unknown> = {},
  headers: Record<string, string> = {},
): Promise<{ status: number; headers: Headers; body: any; ms: number }> {
  const t0 = performance.now();
  const res = await gw.request("/v1/chat/completions", {
    method: "POST",
    headers: { "content-type": "application/json", ...headers },
    body: JSON.stringify({ model, messages: [{ role: "user", content: "hi" }], ...extra }),
  });
  const body: unknown = await res.json();
  return { status: res.status, headers: res.headers, body, ms: performance.now() - t0 };
}
