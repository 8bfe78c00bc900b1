// Model families are chosen by the foundation-model id's prefix, so a new version of a known
// family (amazon.titan-embed-text-v2:1, a cross-region profile of it) works without a code change.

export type FamilyTable<F> = readonly (readonly [prefix: string, family: F])[];

export function familyFor<F>(table: FamilyTable<F>, baseModelId: string): F | undefined {
  return table.find(([prefix]) => baseModelId.startsWith(prefix))?.[1];
}

export function knownPrefixes<F>(table: FamilyTable<F>): string {
  return table.map(([prefix]) => `${prefix}*`).join(", ");
}
