// Builds the configured ResponseStore and the reasoning sealer from Config (start-up I/O only).
import { join } from "node:path";
import type { Config } from "../config/config.ts";
import { loadOrCreateEncryptionKey } from "./encryption-key.ts";
import { memoryResponseStore } from "./memory-response-store.ts";
import { ReasoningSealer } from "./reasoning-sealer.ts";
import type { ResponseStore } from "./response-store.ts";

export interface ResponsesState {
  store: ResponseStore;
  sealer: ReasoningSealer;
  retentionMs: number;
}

export async function openResponsesState(cfg: Config["responses"]): Promise<ResponsesState> {
  const keys = cfg.encryptionKeys.length ? cfg.encryptionKeys : [loadOrCreateEncryptionKey(cfg.dataDir)];
  // The SQLite store (a native module) is loaded only when used: the Lambda bundle leaves it out.
  const store =
    cfg.store === "memory"
      ? memoryResponseStore(cfg.memoryMaxEntries)
      : (await import("./sqlite-response-store.ts")).sqliteResponseStore(join(cfg.dataDir, "responses.db"));
  return { store, sealer: new ReasoningSealer(keys), retentionMs: cfg.retentionMs };
}
