// Pure: the catalog snapshot → the Models page's rows: capabilities from the family table, the
// system inference profiles of each foundation model, the aliases that point at it, its price per
// million tokens (as billed from this region) and which endpoints serve it.
import type { CatalogModel, CatalogSnapshot, ModelKind } from "../models/build-catalog.ts";
import { capabilitiesFor } from "../models/capabilities.ts";
import type { Pricing } from "../usage/pricing.ts";

export interface ModelRow {
  id: string;
  name: string | undefined;
  provider: string;
  kind: ModelKind;
  source: CatalogModel["source"];
  modalities: string[];
  streaming: string;
  tools: boolean;
  reasoning: string;
  maxOutputTokens: number | undefined;
  profiles: string[];
  aliases: string[];
  inputPerM: number | undefined;
  outputPerM: number | undefined;
  endpoints: string[];
}

const ENDPOINTS: Record<ModelKind, string[]> = {
  chat: ["/v1/chat/completions", "/v1/messages", "/v1/responses"],
  embedding: ["/v1/embeddings"],
  image: ["/v1/images/generations"],
  rerank: ["/v1/rerank"],
};

export function modelRows(snapshot: CatalogSnapshot, aliases: ReadonlyMap<string, string>, pricing: Pricing, region: string): ModelRow[] {
  const aliasesOf = new Map<string, string[]>();
  for (const [alias, target] of aliases) aliasesOf.set(target, [...(aliasesOf.get(target) ?? []), alias]);
  return snapshot.models
    .filter((m) => m.listed)
    .map((m) => {
      const caps = capabilitiesFor(m.baseModelId, m);
      const chat = m.kind === "chat";
      const rates = pricing.rates(m.baseModelId, m.bedrockId, region);
      const profiles = m.source === "foundation-model" ? (snapshot.profilesByBaseModel.get(m.baseModelId) ?? []).map((p) => p.id) : [];
      return {
        id: m.id,
        name: m.name,
        provider: m.provider,
        kind: m.kind,
        source: m.source,
        modalities: m.inputModalities,
        streaming: !chat ? "no" : caps.streamingTools ? "yes" : "yes (tool calls replayed)",
        tools: chat && caps.tools,
        reasoning: chat ? caps.reasoning : "none",
        maxOutputTokens: chat ? caps.maxOutputTokens : undefined,
        profiles,
        aliases: [...new Set([...(aliasesOf.get(m.id) ?? []), ...(m.bedrockId !== m.id ? (aliasesOf.get(m.bedrockId) ?? []) : [])])],
        inputPerM: rates?.input,
        outputPerM: rates?.output,
        endpoints: ENDPOINTS[m.kind],
      };
    })
    .sort((a, b) => (a.provider + a.id < b.provider + b.id ? -1 : 1));
}
