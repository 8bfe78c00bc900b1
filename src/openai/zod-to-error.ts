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

export function zodToError(err: z.ZodError): GatewayError {
  const issue = err.issues[0]!;
  // For unions zod reports "invalid input"; its nested errors name what was actually wrong.
  const deepest = issue.code === "invalid_union" && issue.errors.length > 0
    ? pickUnionIssue(issue.errors, issue.path)
    : issue;
  const param = paramPath(deepest.path);
  const code = deepest.code === "invalid_type" && (deepest as { input?: unknown }).input === undefined ? "missing_required_parameter" : "invalid_value";
  const what = code === "missing_required_parameter" ? `Missing required parameter: '${param}'.` : `Invalid value for '${param || "body"}': ${deepest.message}.`;
  return errors.invalidRequest(what, param || null, code);
}

/** The union branch that got furthest (longest path) explains the failure best. */
function pickUnionIssue(branches: z.core.$ZodIssue[][], base: readonly PropertyKey[]) {
  let best: z.core.$ZodIssue | undefined;
  for (const b of branches) {
    for (const i of b) {
      if (!best || i.path.length > best.path.length) best = i;
    }
  }
  return best ? { ...best, path: [...base, ...best.path] } : { code: "custom" as const, path: base, message: "Invalid input", input: undefined };
}
