// Pure: the catalog snapshot plus what the native endpoints list → the snapshot the gateway
// serves. A Mantle model Converse already serves stays on Converse (its Mantle spelling becomes
// one more name of the Converse entry), unless NATIVE_MODELS forces it native; a Mantle model
// Converse cannot serve is listed as a native-only model (`endpoint: openai-native`).
import { compileModelPatterns } from "../keys/model-patterns.ts";
import { mantleTarget, runtimeTarget, unversionedId } from "../upstreams/native/native-routes.ts";
import type { NativeTarget } from "../upstreams/native/native-routes.ts";
import type { MantleModel } from "../upstreams/native/native-client.ts";
import type { CatalogModel, CatalogSnapshot } from "./build-catalog.ts";

export interface NativeCatalogOptions {
  /** NATIVE_MODELS: globs of Converse models to send to the native endpoint instead. */
  forceModels: readonly string[];
}

function provider(m: MantleModel): string {
  return (m.owned_by ?? m.id.split(".")[0] ?? "bedrock").toLowerCase().replace(/\s+/g, "-");
}

export function addNativeModels(snapshot: CatalogSnapshot, mantle: readonly MantleModel[], opts: NativeCatalogOptions): CatalogSnapshot {
  const converseChat = new Map<string, CatalogModel>();
  for (const m of snapshot.models) {
    if (m.kind !== "chat") continue;
    const key = unversionedId(m.baseModelId);
    // Prefer the foundation model itself over its profiles as the entry a Mantle spelling names.
    const seen = converseChat.get(key);
    if (!seen || (seen.source !== "foundation-model" && m.source === "foundation-model")) converseChat.set(key, m);
  }
  const mantleByKey = new Map(mantle.map((m) => [unversionedId(m.id), m]));

  // Converse models the operator forces native: the runtime's /openai/v1 when AWS documents the
  // model there, else Mantle when it lists the model; otherwise they stay on Converse.
  const forced = compileModelPatterns(opts.forceModels.length ? opts.forceModels : []);
  const replaced = new Map<CatalogModel, CatalogModel>();
  if (opts.forceModels.length) {
    for (const m of snapshot.models) {
      if (m.kind !== "chat" || !forced([m.id, m.name, m.bedrockId, m.baseModelId])) continue;
      const onMantle = mantleByKey.get(unversionedId(m.baseModelId));
      const target: NativeTarget | undefined = runtimeTarget(m.baseModelId) ?? (onMantle ? mantleTarget(onMantle.id) : undefined);
      if (target && target.apis.length) replaced.set(m, { ...m, native: target });
    }
  }
  const swap = (m: CatalogModel) => replaced.get(m) ?? m;
  const models = snapshot.models.map(swap);
  const lookup = new Map<string, CatalogModel>();
  for (const [k, m] of snapshot.lookup) lookup.set(k, swap(m));
  const profilesByBaseModel = new Map([...snapshot.profilesByBaseModel].map(([k, list]) => [k, list.map(swap)]));

  for (const m of mantle) {
    if (lookup.has(m.id)) continue;
    const served = converseChat.get(unversionedId(m.id));
    if (served) {
      // Another spelling of a Converse model (not listed twice).
      lookup.set(m.id, swap(served));
      continue;
    }
    const target = mantleTarget(m.id);
    // Claude on Mantle answers only the Anthropic Messages API; Converse serves Claude anyway.
    if (!target.apis.length) continue;
    const entry: CatalogModel = {
      id: m.id,
      kind: "chat",
      provider: provider(m),
      created: typeof m.created === "number" ? m.created : 0,
      bedrockId: m.id,
      baseModelId: m.id,
      source: "native",
      inputModalities: ["TEXT", "IMAGE"],
      listed: true,
      native: target,
    };
    models.push(entry);
    lookup.set(m.id, entry);
  }
  return { ...snapshot, models, lookup, profilesByBaseModel };
}
