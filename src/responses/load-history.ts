// previous_response_id → the full conversation so far, oldest first: each stored response's input
// items, then its output items (reasoning items keep their sealed signed thinking). Instructions
// are not carried over, as in OpenAI's API.
import { errors } from "../errors/gateway-error.ts";
import type { PlacedItem } from "./responses-input.ts";
import type { InputItem } from "./request-schema.ts";
import type { ResponseStore } from "../store/response-store.ts";

export async function loadHistory(store: ResponseStore, id: string, keyId: string): Promise<PlacedItem[]> {
  // An expired or deleted ancestor ends the history there; the one named must exist.
  const chain = await store.chain(id, keyId);
  if (chain.length === 0) throw errors.responseNotFound(id, "previous_response_id");
  const param = "previous_response_id";
  return chain.flatMap((r) => [...r.input, ...r.response.output].map((item) => ({ item: item as unknown as InputItem, param })));
}
