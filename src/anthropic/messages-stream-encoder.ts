// Canonical stream events → Anthropic's SSE events, exactly as Anthropic sends them:
// message_start, then per content block content_block_start / content_block_delta (text_delta,
// input_json_delta, thinking_delta, signature_delta) / content_block_stop with dense indexes,
// then message_delta (stop_reason, stop_sequence, usage) and message_stop. Bedrock starts text and
// reasoning blocks directly with deltas, so a block is opened on its first delta. An error after
// the first byte becomes `event: error` and the stream ends without message_stop.
import type { GatewayError } from "../errors/gateway-error.ts";
import type { SseEvent } from "../pipeline/sse-event.ts";
import type { CanonicalEvent, ChoiceNormalizer } from "../pipeline/canonical-events.ts";
import type { StreamEncoder, Terminal } from "../pipeline/stream-engine.ts";
import { toAnthropicError } from "./anthropic-errors.ts";
import { convertUsage, mapStopReason, stopSequenceOf } from "./messages-response.ts";

export interface MessagesStreamOptions {
  id: string;
  /** The model as the client named it. */
  model: string;
  requestId: string;
  /** Shown in message_start; the exact count comes in message_delta at the end. */
  estimatedInputTokens: number;
  /** The request's stop_sequences (to name the one that stopped the model). */
  stopSequences: string[] | undefined;
}

type Kind = "text" | "thinking" | "redacted_thinking" | "tool_use";

const ev = (data: { type: string; [k: string]: unknown }): SseEvent => ({ event: data.type, data });

export class MessagesStreamEncoder implements StreamEncoder<never> {
  private readonly opts: MessagesStreamOptions;
  private next = 0;
  private open: { block: number; index: number; kind: Kind } | undefined;

  constructor(opts: MessagesStreamOptions) {
    this.opts = opts;
  }

  private close(out: SseEvent[]): void {
    if (!this.open) return;
    out.push(ev({ type: "content_block_stop", index: this.open.index }));
    this.open = undefined;
  }

  private begin(block: number, kind: Kind, content: Record<string, unknown>, out: SseEvent[]): number {
    this.close(out);
    const index = this.next++;
    this.open = { block, index, kind };
    out.push(ev({ type: "content_block_start", index, content_block: content }));
    return index;
  }

  /** The open block for a Bedrock block of this kind, opened if needed. */
  private blockFor(block: number, kind: "text" | "thinking", out: SseEvent[]): number {
    if (this.open?.block === block && this.open.kind === kind) return this.open.index;
    return kind === "text"
      ? this.begin(block, "text", { type: "text", text: "", citations: null }, out)
      : this.begin(block, "thinking", { type: "thinking", thinking: "", signature: "" }, out);
  }

  start(): SseEvent[] {
    const n = this.opts.estimatedInputTokens;
    return [
      ev({
        type: "message_start",
        message: {
          id: this.opts.id,
          type: "message",
          role: "assistant",
          model: this.opts.model,
          content: [],
          stop_reason: null,
          stop_sequence: null,
          stop_details: null,
          container: null,
          usage: { ...convertUsage({ inputTokens: n, outputTokens: 1, totalTokens: n + 1 }), cache_creation: null },
        },
      }),
    ];
  }

  push(e: CanonicalEvent, out: SseEvent[]): void {
    switch (e.type) {
      case "text": {
        const index = this.blockFor(e.block, "text", out);
        out.push(ev({ type: "content_block_delta", index, delta: { type: "text_delta", text: e.text } }));
        return;
      }
      case "tool_start":
        this.begin(e.block, "tool_use", { type: "tool_use", id: e.id, name: e.name, input: {}, caller: { type: "direct" } }, out);
        return;
      case "tool_args":
        if (this.open?.block === e.block)
          out.push(ev({ type: "content_block_delta", index: this.open.index, delta: { type: "input_json_delta", partial_json: e.json } }));
        return;
      case "reasoning": {
        const index = this.blockFor(e.block, "thinking", out);
        out.push(ev({ type: "content_block_delta", index, delta: { type: "thinking_delta", thinking: e.text } }));
        return;
      }
      case "reasoning_signed": {
        const index = this.blockFor(e.block, "thinking", out);
        out.push(ev({ type: "content_block_delta", index, delta: { type: "signature_delta", signature: e.signature } }));
        return;
      }
      case "reasoning_redacted":
        this.begin(e.block, "redacted_thinking", { type: "redacted_thinking", data: e.data }, out);
        return;
      case "block_stop":
        if (this.open?.block === e.block) this.close(out);
        return;
      case "stop":
        this.close(out);
        return;
      case "citation":
      case "metadata":
        return;
    }
  }

  end(choices: readonly ChoiceNormalizer[]): Terminal<never> {
    const c = choices[0]!;
    const events: SseEvent[] = [];
    this.close(events);
    const stop = mapStopReason(c.stopReason, c.toolCallCount > 0);
    events.push(
      ev({
        type: "message_delta",
        delta: {
          stop_reason: stop,
          stop_sequence: stopSequenceOf({ additionalModelResponseFields: c.additionalFields }, stop, this.opts.stopSequences),
          stop_details: null,
          container: null,
        },
        usage: convertUsage(c.usage, false),
      }),
      ev({ type: "message_stop" }),
    );
    return { events };
  }

  fail(err: GatewayError): Terminal<never> {
    return { events: [ev(toAnthropicError(err, this.opts.requestId).body)] };
  }
}
