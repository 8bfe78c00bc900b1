// Bedrock ConverseStream events → the canonical events every front door's stream encoder reads.
// What all three front doors need done the same way is done here, once, per choice:
// - tool names mapped back to the client's names, and a dense 0-based index per tool call;
// - structured output obtained through a forced tool: its input arrives as text (json: true);
// - tool_choice "none" with tools kept for the history: tool calls are dropped from the answer;
// - signed thinking assembled (text + signature) and kept, with the turn's tool-call ids, for the
//   thinking memory; output characters counted for usage estimates; stop reason, usage and
//   metadata kept for the end of the stream.
// The normaliser pushes into an array the caller owns (no array per event on the hot path).
import type {
  Citation,
  ConverseResponse,
  ConverseStreamEvent,
  MetadataEvent,
  ReasoningContentBlock,
  StopReason,
  TokenUsage,
} from "../bedrock/converse-types.ts";
import { responseToEvents } from "../converse/response-to-events.ts";
import type { ToolNameMap } from "../converse/tool-names.ts";

export type CanonicalEvent =
  /** Answer text; `json` when it is the structured-output tool's input. */
  | { type: "text"; choice: number; block: number; text: string; json?: true }
  | { type: "reasoning"; choice: number; block: number; text: string }
  /** The whole signed thinking block, when its signature arrives. */
  | { type: "reasoning_signed"; choice: number; block: number; text: string; signature: string }
  | { type: "reasoning_redacted"; choice: number; block: number; data: string }
  | { type: "tool_start"; choice: number; block: number; index: number; id: string; name: string }
  | { type: "tool_args"; choice: number; block: number; index: number; json: string }
  | { type: "citation"; choice: number; block: number; citation: Citation }
  | { type: "block_stop"; choice: number; block: number }
  | { type: "stop"; choice: number; reason: StopReason; hasToolCalls: boolean; additionalFields: unknown }
  | { type: "metadata"; choice: number; usage: TokenUsage | undefined; metadata: MetadataEvent };

export interface NormalizerOptions {
  toolNames: ToolNameMap;
  /** tool_choice "none" with tools kept for the history: drop tool calls from the answer. */
  suppressToolCalls: boolean;
  /** Structured output through a forced tool: its input is the answer's text. */
  jsonToolName?: string;
}

/** One choice's stream: its canonical events and what the end of the request needs to know. */
export class ChoiceNormalizer {
  readonly choice: number;
  private readonly opts: NormalizerOptions;
  private readonly toolIndexByBlock = new Map<number, number>();
  private readonly jsonBlocks = new Set<number>();
  private readonly suppressedBlocks = new Set<number>();
  private readonly thinkingText = new Map<number, string>();
  /** Signed thinking blocks and the tool-call ids of this answer (the thinking memory). */
  readonly reasoningBlocks: ReasoningContentBlock[] = [];
  readonly toolUseIds: string[] = [];
  stopReason: StopReason | undefined;
  usage: TokenUsage | undefined;
  metadata: MetadataEvent | undefined;
  additionalFields: unknown;
  /** Characters of text, reasoning and tool arguments produced (usage estimates when cut). */
  outputChars = 0;
  /** True once any content has been produced. */
  started = false;

  constructor(choice: number, opts: NormalizerOptions) {
    this.choice = choice;
    this.opts = opts;
  }

  get toolCallCount(): number {
    return this.toolIndexByBlock.size;
  }

  push(ev: ConverseStreamEvent, out: CanonicalEvent[]): void {
    const choice = this.choice;
    if ("contentBlockDelta" in ev) {
      const { delta, contentBlockIndex: block } = ev.contentBlockDelta;
      if (delta.text !== undefined) {
        if (delta.text === "") return;
        this.started = true;
        this.outputChars += delta.text.length;
        out.push({ type: "text", choice, block, text: delta.text });
      } else if (delta.toolUse) {
        const json = delta.toolUse.input;
        if (json === "") return;
        if (this.jsonBlocks.has(block)) {
          this.outputChars += json.length;
          out.push({ type: "text", choice, block, text: json, json: true });
          return;
        }
        const index = this.toolIndexByBlock.get(block);
        if (index === undefined) return;
        this.outputChars += json.length;
        out.push({ type: "tool_args", choice, block, index, json });
      } else if (delta.reasoningContent) {
        const rc = delta.reasoningContent;
        if (rc.text) {
          this.started = true;
          this.outputChars += rc.text.length;
          this.thinkingText.set(block, (this.thinkingText.get(block) ?? "") + rc.text);
          out.push({ type: "reasoning", choice, block, text: rc.text });
        }
        if (rc.signature) {
          const text = this.thinkingText.get(block) ?? "";
          this.reasoningBlocks.push({ reasoningText: { text, signature: rc.signature } });
          out.push({ type: "reasoning_signed", choice, block, text, signature: rc.signature });
        } else if (rc.redactedContent) {
          this.started = true;
          this.reasoningBlocks.push({ redactedContent: rc.redactedContent });
          out.push({ type: "reasoning_redacted", choice, block, data: rc.redactedContent });
        }
      } else if (delta.citation) {
        out.push({ type: "citation", choice, block, citation: delta.citation });
      }
      return;
    }
    if ("contentBlockStart" in ev) {
      const start = ev.contentBlockStart.start.toolUse;
      const block = ev.contentBlockStart.contentBlockIndex;
      if (!start) return;
      if (this.opts.jsonToolName && start.name === this.opts.jsonToolName) {
        this.jsonBlocks.add(block);
        this.started = true;
        return;
      }
      this.toolUseIds.push(start.toolUseId);
      if (this.opts.suppressToolCalls) {
        this.suppressedBlocks.add(block);
        return;
      }
      const index = this.toolIndexByBlock.size;
      this.toolIndexByBlock.set(block, index);
      this.started = true;
      out.push({ type: "tool_start", choice, block, index, id: start.toolUseId, name: this.opts.toolNames.clientName(start.name) });
      return;
    }
    if ("contentBlockStop" in ev) {
      const block = ev.contentBlockStop.contentBlockIndex;
      if (this.suppressedBlocks.has(block) || this.jsonBlocks.has(block)) return;
      out.push({ type: "block_stop", choice, block });
      return;
    }
    if ("messageStop" in ev) {
      this.stopReason = ev.messageStop.stopReason;
      this.additionalFields = ev.messageStop.additionalModelResponseFields;
      out.push({
        type: "stop",
        choice,
        reason: this.stopReason,
        hasToolCalls: this.toolIndexByBlock.size > 0,
        additionalFields: this.additionalFields,
      });
      return;
    }
    if ("metadata" in ev) {
      this.usage = ev.metadata.usage;
      this.metadata = ev.metadata;
      out.push({ type: "metadata", choice, usage: this.usage, metadata: ev.metadata });
    }
  }
}

/**
 * A Converse (non-streaming) answer as the canonical events its stream would have produced, so a
 * front door can assemble both kinds of answer with the same code (Responses does).
 */
export function canonicalEventsOf(res: ConverseResponse, normalizer: ChoiceNormalizer): CanonicalEvent[] {
  const out: CanonicalEvent[] = [];
  for (const ev of responseToEvents(res)) normalizer.push(ev, out);
  return out;
}
