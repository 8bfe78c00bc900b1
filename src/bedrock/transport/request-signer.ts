// Authorises requests to Bedrock exactly as the AWS SDK does: SigV4 (signing name "bedrock" for
// runtime and control plane) with credentials from the SDK's default provider chain (env keys,
// AWS_PROFILE / SSO, web identity, container and instance roles), or a Bedrock API key sent as a
// bearer token when AWS_BEARER_TOKEN_BEDROCK is set.
import { defaultProvider } from "@aws-sdk/credential-provider-node";
import type { AwsCredentialIdentityProvider } from "@smithy/types";
import { SigV4Signer } from "./sigv4.ts";

export { encodeLabel } from "./uri-encode.ts";

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
  // The provider chain caches what it resolved and refreshes it before expiry.
  const provider = credentials ?? defaultProvider();
  const signer = new SigV4Signer(region, "bedrock");
  return async (req) => {
    const creds = await provider();
    if (typeof creds?.accessKeyId !== "string" || typeof creds.secretAccessKey !== "string") {
      throw new Error("Resolved credential object is not valid");
    }
    return signer.sign({ method: req.method, path: req.path, query: req.query, headers: { ...req.headers, host: req.url.host }, body: req.body }, creds);
  };
}

export function createBearerSigner(token: string): RequestSigner {
  return async (req) => ({ ...req.headers, host: req.url.host, authorization: `Bearer ${token}` });
}
