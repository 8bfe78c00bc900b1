// The signer's SHA-256 / HMAC-SHA256 (cached KeyObjects) must give exactly what node:crypto and
// the AWS SDK give, for every key shape the signer passes, and after credentials rotate.
import assert from "node:assert/strict";
import { createHash, createHmac } from "node:crypto";
import { describe, it } from "node:test";
import { Hash } from "@smithy/core/serde";
import { SignatureV4 } from "@smithy/signature-v4";
import { Sha256 } from "../src/bedrock/transport/request-signer.ts";

const enc = (s: string) => new TextEncoder().encode(s);
const hex = (b: Uint8Array) => Buffer.from(b).toString("hex");

describe("request signer hashing", () => {
  it("hashes without a key and HMACs with string, byte and ArrayBuffer keys", async () => {
    const plain = new Sha256();
    plain.update(enc("payload"));
    assert.equal(hex(await plain.digest()), createHash("sha256").update("payload").digest("hex"));
    const bytes = Uint8Array.from([1, 2, 3, 250, 0, 7]);
    for (const key of ["AWS4secret", bytes, bytes.buffer, new Uint8Array(bytes.buffer, 2, 3)]) {
      const h = new Sha256(key);
      h.update(enc("message"));
      const raw = typeof key === "string" ? key : Buffer.from(ArrayBuffer.isView(key) ? key : new Uint8Array(key));
      assert.equal(hex(await h.digest()), createHmac("sha256", raw).update("message").digest("hex"));
    }
  });

  it("keeps working past the key cache's size (rotated credentials)", async () => {
    for (let i = 0; i < 40; i++) {
      const h = new Sha256(`key-${i}`);
      h.update(enc("m"));
      assert.equal(hex(await h.digest()), createHmac("sha256", `key-${i}`).update("m").digest("hex"));
    }
  });

  it("signs exactly as the SDK's own hash does", async () => {
    const opts = { service: "bedrock", region: "us-east-1", credentials: { accessKeyId: "AKIDEXAMPLE", secretAccessKey: "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY", sessionToken: "tok" }, uriEscapePath: true, applyChecksum: false };
    const req = { method: "POST", protocol: "https:", hostname: "bedrock-runtime.us-east-1.amazonaws.com", path: "/model/a%3Ab/converse", query: {}, headers: { host: "bedrock-runtime.us-east-1.amazonaws.com", "content-type": "application/json" }, body: '{"messages":[]}' };
    const date = new Date("2026-11-27T10:00:00Z");
    const ours = await new SignatureV4({ ...opts, sha256: Sha256 }).sign(structuredClone(req), { signingDate: date });
    const sdk = await new SignatureV4({ ...opts, sha256: Hash.bind(null, "sha256") }).sign(structuredClone(req), { signingDate: date });
    assert.equal(ours.headers.authorization, sdk.headers.authorization);
  });
});
