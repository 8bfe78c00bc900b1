// Reads and parses a JSON request body with the configured size limit. Bodies that declare their
// length are rejected before a byte is read; chunked bodies are counted as they arrive.
import type { Context } from "hono";
import { errors } from "../errors/gateway-error.ts";

const JSON_TYPE = /^application\/(?:[\w.+-]+\+)?json\s*(?:;|$)/i;

export async function readJsonBody(c: Context, limitBytes: number): Promise<unknown> {
  const type = c.req.header("content-type");
  // A missing type is tolerated (curl --data-raw without -H); anything else must be JSON.
  if (type !== undefined && type !== "" && !JSON_TYPE.test(type)) throw errors.unsupportedMediaType(type);

  const declared = c.req.header("content-length");
  let text: string;
  if (declared !== undefined) {
    if (Number(declared) > limitBytes) throw errors.bodyTooLarge(limitBytes);
    text = await c.req.text();
  } else {
    text = await readLimited(c.req.raw, limitBytes);
  }
  if (text.trim() === "") throw errors.invalidJson("the body is empty");
  let body: unknown;
  try {
    body = JSON.parse(text) as unknown;
  } catch (err) {
    throw errors.invalidJson((err as Error).message);
  }
  // Kept by reference for DEBUG=true body logging (src/http/middleware/debug-bodies.ts).
  c.set("requestBody", body);
  return body;
}

async function readLimited(req: Request, limitBytes: number): Promise<string> {
  if (!req.body) return "";
  const reader = (req.body as ReadableStream<Uint8Array>).getReader();
  const chunks: Uint8Array[] = [];
  let size = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    size += value.byteLength;
    if (size > limitBytes) {
      await reader.cancel();
      throw errors.bodyTooLarge(limitBytes);
    }
    chunks.push(value);
  }
  return Buffer.concat(chunks).toString("utf8");
}

/** The parsed body must be a JSON object for every endpoint of this gateway. */
export function asObject(body: unknown): Record<string, unknown> {
  if (body === null || typeof body !== "object" || Array.isArray(body)) {
    throw errors.invalidRequest("The request body must be a JSON object.", null, "invalid_type");
  }
  return body as Record<string, unknown>;
}
