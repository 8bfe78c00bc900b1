// Pure: repairs a converted conversation into one Bedrock accepts, without losing what the user
// sent. Bedrock wants: a user message first, strict user/assistant alternation, no blank text,
// tool results first in the user turn that answers the calls of the turn before, and every call
// answered. Clients (and histories edited by hand) break each of these rules.
import type { ContentBlock, Message, SystemContentBlock } from "../bedrock/converse-types.ts";

/** Text of the user turn inserted when a conversation starts with the assistant (documented). */
export const CONVERSATION_START = "(start of conversation)";
/** Tool result inserted for a tool call the client never answered. */
export const MISSING_TOOL_RESULT = "No result was provided for this tool call.";

const isBlankText = (b: ContentBlock) => "text" in b && b.text.trim() === "";

function withoutBlanks(blocks: ContentBlock[]): ContentBlock[] {
  const out: ContentBlock[] = [];
  for (const b of blocks) {
    if (isBlankText(b)) continue;
    // A cache point needs content before it; drop one left dangling by a removed blank block.
    if ("cachePoint" in b && (out.length === 0 || "cachePoint" in out[out.length - 1]!)) continue;
    out.push(b);
  }
  return out;
}

/** Tool results must lead a user turn (Claude requires it); the rest keeps its order. */
function toolResultsFirst(blocks: ContentBlock[]): ContentBlock[] {
  const results = blocks.filter((b) => "toolResult" in b);
  if (results.length === 0 || results.length === blocks.length) return blocks;
  return [...results, ...blocks.filter((b) => !("toolResult" in b))];
}

function merge(messages: Message[]): Message[] {
  const out: Message[] = [];
  for (const m of messages) {
    const content = withoutBlanks(m.content);
    if (content.length === 0) continue;
    const prev = out[out.length - 1];
    if (prev && prev.role === m.role) prev.content = [...prev.content, ...content];
    else out.push({ role: m.role, content });
  }
  for (const m of out) if (m.role === "user") m.content = toolResultsFirst(m.content);
  return out;
}

function toolUseIds(m: Message | undefined): string[] {
  if (!m || m.role !== "assistant") return [];
  return m.content.flatMap((b) => ("toolUse" in b ? [b.toolUse.toolUseId] : []));
}

function resultText(b: Extract<ContentBlock, { toolResult: unknown }>): string {
  return b.toolResult.content.map((c) => ("text" in c ? c.text : "json" in c ? JSON.stringify(c.json) : "")).join("\n");
}

/** Pair tool calls and results: answer unanswered calls, turn orphan results into text. */
function repairToolPairs(messages: Message[]): Message[] {
  const out: Message[] = [];
  for (let i = 0; i < messages.length; i++) {
    const m = messages[i]!;
    if (m.role === "user") {
      const open = new Set(toolUseIds(out[out.length - 1]));
      m.content = m.content.map((b) => {
        if ("toolResult" in b && !open.has(b.toolResult.toolUseId)) {
          // A result for a call Bedrock never saw would be rejected; keep its content as text.
          return { text: `Result of tool call ${b.toolResult.toolUseId}:\n${resultText(b)}` };
        }
        return b;
      });
      m.content = toolResultsFirst(m.content);
    }
    out.push(m);
    const calls = toolUseIds(m);
    if (calls.length === 0) continue;
    const next = messages[i + 1];
    const answered = new Set(next?.role === "user" ? next.content.flatMap((b) => ("toolResult" in b ? [b.toolResult.toolUseId] : [])) : []);
    const missing: ContentBlock[] = calls
      .filter((id) => !answered.has(id))
      .map((toolUseId) => ({ toolResult: { toolUseId, status: "error", content: [{ text: MISSING_TOOL_RESULT }] } }));
    if (missing.length === 0) continue;
    if (next?.role === "user") next.content = [...missing, ...next.content];
    else {
      out.push({ role: "user", content: missing });
    }
  }
  return out;
}

export interface NormalizeOptions {
  /** Models without system prompt support get the system text at the start of the first user turn. */
  systemPrompt: boolean;
}

export function normalizeConversation(
  system: SystemContentBlock[],
  messages: Message[],
  opts: NormalizeOptions,
): { system: SystemContentBlock[]; messages: Message[] } {
  let sys = system.filter((b) => !("text" in b) || b.text.trim() !== "");
  while (sys.length > 0 && "cachePoint" in sys[0]!) sys = sys.slice(1);
  let msgs = merge(messages.map((m) => ({ role: m.role, content: [...m.content] })));
  if (msgs.length === 0 || msgs[0]!.role !== "user") {
    msgs = [{ role: "user", content: [{ text: CONVERSATION_START }] }, ...msgs];
  }
  msgs = merge(repairToolPairs(msgs));

  if (!opts.systemPrompt && sys.length > 0) {
    const text = sys.flatMap((b) => ("text" in b ? [b.text] : [])).join("\n");
    msgs[0]!.content = [{ text }, ...msgs[0]!.content];
    sys = [];
  }
  return { system: sys, messages: msgs };
}

/** Tool names used in a history, for a toolConfig Bedrock demands when none was sent. */
export function toolNamesInHistory(messages: Message[]): string[] {
  const names = new Set<string>();
  for (const m of messages) for (const b of m.content) if ("toolUse" in b) names.add(b.toolUse.name);
  return [...names];
}

export function hasToolBlocks(messages: Message[]): boolean {
  return messages.some((m) => m.content.some((b) => "toolUse" in b || "toolResult" in b));
}
