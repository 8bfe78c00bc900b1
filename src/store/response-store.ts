// Stored Responses (`store: true`, the API's default): the response and the input items it was
// created from, scoped to the API key that created it and kept for a retention period. Another key
// sees nothing (404, never 403, so ids do not leak). Implemented by the gateway's store (SQLite or
// PostgreSQL: src/store/*-response-store.ts, so replicas sharing PostgreSQL share stored responses)
// and by a bounded in-memory map (src/responses/memory-response-store.ts); all three pass the same contract tests.
import type { ResponseObject } from "../responses/response-types.ts";

/** An input item as it is listed by GET /v1/responses/{id}/input_items (always with an id). */
export type StoredItem = { id: string; type: string } & Record<string, unknown>;

export interface StoredResponse {
  id: string;
  /** The principal's keyId: the only one that may read, chain or delete it. */
  keyId: string;
  /** Epoch ms. */
  createdAt: number;
  expiresAt: number;
  previousResponseId: string | null;
  /** The Response with reasoning items' encrypted_content, which is how a chain replays signed thinking. */
  response: ResponseObject;
  input: StoredItem[];
}

export interface ItemPageQuery {
  limit: number;
  order: "asc" | "desc";
  after?: string;
  before?: string;
}

export interface ItemPage {
  data: StoredItem[];
  has_more: boolean;
  first_id: string | null;
  last_id: string | null;
}

/** A guard against pathological chains; far beyond any real conversation. */
export const MAX_CHAIN = 10_000;

export interface ResponseStore {
  readonly kind: "sqlite" | "postgres" | "memory";
  /** Saves, replacing a response with the same id. */
  save(r: StoredResponse): Promise<void>;
  /** The response when it exists, has not expired and belongs to keyId. */
  get(id: string, keyId: string, now?: number): Promise<StoredResponse | undefined>;
  /**
   * The response and its ancestors through previousResponseId, oldest first, in one call (one
   * query for the databases, not one per turn). The chain ends before an ancestor that is missing,
   * expired or another key's, and after MAX_CHAIN responses; empty when `id` itself is not visible.
   */
  chain(id: string, keyId: string, now?: number): Promise<StoredResponse[]>;
  /** True when something was deleted. */
  delete(id: string, keyId: string): Promise<boolean>;
  /** A page of a response's input items, or undefined when the response is not visible to keyId. */
  listInputItems(id: string, keyId: string, q: ItemPageQuery, now?: number): Promise<ItemPage | undefined>;
  /** Releases what the store holds (a database-backed one leaves its connection to the Store that owns it). */
  close(): Promise<void>;
}

/** Pages items by id cursors, in either order (shared by the implementations). */
export function pageItems(items: StoredItem[], q: ItemPageQuery): ItemPage {
  let list = q.order === "desc" ? [...items].reverse() : items;
  if (q.after !== undefined) {
    const i = list.findIndex((x) => x.id === q.after);
    list = i < 0 ? [] : list.slice(i + 1);
  }
  if (q.before !== undefined) {
    const i = list.findIndex((x) => x.id === q.before);
    list = i < 0 ? [] : list.slice(0, i);
  }
  const data = list.slice(0, q.limit);
  return { data, has_more: list.length > data.length, first_id: data[0]?.id ?? null, last_id: data.at(-1)?.id ?? null };
}
