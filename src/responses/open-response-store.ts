// Picks the ResponseStore (the store's database, or memory) and builds the reasoning sealer from
// Config (start-up I/O only).
import type { Logger } from "pino";
import type { Config } from "../config/config.ts";
import type { Store } from "../store/store.ts";
import { loadOrCreateEncryptionKey } from "./encryption-key.ts";
import { guardedResponseStore } from "./guarded-response-store.ts";
import { memoryResponseStore } from "./memory-response-store.ts";
import { ReasoningSealer } from "./reasoning-sealer.ts";
import type { ResponseStore } from "./response-store.ts";

export interface ResponsesState {
  store: ResponseStore;
  sealer: ReasoningSealer;
  retentionMs: number;
}

export function openResponsesState(cfg: Config["responses"], store: Store | undefined, logger: Logger): ResponsesState {
  const keys = cfg.encryptionKeys.length ? cfg.encryptionKeys : [loadOrCreateEncryptionKey(cfg.dataDir)];
  // Config says "database" only when DATABASE_URL names one, so `store` is there; memory otherwise.
  const responses = cfg.store === "database" && store ? guardedResponseStore(store.responses, logger) : memoryResponseStore(cfg.memoryMaxEntries);
  if (responses.kind === "postgres" && cfg.encryptionKeys.length === 0) {
    // Stored reasoning is sealed with this key: a replica with a key of its own cannot replay a
    // chain another replica stored (400 invalid_encrypted_content).
    logger.warn("RESPONSES_ENCRYPTION_KEY is not set: each replica sharing PostgreSQL generates its own, so a previous_response_id with reasoning stored by another replica is refused. Set one key on every replica.");
  }
  return { store: responses, sealer: new ReasoningSealer(keys), retentionMs: cfg.retentionMs };
}
