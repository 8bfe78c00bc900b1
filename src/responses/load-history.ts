// previous_response_id → the full conversation so far, oldest first: each stored response's input
// items, then its output items (reasoning items keep their sealed signed thinking). Instructions
// are not carried over, as in OpenAI's API.
import { errors } from "../errors/gateway-error.ts";
import type { PlacedItem } from "./convert-input.ts";
import type { InputItem } from "./request-schema.ts";
import type { ResponseStore, StoredResponse } from "./response-store.ts";

/** A guard against pathological chains; far beyond any real conversation. */
const MAX_CHAIN = 10_000;

export async function loadHistory(store: ResponseStore, id: string, keyId: string): Promise<PlacedItem[]> {
  const chain: StoredResponse[] = [];
  const seen = new Set<string>();
  let cur: string | null = id;
  while (cur && !seen.has(cur) && chain.length < MAX_CHAIN) {
    seen.add(cur);
    const r = await store.get(cur, keyId);
    // An expired or deleted ancestor ends the history there; the one named must exist.
    if (!r) {
      if (cur === id) throw errors.responseNotFound(id, "previous_response_id");
      break;
    }
    chain.unshift(r);
    cur = r.previousResponseId;
  }
  const param = "previous_response_id";
  return chain.flatMap((r) => [...r.input, ...r.response.output].map((item) => ({ item: item as unknown as InputItem, param })));
}
