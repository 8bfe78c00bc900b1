// A Lambda HTTP event → a standard Request for the app. Two event shapes reach the gateway: a Lambda
// Function URL (payload 2.0) and an API Gateway REST API with response streaming (payload 1.0). An
// Application Load Balancer also invokes Lambda with 1.0 events, but it cannot consume a streamed
// response, so its events are refused here instead of being answered in a format it cannot read.
import type { HttpEvent, HttpEventV1, HttpEventV2 } from "./lambda-types.ts";

export class UnsupportedEventError extends Error {
  override name = "UnsupportedEventError";
}

function isV2(event: HttpEvent): event is HttpEventV2 {
  return typeof (event as HttpEventV2).rawPath === "string" && typeof (event as HttpEventV2).requestContext?.http === "object";
}

function isV1(event: HttpEvent): event is HttpEventV1 {
  return typeof (event as HttpEventV1).httpMethod === "string" && typeof (event as HttpEventV1).path === "string";
}

function decodeBody(method: string, body: string | null | undefined, base64: boolean | undefined): Uint8Array | undefined {
  if (method === "GET" || method === "HEAD" || body === undefined || body === null) return undefined;
  return base64 ? Buffer.from(body, "base64") : Buffer.from(body, "utf8");
}

function v2Parts(event: HttpEventV2) {
  const headers = new Headers();
  for (const [name, value] of Object.entries(event.headers ?? {})) if (value !== undefined) headers.set(name, value);
  // Function URLs move Cookie headers into their own array.
  if (event.cookies?.length) headers.set("cookie", event.cookies.join("; "));
  const host = event.requestContext.domainName ?? headers.get("host") ?? "lambda.invalid";
  const query = event.rawQueryString ? `?${event.rawQueryString}` : "";
  return { method: event.requestContext.http.method, url: `https://${host}${event.rawPath}${query}`, headers };
}

function v1Parts(event: HttpEventV1) {
  if (event.requestContext && "elb" in event.requestContext) {
    throw new UnsupportedEventError(
      "Application Load Balancer events are not supported: an ALB buffers Lambda responses; put the Fargate stack behind an ALB instead",
    );
  }
  const headers = new Headers();
  for (const [name, values] of Object.entries(event.multiValueHeaders ?? {})) {
    for (const v of values ?? []) headers.append(name, v);
  }
  for (const [name, value] of Object.entries(event.headers ?? {})) {
    if (value !== undefined && !headers.has(name)) headers.set(name, value);
  }
  const params = new URLSearchParams();
  if (event.multiValueQueryStringParameters) {
    for (const [k, values] of Object.entries(event.multiValueQueryStringParameters)) for (const v of values ?? []) params.append(k, v);
  } else {
    for (const [k, v] of Object.entries(event.queryStringParameters ?? {})) if (v !== undefined) params.append(k, v);
  }
  const host = event.requestContext?.domainName ?? headers.get("host") ?? "lambda.invalid";
  // API Gateway hands over a decoded path (without the stage); keep '?' and '#' in it literal.
  const path = event.path.replace(/[?#]/g, (c) => encodeURIComponent(c));
  const query = params.size > 0 ? `?${params.toString()}` : "";
  return { method: event.httpMethod, url: `https://${host}${path}${query}`, headers };
}

export function eventToRequest(event: HttpEvent, signal: AbortSignal): Request {
  let parts: { method: string; url: string; headers: Headers };
  if (isV2(event)) parts = v2Parts(event);
  else if (isV1(event)) parts = v1Parts(event);
  else throw new UnsupportedEventError("not an HTTP event from a Lambda Function URL or API Gateway");

  const method = parts.method.toUpperCase();
  const body = decodeBody(method, event.body, event.isBase64Encoded);
  // The body is already complete: its real length replaces whatever the client declared.
  if (body) parts.headers.set("content-length", String(body.byteLength));
  else parts.headers.delete("content-length");
  return new Request(parts.url, { method, headers: parts.headers, body, signal });
}
