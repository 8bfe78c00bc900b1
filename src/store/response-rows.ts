// Row ↔ StoredResponse mapping and the purge schedule, shared by the SQLite and PostgreSQL
// response stores (migration 002). Times are epoch ms, the JSON columns text.
import type { StoredItem, StoredResponse } from "./response-store.ts";

type Row = Record<string, unknown>;

export const RESPONSE_COLUMNS = [
  "id",
  "key_id",
  "created_at",
  "expires_at",
  "previous_response_id",
  "response_json",
  "input_json",
] as const;

export function responseValues(r: StoredResponse): unknown[] {
  return [r.id, r.keyId, r.createdAt, r.expiresAt, r.previousResponseId, JSON.stringify(r.response), JSON.stringify(r.input)];
}

export function responseFromRow(r: Row): StoredResponse {
  return {
    id: String(r.id),
    keyId: String(r.key_id),
    createdAt: Number(r.created_at),
    expiresAt: Number(r.expires_at),
    previousResponseId: typeof r.previous_response_id === "string" ? r.previous_response_id : null,
    response: JSON.parse(String(r.response_json)) as StoredResponse["response"],
    input: itemsFromRow(r),
  };
}

export function itemsFromRow(r: Row): StoredItem[] {
  return JSON.parse(String(r.input_json)) as StoredItem[];
}

/** Expired rows deleted per purge: bounded, so a purge never holds the database (or SQLite's event loop) for long. */
export const PURGE_BATCH = 500;
const PURGE_EVERY_MS = 60_000;

/**
 * When a save should also purge expired rows: at most once a minute per process, which costs one
 * indexed query when nothing has expired. A full batch means more are waiting, so the next save
 * purges again until the backlog is gone. No timer: a process that stores nothing adds nothing.
 */
export function purgeSchedule(): { due(now: number): boolean; purged(rows: number): void } {
  let next = 0;
  return {
    due(now) {
      if (now < next) return false;
      next = now + PURGE_EVERY_MS;
      return true;
    },
    purged(rows) {
      if (rows >= PURGE_BATCH) next = 0;
    },
  };
}
