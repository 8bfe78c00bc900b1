// Canonical stream events → the OpenAI chat.completion.chunk sequence: a role delta per choice
// first, content and tool-call deltas as they arrive, a finish chunk per choice, then (with
// stream_options.include_usage) one chunk with `choices: []` and the usage, then [DONE]. Every
// chunk carries the same id and created. An error after the first byte becomes
// `data: {"error": …}` and the stream ends, which the OpenAI SDKs raise as APIError.
import type { TokenUsage } from "../bedrock/converse-types.ts";
import { bedrockExtras } from "../converse/bedrock-extras.ts";
import { mapFinishReason } from "../converse/map-finish-reason.ts";
import { toOpenAIErrorBody } from "../errors/gateway-error.ts";
import type { GatewayError } from "../errors/gateway-error.ts";
import type { SseEvent } from "../pipeline/sse-event.ts";
import type { CanonicalEvent, ChoiceNormalizer } from "../pipeline/canonical-events.ts";
import type { StreamEncoder, Terminal } from "../pipeline/stream-engine.ts";
import type { ChatCompletionChunkOut, ChunkChoice, ChunkDelta, ReasoningOutput } from "./chat-types.ts";
import { SYSTEM_FINGERPRINT } from "./chat-types.ts";
import { addUsage, convertUsage } from "./chat-usage.ts";

export interface ChatStreamOptions {
  id: string;
  created: number;
  /** The model as the client named it. */
  model: string;
  choices: number;
  includeUsage: boolean;
  reasoningOutput: ReasoningOutput;
}

export class ChatStreamEncoder implements StreamEncoder<never> {
  private readonly opts: ChatStreamOptions;
  /** Per choice: reasoning is being streamed inside <think>…</think> in content. */
  private readonly inThinkTag: boolean[];
  private serviceTier: string | undefined;

  constructor(opts: ChatStreamOptions) {
    this.opts = opts;
    this.inThinkTag = new Array<boolean>(opts.choices).fill(false);
  }

  private chunk(choices: ChunkChoice[]): ChatCompletionChunkOut {
    return {
      id: this.opts.id,
      object: "chat.completion.chunk",
      created: this.opts.created,
      model: this.opts.model,
      system_fingerprint: SYSTEM_FINGERPRINT,
      ...(this.serviceTier ? { service_tier: this.serviceTier } : {}),
      choices,
    };
  }

  private delta(index: number, delta: ChunkDelta): SseEvent {
    return { data: this.chunk([{ index, delta, finish_reason: null, logprobs: null }]) };
  }

  /** The chunk JSON up to its choice: the same for every chunk until the service tier is known. */
  private prefix: string | undefined;

  /**
   * A chunk whose delta is one text field (`content`, `reasoning_content`): the hot path, one per
   * token. Rendered as the exact JSON `delta()` would produce, from a prefix made once per stream:
   * serialising the whole chunk object per token was the largest item of a streamed token's CPU.
   */
  private textDelta(index: number, field: "content" | "reasoning_content", text: string): SseEvent {
    // `{…,"choices":[]}` without its last two characters is everything before the first choice.
    this.prefix ??= JSON.stringify(this.chunk([])).slice(0, -2);
    return {
      data: `${this.prefix}{"index":${index},"delta":{"${field}":${JSON.stringify(text)}},"finish_reason":null,"logprobs":null}]}`,
    };
  }

  /** "</think>" when reasoning was being streamed as think-tags and something else starts. */
  private closeThink(choice: number): string {
    if (!this.inThinkTag[choice]) return "";
    this.inThinkTag[choice] = false;
    return "</think>";
  }

  start(): SseEvent[] {
    return Array.from({ length: this.opts.choices }, (_, i) => this.delta(i, { role: "assistant", content: "" }));
  }

  push(e: CanonicalEvent, out: SseEvent[]): void {
    const i = e.choice;
    const mode = this.opts.reasoningOutput;
    switch (e.type) {
      case "text":
        out.push(this.textDelta(i, "content", e.json ? e.text : this.closeThink(i) + e.text));
        return;
      case "tool_start": {
        const close = this.closeThink(i);
        out.push(
          this.delta(i, {
            ...(close ? { content: close } : {}),
            tool_calls: [{ index: e.index, id: e.id, type: "function", function: { name: e.name, arguments: "" } }],
          }),
        );
        return;
      }
      case "tool_args":
        out.push(this.delta(i, { tool_calls: [{ index: e.index, function: { arguments: e.json } }] }));
        return;
      case "reasoning":
        if (mode === "reasoning_content") out.push(this.textDelta(i, "reasoning_content", e.text));
        else if (mode === "think-tags") {
          const open = this.inThinkTag[i] ? "" : "<think>";
          this.inThinkTag[i] = true;
          out.push(this.textDelta(i, "content", open + e.text));
        }
        return;
      case "reasoning_signed":
        // The whole signed block, for clients that replay thinking with tool results.
        if (mode !== "omit") out.push(this.delta(i, { thinking_blocks: [{ type: "thinking", thinking: e.text, signature: e.signature }] }));
        return;
      case "reasoning_redacted":
        if (mode !== "omit") out.push(this.delta(i, { thinking_blocks: [{ type: "redacted_thinking", data: e.data }] }));
        return;
      case "stop": {
        const close = this.closeThink(i);
        if (close) out.push(this.delta(i, { content: close }));
        out.push({ data: this.chunk([{ index: i, delta: {}, finish_reason: mapFinishReason(e.reason, e.hasToolCalls), logprobs: null }]) });
        return;
      }
      case "metadata":
        if (e.metadata.serviceTier?.type) {
          this.serviceTier = e.metadata.serviceTier.type;
          this.prefix = undefined; // later chunks name the tier
        }
        return;
      case "citation":
      case "block_stop":
        return;
    }
  }

  end(choices: readonly ChoiceNormalizer[]): Terminal<never> {
    const total = choices.reduce<TokenUsage | undefined>((acc, c) => addUsage(acc, c.usage), undefined);
    // Bedrock-specific results (guardrail trace, performance config) arrive in metadata at the end.
    const c0 = choices[0];
    const bedrock = bedrockExtras(c0 && { ...c0.metadata, additionalModelResponseFields: c0.additionalFields });
    const events: SseEvent[] = [];
    if (this.opts.includeUsage) events.push({ data: { ...this.chunk([]), usage: convertUsage(total), ...(bedrock ? { bedrock } : {}) } });
    // The service tier Bedrock used is known only from the final metadata: say it in a last chunk.
    else if (bedrock || this.serviceTier) events.push({ data: { ...this.chunk([]), ...(bedrock ? { bedrock } : {}) } });
    events.push({ data: "[DONE]" });
    return { events };
  }

  fail(err: GatewayError): Terminal<never> {
    return { events: [{ data: toOpenAIErrorBody(err) }] };
  }
}
