// Validates gateway responses against the published API schemas in spec/: the OpenAI OpenAPI
// document and the Anthropic one. Schemas compile lazily with Ajv (JSON Schema 2020-12, which
// OpenAPI 3.1 uses); vendor extensions and formats are not checked.
import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { Ajv2020 } from "ajv/dist/2020.js";
import type { ValidateFunction } from "ajv";
import { parse } from "yaml";

const SPEC_DIR = fileURLToPath(new URL("../../spec/", import.meta.url));

/**
 * OpenAPI 3.0's `nullable` (left in places of these 3.1 documents) is not JSON Schema: rewrite it
 * as 3.1 does, so `null` is allowed by the type and by any enum.
 */
function stripBareNullable(node: unknown): void {
  if (Array.isArray(node)) return node.forEach(stripBareNullable);
  if (node === null || typeof node !== "object") return;
  const o = node as Record<string, unknown>;
  if ("nullable" in o) {
    if (o.nullable === true) {
      if (typeof o.type === "string") o.type = [o.type, "null"];
      if (Array.isArray(o.enum) && !o.enum.includes(null)) o.enum = [...(o.enum as unknown[]), null];
    }
    delete o.nullable;
  }
  for (const v of Object.values(o)) stripBareNullable(v);
}

function makeValidator(id: string, doc: { components: { schemas: Record<string, unknown> } }) {
  stripBareNullable(doc.components);
  const ajv = new Ajv2020({ strict: false, validateFormats: false, allErrors: true, discriminator: false });
  ajv.addSchema({ $id: id, components: doc.components }, id);
  const cache = new Map<string, ValidateFunction>();
  return (schemaName: string, value: unknown): string[] => {
    let v = cache.get(schemaName);
    if (!v) {
      const found = ajv.getSchema(`${id}#/components/schemas/${schemaName}`);
      if (!found) throw new Error(`no schema ${schemaName} in ${id}`);
      v = found;
      cache.set(schemaName, v);
    }
    return v(value) ? [] : (v.errors ?? []).map((e) => `${e.instancePath || "(root)"} ${e.message ?? ""} ${JSON.stringify(e.params)}`);
  };
}

let openai: ((name: string, value: unknown) => string[]) | undefined;
let anthropic: ((name: string, value: unknown) => string[]) | undefined;

/** Errors of `value` against an OpenAI component schema (empty when valid). */
export function openaiSchemaErrors(schemaName: string, value: unknown): string[] {
  openai ??= makeValidator("openai", parse(readFileSync(`${SPEC_DIR}openai-openapi.yaml`, "utf8"), { maxAliasCount: -1 }));
  return openai(schemaName, value);
}

export function anthropicSchemaErrors(schemaName: string, value: unknown): string[] {
  anthropic ??= makeValidator("anthropic", JSON.parse(readFileSync(`${SPEC_DIR}anthropic-openapi.tryAGI.json`, "utf8")));
  return anthropic(schemaName, value);
}
