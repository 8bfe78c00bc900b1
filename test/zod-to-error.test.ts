// Request validation errors name the parameter and tell a missing one from one of the wrong type.
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { z } from "zod";
import { GatewayError } from "../src/errors/gateway-error.ts";
import { parseRequest, zodToError } from "../src/openai/zod-to-error.ts";

const schema = z.strictObject({ a: z.number(), list: z.array(z.strictObject({ b: z.string() })).optional() });

function failure(body: unknown) {
  try {
    parseRequest(schema, body);
  } catch (e) {
    assert.ok(e instanceof GatewayError);
    return { status: e.status, code: e.code, param: e.param, message: e.message };
  }
  return undefined;
}

describe("zodToError", () => {
  it("reports a missing parameter", () => {
    assert.deepEqual(failure({}), {
      status: 400,
      code: "missing_required_parameter",
      param: "a",
      message: "Missing required parameter: 'a'.",
    });
  });

  it("reports a parameter of the wrong type as such, not as missing", () => {
    assert.deepEqual(failure({ a: "1" }), {
      status: 400,
      code: "invalid_type",
      param: "a",
      message: "Invalid type for 'a': expected number.",
    });
    assert.equal(failure({ a: 1, list: [{ b: 2 }] })?.param, "list[0].b");
    // Without the body the message still tells them apart.
    const r = schema.safeParse({ a: null });
    assert.equal(r.success, false);
    assert.ok(r.error);
    assert.equal(zodToError(r.error).code, "invalid_type");
  });

  it("names an unknown parameter, nested ones with their path", () => {
    assert.deepEqual(failure({ a: 1, extra: true }), {
      status: 400,
      code: "unknown_parameter",
      param: "extra",
      message: "Unrecognized request argument supplied: extra",
    });
    assert.equal(failure({ a: 1, list: [{ b: "x", c: 1 }] })?.param, "list[0].c");
  });

  it("returns the parsed value when valid", () => {
    assert.deepEqual(parseRequest(schema, { a: 1 }), { a: 1 });
  });
});
