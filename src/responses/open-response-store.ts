// Picks the ResponseStore (the store's database, or memory) and builds the reasoning sealer from
// Config (start-up I/O only).
import { randomBytes } from "node:crypto";
import type { Logger } from "pino";
import type { Config } from "../config/config.ts";
import type { Store } from "../store/store.ts";
import { loadOrCreateEncryptionKey } from "./encryption-key.ts";
import { guardedResponseStore } from "./guarded-response-store.ts";
import { memoryResponseStore } from "./memory-response-store.ts";
import { ReasoningSealer } from "./reasoning-sealer.ts";
import type { ResponseStore } from "../store/response-store.ts";

export interface ResponsesState {
  store: ResponseStore;
  sealer: ReasoningSealer;
  retentionMs: number;
}

/** The setting under which a generated sealing key is shared through the store. */
export const ENCRYPTION_KEY_SETTING = "responses_encryption_key";

/**
 * The keys that seal reasoning: RESPONSES_ENCRYPTION_KEY when configured; otherwise one generated
 * key kept in the store, so every replica sharing the database (and every Lambda instance on
 * PostgreSQL) seals and opens with the same key; a file under DATA_DIR when there is no store.
 */
async function sealingKeys(cfg: Config["responses"], store: Store | undefined): Promise<Buffer[]> {
  if (cfg.encryptionKeys.length) return cfg.encryptionKeys;
  if (!store) return [loadOrCreateEncryptionKey(cfg.dataDir)];
  const key = Buffer.from(await store.setting(ENCRYPTION_KEY_SETTING, randomBytes(32).toString("base64")), "base64");
  if (key.length !== 32) throw new Error(`the stored ${ENCRYPTION_KEY_SETTING} is not a 32-byte base64 key`);
  return [key];
}

export async function openResponsesState(cfg: Config["responses"], store: Store | undefined, logger: Logger): Promise<ResponsesState> {
  // Config says "database" only when DATABASE_URL names one, so `store` is there; memory otherwise.
  const responses =
    cfg.store === "database" && store ? guardedResponseStore(store.responses, logger) : memoryResponseStore(cfg.memoryMaxEntries);
  return { store: responses, sealer: new ReasoningSealer(await sealingKeys(cfg, store)), retentionMs: cfg.retentionMs };
}
