// Request bodies are `unknown` until a strict zod schema accepts them. The first problem becomes
// one OpenAI-shaped 400 naming the parameter, in the wording OpenAI's own API uses, so clients
// (and the people reading their logs) see which field to fix.
import type { z } from "zod";
import { errors } from "../errors/gateway-error.ts";

type Issue = z.core.$ZodIssue;

/** `input[3]`, `documents[0].text`: the path as a client would write it. */
export function paramOf(path: readonly PropertyKey[]): string | null {
  let out = "";
  for (const p of path) out += typeof p === "number" ? `[${p}]` : `${out ? "." : ""}${String(p)}`;
  return out || null;
}

function valueAt(body: unknown, path: readonly PropertyKey[]): unknown {
  let v = body;
  for (const p of path) {
    if (v === null || typeof v !== "object") return undefined;
    v = (v as Record<PropertyKey, unknown>)[p];
  }
  return v;
}

function describe(issue: Issue, param: string | null, body: unknown): { message: string; code: string; param: string | null } {
  const name = param ?? "body";
  switch (issue.code) {
    case "unrecognized_keys": {
      const key = issue.keys[0] ?? "";
      const full = param ? `${param}.${key}` : key;
      return { message: `Unrecognized request argument supplied: ${full}`, code: "unknown_parameter", param: full };
    }
    case "invalid_type":
      if (valueAt(body, issue.path) === undefined) {
        return { message: `Missing required parameter: '${name}'.`, code: "missing_required_parameter", param };
      }
      return { message: `Invalid type for '${name}': expected ${issue.expected}.`, code: "invalid_type", param };
    case "invalid_value":
      return {
        message: `Invalid value for '${name}': expected one of ${issue.values.map((v) => JSON.stringify(v)).join(", ")}.`,
        code: "invalid_value",
        param,
      };
    case "too_small":
    case "too_big":
    case "invalid_format":
    case "not_multiple_of":
    case "invalid_union":
    case "invalid_key":
    case "invalid_element":
    case "custom":
      return { message: `Invalid value for '${name}': ${issue.message}.`, code: "invalid_value", param };
  }
}

/** Parse a request body with a strict schema; any problem → 400 invalid_request_error. */
export function parseRequest<S extends z.ZodType>(schema: S, body: unknown): z.output<S> {
  const result = schema.safeParse(body);
  if (result.success) return result.data;
  const issue = result.error.issues[0]!;
  const d = describe(issue, paramOf(issue.path), body);
  throw errors.invalidRequest(d.message, d.param, d.code);
}
