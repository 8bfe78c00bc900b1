// Stateful: Responses stream events → chat.completion.chunk objects, for a Chat Completions client
// of a Responses-only model. Every chunk carries the same id and created; tool calls get dense
// indexes from 0 in the order the model starts them; usage comes last (choices: []) when the
// client asked for it. A failed response or an error event becomes a thrown mid-stream BedrockError.
import { BedrockError } from "../../bedrock/bedrock-error.ts";
import type { Json, ResponseObjectIn } from "./openai-shapes.ts";
import { chatUsageOf, finishReasonOf } from "./response-to-chat-completion.ts";

/** An error the model reported inside a stream that had already started. */
export function streamFailure(message: string): BedrockError {
  return new BedrockError("ModelStreamErrorException", message, 424, undefined, true);
}

export interface ChatChunkContext {
  id: string;
  created: number;
  model: string;
  includeUsage: boolean;
}

export class ResponsesToChatChunks {
  private readonly ctx: ChatChunkContext;
  private started = false;
  private readonly toolIndex = new Map<string, number>();
  /** The finished response (completed or incomplete), once seen. */
  final: ResponseObjectIn | undefined;

  constructor(ctx: ChatChunkContext) {
    this.ctx = ctx;
  }

  private chunk(delta: Json, finish: string | null = null): Json {
    return {
      id: this.ctx.id,
      object: "chat.completion.chunk",
      created: this.ctx.created,
      model: this.ctx.model,
      choices: [{ index: 0, delta, finish_reason: finish, logprobs: null }],
    };
  }

  private withRole(delta: Json): Json[] {
    if (this.started) return [this.chunk(delta)];
    this.started = true;
    return [this.chunk({ role: "assistant", content: "", ...delta })];
  }

  /** One upstream event (already JSON) → the chunks it produces (often none). */
  push(e: Json): Json[] {
    switch (e.type) {
      case "response.output_text.delta":
        return this.withRole({ content: e.delta });
      case "response.refusal.delta":
        return this.withRole({ refusal: e.delta });
      case "response.reasoning_summary_text.delta":
      case "response.reasoning_text.delta":
        return this.withRole({ reasoning_content: e.delta });
      case "response.output_item.added": {
        const item = e.item as Json | undefined;
        if (item?.type !== "function_call") return [];
        const index = this.toolIndex.size;
        this.toolIndex.set(String(item.id), index);
        return this.withRole({
          tool_calls: [{ index, id: item.call_id, type: "function", function: { name: item.name, arguments: item.arguments ?? "" } }],
        });
      }
      case "response.function_call_arguments.delta": {
        const index = this.toolIndex.get(String(e.item_id));
        if (index === undefined) return [];
        return this.withRole({ tool_calls: [{ index, function: { arguments: e.delta } }] });
      }
      case "response.completed":
      case "response.incomplete": {
        const r = e.response as ResponseObjectIn;
        this.final = r;
        const out = this.started ? [] : this.withRole({});
        out.push(this.chunk({}, finishReasonOf(r, this.toolIndex.size > 0)));
        const usage = chatUsageOf(r.usage);
        if (this.ctx.includeUsage && usage)
          out.push({
            id: this.ctx.id,
            object: "chat.completion.chunk",
            created: this.ctx.created,
            model: this.ctx.model,
            choices: [],
            usage,
          });
        return out;
      }
      case "response.failed": {
        const err = (e.response as ResponseObjectIn | undefined)?.error;
        throw streamFailure(err?.message ?? "The model failed to produce a response.");
      }
      case "error":
        throw streamFailure(typeof e.message === "string" ? e.message : "The model failed while streaming.");
      default:
        return [];
    }
  }
}
