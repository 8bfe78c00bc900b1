// Stored conversations (the Responses API's `store` and `previous_response_id`): the history a
// request continues is loaded before the model is called, and the final Response is kept before
// its terminal event is sent, so a chained request always finds it. Scoped to the calling key.
import type { Context } from "hono";
import type { AppDeps, AppEnv } from "../http/app-env.ts";
import { loadHistory } from "../responses/load-history.ts";
import type { PlacedItem } from "../responses/responses-input.ts";
import type { KeptResponse } from "../responses/responses-codec.ts";

/** Stored responses and thinking memory belong to the key that made them; without auth, to everyone. */
export const keyIdOf = (c: Context<AppEnv>): string => c.get("principal")?.keyId ?? "anonymous";

export function loadConversation(
  deps: AppDeps,
  c: Context<AppEnv>,
  previousResponseId: string | undefined,
): Promise<PlacedItem[]> | PlacedItem[] {
  if (!previousResponseId) return [];
  return loadHistory(deps.responses.store, previousResponseId, keyIdOf(c));
}

export async function keepResponse(deps: AppDeps, c: Context<AppEnv>, kept: KeptResponse): Promise<void> {
  const now = Date.now();
  await deps.responses.store.save({
    id: kept.response.id,
    keyId: keyIdOf(c),
    createdAt: now,
    expiresAt: now + deps.responses.retentionMs,
    previousResponseId: kept.previousResponseId,
    response: kept.response,
    input: kept.input,
  });
}
