// The response headers that tell a client what the gateway changed about its request:
// x-bedrock-gateway-dropped-params / -dropped-tools (accepted but not sent to Bedrock) and the
// notes the core left (a clamped max_tokens, a reduced thinking budget, …). Names come from the
// client (unknown fields, tool types), so only names that are safe header tokens are listed,
// deduplicated and bounded: nothing a client sends can make a header invalid or huge.
import type { BuiltRequest } from "../converse/assemble-request.ts";

const SAFE_NAME = /^[A-Za-z0-9_.:\-\[\]]{1,64}$/;
const MAX_NAMES = 20;
const MAX_BYTES = 1024;

/** A bounded, header-safe list of names; undefined when there is nothing to say. */
export function headerList(names: readonly string[]): string | undefined {
  const unique = [...new Set(names)];
  const safe = unique.filter((n) => SAFE_NAME.test(n));
  let value = "";
  let listed = 0;
  for (const name of safe) {
    if (listed === MAX_NAMES || value.length + name.length + 1 > MAX_BYTES - 16) break;
    value += (listed ? "," : "") + name;
    listed++;
  }
  // Names left out (unsafe or over the bounds) are counted, never echoed ("..." : headers are latin-1).
  const more = unique.length - listed;
  if (more > 0) value += `${listed ? "," : ""}...+${more} more`;
  return value || undefined;
}

export function parameterHeaders(built: BuiltRequest, droppedTools: readonly string[]): Record<string, string> {
  const h: Record<string, string> = { ...built.notes };
  const params = headerList(built.dropped);
  if (params) h["x-bedrock-gateway-dropped-params"] = params;
  const tools = headerList(droppedTools);
  if (tools) h["x-bedrock-gateway-dropped-tools"] = tools;
  return h;
}
