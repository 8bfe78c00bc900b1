// Key lifecycle, shared by the CLI and the admin API: create and rotate return the secret token
// exactly once; only its hash is stored. Revocation is permanent; `enabled` can be toggled.
import { errors } from "../errors/gateway-error.ts";
import type { KeyRecord, Store } from "../store/store.ts";
import type { KeySpec } from "./key-spec.ts";
import { generateKeyToken, hashKeyToken, keyHint } from "./key-token.ts";

export interface IssuedKey {
  key: KeyRecord;
  /** The secret token. Shown once; it cannot be recovered later. */
  secret: string;
}

export interface KeyService {
  create(spec: KeySpec): Promise<IssuedKey>;
  get(id: string): Promise<KeyRecord>;
  list(): Promise<KeyRecord[]>;
  update(id: string, spec: KeySpec): Promise<KeyRecord>;
  revoke(id: string): Promise<KeyRecord>;
  rotate(id: string): Promise<IssuedKey>;
}

function definedOnly<T extends object>(o: T): Partial<T> {
  return Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined)) as Partial<T>;
}

/**
 * `changed(id)` is told after every update, revocation and rotation, so the key verifier of this
 * process can drop its cached copy at once (a rotated-out secret must stop working here now, not
 * after KEY_CACHE_TTL).
 */
export function createKeyService(store: Store, now: () => number = Date.now, changed: (id: string) => void = () => {}): KeyService {
  const get = async (id: string) => {
    const k = await store.getKey(id);
    if (!k) throw errors.keyNotFound(id);
    return k;
  };
  return {
    async create(spec) {
      if (!spec.name) throw errors.invalidRequest("A key needs a name.", "name", "missing_required_parameter");
      const { id, token } = generateKeyToken();
      const key = await store.insertKey(
        {
          id,
          name: spec.name,
          secretHash: hashKeyToken(token),
          hint: keyHint(token),
          models: spec.models ?? null,
          rpm: spec.rpm ?? null,
          tpm: spec.tpm ?? null,
          budget: spec.budget ?? null,
          expiresAt: spec.expiresAt ?? null,
          enabled: spec.enabled ?? true,
          metadata: spec.metadata ?? {},
        },
        now(),
      );
      return { key, secret: token };
    },
    get,
    list: () => store.listKeys(),
    async update(id, spec) {
      const current = await get(id);
      if (current.revokedAt !== null && spec.enabled === true) {
        throw errors.invalidRequest(`Key ${id} has been revoked and cannot be enabled again; create a new key.`, "enabled");
      }
      const patch = definedOnly(spec);
      if (Object.keys(patch).length === 0) return current;
      const updated = (await store.updateKey(id, patch, now())) ?? (await get(id));
      changed(id);
      return updated;
    },
    async revoke(id) {
      const current = await get(id);
      if (current.revokedAt !== null) return current;
      const t = now();
      const revoked = (await store.updateKey(id, { revokedAt: t, enabled: false }, t)) ?? (await get(id));
      changed(id);
      return revoked;
    },
    async rotate(id) {
      const current = await get(id);
      if (current.revokedAt !== null) throw errors.invalidRequest(`Key ${id} has been revoked; create a new key.`, "id");
      const { token } = generateKeyToken(id);
      const key = (await store.updateKey(id, { secretHash: hashKeyToken(token), hint: keyHint(token) }, now())) ?? current;
      changed(id);
      return { key, secret: token };
    },
  };
}
