// Authorises requests to Bedrock exactly as the AWS SDK does: SigV4 (signing name "bedrock" for
// runtime and control plane) with credentials from the SDK's default provider chain (env keys,
// AWS_PROFILE / SSO, web identity, container and instance roles), or a Bedrock API key sent as a
// bearer token when AWS_BEARER_TOKEN_BEDROCK is set.
import { defaultProvider } from "@aws-sdk/credential-provider-node";
import { Hash } from "@smithy/core/serde";
import { SignatureV4 } from "@smithy/signature-v4";
import type { AwsCredentialIdentityProvider } from "@smithy/types";

export interface UnsignedRequest {
  method: "GET" | "POST";
  url: URL;
  /** Already percent-encoded path (labels encoded once, as the SDK does). */
  path: string;
  query?: Record<string, string>;
  headers: Record<string, string>;
  body?: string;
}

export type RequestSigner = (req: UnsignedRequest) => Promise<Record<string, string>>;

export function createSigV4Signer(region: string, credentials?: AwsCredentialIdentityProvider): RequestSigner {
  const signer = new SignatureV4({
    service: "bedrock",
    region,
    credentials: credentials ?? defaultProvider(),
    sha256: Hash.bind(null, "sha256"),
    uriEscapePath: true,
    applyChecksum: false,
  });
  return async (req) => {
    const signed = await signer.sign({
      method: req.method,
      protocol: req.url.protocol,
      hostname: req.url.hostname,
      port: req.url.port ? Number(req.url.port) : undefined,
      path: req.path,
      query: req.query ?? {},
      headers: { ...req.headers, host: req.url.host },
      body: req.body,
    });
    return signed.headers;
  };
}

export function createBearerSigner(token: string): RequestSigner {
  return async (req) => ({ ...req.headers, host: req.url.host, authorization: `Bearer ${token}` });
}

/** encodeURIComponent plus the characters RFC 3986 reserves that it leaves alone (as the SDK). */
export function encodeLabel(value: string): string {
  return encodeURIComponent(value).replace(/[!'()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`);
}
