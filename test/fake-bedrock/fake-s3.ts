// The S3 subset the gateway's batch support uses, as S3 speaks it: path-style PutObject,
// GetObject, DeleteObject and ListObjectsV2 (XML, continuation tokens), SigV4 for the `s3`
// service checked by recomputation (payload hash from x-amz-content-sha256, verified against the
// body when it is signed; aws-chunked uploads decoded), and S3's XML errors. Served by the
// Bedrock test double on the same port: requests signed for `s3` come here.
import { createHash } from "node:crypto";
import type { IncomingMessage, ServerResponse } from "node:http";
import { verifyRequest } from "./sigv4-verifier.ts";
import type { FakeCredentials } from "./sigv4-verifier.ts";

export interface S3Call {
  operation: "PutObject" | "GetObject" | "DeleteObject" | "ListObjectsV2" | "Unknown";
  bucket: string;
  key: string;
  status?: number;
}

const xmlEscape = (s: string) => s.replace(/[<>&'"]/g, (c) => `&#${c.charCodeAt(0)};`);

/** aws-chunked body: `<hex size>[;chunk-signature=…]\r\n<data>\r\n` … `0\r\n<trailers>\r\n\r\n`. */
export function decodeAwsChunked(body: Buffer): Buffer {
  const parts: Buffer[] = [];
  let pos = 0;
  for (;;) {
    const eol = body.indexOf("\r\n", pos);
    if (eol < 0) throw new Error("truncated aws-chunked body");
    const size = parseInt(body.subarray(pos, eol).toString("latin1").split(";")[0]!, 16);
    if (!Number.isInteger(size)) throw new Error("bad aws-chunked size");
    pos = eol + 2;
    if (size === 0) return Buffer.concat(parts);
    parts.push(body.subarray(pos, pos + size));
    pos += size + 2;
  }
}

export class FakeS3 {
  readonly buckets = new Map<string, Map<string, Buffer>>();
  readonly calls: S3Call[] = [];
  /** Largest ListObjectsV2 page, whatever max-keys asks (forces pagination). */
  pageSize = 1000;

  private readonly creds: FakeCredentials;

  constructor(creds: FakeCredentials) {
    this.creds = creds;
  }

  createBucket(name: string): this {
    if (!this.buckets.has(name)) this.buckets.set(name, new Map());
    return this;
  }

  object(bucket: string, key: string): Buffer | undefined {
    return this.buckets.get(bucket)?.get(key);
  }

  putObject(bucket: string, key: string, body: Buffer | string): void {
    this.createBucket(bucket).buckets.get(bucket)!.set(key, Buffer.from(body));
  }

  keys(bucket: string, prefix = ""): string[] {
    return [...(this.buckets.get(bucket)?.keys() ?? [])].filter((k) => k.startsWith(prefix)).sort();
  }

  /** Is this request signed for S3? */
  static claims(req: IncomingMessage): boolean {
    const auth = req.headers.authorization;
    return typeof auth === "string" && /Credential=[^/]+\/\d{8}\/[^/]+\/s3\/aws4_request/.test(auth);
  }

  async handle(req: IncomingMessage, res: ServerResponse, raw: Buffer, rawPath: string, query: Record<string, string>): Promise<void> {
    const segments = rawPath.split("/");
    const bucket = decodeURIComponent(segments[1] ?? "");
    const key = segments.slice(2).map(decodeURIComponent).join("/");
    const method = req.method ?? "GET";
    const operation: S3Call["operation"] =
      method === "PUT" && key
        ? "PutObject"
        : method === "GET" && key
          ? "GetObject"
          : method === "DELETE" && key
            ? "DeleteObject"
            : method === "GET" && query["list-type"] === "2"
              ? "ListObjectsV2"
              : "Unknown";
    const call: S3Call = { operation, bucket, key };
    this.calls.push(call);
    res.on("finish", () => (call.status = res.statusCode));

    const payloadHash = String(req.headers["x-amz-content-sha256"] ?? "");
    if (!payloadHash) return this.error(res, 400, "InvalidRequest", "Missing required header for this request: x-amz-content-sha256");
    const auth = await verifyRequest({ method, path: rawPath, query, headers: req.headers, body: "" }, this.creds, undefined, { s3: true });
    if (!auth.ok)
      return this.error(res, 403, auth.type === "InvalidSignatureException" ? "SignatureDoesNotMatch" : "InvalidAccessKeyId", auth.message);
    let body = raw;
    if (payloadHash.startsWith("STREAMING-") || String(req.headers["content-encoding"] ?? "").includes("aws-chunked")) {
      try {
        body = decodeAwsChunked(raw);
      } catch (e) {
        return this.error(res, 400, "IncompleteBody", (e as Error).message);
      }
    } else if (payloadHash !== "UNSIGNED-PAYLOAD" && createHash("sha256").update(raw).digest("hex") !== payloadHash) {
      return this.error(
        res,
        400,
        "XAmzContentSHA256Mismatch",
        "The provided 'x-amz-content-sha256' header does not match what was computed.",
      );
    }

    const objects = this.buckets.get(bucket);
    if (!objects) return this.error(res, 404, "NoSuchBucket", "The specified bucket does not exist");
    switch (operation) {
      case "PutObject":
        objects.set(key, body);
        res.writeHead(200, { etag: `"${createHash("md5").update(body).digest("hex")}"`, "content-length": 0 });
        return void res.end();
      case "GetObject": {
        const obj = objects.get(key);
        if (!obj) return this.error(res, 404, "NoSuchKey", "The specified key does not exist.");
        res.writeHead(200, {
          "content-type": "application/octet-stream",
          "content-length": obj.length,
          etag: `"${createHash("md5").update(obj).digest("hex")}"`,
        });
        return void res.end(obj);
      }
      case "DeleteObject":
        objects.delete(key);
        res.writeHead(204);
        return void res.end();
      case "ListObjectsV2":
        return this.list(res, bucket, objects, query);
      default:
        return this.error(res, 405, "MethodNotAllowed", "The specified method is not allowed against this resource.");
    }
  }

  private list(res: ServerResponse, bucket: string, objects: Map<string, Buffer>, query: Record<string, string>): void {
    const prefix = query.prefix ?? "";
    const all = [...objects.keys()].filter((k) => k.startsWith(prefix)).sort();
    const start = query["continuation-token"] ? Number(Buffer.from(query["continuation-token"], "base64").toString("utf8")) : 0;
    const size = Math.min(Number(query["max-keys"] ?? 1000), this.pageSize);
    const page = all.slice(start, start + size);
    const truncated = start + size < all.length;
    const contents = page
      .map(
        (k) =>
          `<Contents><Key>${xmlEscape(k)}</Key><LastModified>2026-01-01T00:00:00.000Z</LastModified><ETag>"x"</ETag><Size>${objects.get(k)!.length}</Size><StorageClass>STANDARD</StorageClass></Contents>`,
      )
      .join("");
    const next = truncated ? `<NextContinuationToken>${Buffer.from(String(start + size)).toString("base64")}</NextContinuationToken>` : "";
    const xml = `<?xml version="1.0" encoding="UTF-8"?>\n<ListBucketResult xmlns="http://s3.amazonaws.com/doc/2006-03-01/"><Name>${xmlEscape(bucket)}</Name><Prefix>${xmlEscape(prefix)}</Prefix><KeyCount>${page.length}</KeyCount><MaxKeys>${size}</MaxKeys><IsTruncated>${truncated}</IsTruncated>${contents}${next}</ListBucketResult>`;
    res.writeHead(200, { "content-type": "application/xml", "content-length": Buffer.byteLength(xml) });
    res.end(xml);
  }

  private error(res: ServerResponse, status: number, code: string, message: string): void {
    const xml = `<?xml version="1.0" encoding="UTF-8"?>\n<Error><Code>${code}</Code><Message>${xmlEscape(message)}</Message><RequestId>FAKE</RequestId></Error>`;
    res.writeHead(status, { "content-type": "application/xml", "content-length": Buffer.byteLength(xml) });
    res.end(xml);
  }
}
