// The fields of a key as the admin API (JSON) and the CLI (flags) give them, validated once here.
import { z } from "zod";
import type { Budget } from "../store/store.ts";
import { parseBudget, parseExpiry } from "./key-policy.ts";
import { parseModelPatterns } from "./model-patterns.ts";

export interface KeySpec {
  name?: string;
  models?: string[] | null;
  rpm?: number | null;
  tpm?: number | null;
  budget?: Budget | null;
  expiresAt?: number | null;
  enabled?: boolean;
  metadata?: Record<string, string>;
}

function fromText<T>(parse: (s: string) => T) {
  return (s: string, ctx: z.RefinementCtx): T => {
    try {
      return parse(s);
    } catch (e) {
      ctx.addIssue({ code: "custom", message: (e as Error).message });
      return z.NEVER;
    }
  };
}

const limit = z.number().int().positive().max(1_000_000_000).nullable();

/** JSON body of POST /admin/keys and PATCH /admin/keys/{id} (snake_case, like the OpenAI API). */
export const keySpecJson = z
  .object({
    name: z.string().trim().min(1).max(200).optional(),
    models: z.union([z.array(z.string().trim().min(1)).max(500), z.string().transform(parseModelPatterns), z.null()]).optional(),
    rpm: limit.optional(),
    tpm: limit.optional(),
    budget: z
      .union([
        z.string().transform(fromText(parseBudget)),
        z.object({ usd: z.number().positive(), period: z.enum(["day", "month"]) }).strict(),
        z.null(),
      ])
      .optional(),
    expires_at: z.union([z.string().transform(fromText(parseExpiry)), z.null()]).optional(),
    enabled: z.boolean().optional(),
    metadata: z.record(z.string().max(100), z.string().max(1000)).optional(),
  })
  .strict()
  .transform((b): KeySpec => ({
    name: b.name,
    models: b.models,
    rpm: b.rpm,
    tpm: b.tpm,
    budget: b.budget,
    expiresAt: b.expires_at,
    enabled: b.enabled,
    metadata: b.metadata,
  }));

/** "team=ml,owner=ana" → {team: "ml", owner: "ana"} (CLI). */
export function parseMetadata(text: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const pair of text.split(",")) {
    if (pair.trim() === "") continue;
    const eq = pair.indexOf("=");
    if (eq <= 0) throw new Error(`"${pair}" is not of the form name=value`);
    out[pair.slice(0, eq).trim()] = pair.slice(eq + 1).trim();
  }
  return out;
}
