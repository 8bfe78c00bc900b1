// Pure: several targets' catalog snapshots → one snapshot that /v1/models lists and requests
// resolve against. Models are deduplicated by id (a model listed by any target is listed); the
// first target's region decides which geographic profile a base id resolves to — the router then
// maps it to each target's own profile (model-for-target.ts).
import type { CatalogModel, CatalogSnapshot } from "../models/build-catalog.ts";
import type { FoundationModelSummary } from "../bedrock/control-plane-client.ts";

export function mergeSnapshots(snaps: readonly CatalogSnapshot[], region: string): CatalogSnapshot {
  if (snaps.length === 1) return snaps[0]!;
  const byId = new Map<string, CatalogModel>();
  const lookup = new Map<string, CatalogModel>();
  const profilesByBaseModel = new Map<string, CatalogModel[]>();
  const foundationModels = new Map<string, FoundationModelSummary>();
  for (const s of snaps) {
    for (const m of s.models) {
      const seen = byId.get(m.id);
      if (!seen) byId.set(m.id, { ...m });
      else if (m.listed && !seen.listed) seen.listed = true;
    }
    for (const [k, v] of s.foundationModels) if (!foundationModels.has(k)) foundationModels.set(k, v);
  }
  // Lookups point at the merged entries, so every spelling agrees on `listed`.
  for (const s of snaps) {
    for (const [k, m] of s.lookup) if (!lookup.has(k)) lookup.set(k, byId.get(m.id)!);
    for (const [base, list] of s.profilesByBaseModel) {
      const out = profilesByBaseModel.get(base) ?? [];
      for (const p of list) if (!out.some((x) => x.id === p.id)) out.push(byId.get(p.id)!);
      profilesByBaseModel.set(base, out);
    }
  }
  // Anthropic's public names: the first target's meaning wins (the same Claude ids in every region).
  const anthropicNames = new Map<string, CatalogSnapshot["anthropicNames"] extends Map<string, infer V> ? V : never>();
  for (const s of snaps) for (const [k, v] of s.anthropicNames) if (!anthropicNames.has(k)) anthropicNames.set(k, v);
  return { models: [...byId.values()], lookup, profilesByBaseModel, foundationModels, anthropicNames, region };
}
