// zod validation failures → one OpenAI-shaped 400 naming the offending parameter the way OpenAI
// does (`messages[0].content`).
import type { z } from "zod";
import { errors } from "../errors/gateway-error.ts";
import type { GatewayError } from "../errors/gateway-error.ts";

export function paramPath(path: readonly PropertyKey[]): string {
  let out = "";
  for (const p of path) {
    if (typeof p === "number") out += `[${p}]`;
    else out += out ? `.${String(p)}` : String(p);
  }
  return out;
}

function valueAt(body: unknown, path: readonly PropertyKey[]): unknown {
  let v = body;
  for (const p of path) {
    if (v === null || typeof v !== "object") return undefined;
    v = (v as Record<PropertyKey, unknown>)[p];
  }
  return v;
}

/**
 * The first problem as a 400. zod does not keep the offending value in its issues, so `body` (the
 * parsed JSON that was validated) tells a missing parameter from one of the wrong type.
 */
export function zodToError(err: z.ZodError, body?: unknown): GatewayError {
  const issue = err.issues[0]!;
  // For unions zod reports "invalid input"; its nested errors name what was actually wrong.
  const deepest = issue.code === "invalid_union" && issue.errors.length > 0 ? pickUnionIssue(issue.errors, issue.path) : issue;
  if (deepest.code === "unrecognized_keys") {
    const key = paramPath([...deepest.path, deepest.keys[0] ?? ""]);
    return errors.invalidRequest(`Unrecognized request argument supplied: ${key}`, key, "unknown_parameter");
  }
  const param = paramPath(deepest.path);
  if (deepest.code === "invalid_type") {
    const missing = body === undefined ? /received undefined$/.test(deepest.message) : valueAt(body, deepest.path) === undefined;
    if (missing) return errors.invalidRequest(`Missing required parameter: '${param}'.`, param || null, "missing_required_parameter");
    return errors.invalidRequest(`Invalid type for '${param || "body"}': expected ${deepest.expected}.`, param || null, "invalid_type");
  }
  return errors.invalidRequest(`Invalid value for '${param || "body"}': ${deepest.message}.`, param || null, "invalid_value");
}

/** Parse a request body with its schema; any problem → 400 invalid_request_error. */
export function parseRequest<S extends z.ZodType>(schema: S, body: unknown): z.output<S> {
  const parsed = schema.safeParse(body);
  if (!parsed.success) throw zodToError(parsed.error, body);
  return parsed.data;
}

/** The union branch that got furthest (longest path) explains the failure best. */
function pickUnionIssue(branches: z.core.$ZodIssue[][], base: readonly PropertyKey[]) {
  let best: z.core.$ZodIssue | undefined;
  for (const b of branches) {
    for (const i of b) {
      if (!best || i.path.length > best.path.length) best = i;
    }
  }
  return best
    ? { ...best, path: [...base, ...best.path] }
    : { code: "custom" as const, path: base, message: "Invalid input", input: undefined };
}
