// The SHA-256 / HMAC plugged into @smithy/signature-v4 (HMAC keys cached as KeyObjects, which Node
// 24 hashes several times faster than Buffer keys) must compute exactly what node:crypto computes,
// and the SDK signer using it must produce the signature the SDK's default hash produces.
import assert from "node:assert/strict";
import { createHash, createHmac } from "node:crypto";
import { describe, it } from "node:test";
import { Hash } from "@smithy/core/serde";
import { SignatureV4 } from "@smithy/signature-v4";
import { Sha256 } from "../src/bedrock/transport/request-signer.ts";

const bytes = (s: string) => new TextEncoder().encode(s);

describe("request signer hashing", () => {
  it("hashes and HMACs like node:crypto, also after reset and across many keys", async () => {
    const plain = new Sha256();
    plain.update(bytes("abc"));
    assert.deepEqual(Buffer.from(await plain.digest()), createHash("sha256").update("abc").digest());
    for (let i = 0; i < 40; i++) {
      const key = `secret-${i}`;
      const mac = new Sha256(key);
      mac.update(bytes("payload"));
      assert.deepEqual(Buffer.from(await mac.digest()), createHmac("sha256", key).update("payload").digest(), key);
      mac.reset();
      mac.update(bytes("other"));
      assert.deepEqual(Buffer.from(await mac.digest()), createHmac("sha256", key).update("other").digest());
    }
    const binaryKey = Uint8Array.of(0, 255, 1, 254);
    const mac = new Sha256(binaryKey);
    mac.update(bytes("x"));
    assert.deepEqual(Buffer.from(await mac.digest()), createHmac("sha256", Buffer.from(binaryKey)).update("x").digest());
  });

  it("gives the SDK signer the same signature as its default hash", async () => {
    const credentials = { accessKeyId: "AKIDEXAMPLE", secretAccessKey: "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY", sessionToken: "token" };
    const request = {
      method: "POST",
      protocol: "https:",
      hostname: "bedrock-runtime.us-east-1.amazonaws.com",
      path: "/model/arn%3Aaws%3Abedrock%3Aus-east-1%3A111122223333%3Aapplication-inference-profile%2Fa1b2/converse",
      query: {},
      headers: { host: "bedrock-runtime.us-east-1.amazonaws.com", "content-type": "application/json" },
      body: '{"messages":[]}',
    };
    const signingDate = new Date("2026-11-27T10:00:00Z");
    const common = { service: "bedrock", region: "us-east-1", credentials, uriEscapePath: true, applyChecksum: false };
    const ours = await new SignatureV4({ ...common, sha256: Sha256 }).sign(structuredClone(request), { signingDate });
    const sdk = await new SignatureV4({ ...common, sha256: Hash.bind(null, "sha256") }).sign(structuredClone(request), { signingDate });
    assert.equal(ours.headers.authorization, sdk.headers.authorization);
  });
});
