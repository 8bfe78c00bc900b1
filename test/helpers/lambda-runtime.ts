// A stand-in for the AWS Lambda Node.js runtime's response-streaming pieces, close to the real ones
// (aws-lambda-nodejs-runtime-interface-client): `awslambda.streamifyResponse` marks the handler,
// `HttpResponseStream.from` sets the http-integration content type and writes the JSON prelude
// plus 8 NUL bytes before the first body write. The response stream records every write with the
// time it arrived, so tests can tell a stream that flows from one delivered at the end.
import { Writable } from "node:stream";
import type {
  AwsLambdaRuntime,
  HttpResponseMetadata,
  LambdaContext,
  LambdaResponseStream,
  StreamingHandler,
} from "../../src/lambda/lambda-types.ts";

const PRELUDE_TYPE = "application/vnd.awslambda.http-integration-response";
const STREAMING = Symbol.for("aws.lambda.runtime.handler.streaming");

export interface RecordedWrite {
  at: number;
  bytes: Buffer;
}

export class FakeResponseStream extends Writable {
  readonly writes: RecordedWrite[] = [];
  contentType = "application/octet-stream";
  onBeforeFirstWrite: ((write: (chunk: string | Uint8Array) => void) => void) | undefined;
  private started = false;
  private readonly writeDelayMs: number;

  constructor(opts: { highWaterMark?: number; writeDelayMs?: number } = {}) {
    super({ highWaterMark: opts.highWaterMark ?? 16_384, decodeStrings: true });
    this.writeDelayMs = opts.writeDelayMs ?? 0;
  }

  setContentType(type: string): void {
    if (this.started) throw new Error("Cannot set content-type, too late.");
    this.contentType = type;
  }

  override write(chunk: unknown, encodingOrCb?: unknown, cb?: unknown): boolean {
    if (!this.started) {
      this.started = true;
      this.onBeforeFirstWrite?.((c) => void super.write(c));
    }
    return super.write(chunk, encodingOrCb as BufferEncoding, cb as () => void);
  }

  override _write(chunk: Buffer, _enc: BufferEncoding, callback: (err?: Error | null) => void): void {
    this.writes.push({ at: performance.now(), bytes: chunk });
    if (this.writeDelayMs) setTimeout(callback, this.writeDelayMs);
    else callback();
  }

  /** Prelude and body, split the way Function URLs and API Gateway split them. */
  parse(): { metadata: HttpResponseMetadata; body: string; bodyWrites: RecordedWrite[] } {
    if (this.contentType !== PRELUDE_TYPE) throw new Error(`content type is ${this.contentType}, not the http-integration prelude`);
    const all = Buffer.concat(this.writes.map((w) => w.bytes));
    const nul = all.indexOf(Buffer.alloc(8));
    if (nul < 0) throw new Error("no prelude delimiter");
    const metadata = JSON.parse(all.subarray(0, nul).toString("utf8")) as HttpResponseMetadata;
    let skip = nul + 8;
    const bodyWrites: RecordedWrite[] = [];
    for (const w of this.writes) {
      if (skip >= w.bytes.length) {
        skip -= w.bytes.length;
        continue;
      }
      const bytes = w.bytes.subarray(skip);
      skip = 0;
      if (bytes.length) bodyWrites.push({ at: w.at, bytes });
    }
    return { metadata, body: Buffer.concat(bodyWrites.map((w) => w.bytes)).toString("utf8"), bodyWrites };
  }
}

export const fakeAwsLambda: AwsLambdaRuntime = {
  streamifyResponse<E>(handler: StreamingHandler<E>) {
    return Object.assign(handler, { [STREAMING]: "response" });
  },
  HttpResponseStream: {
    from(stream: LambdaResponseStream, metadata: HttpResponseMetadata) {
      const s = stream as unknown as FakeResponseStream;
      s.setContentType(PRELUDE_TYPE);
      const prelude = JSON.stringify(metadata);
      s.onBeforeFirstWrite = (write) => {
        write(prelude);
        write(new Uint8Array(8));
      };
      return stream;
    },
  },
};

/** Installs the global as the Lambda runtime does before it loads the handler module. */
export function installFakeAwsLambda(): void {
  (globalThis as { awslambda?: AwsLambdaRuntime }).awslambda = fakeAwsLambda;
}

export function isStreamingHandler(handler: unknown): boolean {
  return typeof handler === "function" && (handler as unknown as Record<symbol, unknown>)[STREAMING] === "response";
}

export function fakeContext(timeoutMs = 900_000): LambdaContext {
  const deadline = Date.now() + timeoutMs;
  return { awsRequestId: `inv-${Math.random().toString(16).slice(2)}`, getRemainingTimeInMillis: () => deadline - Date.now() };
}

export interface InvokeResult {
  stream: FakeResponseStream;
  /** Resolves when the handler's promise settles and the stream is finished, as the runtime waits. */
  done: Promise<void>;
}

/** Runs one invocation the way the runtime does: handler(event, stream, context), then waits for both. */
export function invoke(handler: unknown, event: unknown, stream = new FakeResponseStream(), context = fakeContext()): InvokeResult {
  const h = handler as StreamingHandler<unknown>;
  const finished = new Promise<void>((resolve) => {
    stream.on("finish", resolve);
    stream.on("close", resolve);
  });
  const done = h(event, stream as unknown as LambdaResponseStream, context).then(() => finished);
  return { stream, done };
}

/** A Lambda Function URL event (payload format 2.0). */
export function functionUrlEvent(
  method: string,
  rawPath: string,
  opts: { headers?: Record<string, string>; body?: string; base64?: boolean; query?: string } = {},
) {
  const host = "abcdefghij.lambda-url.us-east-1.on.aws";
  return {
    version: "2.0",
    routeKey: "$default",
    rawPath,
    rawQueryString: opts.query ?? "",
    headers: { host, "x-forwarded-proto": "https", ...opts.headers },
    requestContext: {
      domainName: host,
      http: { method, path: rawPath, protocol: "HTTP/1.1", sourceIp: "198.51.100.7", userAgent: "test" },
    },
    body: opts.body === undefined ? undefined : opts.base64 ? Buffer.from(opts.body).toString("base64") : opts.body,
    isBase64Encoded: Boolean(opts.base64),
  };
}

/** An API Gateway REST API proxy event (payload format 1.0), as sent with response streaming. */
export function restApiEvent(
  method: string,
  path: string,
  opts: { headers?: Record<string, string>; body?: string; query?: Record<string, string[]> } = {},
) {
  const host = "abc123.execute-api.us-east-1.amazonaws.com";
  const headers = { Host: host, ...opts.headers };
  return {
    resource: "/{proxy+}",
    path,
    httpMethod: method,
    headers,
    multiValueHeaders: Object.fromEntries(Object.entries(headers).map(([k, v]) => [k, [v]])),
    queryStringParameters: opts.query ? Object.fromEntries(Object.entries(opts.query).map(([k, v]) => [k, v.at(-1)])) : null,
    multiValueQueryStringParameters: opts.query ?? null,
    requestContext: { domainName: host, stage: "prod", path: `/prod${path}`, identity: { sourceIp: "198.51.100.7" } },
    body: opts.body ?? null,
    isBase64Encoded: false,
  };
}
