// Issue 14, finding 13 (region part): a malformed AWS_REGION fails at start-up naming the variable
// (instead of every request retrying DNS and answering 503); a well-formed region without Bedrock
// starts with a warning.
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { isRegionShaped, regionWarning } from "../src/config/aws-regions.ts";
import { ConfigError, loadConfig } from "../src/config/config.ts";
import { startFakeBedrock } from "./fake-bedrock/fake-bedrock.ts";
import { startGateway } from "./helpers/gateway.ts";

describe("AWS region validation", () => {
  it("accepts region names and refuses typos, naming the variable", () => {
    for (const r of [
      "us-east-1",
      "us-west-2",
      "eu-central-2",
      "ap-southeast-7",
      "us-gov-west-1",
      "ca-west-1",
      "il-central-1",
      "us-isob-east-1",
      "cn-north-1",
    ]) {
      assert.equal(isRegionShaped(r), true, r);
      assert.equal(loadConfig({ API_KEY: "k", AWS_REGION: r }).aws.region, r);
    }
    for (const r of ["us-west2", "mars-north-9", "uswest-2", "US-EAST-1", "us-east-1a", "us-east-", "us east 1", "https://x"]) {
      assert.equal(isRegionShaped(r), false, r);
      assert.throws(
        () => loadConfig({ API_KEY: "k", AWS_REGION: r }),
        (e: unknown) => e instanceof ConfigError && /AWS_REGION: is not an AWS region name/.test(e.message),
        r,
      );
    }
    assert.throws(() => loadConfig({ API_KEY: "k", AWS_DEFAULT_REGION: "us-west2" }), /AWS_DEFAULT_REGION/);
  });

  it("warns on a well-formed region without Bedrock, and not on Bedrock regions", async () => {
    assert.equal(regionWarning("us-west-2"), undefined);
    assert.match(regionWarning("eu-south-9")!, /eu-south-9 is not one where this gateway knows Bedrock/);
    const fake = await startFakeBedrock({ region: "ap-east-9" });
    const gw = await startGateway({ fake, waitForCatalog: false });
    try {
      const warning = gw.logs.find((l) => l.level === "warn" && l.region === "ap-east-9");
      assert.ok(warning, JSON.stringify(gw.logs.slice(0, 3)));
      assert.match(String(warning.msg), /not one where this gateway knows Bedrock/);
    } finally {
      await gw.close();
      await fake.close();
    }
  });
});
