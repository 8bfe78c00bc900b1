// Canonical events → a Response: the answer's output items (ResponsesStreamConverter) completed
// into the final Response object, as the JSON body or as the Responses SSE sequence
// (response.created, response.in_progress, the item events, then exactly one of
// response.completed, response.incomplete or response.failed). Every event has `event:` equal to
// its `type` and a strictly increasing sequence_number from 0. The stored copy of the final
// Response keeps encrypted_content; the client sees it only when it asked for it.
import type { GatewayError } from "../errors/gateway-error.ts";
import type { SseEvent } from "../pipeline/sse-event.ts";
import type { CanonicalEvent } from "../pipeline/canonical-events.ts";
import type { StreamEncoder, Terminal } from "../pipeline/stream-engine.ts";
import { bedrockExtras } from "../converse/bedrock-extras.ts";
import { cleanJsonText } from "../converse/structured-output.ts";
import { incompleteReason } from "./map-status.ts";
import { finalResponse, inProgressResponse } from "./response-object.ts";
import type { ResponseObject, ResponseShell } from "./response-types.ts";
import { responseUsage } from "./responses-usage.ts";
import { ResponsesStreamConverter } from "./responses-stream-converter.ts";
import type { ConverterOptions, StreamEvent } from "./responses-stream-converter.ts";

/** A GatewayError as the Response `error` object (its code is one of the API's ResponseErrorCode values). */
export function responseError(err: GatewayError): { code: string; message: string } {
  const code = err.status === 429 ? "rate_limit_exceeded" : err.status === 400 ? "invalid_prompt" : "server_error";
  return { code, message: err.message };
}

/** A stored Response as a client sees it: encrypted_content only when it asked for it. */
export function visibleResponse(r: ResponseObject, exposeEncrypted: boolean): ResponseObject {
  if (exposeEncrypted) return r;
  return {
    ...r,
    output: r.output.map((item) => {
      if (item.type !== "reasoning") return item;
      const { encrypted_content: _, ...rest } = item;
      return rest;
    }),
  };
}

export interface AnswerOptions extends ConverterOptions {
  shell: ResponseShell;
  /** Structured output through instructions: the answer's text is cleaned of code fences (JSON bodies only). */
  cleanJson: boolean;
}

/** One answer being assembled from canonical events. */
export class ResponsesAnswer {
  readonly converter: ResponsesStreamConverter;
  private readonly opts: AnswerOptions;

  constructor(opts: AnswerOptions) {
    this.opts = opts;
    this.converter = new ResponsesStreamConverter(opts);
  }

  /** The final Response from what the converter saw (internal copy: encrypted_content kept). */
  complete(error?: { code: string; message: string }): ResponseObject {
    const conv = this.converter;
    const reason = incompleteReason(conv.stopReason);
    if (this.opts.cleanJson) {
      for (const item of conv.output) if (item.type === "message") for (const p of item.content) p.text = cleanJsonText(p.text);
    }
    const meta = conv.metadata as { serviceTier?: { type?: string }; trace?: unknown; performanceConfig?: unknown } | undefined;
    return finalResponse(this.opts.shell, {
      output: conv.output,
      status: error ? "failed" : reason ? "incomplete" : "completed",
      ...(error ? { error } : reason ? { incomplete: reason } : {}),
      ...(conv.usage ? { usage: responseUsage(conv.usage, conv.reasoningChars) } : {}),
      // Bedrock's "reserved" tier has no name in the Responses API: it is the account's default capacity.
      serviceTier: meta?.serviceTier?.type === "reserved" ? "default" : meta?.serviceTier?.type,
      bedrock: bedrockExtras(meta && { ...meta, additionalModelResponseFields: conv.additionalFields }),
    });
  }

  visible(r: ResponseObject): ResponseObject {
    return visibleResponse(r, this.opts.exposeEncrypted);
  }
}

export class ResponsesStreamEncoder implements StreamEncoder<ResponseObject> {
  private readonly answer: ResponsesAnswer;
  private readonly shell: ResponseShell;
  private seq = 0;

  constructor(opts: AnswerOptions) {
    // Streamed text goes out as it arrives: it cannot be cleaned afterwards.
    this.answer = new ResponsesAnswer({ ...opts, cleanJson: false });
    this.shell = opts.shell;
  }

  private sse(e: StreamEvent): SseEvent {
    return { event: e.type, data: { ...e, sequence_number: this.seq++ } };
  }

  start(): SseEvent[] {
    const initial = inProgressResponse(this.shell);
    return [this.sse({ type: "response.created", response: initial }), this.sse({ type: "response.in_progress", response: initial })];
  }

  push(e: CanonicalEvent, out: SseEvent[]): void {
    for (const item of this.answer.converter.push(e)) out.push(this.sse(item));
  }

  end(): Terminal<ResponseObject> {
    const events: SseEvent[] = this.answer.converter.finish().map((e) => this.sse(e));
    const final = this.answer.complete();
    const type = final.status === "completed" ? "response.completed" : "response.incomplete";
    events.push(this.sse({ type, response: this.answer.visible(final) }));
    return { events, result: final };
  }

  fail(err: GatewayError): Terminal<ResponseObject> {
    this.answer.converter.markOpenIncomplete();
    const failed = this.answer.complete(responseError(err));
    return { events: [this.sse({ type: "response.failed", response: this.answer.visible(failed) })], result: failed };
  }
}
