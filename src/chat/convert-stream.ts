// Stateful: ConverseStream events of one choice → OpenAI chunk deltas. Tool calls get a dense
// 0-based index of their own (never Bedrock's content-block index); id, type and name come in the
// first delta of a call and argument fragments after. The finish reason is known at messageStop;
// usage may arrive before or after it, so it is read at the end.
import type { ConverseStreamEvent, ReasoningContentBlock, StopReason, TokenUsage } from "../bedrock/converse-types.ts";
import type { ChunkDelta, ReasoningOutput, ThinkingBlockOut } from "./chat-types.ts";
import type { FinishReason } from "../converse/map-finish-reason.ts";
import { mapFinishReason } from "../converse/map-finish-reason.ts";
import type { ToolNameMap } from "../converse/tool-names.ts";

export interface StreamStep {
  delta?: ChunkDelta;
  finishReason?: FinishReason;
}

export interface StreamConvertOptions {
  toolNames: ToolNameMap;
  suppressToolCalls: boolean;
  reasoningOutput: ReasoningOutput;
  /** Structured output through a forced tool: its input streams as content. */
  jsonToolName?: string;
}

export class ChatStreamConverter {
  private readonly opts: StreamConvertOptions;
  private readonly toolIndexByBlock = new Map<number, number>();
  private readonly jsonBlocks = new Set<number>();
  /** Signed thinking blocks and tool-call ids of this answer, for the thinking store. */
  readonly reasoningBlocks: ReasoningContentBlock[] = [];
  readonly toolUseIds: string[] = [];
  private thinkingText = new Map<number, string>();
  private inThinkTag = false;
  stopReason: StopReason | undefined;
  usage: TokenUsage | undefined;
  metadata: Record<string, unknown> | undefined;
  additionalFields: unknown;
  /** True once any content (text, reasoning or a tool call) has been produced. */
  started = false;
  outputChars = 0;

  constructor(opts: StreamConvertOptions) {
    this.opts = opts;
  }

  get toolCallCount(): number {
    return this.toolIndexByBlock.size;
  }

  /** One Bedrock event → zero or more steps for this choice. */
  push(ev: ConverseStreamEvent): StreamStep[] {
    if ("contentBlockStart" in ev) {
      const start = ev.contentBlockStart.start.toolUse;
      if (start && this.opts.jsonToolName && start.name === this.opts.jsonToolName) {
        this.jsonBlocks.add(ev.contentBlockStart.contentBlockIndex);
        this.started = true;
        return [];
      }
      if (start) this.toolUseIds.push(start.toolUseId);
      if (!start || this.opts.suppressToolCalls) return [];
      const index = this.toolIndexByBlock.size;
      this.toolIndexByBlock.set(ev.contentBlockStart.contentBlockIndex, index);
      this.started = true;
      return [{ delta: { ...this.closeThink(), tool_calls: [{ index, id: start.toolUseId, type: "function", function: { name: this.opts.toolNames.clientName(start.name), arguments: "" } }] } }];
    }
    if ("contentBlockDelta" in ev) {
      const { delta, contentBlockIndex } = ev.contentBlockDelta;
      if (delta.text !== undefined) {
        if (delta.text === "") return [];
        this.started = true;
        this.outputChars += delta.text.length;
        return [{ delta: { ...this.closeThinkContent(delta.text) } }];
      }
      if (delta.toolUse && this.jsonBlocks.has(contentBlockIndex)) {
        if (delta.toolUse.input === "") return [];
        this.outputChars += delta.toolUse.input.length;
        return [{ delta: { content: delta.toolUse.input } }];
      }
      if (delta.toolUse) {
        const index = this.toolIndexByBlock.get(contentBlockIndex);
        if (index === undefined || delta.toolUse.input === "") return [];
        this.outputChars += delta.toolUse.input.length;
        return [{ delta: { tool_calls: [{ index, function: { arguments: delta.toolUse.input } }] } }];
      }
      if (delta.reasoningContent) return this.reasoning(contentBlockIndex, delta.reasoningContent);
      if (delta.citation) return [];
      return [];
    }
    if ("messageStop" in ev) {
      this.stopReason = ev.messageStop.stopReason;
      this.additionalFields = ev.messageStop.additionalModelResponseFields;
      const close = this.closeThink();
      return [...(close.content ? [{ delta: close }] : []), { finishReason: mapFinishReason(this.stopReason, this.toolCallCount > 0) }];
    }
    if ("metadata" in ev) {
      this.usage = ev.metadata.usage;
      this.metadata = ev.metadata as unknown as Record<string, unknown>;
    }
    return [];
  }

  private reasoning(block: number, rc: { text?: string; signature?: string; redactedContent?: string }): StreamStep[] {
    const mode = this.opts.reasoningOutput;
    if (rc.text !== undefined && rc.text !== "") {
      this.started = true;
      this.outputChars += rc.text.length;
      this.thinkingText.set(block, (this.thinkingText.get(block) ?? "") + rc.text);
      if (mode === "reasoning_content") return [{ delta: { reasoning_content: rc.text } }];
      if (mode === "think-tags") {
        const open = this.inThinkTag ? "" : "<think>";
        this.inThinkTag = true;
        return [{ delta: { content: open + rc.text } }];
      }
      return [];
    }
    // Signatures and redacted blocks arrive whole: hand the complete block to the client to replay.
    if (rc.signature) this.reasoningBlocks.push({ reasoningText: { text: this.thinkingText.get(block) ?? "", signature: rc.signature } });
    else if (rc.redactedContent) this.reasoningBlocks.push({ redactedContent: rc.redactedContent });
    if (mode === "omit") return [];
    let block_: ThinkingBlockOut | undefined;
    if (rc.signature) block_ = { type: "thinking", thinking: this.thinkingText.get(block) ?? "", signature: rc.signature };
    else if (rc.redactedContent) block_ = { type: "redacted_thinking", data: rc.redactedContent };
    return block_ ? [{ delta: { thinking_blocks: [block_] } }] : [];
  }

  private closeThink(): ChunkDelta {
    if (!this.inThinkTag) return {};
    this.inThinkTag = false;
    return { content: "</think>" };
  }

  private closeThinkContent(text: string): ChunkDelta {
    const close = this.closeThink();
    return { content: (close.content ?? "") + text };
  }
}
