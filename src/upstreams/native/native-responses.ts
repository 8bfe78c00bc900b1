// A Responses API request for a native model: the gateway keeps state, the upstream does not.
// previous_response_id is expanded here from the gateway's own store into the input (the upstream
// is always called with store: false), and the final response is handed back for storing; events
// are passed through as the raw JSON text they came in, each parsed once for usage and the end.
import { BedrockError } from "../../bedrock/bedrock-error.ts";
import type { NativeCallContext, NativeOutcome, OutEvent } from "./native-chat.ts";
import { usageFromResponses } from "./native-usage.ts";
import type { Json, ResponseObjectIn } from "./openai-shapes.ts";
import type { UpstreamEvent } from "./read-sse.ts";

export interface ResponsesCall {
  /** Items of the stored conversation so far, then this request's input items. */
  input: Json[];
  /** Called with the finished response before the client sees its last event. */
  onFinal(final: ResponseObjectIn): Promise<void>;
  /** What the client should see in `store` / `previous_response_id` (the gateway's, not the upstream's). */
  store: boolean;
  previousResponseId: string | null;
}

/** Fields the gateway owns: state lives in its store, the model id is the resolved one. */
const GATEWAY_FIELDS = ["model", "stream", "store", "previous_response_id", "input", "background", "conversation", "stream_options"];
const TERMINAL = new Set(["response.completed", "response.incomplete", "response.failed", "error"]);

export function upstreamResponsesBody(body: Json, call: Pick<ResponsesCall, "input">): Json {
  const out: Json = { ...body };
  for (const k of GATEWAY_FIELDS) delete out[k];
  return { ...out, input: call.input, store: false };
}

function present(r: ResponseObjectIn, call: ResponsesCall): ResponseObjectIn {
  return { ...r, store: call.store, previous_response_id: call.previousResponseId };
}

async function* relay(events: AsyncIterable<UpstreamEvent>, ctx: NativeCallContext, call: ResponsesCall): AsyncGenerator<OutEvent> {
  let first = true;
  for await (const e of events) {
    const ev = JSON.parse(e.data) as Json;
    const type = typeof ev.type === "string" ? ev.type : (e.event ?? "");
    if (first && (type === "response.output_text.delta" || type === "response.output_item.added")) {
      first = false;
      ctx.onFirstContent();
    }
    if (typeof ev.delta === "string") ctx.onOutputChars?.(ev.delta.length);
    if (type === "response.completed" || type === "response.incomplete") {
      const final = present(ev.response as ResponseObjectIn, call);
      const usage = usageFromResponses(final.usage);
      if (usage) ctx.onUsage(usage);
      // Stored before the client learns the id is final, so an immediate follow-up finds it.
      await call.onFinal(final);
      yield { event: type, data: { ...ev, response: final } };
      return;
    }
    yield { event: e.event ?? type, data: e.data };
    if (TERMINAL.has(type)) {
      const failure = type === "error" ? ev : (((ev.response as Json | undefined)?.error ?? {}) as Json);
      const message = typeof failure.message === "string" ? failure.message : "the model failed while streaming";
      throw Object.assign(new BedrockError("ModelStreamErrorException", message, 424, undefined, true), { relayed: true });
    }
  }
  throw new BedrockError("TransportError", "Bedrock's stream ended before it was complete", 502, undefined, true);
}

export async function runNativeResponses(ctx: NativeCallContext, body: Json, stream: boolean, call: ResponsesCall): Promise<NativeOutcome> {
  const request = upstreamResponsesBody(body, call);
  if (!stream) {
    const res = (await ctx.client.call(ctx.target, "responses", request, ctx.send)) as ResponseObjectIn;
    const final = present(res, call);
    const usage = usageFromResponses(final.usage);
    if (usage) ctx.onUsage(usage);
    await call.onFinal(final);
    return { json: final };
  }
  const events = await ctx.client.stream(ctx.target, "responses", request, ctx.send);
  return { events: relay(events, ctx, call) };
}
