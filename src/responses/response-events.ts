// One Converse stream → the Responses SSE sequence: response.created, response.in_progress, the
// item events as the converter produces them, then exactly one of response.completed,
// response.incomplete or response.failed. Every event has `event:` equal to its `type` and a
// strictly increasing sequence_number from 0. A Bedrock exception after the first byte becomes
// response.failed carrying the error, and the stream ends there.
import type { ConverseStreamEvent } from "../bedrock/converse-types.ts";
import { toGatewayError } from "../errors/to-gateway-error.ts";
import type { GatewayError } from "../errors/gateway-error.ts";
import type { SseEvent } from "../http/sse.ts";
import type { ResponseObject } from "./response-types.ts";
import type { ResponsesStreamConverter, StreamEvent } from "./responses-stream-converter.ts";

export interface EventsContext {
  /** The Response as it stands before any output (status in_progress). */
  initial: ResponseObject;
  converter: ResponsesStreamConverter;
  requestId: string;
  /** The client's connection: when it is gone, upstream errors are just the abort echoing back. */
  signal?: AbortSignal;
  onFirstContent?: () => void;
  /** Builds the final Response (completed / incomplete, or failed with `error`) from the converter. */
  complete: (error?: { code: string; message: string }) => ResponseObject;
  /** The client's view of the final Response (what the terminal event carries). */
  present: (response: ResponseObject) => ResponseObject;
  /** The final Response, before its terminal event is sent (store it here, so a chained request finds it). */
  onFinal?: (response: ResponseObject) => Promise<void> | void;
  /** Called exactly once: at the end, on error, or when the client went away (aborted). */
  onFinish?: (info: { aborted: boolean; errorType?: string }) => void;
}

/** A GatewayError as the Response `error` object (its code is one of the API's ResponseErrorCode values). */
export function responseError(err: GatewayError): { code: string; message: string } {
  const code = err.status === 429 ? "rate_limit_exceeded" : err.status === 400 ? "invalid_prompt" : "server_error";
  return { code, message: err.message };
}

export async function* responseEvents(stream: AsyncIterable<ConverseStreamEvent>, ctx: EventsContext): AsyncGenerator<SseEvent> {
  let seq = 0;
  const sse = (e: StreamEvent): SseEvent => ({ event: e.type, data: { ...e, sequence_number: seq++ } });
  const conv = ctx.converter;
  let finished = false;
  const finish = (aborted: boolean, errorType?: string) => {
    if (finished) return;
    finished = true;
    ctx.onFinish?.({ aborted, errorType });
  };

  yield sse({ type: "response.created", response: ctx.initial });
  yield sse({ type: "response.in_progress", response: ctx.initial });
  let final: ResponseObject;
  try {
    for await (const ev of stream) {
      const wasStarted = conv.started;
      const events = conv.push(ev);
      if (!wasStarted && conv.started) ctx.onFirstContent?.();
      for (const e of events) yield sse(e);
    }
    for (const e of conv.finish()) yield sse(e);
    final = ctx.complete();
    await ctx.onFinal?.(final);
    finish(false);
  } catch (err) {
    if (ctx.signal?.aborted) {
      finish(true);
      return;
    }
    const { error } = toGatewayError(err, ctx.requestId);
    conv.markOpenIncomplete();
    const failed = ctx.complete(responseError(error));
    try {
      await ctx.onFinal?.(failed);
    } catch {
      // Keeping the failed response is best effort: the client still learns why it failed.
    }
    finish(false, error.code ?? error.type);
    yield sse({ type: "response.failed", response: ctx.present(failed) });
    return;
  } finally {
    // Reached without finish() only when the consumer stopped early: the client went away.
    finish(true);
  }
  const type = final.status === "completed" ? "response.completed" : "response.incomplete";
  yield sse({ type, response: ctx.present(final) });
}
