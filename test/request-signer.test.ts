// The gateway's own SigV4 signer must produce byte for byte what the AWS SDK's signer produces,
// for every shape of request the gateway sends (model ids and ARNs as labels, control-plane
// queries with pagination tokens, session tokens, empty bodies, odd header whitespace), across a
// change of day and a rotation of credentials.
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { Hash } from "@smithy/core/serde";
import { SignatureV4 } from "@smithy/signature-v4";
import { encodeLabel } from "../src/bedrock/transport/request-signer.ts";
import { SigV4Signer } from "../src/bedrock/transport/sigv4.ts";
import type { SignableRequest } from "../src/bedrock/transport/sigv4.ts";

interface Creds {
  accessKeyId: string;
  secretAccessKey: string;
  sessionToken?: string;
}

async function sdkSign(req: SignableRequest, creds: Creds, region: string, date: Date): Promise<Record<string, string>> {
  const sdk = new SignatureV4({ service: "bedrock", region, credentials: creds, sha256: Hash.bind(null, "sha256"), uriEscapePath: true, applyChecksum: false });
  const out = await sdk.sign({ method: req.method, protocol: "https:", hostname: req.headers.host!, path: req.path, query: req.query ?? {}, headers: { ...req.headers }, body: req.body }, { signingDate: date });
  return out.headers;
}

const host = "bedrock-runtime.us-east-1.amazonaws.com";
const models = [
  "anthropic.claude-3-haiku-20240307-v1:0",
  "us.anthropic.claude-sonnet-4-5-20250929-v1:0",
  "arn:aws:bedrock:us-east-1:111122223333:application-inference-profile/a1b2c3d4e5f6",
  "arn:aws:bedrock:us-east-1::foundation-model/amazon.titan-embed-text-v2:0",
  "weird model (id)*!'~",
];
const requests: SignableRequest[] = [
  ...models.flatMap((m) =>
    ["converse", "converse-stream", "invoke", "count-tokens"].map((op) => ({
      method: "POST",
      path: `/model/${encodeLabel(m)}/${op}`,
      headers: { host, accept: "application/json", "content-type": "application/json" },
      body: JSON.stringify({ messages: [{ role: "user", content: [{ text: `héllo ${m} ✓` }] }] }),
    })),
  ),
  { method: "GET", path: "/foundation-models", headers: { host: "bedrock.us-east-1.amazonaws.com", accept: "application/json" } },
  { method: "GET", path: "/inference-profiles", query: { maxResults: "1000", type: "SYSTEM_DEFINED", nextToken: "b2Zmc2V0OjU+/=" }, headers: { host: "bedrock.us-east-1.amazonaws.com", accept: "application/json" } },
  { method: "GET", path: "/inference-profiles/arn%3Aaws%3Abedrock%3Aus-east-1%3A111122223333%3Aapplication-inference-profile%2Fabc", headers: { host: "127.0.0.1:4566", accept: "application/json" } },
  { method: "POST", path: "/a/./b/../c//d/", headers: { host, "content-type": " application/json ;  charset=utf-8 ", "x-custom": "a\tb\r\nc", "user-agent": "not signed", "proxy-authorization": "not signed" }, body: "" },
];

describe("SigV4 signer", () => {
  const creds: Creds[] = [
    { accessKeyId: "AKIDEXAMPLE", secretAccessKey: "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY" },
    { accessKeyId: "ASIATEMPORARY", secretAccessKey: "temporary/secret", sessionToken: "IQoJb3JpZ2luX2VjE//session==" },
  ];
  const dates = [new Date("2026-11-27T10:58:57.123Z"), new Date("2026-11-27T23:59:59.999Z"), new Date("2026-11-28T00:00:00.000Z")];

  it("signs every request shape exactly as @smithy/signature-v4 does", async () => {
    for (const region of ["us-east-1", "eu-central-1"]) {
      const ours = new SigV4Signer(region, "bedrock");
      for (const c of creds) {
        for (const date of dates) {
          for (const req of requests) {
            const expected = await sdkSign(req, c, region, date);
            assert.deepEqual(ours.sign(req, c, date), expected, `${req.method} ${req.path} ${region} ${date.toISOString()}`);
          }
        }
      }
    }
  });

  it("derives a new signing key when the day or the credentials change", async () => {
    const ours = new SigV4Signer("us-east-1", "bedrock");
    const req = requests[0]!;
    const rotated: Creds = { accessKeyId: "AKIDEXAMPLE", secretAccessKey: "rotated-secret" };
    for (const [c, date] of [[creds[0]!, dates[0]!], [creds[0]!, dates[2]!], [rotated, dates[2]!], [creds[0]!, dates[2]!]] as const) {
      assert.equal(ours.sign(req, c, date).authorization, (await sdkSign(req, c, "us-east-1", date)).authorization);
    }
  });
});
