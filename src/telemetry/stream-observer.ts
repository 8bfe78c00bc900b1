// Reads what a GenAI span needs out of ConverseStream events as they pass: the first content
// delta (time to first token), messageStop's stop reason, metadata's usage and, only when content
// capture is on, the assembled output message (bounded). Pure: no OTel, no clock of its own.
import type { ContentBlock, ConverseStreamEvent, JsonValue, Message, StopReason, TokenUsage } from "../bedrock/converse-types.ts";
import { MAX_CONTENT_CHARS } from "./genai-attributes.ts";

interface BlockDraft {
  text: string;
  reasoning: string;
  tool?: { toolUseId: string; name: string; input: string };
}

export class StreamObserver {
  stopReason: StopReason | undefined;
  usage: TokenUsage | undefined;
  /** True once the first content delta has passed. */
  sawContent = false;
  private readonly blocks: BlockDraft[] | undefined;
  private captured = 0;

  constructor(captureContent: boolean) {
    this.blocks = captureContent ? [] : undefined;
  }

  /** Returns true for the event that carried the first content (the time-to-first-token mark). */
  observe(ev: ConverseStreamEvent): boolean {
    if ("contentBlockDelta" in ev) {
      const first = !this.sawContent;
      this.sawContent = true;
      if (this.blocks) this.capture(ev.contentBlockDelta.contentBlockIndex, ev.contentBlockDelta.delta);
      return first;
    }
    if ("messageStop" in ev) this.stopReason = ev.messageStop.stopReason;
    else if ("metadata" in ev) this.usage = ev.metadata.usage;
    else if ("contentBlockStart" in ev && this.blocks) {
      const tool = ev.contentBlockStart.start.toolUse;
      if (tool) this.block(ev.contentBlockStart.contentBlockIndex).tool = { toolUseId: tool.toolUseId, name: tool.name, input: "" };
    }
    return false;
  }

  /** The streamed assistant message, for gen_ai.output.messages (content capture only). */
  message(): Message | undefined {
    if (!this.blocks) return undefined;
    const content: ContentBlock[] = [];
    for (const b of this.blocks) {
      if (!b) continue;
      if (b.reasoning) content.push({ reasoningContent: { reasoningText: { text: b.reasoning } } });
      if (b.text) content.push({ text: b.text });
      if (b.tool) content.push({ toolUse: { toolUseId: b.tool.toolUseId, name: b.tool.name, input: parseToolInput(b.tool.input) } });
    }
    return { role: "assistant", content };
  }

  private block(index: number): BlockDraft {
    const blocks = this.blocks!;
    // Indexes come from Bedrock; a sparse or huge index must not allocate a huge array.
    if (index < 0 || index > 1024) index = blocks.length;
    return (blocks[index] ??= { text: "", reasoning: "" });
  }

  private capture(index: number, delta: { text?: string; toolUse?: { input: string }; reasoningContent?: { text?: string } }): void {
    // What is kept is bounded like the attribute it becomes: a long stream costs no more memory.
    if (this.captured >= MAX_CONTENT_CHARS) return;
    const b = this.block(index);
    const piece = delta.text ?? delta.toolUse?.input ?? delta.reasoningContent?.text ?? "";
    const kept = piece.slice(0, MAX_CONTENT_CHARS - this.captured);
    this.captured += kept.length;
    if (delta.text !== undefined) b.text += kept;
    else if (delta.toolUse && b.tool) b.tool.input += kept;
    else if (delta.reasoningContent?.text !== undefined) b.reasoning += kept;
  }
}

function parseToolInput(input: string): JsonValue {
  try {
    return JSON.parse(input) as JsonValue;
  } catch {
    return input;
  }
}
