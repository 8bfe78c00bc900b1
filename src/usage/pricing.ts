// Cost of a request from the price table: USD per 1M input / output / cache-read / cache-write
// tokens, per foundation model, with the kind of profile it was called through (in-region,
// geographic cross-region, global) and the source region taken into account the way Bedrock
// bills them. The built-in table (bedrock-prices.json) is data; PRICING_FILE overrides or
// extends it per model. Unknown prices give an unknown (null) cost, never zero.
import { readFileSync } from "node:fs";
import { z } from "zod";
// A JSON module rather than a file read: it travels inside bundles (the Lambda build) as data.
import builtInPrices from "./bedrock-prices.json" with { type: "json" };

export type ProfileKind = "in-region" | "geographic" | "global" | "application";

const rate = z.number().nonnegative();
const ratesSchema = z.object({
  input: rate.optional(),
  output: rate.optional(),
  cache_read: rate.optional(),
  cache_write: rate.optional(),
});
const entrySchema = ratesSchema.extend({
  in_region: ratesSchema.optional(),
  geographic: ratesSchema.optional(),
  global: ratesSchema.optional(),
  /** Source-region prices (Bedrock bills cross-region calls at the calling region's price). */
  regions: z.record(z.string(), ratesSchema).optional(),
  /** Batch inference prices (about half the on-demand ones); absent: batch cost unknown. */
  batch: ratesSchema.optional(),
});
const tableSchema = z.object({ models: z.record(z.string(), entrySchema) }).loose();

export type Rates = z.infer<typeof ratesSchema>;
type Entry = z.infer<typeof entrySchema>;

export interface TokenCounts {
  inputTokens: number;
  outputTokens: number;
  cacheReadTokens: number;
  cacheWriteTokens: number;
}

export interface Pricing {
  /** The rates for a call, or undefined when the model has no price. */
  rates(baseModelId: string, bedrockModel: string, region: string): Rates | undefined;
  cost(baseModelId: string | undefined, bedrockModel: string | undefined, region: string, tokens: TokenCounts): number | null;
  /** The same tokens at the model's batch inference price (null when the table has none). */
  batchCost(baseModelId: string, tokens: TokenCounts): number | null;
}

const GEO = /^(us|eu|apac|jp|au|ca|us-gov|ap)\./;

export function profileKindOf(bedrockModel: string): ProfileKind {
  if (bedrockModel.startsWith("global.")) return "global";
  if (GEO.test(bedrockModel)) return "geographic";
  if (/:application-inference-profile\//.test(bedrockModel)) return "application";
  return "in-region";
}

/** Pure: USD for these tokens at these rates; null when a token class that was used has no rate. */
export function costOf(r: Rates | undefined, t: TokenCounts): number | null {
  const parts: [number, number | undefined][] = [
    [t.inputTokens, r?.input],
    [t.outputTokens, r?.output],
    [t.cacheReadTokens, r?.cache_read],
    [t.cacheWriteTokens, r?.cache_write],
  ];
  let usd = 0;
  for (const [n, perMillion] of parts) {
    if (n <= 0) continue;
    if (perMillion === undefined) return null;
    usd += (n * perMillion) / 1_000_000;
  }
  return usd;
}

function pick(e: Entry, kind: ProfileKind, region: string): Rates {
  const base: Rates = { input: e.input, output: e.output, cache_read: e.cache_read, cache_write: e.cache_write };
  const regional = { ...base, ...e.regions?.[region] };
  // Application profiles wrap a model or a system profile we cannot see: priced as regional.
  if (kind === "global") return { ...base, ...e.global };
  if (kind === "geographic") return { ...regional, ...e.geographic };
  if (kind === "in-region") return { ...regional, ...e.in_region };
  return regional;
}

export function parsePriceTable(json: unknown, source: string): Map<string, Entry> {
  const parsed = tableSchema.safeParse(json);
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    throw new Error(`${source}: ${issue.path.join(".")}: ${issue.message}`);
  }
  return new Map(Object.entries(parsed.data.models));
}

export function createPricing(table: Map<string, Entry>): Pricing {
  const rates = (baseModelId: string, bedrockModel: string, region: string) => {
    const e = table.get(baseModelId);
    return e ? pick(e, profileKindOf(bedrockModel), region) : undefined;
  };
  return {
    rates,
    cost(baseModelId, bedrockModel, region, tokens) {
      const none = tokens.inputTokens + tokens.outputTokens + tokens.cacheReadTokens + tokens.cacheWriteTokens === 0;
      if (none) return 0;
      if (!baseModelId) return null;
      return costOf(rates(baseModelId, bedrockModel ?? baseModelId, region), tokens);
    },
    batchCost(baseModelId, tokens) {
      if (tokens.inputTokens + tokens.outputTokens + tokens.cacheReadTokens + tokens.cacheWriteTokens === 0) return 0;
      return costOf(table.get(baseModelId)?.batch, tokens);
    },
  };
}

/** The built-in table, with PRICING_FILE's models replacing or adding entries. */
export function loadPricing(overrideFile: string | undefined): Pricing {
  const builtIn = parsePriceTable(builtInPrices, "bedrock-prices.json");
  if (overrideFile) {
    let json: unknown;
    try {
      json = JSON.parse(readFileSync(overrideFile, "utf8"));
    } catch (err) {
      throw new Error(`PRICING_FILE: cannot read ${overrideFile}: ${(err as Error).message}`);
    }
    for (const [id, e] of parsePriceTable(json, `PRICING_FILE ${overrideFile}`)) builtIn.set(id, e);
  }
  return createPricing(builtIn);
}
