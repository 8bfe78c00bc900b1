// Validates JSON values against shapes of an AWS Smithy (JSON AST) model, the way the service's
// front end does before a request reaches the model: required members, types, unions with exactly
// one member, enums, lengths, ranges and patterns. Used by the test double on every request it
// receives, and by tests on every response it sends.
import { readFileSync } from "node:fs";

interface ShapeRef {
  target: string;
  traits?: Record<string, unknown>;
}
interface Shape {
  type: string;
  members?: Record<string, ShapeRef>;
  member?: ShapeRef;
  key?: ShapeRef;
  value?: ShapeRef;
  traits?: Record<string, unknown>;
}

export interface ValidationIssue {
  path: string;
  message: string;
}

export interface ValidateOptions {
  /** Responses from real services carry enum values newer than the model; accept them. */
  openEnums?: boolean;
  /** JSON member names to ignore (e.g. the stream padding field "p"). */
  ignoreMembers?: string[];
  /** Check length / range / pattern traits (services enforce them on input, not on output). */
  constraints?: boolean;
}

const PRELUDE: Record<string, Shape> = {
  "smithy.api#String": { type: "string" },
  "smithy.api#Boolean": { type: "boolean" },
  "smithy.api#PrimitiveBoolean": { type: "boolean" },
  "smithy.api#Integer": { type: "integer" },
  "smithy.api#PrimitiveInteger": { type: "integer" },
  "smithy.api#Long": { type: "long" },
  "smithy.api#PrimitiveLong": { type: "long" },
  "smithy.api#Float": { type: "float" },
  "smithy.api#Double": { type: "double" },
  "smithy.api#Blob": { type: "blob" },
  "smithy.api#Timestamp": { type: "timestamp" },
  "smithy.api#Document": { type: "document" },
  "smithy.api#Unit": { type: "structure", members: {} },
};

const BASE64 = /^[A-Za-z0-9+/]*={0,2}$/;

export class SmithyModel {
  readonly shapes: Record<string, Shape>;
  private readonly patterns = new Map<string, RegExp>();
  private current: ValidateOptions | undefined;

  constructor(path: string) {
    this.shapes = (JSON.parse(readFileSync(path, "utf8")) as { shapes: Record<string, Shape> }).shapes;
  }

  shape(id: string): Shape {
    const s = this.shapes[id] ?? PRELUDE[id];
    if (!s) throw new Error(`unknown shape ${id}`);
    return s;
  }

  /** Operation's HTTP binding and input/output shape ids. */
  operation(id: string): { input: string; output: string; method: string; uri: string; errors: string[] } {
    const op = this.shape(id) as Shape & { input: { target: string }; output: { target: string }; errors?: { target: string }[] };
    const http = op.traits?.["smithy.api#http"] as { method: string; uri: string };
    return {
      input: op.input.target,
      output: op.output.target,
      method: http.method,
      uri: http.uri,
      errors: (op.errors ?? []).map((e) => e.target),
    };
  }

  validate(shapeId: string, value: unknown, opts: ValidateOptions = {}): ValidationIssue[] {
    const issues: ValidationIssue[] = [];
    this.current = opts;
    try {
      this.check({ target: shapeId }, value, "", issues, opts);
    } finally {
      this.current = undefined;
    }
    return issues;
  }

  private regex(pattern: string): RegExp {
    let r = this.patterns.get(pattern);
    if (!r) {
      r = new RegExp(pattern, "u");
      this.patterns.set(pattern, r);
    }
    return r;
  }

  private check(ref: ShapeRef, value: unknown, path: string, issues: ValidationIssue[], opts: ValidateOptions): void {
    const shape = this.shape(ref.target);
    const traits = { ...shape.traits, ...ref.traits };
    const at = path || "(root)";
    const fail = (message: string) => issues.push({ path: at, message });
    if (value === null || value === undefined) return; // presence is checked by "required" on the parent

    switch (shape.type) {
      case "structure": {
        if (typeof value !== "object" || Array.isArray(value)) return void fail("Member must be an object");
        const obj = value as Record<string, unknown>;
        const members = shape.members ?? {};
        for (const [name, m] of Object.entries(members)) {
          const mTraits = m.traits ?? {};
          const bound = mTraits["smithy.api#httpLabel"] || mTraits["smithy.api#httpQuery"] || mTraits["smithy.api#httpHeader"];
          if (mTraits["smithy.api#required"] !== undefined && !bound && (obj[name] === undefined || obj[name] === null)) {
            issues.push({ path: join(path, name), message: "Member must not be null" });
          }
        }
        for (const [name, v] of Object.entries(obj)) {
          const m = members[name];
          if (!m) {
            if (!opts.ignoreMembers?.includes(name)) issues.push({ path: join(path, name), message: "Unknown member" });
            continue;
          }
          this.check(m, v, join(path, name), issues, opts);
        }
        return;
      }
      case "union": {
        if (typeof value !== "object" || Array.isArray(value)) return void fail("Member must be an object");
        const set = Object.entries(value as Record<string, unknown>).filter(
          ([k, v]) => v !== undefined && v !== null && !opts.ignoreMembers?.includes(k),
        );
        if (set.length !== 1) return void fail(`Union must have exactly one member set (found ${set.length})`);
        const [name, v] = set[0]!;
        const m = shape.members?.[name];
        if (!m) return void fail(`Unknown union member "${name}"`);
        this.check(m, v, join(path, name), issues, opts);
        return;
      }
      case "list": {
        if (!Array.isArray(value)) return void fail("Member must be a list");
        this.length(traits, value.length, fail);
        value.forEach((v, i) => this.check(shape.member!, v, `${path}.${i}.member`, issues, opts));
        return;
      }
      case "map": {
        if (typeof value !== "object" || Array.isArray(value)) return void fail("Member must be a map");
        const entries = Object.entries(value as Record<string, unknown>);
        this.length(traits, entries.length, fail);
        for (const [k, v] of entries) {
          this.check(shape.key!, k, `${path}.key`, issues, opts);
          this.check(shape.value!, v, `${path}.${k}`, issues, opts);
        }
        return;
      }
      case "string":
      case "enum": {
        if (typeof value !== "string") return void fail("Member must be a string");
        this.length(traits, [...value].length, fail);
        const pattern = traits["smithy.api#pattern"];
        if (opts.constraints !== false && typeof pattern === "string" && !this.regex(pattern).test(value)) {
          fail(`Member must satisfy regular expression pattern: ${pattern}`);
        }
        if (shape.type === "enum" && !opts.openEnums) {
          const allowed = Object.entries(shape.members ?? {}).map(
            ([k, m]) => (m.traits?.["smithy.api#enumValue"] as string | undefined) ?? k,
          );
          if (!allowed.includes(value)) fail(`Member must satisfy enum value set: [${allowed.join(", ")}]`);
        }
        return;
      }
      case "integer":
      case "long":
      case "short":
      case "byte":
      case "intEnum":
        if (typeof value !== "number" || !Number.isInteger(value)) return void fail("Member must be an integer");
        this.range(traits, value, fail);
        return;
      case "float":
      case "double":
        if (typeof value !== "number") return void fail("Member must be a number");
        this.range(traits, value, fail);
        return;
      case "boolean":
        if (typeof value !== "boolean") fail("Member must be a boolean");
        return;
      case "blob": {
        if (typeof value !== "string" || !BASE64.test(value)) return void fail("Member must be base64-encoded bytes");
        this.length(traits, Buffer.byteLength(value, "base64"), fail);
        return;
      }
      case "timestamp":
        if (typeof value !== "number" && (typeof value !== "string" || Number.isNaN(Date.parse(value)))) {
          fail("Member must be a timestamp");
        }
        return;
      case "document":
        return;
      default:
        return;
    }
  }

  private length(traits: Record<string, unknown>, n: number, fail: (m: string) => void) {
    if (this.current?.constraints === false) return;
    const len = traits["smithy.api#length"] as { min?: number; max?: number } | undefined;
    if (len?.min !== undefined && n < len.min) fail(`Member must have length greater than or equal to ${len.min}`);
    if (len?.max !== undefined && n > len.max) fail(`Member must have length less than or equal to ${len.max}`);
  }

  private range(traits: Record<string, unknown>, n: number, fail: (m: string) => void) {
    if (this.current?.constraints === false) return;
    const r = traits["smithy.api#range"] as { min?: number; max?: number } | undefined;
    if (r?.min !== undefined && n < r.min) fail(`Member must have value greater than or equal to ${r.min}`);
    if (r?.max !== undefined && n > r.max) fail(`Member must have value less than or equal to ${r.max}`);
  }
}

function join(path: string, name: string): string {
  return path ? `${path}.${name}` : name;
}

/** Bedrock's wording for front-end validation failures. */
export function formatIssues(issues: ValidationIssue[]): string {
  const shown = issues.slice(0, 5).map((i) => `Value at '${i.path}' failed to satisfy constraint: ${i.message}`);
  return `${issues.length} validation error${issues.length === 1 ? "" : "s"} detected: ${shown.join("; ")}`;
}
