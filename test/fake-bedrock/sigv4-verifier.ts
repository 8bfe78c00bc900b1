// Checks AWS SigV4 Authorization headers the way AWS front ends do: parse the credential scope,
// rebuild the canonical request from what actually arrived (method, raw path, query, the signed
// headers, body hash) and compare signatures. Also accepts Bedrock API keys (bearer tokens).
import { Hash } from "@smithy/core/serde";
import { SignatureV4 } from "@smithy/signature-v4";

export interface FakeCredentials {
  accessKeyId: string;
  secretAccessKey: string;
  sessionToken?: string;
}

export interface IncomingSigned {
  method: string;
  /** Raw path as received (still percent-encoded), without the query. */
  path: string;
  query: Record<string, string>;
  headers: Record<string, string | string[] | undefined>;
  body: string;
}

export type AuthCheck = { ok: true; service: string; region: string } | { ok: false; status: number; type: string; message: string };

const AUTH_RE =
  /^AWS4-HMAC-SHA256 Credential=([^/]+)\/(\d{8})\/([^/]+)\/([^/]+)\/aws4_request, ?SignedHeaders=([^,]+), ?Signature=([0-9a-f]{64})$/;

function parseAmzDate(s: string): Date | undefined {
  const m = /^(\d{4})(\d{2})(\d{2})T(\d{2})(\d{2})(\d{2})Z$/.exec(s);
  if (!m) return undefined;
  return new Date(Date.UTC(+m[1]!, +m[2]! - 1, +m[3]!, +m[4]!, +m[5]!, +m[6]!));
}

export interface VerifyOptions {
  /** S3 signs the path as sent (no second percent-encoding) and the payload hash from x-amz-content-sha256. */
  s3?: boolean;
}

export async function verifyRequest(
  req: IncomingSigned,
  creds: FakeCredentials,
  bearerToken?: string,
  opts: VerifyOptions = {},
): Promise<AuthCheck> {
  const header = req.headers.authorization;
  const auth = Array.isArray(header) ? header[0] : header;
  if (!auth) return { ok: false, status: 403, type: "MissingAuthenticationTokenException", message: "Missing Authentication Token" };
  if (auth.startsWith("Bearer ")) {
    if (bearerToken && auth.slice(7) === bearerToken) return { ok: true, service: "bedrock", region: "" };
    return {
      ok: false,
      status: 403,
      type: "UnrecognizedClientException",
      message: "The security token included in the request is invalid.",
    };
  }
  const m = AUTH_RE.exec(auth);
  if (!m) return { ok: false, status: 403, type: "IncompleteSignatureException", message: "Authorization header is malformed." };
  const [, accessKeyId, , region, service, signedHeaders, signature] = m;
  if (accessKeyId !== creds.accessKeyId) {
    return {
      ok: false,
      status: 403,
      type: "UnrecognizedClientException",
      message: "The security token included in the request is invalid.",
    };
  }
  const amzDate = req.headers["x-amz-date"];
  const date = typeof amzDate === "string" ? parseAmzDate(amzDate) : undefined;
  if (!date) return { ok: false, status: 403, type: "IncompleteSignatureException", message: "Missing or malformed X-Amz-Date." };
  if (Math.abs(Date.now() - date.getTime()) > 5 * 60_000) {
    return { ok: false, status: 403, type: "InvalidSignatureException", message: "Signature expired." };
  }
  if (creds.sessionToken && req.headers["x-amz-security-token"] !== creds.sessionToken) {
    return {
      ok: false,
      status: 403,
      type: "UnrecognizedClientException",
      message: "The security token included in the request is invalid.",
    };
  }

  const names = signedHeaders!.split(";");
  if (!names.includes("host")) return { ok: false, status: 403, type: "InvalidSignatureException", message: "host must be signed." };
  const headers: Record<string, string> = {};
  for (const n of names) {
    const v = req.headers[n];
    if (v === undefined) return { ok: false, status: 403, type: "InvalidSignatureException", message: `Signed header ${n} is missing.` };
    headers[n] = Array.isArray(v) ? v.join(",") : v;
  }

  const signer = new SignatureV4({
    service: service!,
    region: region!,
    credentials: { accessKeyId: creds.accessKeyId, secretAccessKey: creds.secretAccessKey, sessionToken: creds.sessionToken },
    sha256: Hash.bind(null, "sha256"),
    uriEscapePath: !opts.s3,
    applyChecksum: false,
  });
  const host = headers.host!;
  const signed = await signer.sign(
    {
      method: req.method,
      protocol: "http:",
      hostname: host.split(":")[0]!,
      path: req.path,
      query: req.query,
      headers,
      body: req.body,
    },
    { signingDate: date, signableHeaders: new Set(names), unsignableHeaders: new Set() },
  );
  const expected = /Signature=([0-9a-f]{64})/.exec(String(signed.headers.authorization))?.[1];
  if (expected !== signature) {
    return {
      ok: false,
      status: 403,
      type: "InvalidSignatureException",
      message:
        "The request signature we calculated does not match the signature you provided. Check your AWS Secret Access Key and signing method.",
    };
  }
  return { ok: true, service: service!, region: region! };
}
