// The parts of the AWS Lambda Node.js runtime the gateway uses, typed here so the entry needs no
// @types package. The runtime provides `awslambda` as a global; it does not exist anywhere else,
// which is why tests stub it (as hono's own Lambda tests do).

/** The writable the runtime hands a streaming handler (a chunked HTTP request to the Runtime API). */
export interface LambdaResponseStream {
  write(chunk: string | Uint8Array, callback?: (err?: Error | null) => void): boolean;
  end(callback?: () => void): unknown;
  destroy(err?: Error): unknown;
  on(event: "drain" | "close" | "finish", listener: () => void): unknown;
  on(event: "error", listener: (err: Error) => void): unknown;
  off(event: string, listener: (...args: never[]) => void): unknown;
  readonly writableEnded: boolean;
  readonly writableFinished: boolean;
  readonly destroyed: boolean;
  setContentType?(contentType: string): void;
}

export interface LambdaContext {
  awsRequestId: string;
  getRemainingTimeInMillis(): number;
}

/** The JSON prelude of `application/vnd.awslambda.http-integration-response`. */
export interface HttpResponseMetadata {
  statusCode: number;
  headers: Record<string, string>;
  cookies: string[];
}

export type StreamingHandler<E> = (event: E, responseStream: LambdaResponseStream, context: LambdaContext) => Promise<void>;

export interface AwsLambdaRuntime {
  streamifyResponse<E>(handler: StreamingHandler<E>): unknown;
  HttpResponseStream: { from(stream: LambdaResponseStream, metadata: HttpResponseMetadata): LambdaResponseStream };
}

/** Lambda Function URL and API Gateway HTTP API (payload format 2.0). */
export interface HttpEventV2 {
  version?: string;
  rawPath: string;
  rawQueryString?: string;
  headers?: Record<string, string | undefined>;
  cookies?: string[];
  body?: string | null;
  isBase64Encoded?: boolean;
  requestContext: { domainName?: string; http: { method: string; sourceIp?: string } };
}

/** API Gateway REST API proxy integration (payload format 1.0), also used with response streaming. */
export interface HttpEventV1 {
  httpMethod: string;
  path: string;
  headers?: Record<string, string | undefined> | null;
  multiValueHeaders?: Record<string, string[] | undefined> | null;
  queryStringParameters?: Record<string, string | undefined> | null;
  multiValueQueryStringParameters?: Record<string, string[] | undefined> | null;
  body?: string | null;
  isBase64Encoded?: boolean;
  requestContext?: { domainName?: string; stage?: string; identity?: { sourceIp?: string } };
}

export type HttpEvent = HttpEventV1 | HttpEventV2;

/** The runtime's global, or a clear error when this code runs somewhere else. */
export function awsLambdaRuntime(): AwsLambdaRuntime {
  const runtime = (globalThis as { awslambda?: AwsLambdaRuntime }).awslambda;
  if (!runtime) {
    throw new Error("the `awslambda` global is missing: this entry runs on the AWS Lambda Node.js runtime (response streaming)");
  }
  return runtime;
}
