// Signed thinking blocks kept server-side for a bounded time, keyed by the tool-call ids of the
// turn that produced them. Claude with thinking on requires the last tool-calling assistant turn
// to be replayed starting with its thinking blocks, unchanged. Clients that replay only
// reasoning_content, or nothing at all, still work: the gateway puts the stored blocks back.
// Entries are scoped by the API key that produced them: another key presenting the same tool-call
// id gets nothing (signed thinking is one tenant's data). Memory is bounded by entry count and
// age; with several replicas a miss is possible, and then the gateway falls back to answering that
// turn without thinking (see converse/assemble-request.ts).
import type { ReasoningContentBlock } from "../bedrock/converse-types.ts";

interface Entry {
  blocks: ReasoningContentBlock[];
  expires: number;
}

export class ThinkingStore {
  private readonly entries = new Map<string, Entry>();
  private readonly ttlMs: number;
  private readonly maxEntries: number;

  constructor(ttlMs: number, maxEntries: number) {
    this.ttlMs = ttlMs;
    this.maxEntries = maxEntries;
  }

  get size(): number {
    return this.entries.size;
  }

  remember(scope: string, toolCallIds: string[], blocks: ReasoningContentBlock[], now = Date.now()): void {
    if (toolCallIds.length === 0 || blocks.length === 0 || this.maxEntries === 0) return;
    const entry = { blocks, expires: now + this.ttlMs };
    for (const id of toolCallIds) {
      const key = `${scope}\u0000${id}`;
      this.entries.delete(key); // re-insert: Map order is the eviction order
      this.entries.set(key, entry);
    }
    while (this.entries.size > this.maxEntries) this.entries.delete(this.entries.keys().next().value!);
  }

  recall(scope: string, toolCallId: string, now = Date.now()): ReasoningContentBlock[] | undefined {
    const key = `${scope}\u0000${toolCallId}`;
    const e = this.entries.get(key);
    if (!e) return undefined;
    if (e.expires <= now) {
      this.entries.delete(key);
      return undefined;
    }
    return e.blocks;
  }
}
