// Nesting limits for request bodies, checked once right after JSON.parse and before any code that
// recurses over the body (zod, schema sanitising, token estimates, Bedrock's JSON documents). A
// tool schema nested 100,000 levels deep otherwise ends in "Maximum call stack size exceeded"
// (a 500) somewhere downstream. The walk itself is iterative, so it cannot overflow.

/** Deepest nesting of a whole body (objects and arrays). */
export const MAX_JSON_DEPTH = 128;
/** Deepest nesting inside a JSON Schema (tool parameters, input_schema, response_format schema). */
export const MAX_SCHEMA_DEPTH = 64;
const SCHEMA_KEYS = new Set(["parameters", "input_schema", "schema"]);
const SHOWN_SEGMENTS = 8;

export interface DepthViolation {
  /** Path to where the limit was passed (its first segments), e.g. `tools[0].function.parameters`. */
  path: string;
  limit: number;
  inSchema: boolean;
}

interface Frame {
  value: object;
  depth: number;
  /** Depth at which the enclosing schema starts, or -1 outside schemas. */
  schemaAt: number;
  path: readonly (string | number)[];
}

function formatPath(path: readonly (string | number)[]): string {
  let out = "";
  for (const seg of path.slice(0, SHOWN_SEGMENTS)) out += typeof seg === "number" ? `[${seg}]` : out ? `.${seg}` : seg;
  return path.length > SHOWN_SEGMENTS ? `${out}…` : out;
}

/** The first place a parsed body nests too deep, or undefined. */
export function findDepthViolation(body: unknown): DepthViolation | undefined {
  if (body === null || typeof body !== "object") return undefined;
  const stack: Frame[] = [{ value: body, depth: 1, schemaAt: -1, path: [] }];
  while (stack.length) {
    const { value, depth, schemaAt, path } = stack.pop()!;
    if (depth > MAX_JSON_DEPTH) return { path: formatPath(path), limit: MAX_JSON_DEPTH, inSchema: false };
    if (schemaAt >= 0 && depth - schemaAt > MAX_SCHEMA_DEPTH) {
      return { path: formatPath(path.slice(0, schemaAt)), limit: MAX_SCHEMA_DEPTH, inSchema: true };
    }
    if (Array.isArray(value)) {
      for (let i = 0; i < value.length; i++) {
        const v: unknown = value[i];
        // Paths are only built for containers; primitives cost one typeof.
        if (v !== null && typeof v === "object") stack.push({ value: v, depth: depth + 1, schemaAt, path: [...path, i] });
      }
    } else {
      for (const key in value) {
        const v = (value as Record<string, unknown>)[key];
        if (v === null || typeof v !== "object") continue;
        const enters = schemaAt < 0 && SCHEMA_KEYS.has(key);
        stack.push({ value: v, depth: depth + 1, schemaAt: enters ? depth : schemaAt, path: [...path, key] });
      }
    }
  }
  return undefined;
}
