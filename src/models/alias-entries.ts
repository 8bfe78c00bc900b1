// Pure: the aliases a catalog snapshot answers to — MODEL_ALIASES and the built-in Anthropic
// names — with the model each one reaches, for /v1/models and the start-up alias check.
import type { CatalogModel, CatalogSnapshot } from "./build-catalog.ts";
import { findModel } from "./resolve-model.ts";

export interface AliasEntry {
  alias: string;
  /** The model the alias reaches (after following alias-to-alias hops). */
  target: CatalogModel;
  builtin: boolean;
}

const MAX_ALIAS_HOPS = 3;

function follow(aliases: ReadonlyMap<string, string>, name: string): string {
  let n = name;
  for (let hop = 0; hop < MAX_ALIAS_HOPS; hop++) n = aliases.get(n) ?? n;
  return n;
}

/** Configured aliases first (they win over a built-in name), then the listed built-in names. */
export function aliasEntries(snapshot: CatalogSnapshot, aliases: ReadonlyMap<string, string>): AliasEntry[] {
  const out: AliasEntry[] = [];
  for (const alias of aliases.keys()) {
    const target = findModel(snapshot, follow(aliases, alias));
    if (target) out.push({ alias, target, builtin: false });
  }
  for (const n of snapshot.anthropicNames.values()) {
    if (!n.listed || aliases.has(n.name) || snapshot.lookup.has(n.name)) continue;
    const target = findModel(snapshot, n.name);
    if (target) out.push({ alias: n.name, target, builtin: true });
  }
  return out;
}

const ARN = /^arn:aws[a-z-]*:(bedrock|sagemaker):/;

/** Configured aliases whose target this catalog does not know (ARNs are Bedrock's to judge). */
export function missingAliasTargets(snapshot: CatalogSnapshot, aliases: ReadonlyMap<string, string>): [string, string][] {
  const missing: [string, string][] = [];
  for (const alias of aliases.keys()) {
    const target = follow(aliases, alias);
    if (!ARN.test(target) && !findModel(snapshot, target)) missing.push([alias, target]);
  }
  return missing;
}
