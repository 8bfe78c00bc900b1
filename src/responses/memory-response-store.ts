// A bounded in-memory ResponseStore: used when there is no database (DATABASE_URL=none, Lambda's
// default) or when RESPONSES_STORE=memory asks for it, for a single process that may lose its
// stored responses on restart. The oldest entries are evicted first.
import type { ItemPage, ItemPageQuery, ResponseStore, StoredResponse } from "../store/response-store.ts";
import { MAX_CHAIN, pageItems } from "../store/response-store.ts";

export function memoryResponseStore(maxEntries: number): ResponseStore {
  const entries = new Map<string, StoredResponse>();
  const visible = (id: string, keyId: string, now: number) => {
    const r = entries.get(id);
    if (!r || r.keyId !== keyId || r.expiresAt <= now) return undefined;
    return r;
  };
  return {
    kind: "memory",
    async save(r) {
      entries.delete(r.id);
      // Insertion order is (about) expiry order: drop expired entries from the front.
      const now = Date.now();
      for (const [id, e] of entries) {
        if (e.expiresAt > now) break;
        entries.delete(id);
      }
      // Structured clones: callers must not be able to change what was stored.
      entries.set(r.id, structuredClone(r));
      while (entries.size > maxEntries) entries.delete(entries.keys().next().value!);
    },
    async get(id, keyId, now = Date.now()) {
      const r = visible(id, keyId, now);
      return r && structuredClone(r);
    },
    async chain(id, keyId, now = Date.now()) {
      const out: StoredResponse[] = [];
      let r = visible(id, keyId, now);
      while (r && out.length < MAX_CHAIN) {
        out.push(structuredClone(r));
        r = r.previousResponseId === null ? undefined : visible(r.previousResponseId, keyId, now);
      }
      return out.reverse();
    },
    async delete(id, keyId) {
      if (!visible(id, keyId, Date.now())) return false;
      return entries.delete(id);
    },
    async listInputItems(id: string, keyId: string, q: ItemPageQuery, now = Date.now()): Promise<ItemPage | undefined> {
      const r = visible(id, keyId, now);
      return r && structuredClone(pageItems(r.input, q));
    },
    async close() {
      entries.clear();
    },
  };
}
