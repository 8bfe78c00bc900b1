// AWS Signature Version 4 for the gateway's own Bedrock requests, computing exactly what
// @smithy/signature-v4 computes (a test checks byte equality with it, and the test double
// verifies every signature it receives) without its per-request overhead: request cloning, an
// HMAC of the credentials to look up its key cache, and Node 24's slow createHmac with a Buffer
// key (~8 µs each to tell a Buffer from a KeyObject). The day's signing key is derived once and
// kept as a KeyObject; a request then costs two SHA-256 hashes and one HMAC (~22 → ~6 µs).
import { createHash, createHmac, createSecretKey } from "node:crypto";
import type { KeyObject } from "node:crypto";
import type { AwsCredentialIdentity } from "@smithy/types";
import { encodeLabel } from "./uri-encode.ts";

const ALGORITHM = "AWS4-HMAC-SHA256";
const EMPTY_SHA256 = "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855";
/** Headers the SDK never signs (proxies and clients may change them). */
const UNSIGNABLE = new Set([
  "authorization", "cache-control", "connection", "expect", "from", "keep-alive", "max-forwards", "pragma",
  "referer", "te", "trailer", "transfer-encoding", "upgrade", "user-agent", "x-amzn-trace-id",
]);

export interface SignableRequest {
  method: string;
  /** Already percent-encoded path; SigV4 encodes it once more (non-S3 services). */
  path: string;
  query?: Record<string, string>;
  /** Includes `host`. */
  headers: Record<string, string>;
  body?: string;
}

/** 20261127T105857Z; the last one is reused within the same second. */
let lastSecond = -1;
let lastDate = "";
function amzDate(now: Date): string {
  const second = Math.floor(now.getTime() / 1000);
  if (second !== lastSecond) {
    const s = now.toISOString();
    lastDate = `${s.slice(0, 4)}${s.slice(5, 7)}${s.slice(8, 13)}${s.slice(14, 16)}${s.slice(17, 19)}Z`;
    lastSecond = second;
  }
  return lastDate;
}

/** Canonical paths of the paths seen (one per model and operation: a handful), bounded. */
const canonicalPaths = new Map<string, string>();

function canonicalPath(path: string): string {
  let out = canonicalPaths.get(path);
  if (out === undefined) {
    if (canonicalPaths.size >= 1000) canonicalPaths.clear();
    out = computeCanonicalPath(path);
    canonicalPaths.set(path, out);
  }
  return out;
}

function computeCanonicalPath(path: string): string {
  const segments: string[] = [];
  for (const segment of path.split("/")) {
    if (segment === "" || segment === ".") continue;
    if (segment === "..") segments.pop();
    else segments.push(segment);
  }
  const normalized = `${path.startsWith("/") ? "/" : ""}${segments.join("/")}${segments.length > 0 && path.endsWith("/") ? "/" : ""}`;
  return encodeLabel(normalized).replace(/%2F/g, "/");
}

function canonicalQuery(query: Record<string, string> | undefined): string {
  if (!query) return "";
  const pairs: string[] = [];
  for (const key of Object.keys(query)) {
    if (key.toLowerCase() === "x-amz-signature") continue;
    pairs.push(`${encodeLabel(key)}=${encodeLabel(query[key]!)}`);
  }
  // Keys are unique, so sorting the pairs sorts by encoded key as the SDK does.
  return pairs.sort().join("&");
}

const hmac = (key: KeyObject | Buffer | string, data: string) => createHmac("sha256", key).update(data).digest();

export class SigV4Signer {
  private readonly region: string;
  private readonly service: string;
  private cached: { day: string; accessKeyId: string; secret: string; key: KeyObject } | undefined;

  constructor(region: string, service: string) {
    this.region = region;
    this.service = service;
  }

  /** The request's headers plus x-amz-date, x-amz-security-token (if any) and authorization. */
  sign(req: SignableRequest, credentials: AwsCredentialIdentity, now = new Date()): Record<string, string> {
    const longDate = amzDate(now);
    const day = longDate.slice(0, 8);
    const scope = `${day}/${this.region}/${this.service}/aws4_request`;
    const headers: Record<string, string> = { ...req.headers, "x-amz-date": longDate };
    if (credentials.sessionToken) headers["x-amz-security-token"] = credentials.sessionToken;

    const signed: [string, string][] = [];
    for (const name of Object.keys(headers)) {
      const lower = name.toLowerCase();
      if (UNSIGNABLE.has(lower) || lower.startsWith("proxy-") || lower.startsWith("sec-")) continue;
      signed.push([lower, headers[name]!.replace(/[\r\n]/g, " ").replace(/[ \t]+/g, " ").replace(/^ | $/g, "")]);
    }
    signed.sort((a, b) => (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0));
    const signedHeaders = signed.map((h) => h[0]).join(";");
    const payloadHash = req.body === undefined ? EMPTY_SHA256 : createHash("sha256").update(req.body).digest("hex");
    const canonicalRequest = `${req.method}\n${canonicalPath(req.path)}\n${canonicalQuery(req.query)}\n${signed.map((h) => `${h[0]}:${h[1]}\n`).join("")}\n${signedHeaders}\n${payloadHash}`;
    const stringToSign = `${ALGORITHM}\n${longDate}\n${scope}\n${createHash("sha256").update(canonicalRequest).digest("hex")}`;
    const signature = createHmac("sha256", this.signingKey(day, credentials)).update(stringToSign).digest("hex");
    headers.authorization = `${ALGORITHM} Credential=${credentials.accessKeyId}/${scope}, SignedHeaders=${signedHeaders}, Signature=${signature}`;
    return headers;
  }

  private signingKey(day: string, c: AwsCredentialIdentity): KeyObject {
    const k = this.cached;
    if (k && k.day === day && k.accessKeyId === c.accessKeyId && k.secret === c.secretAccessKey) return k.key;
    const kDate = hmac(`AWS4${c.secretAccessKey}`, day);
    const kSigning = hmac(hmac(hmac(kDate, this.region), this.service), "aws4_request");
    const key = createSecretKey(kSigning);
    this.cached = { day, accessKeyId: c.accessKeyId, secret: c.secretAccessKey, key };
    return key;
  }
}
