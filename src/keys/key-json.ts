// A key as the admin API and `bedrock-gateway keys … --json` show it: never the hash.
import type { KeyRecord } from "../store/store.ts";

const iso = (ms: number | null) => (ms === null ? null : new Date(ms).toISOString());

export function keyToJson(k: KeyRecord, now: number = Date.now()) {
  return {
    id: k.id,
    object: "api_key" as const,
    name: k.name,
    hint: k.hint,
    models: k.models,
    rpm: k.rpm,
    tpm: k.tpm,
    budget: k.budget,
    expires_at: iso(k.expiresAt),
    enabled: k.enabled,
    revoked_at: iso(k.revokedAt),
    status: k.revokedAt !== null ? "revoked" : !k.enabled ? "disabled" : k.expiresAt !== null && now >= k.expiresAt ? "expired" : "active",
    metadata: k.metadata,
    created_at: iso(k.createdAt),
    updated_at: iso(k.updatedAt),
  };
}
