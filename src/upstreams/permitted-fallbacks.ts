// Pure: MODEL_FALLBACKS for the model a request resolved to → the fallback models this caller may
// use, resolved to what the router is called with. Each fallback is resolved like a requested
// model (aliases, base ids → profiles) and kept only when it is a model of the same kind that the
// key's allow-list permits; a fallback the catalog does not know is dropped rather than trusted.
import type { CatalogModel, CatalogSnapshot, ModelKind } from "../models/build-catalog.ts";
import { resolveModel } from "../models/resolve-model.ts";
import type { ResolvedModel, ResolveOptions } from "../models/resolve-model.ts";

export interface PermittedFallback {
  /** Passed to the router (SendOptions.fallbacks). */
  bedrockId: string;
  /** As named in MODEL_FALLBACKS: what the response's `model` field then says. */
  name: string;
  baseModelId: string;
}

export function permittedFallbacks(
  table: ReadonlyMap<string, readonly string[]>,
  primary: ResolvedModel,
  snapshot: CatalogSnapshot | undefined,
  kind: ModelKind,
  opts: ResolveOptions,
  allowed: (m: CatalogModel) => boolean,
): PermittedFallback[] {
  if (table.size === 0 || !snapshot) return [];
  const names = [primary.requested, opts.aliases.get(primary.requested), primary.entry?.id, primary.bedrockId, primary.baseModelId];
  let list: readonly string[] | undefined;
  for (const n of names) if (n !== undefined && (list = table.get(n))) break;
  if (!list) return [];
  const out: PermittedFallback[] = [];
  for (const name of list) {
    let r: ResolvedModel;
    try {
      r = resolveModel(snapshot, name, kind, opts);
    } catch {
      continue; // unknown, or a model of another kind: never a fallback
    }
    if (!r.entry || !allowed(r.entry) || r.bedrockId === primary.bedrockId) continue;
    if (out.some((f) => f.bedrockId === r.bedrockId)) continue;
    out.push({ bedrockId: r.bedrockId, name, baseModelId: r.baseModelId });
  }
  return out;
}
