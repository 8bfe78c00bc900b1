// The gateway starts when Bedrock's control plane is unreachable, says so on /health, retries
// with backoff, and serves the catalog once Bedrock answers; it never blocks start-up on Bedrock.
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { startFakeBedrock } from "./fake-bedrock/fake-bedrock.ts";
import { startGateway } from "./helpers/gateway.ts";

describe("catalog resilience", () => {
  it("starts degraded and recovers when Bedrock comes back", async () => {
    const fake = await startFakeBedrock();
    fake.failControlPlane(4); // the first load's calls fail with 503 (after the transport's own retries)
    const gw = await startGateway({ fake, waitForCatalog: false, env: { UPSTREAM_RETRY_MAX_TIME: "0" } });
    try {
      await new Promise((r) => setTimeout(r, 50));
      const h1: any = await (await gw.request("/health", { noAuth: true })).json();
      assert.equal(h1.status, "degraded");
      assert.equal(h1.models.loaded, false);
      assert.ok(gw.logs.some((l) => l.msg === "model catalog refresh failed"));
      const end = Date.now() + 8000;
      let h2: any;
      do {
        await new Promise((r) => setTimeout(r, 100));
        h2 = await (await gw.request("/health", { noAuth: true })).json();
      } while (!h2.models.loaded && Date.now() < end);
      assert.equal(h2.status, "ok");
      assert.ok(h2.models.count > 20);
      const list: any = await (await gw.request("/v1/models")).json();
      assert.ok(list.data.length > 20);
    } finally {
      await gw.close();
      await fake.close();
    }
  });

  it("refreshes in the background every MODELS_CACHE_TTL and picks up new application profiles", async () => {
    const gw = await startGateway({ env: { MODELS_CACHE_TTL: "300ms" } });
    try {
      const ids = async () => ((await (await gw.request("/v1/models")).json()) as any).data.map((m: { id: string }) => m.id) as string[];
      assert.ok(!(await ids()).includes("new-app-profile"));
      gw.fake.extraAppProfiles.push({ name: "new-app-profile", id: "0a0b0c0d0e0f", copyFrom: "amazon.nova-pro-v1:0" });
      const end = Date.now() + 5000;
      while (!(await ids()).includes("new-app-profile")) {
        assert.ok(Date.now() < end, "new profile not picked up");
        await new Promise((r) => setTimeout(r, 50));
      }
    } finally {
      await gw.close();
    }
  });
});
