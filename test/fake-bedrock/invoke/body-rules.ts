// A small JSON-schema-like checker for native InvokeModel bodies. Bedrock validates them with a
// JSON schema per model and answers ValidationException "Malformed input request: #/path: …";
// the messages here follow that wording so gateway tests see what Bedrock would say.

export type Rule =
  | { type: "object"; properties: Record<string, Rule>; required?: string[]; open?: boolean }
  | { type: "string"; minLength?: number; maxLength?: number; enum?: readonly string[] }
  | { type: "integer" | "number"; minimum?: number; maximum?: number; enum?: readonly number[] }
  | { type: "boolean" }
  | { type: "array"; items: Rule; minItems?: number; maxItems?: number };

export class MalformedInput extends Error {}

function fail(path: string, detail: string): never {
  throw new MalformedInput(`Malformed input request: ${path}: ${detail}, please reformat your input and try again.`);
}

export function check(rule: Rule, value: unknown, path = "#"): void {
  switch (rule.type) {
    case "object": {
      if (value === null || typeof value !== "object" || Array.isArray(value))
        fail(path, `expected type: JSONObject, found: ${typeName(value)}`);
      const obj = value as Record<string, unknown>;
      for (const key of rule.required ?? []) if (!(key in obj)) fail(path, `required key [${key}] not found`);
      for (const [key, v] of Object.entries(obj)) {
        const sub = rule.properties[key];
        if (!sub) {
          if (!rule.open) fail(path, `extraneous key [${key}] is not permitted`);
          continue;
        }
        check(sub, v, `${path}/${key}`);
      }
      return;
    }
    case "string": {
      if (typeof value !== "string") fail(path, `expected type: String, found: ${typeName(value)}`);
      if (rule.minLength !== undefined && value.length < rule.minLength)
        fail(path, `expected minLength: ${rule.minLength}, actual: ${value.length}`);
      if (rule.maxLength !== undefined && value.length > rule.maxLength)
        fail(path, `expected maxLength: ${rule.maxLength}, actual: ${value.length}`);
      if (rule.enum && !rule.enum.includes(value)) fail(path, `${value} is not a valid enum value`);
      return;
    }
    case "integer":
    case "number": {
      if (typeof value !== "number" || (rule.type === "integer" && !Number.isInteger(value))) {
        fail(path, `expected type: ${rule.type === "integer" ? "Integer" : "Number"}, found: ${typeName(value)}`);
      }
      if (rule.minimum !== undefined && value < rule.minimum) fail(path, `${value} is not greater or equal to ${rule.minimum}`);
      if (rule.maximum !== undefined && value > rule.maximum) fail(path, `${value} is not less or equal to ${rule.maximum}`);
      if (rule.enum && !rule.enum.includes(value)) fail(path, `${value} is not a valid enum value`);
      return;
    }
    case "boolean":
      if (typeof value !== "boolean") fail(path, `expected type: Boolean, found: ${typeName(value)}`);
      return;
    case "array": {
      if (!Array.isArray(value)) fail(path, `expected type: JSONArray, found: ${typeName(value)}`);
      if (rule.minItems !== undefined && value.length < rule.minItems)
        fail(path, `expected minimum item count: ${rule.minItems}, found: ${value.length}`);
      if (rule.maxItems !== undefined && value.length > rule.maxItems)
        fail(path, `expected maximum item count: ${rule.maxItems}, found: ${value.length}`);
      value.forEach((v, i) => check(rule.items, v, `${path}/${i}`));
      return;
    }
  }
}

function typeName(v: unknown): string {
  if (v === null) return "Null";
  if (Array.isArray(v)) return "JSONArray";
  switch (typeof v) {
    case "string":
      return "String";
    case "number":
      return Number.isInteger(v) ? "Integer" : "BigDecimal";
    case "boolean":
      return "Boolean";
    case "object":
      return "JSONObject";
    default:
      return typeof v;
  }
}
