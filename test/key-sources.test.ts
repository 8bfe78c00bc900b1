// Client keys from Secrets Manager and SSM (the real AWS SDK clients against the test double),
// re-read periodically so rotation needs no restart.
import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import { constantTimeEquals } from "../src/auth/api-key-verifier.ts";
import { keyFromSecretString } from "../src/auth/secret-loaders.ts";
import { startFakeBedrock } from "./fake-bedrock/fake-bedrock.ts";
import type { FakeBedrock } from "./fake-bedrock/fake-bedrock.ts";
import { startGateway } from "./helpers/gateway.ts";

const SECRET_ARN = "arn:aws:secretsmanager:us-east-1:111122223333:secret:gateway-key-AbCdEf";

async function until(check: () => Promise<boolean>, timeoutMs = 5000) {
  const end = Date.now() + timeoutMs;
  while (Date.now() < end) {
    if (await check()) return;
    await new Promise((r) => setTimeout(r, 25));
  }
  throw new Error("condition not met in time");
}

describe("key sources", () => {
  let fake: FakeBedrock;
  before(async () => {
    fake = await startFakeBedrock();
    process.env.AWS_ENDPOINT_URL_SECRETS_MANAGER = fake.url;
    process.env.AWS_ENDPOINT_URL_SSM = fake.url;
  });
  after(() => fake.close());

  it("reads a JSON secret from Secrets Manager and follows its rotation", async () => {
    fake.secrets.set(SECRET_ARN, JSON.stringify({ api_key: "sk-first" }));
    const gw = await startGateway({ fake, env: { API_KEY: undefined, API_KEY_SECRET_ARN: SECRET_ARN, API_KEY_REFRESH_INTERVAL: "200ms" } });
    try {
      const call = (key: string) => gw.request("/v1/models", { headers: { authorization: `Bearer ${key}` } });
      assert.equal((await call("sk-first")).status, 200);
      assert.equal((await call("sk-second")).status, 401);
      fake.secrets.set(SECRET_ARN, JSON.stringify({ api_key: "sk-second" }));
      await until(async () => (await call("sk-second")).status === 200);
      assert.equal((await call("sk-first")).status, 401);
      const calls = fake.calls("GetSecretValue");
      assert.ok(calls.length >= 2);
      assert.equal(calls[0]!.headers["x-amz-target"], "secretsmanager.GetSecretValue");
      assert.ok(!gw.logText().includes("sk-first") && !gw.logText().includes("sk-second"), "keys are never logged");
      assert.ok(gw.logs.some((l) => l.msg === "API key rotated"));
    } finally {
      await gw.close();
    }
  });

  it("reads a SecureString from SSM with decryption", async () => {
    fake.parameters.set("/gateway/api-key", "sk-from-ssm");
    const gw = await startGateway({ fake, env: { API_KEY: undefined, API_KEY_PARAM_NAME: "/gateway/api-key" } });
    try {
      assert.equal((await gw.request("/v1/models", { headers: { authorization: "Bearer sk-from-ssm" } })).status, 200);
      assert.equal(fake.lastCall("GetParameter")!.body.WithDecryption, true);
    } finally {
      await gw.close();
    }
  });

  it("answers 503 (retryable) while the key cannot be loaded, and recovers without a restart", async () => {
    const gw = await startGateway({
      fake,
      env: { API_KEY: undefined, API_KEY_PARAM_NAME: "/missing/key", API_KEY_REFRESH_INTERVAL: "1s" },
    });
    try {
      const res = await gw.request("/v1/models", { headers: { authorization: "Bearer sk-late" } });
      assert.equal(res.status, 503);
      assert.equal(res.headers.get("x-should-retry"), "true");
      const body: any = await res.json();
      assert.equal(body.error.code, "auth_unavailable");
      fake.parameters.set("/missing/key", "sk-late");
      await until(async () => (await gw.request("/v1/models", { headers: { authorization: "Bearer sk-late" } })).status === 200, 8000);
    } finally {
      await gw.close();
    }
  });
});

describe("key helpers", () => {
  it("accepts plain and JSON secrets", () => {
    assert.equal(keyFromSecretString(" sk-plain \n"), "sk-plain");
    assert.equal(keyFromSecretString('{"api_key":"sk-json"}'), "sk-json");
    assert.throws(() => keyFromSecretString('{"key":"x"}'), /api_key/);
    assert.throws(() => keyFromSecretString(""), /empty/);
  });
  it("compares keys of any length without throwing", () => {
    assert.equal(constantTimeEquals("abc", "abc"), true);
    assert.equal(constantTimeEquals("abc", "abcd"), false);
    assert.equal(constantTimeEquals("", "x"), false);
  });
});
