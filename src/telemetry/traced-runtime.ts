// tracedRuntime: a decorator over the BedrockRuntime interface. Each call becomes one GenAI
// client span (a child of the request's server span, through the active OTel context) and the
// GenAI metrics; retries are span events through SendOptions.onRetry; a stream's span ends when
// the stream ends, fails or is abandoned by the client (marked aborted).
import { context, SpanKind, SpanStatusCode } from "@opentelemetry/api";
import type { Attributes as OtelAttributes, Span, Tracer } from "@opentelemetry/api";
import { BedrockError } from "../bedrock/bedrock-error.ts";
import type { ConverseEventBatches, ConverseRequest, ConverseStreamEvent } from "../bedrock/converse-types.ts";
import type { BedrockRuntime } from "../bedrock/runtime-client.ts";
import type { SendOptions } from "../bedrock/transport/bedrock-http.ts";
import type { Attributes, RuntimeCall } from "./genai-attributes.ts";
import {
  converseRequestAttributes,
  converseResponseAttributes,
  finishAttributes,
  inputContentAttributes,
  operationName,
  outputContentAttributes,
  spanName,
  startAttributes,
  usageAttributes,
} from "./genai-attributes.ts";
import type { GenAiMetrics } from "./genai-metrics.ts";
import { requestScopeOf } from "./request-spans.ts";
import { StreamObserver } from "./stream-observer.ts";
import type { RuntimeTarget } from "./telemetry-types.ts";

export interface TracedRuntimeOptions {
  tracer: Tracer;
  metrics: GenAiMetrics;
  target: RuntimeTarget;
  captureContent: boolean;
}

type ServedOptions = TracedRuntimeOptions & { server: { address: string; port: number } };

/** Metric attributes: the conventions' low-cardinality subset of the span's attributes. */
const METRIC_KEYS = [
  "gen_ai.operation.name",
  "gen_ai.provider.name",
  "gen_ai.request.model",
  "gen_ai.response.model",
  "server.address",
  "server.port",
  "error.type",
];

function errorType(err: unknown, signal: AbortSignal | undefined): string {
  if (signal?.aborted) return "aborted";
  if (err instanceof BedrockError) return err.exception;
  return err instanceof Error ? err.name : "Error";
}

/** One Bedrock call being observed. */
class GenAiCall {
  readonly opts: SendOptions;
  private readonly span: Span;
  private readonly started = performance.now();
  private readonly attrs: Attributes;
  private retries = 0;
  private ended = false;
  private readonly onAbort = () => this.abort(undefined);
  private readonly o: ServedOptions;
  private readonly signal: AbortSignal | undefined;

  constructor(o: ServedOptions, call: RuntimeCall, modelId: string, given: SendOptions | undefined) {
    this.o = o;
    this.signal = given?.signal;
    const scope = requestScopeOf(context.active());
    const operation = operationName(call, scope?.endpoint(), modelId);
    this.attrs = startAttributes(operation, modelId, o.server);
    const keyId = scope?.keyId();
    const endpoint = scope?.endpoint();
    this.span = o.tracer.startSpan(spanName(operation, modelId), {
      kind: SpanKind.CLIENT,
      attributes: {
        ...this.attrs,
        "cloud.region": o.target.region,
        ...(keyId ? { "bedrock_gateway.key_id": keyId } : {}),
        ...(endpoint ? { "bedrock_gateway.endpoint": endpoint } : {}),
      },
    });
    // Each retry is an event on the span (what failed, which attempt, how long the backoff was).
    this.opts = {
      ...given,
      onRetry: (err, attempt, delayMs) => {
        this.retries++;
        this.span.addEvent("retry", {
          "retry.attempt": attempt,
          "retry.delay_ms": delayMs,
          "error.type": err.exception,
          "http.response.status_code": err.status,
        });
        given?.onRetry?.(err, attempt, delayMs);
      },
    };
    this.signal?.addEventListener("abort", this.onAbort, { once: true });
  }

  set(attrs: Attributes): void {
    if (this.span.isRecording()) this.span.setAttributes(attrs);
  }

  request(request: ConverseRequest, stream: boolean): void {
    if (!this.span.isRecording()) return;
    this.set(converseRequestAttributes(request, stream));
    if (this.o.captureContent) this.set(inputContentAttributes(request));
  }

  firstChunk(): void {
    const seconds = (performance.now() - this.started) / 1000;
    this.span.addEvent("first_chunk");
    this.set({ "gen_ai.response.time_to_first_chunk": seconds });
    this.o.metrics.firstChunk(this.metricAttrs({}), seconds);
  }

  succeed(attrs: Attributes, tokens: { input?: number; output?: number }): void {
    this.set(attrs);
    this.finish(SpanStatusCode.UNSET, tokens, attrs);
  }

  fail(err: unknown, partial: Attributes = {}, tokens: { input?: number; output?: number } = {}): void {
    const type = errorType(err, this.signal);
    if (type === "aborted") return this.abort(partial);
    this.set({
      ...partial,
      "error.type": type,
      ...(err instanceof BedrockError && err.requestId ? { "aws.request_id": err.requestId } : {}),
    });
    this.finish(SpanStatusCode.ERROR, tokens, { ...partial, "error.type": type }, err instanceof Error ? err.message : undefined);
  }

  /** The client went away (or stopped reading) before the call finished. */
  abort(partial: Attributes | undefined): void {
    if (this.ended) return;
    this.set({ ...partial, "bedrock_gateway.aborted": true, "error.type": "aborted" });
    this.finish(SpanStatusCode.ERROR, {}, { ...partial, "error.type": "aborted" }, "aborted by the client");
  }

  private metricAttrs(extra: Attributes): OtelAttributes {
    const out: OtelAttributes = {};
    const all = { ...this.attrs, ...extra };
    for (const k of METRIC_KEYS) if (all[k] !== undefined) out[k] = all[k];
    return out;
  }

  private finish(code: SpanStatusCode, tokens: { input?: number; output?: number }, extra: Attributes, message?: string): void {
    if (this.ended) return;
    this.ended = true;
    this.signal?.removeEventListener("abort", this.onAbort);
    if (this.retries) this.set({ "bedrock_gateway.retries": this.retries });
    if (code === SpanStatusCode.ERROR) this.span.setStatus({ code, ...(message ? { message } : {}) });
    this.span.end();
    this.o.metrics.operation(this.metricAttrs(extra), (performance.now() - this.started) / 1000, tokens);
  }
}

function tokenCounts(attrs: Attributes): { input?: number; output?: number } {
  const input = attrs["gen_ai.usage.input_tokens"];
  const output = attrs["gen_ai.usage.output_tokens"];
  return { ...(typeof input === "number" ? { input } : {}), ...(typeof output === "number" ? { output } : {}) };
}

/** Observes the events as they pass (nothing is buffered) and ends the span with the stream. */
async function* observeStream(
  call: GenAiCall,
  modelId: string,
  events: ConverseEventBatches,
  captureContent: boolean,
): AsyncGenerator<readonly ConverseStreamEvent[]> {
  const seen = new StreamObserver(captureContent);
  const partial = () => ({ "gen_ai.response.model": modelId, ...finishAttributes(seen.stopReason), ...usageAttributes(seen.usage) });
  let settled = false;
  try {
    for await (const batch of events) {
      for (const ev of batch) if (seen.observe(ev)) call.firstChunk();
      yield batch;
    }
    settled = true;
    const attrs = { ...partial(), ...(captureContent ? outputContentAttributes(seen.message(), seen.stopReason) : {}) };
    call.succeed(attrs, tokenCounts(attrs));
  } catch (err) {
    settled = true;
    const attrs = partial();
    call.fail(err, attrs, tokenCounts(attrs));
    throw err;
  } finally {
    // The consumer stopped early (client gone): return() lands here without an error.
    if (!settled) call.abort(partial());
  }
}

export function tracedRuntime(runtime: BedrockRuntime, options: TracedRuntimeOptions): BedrockRuntime {
  const url = new URL(options.target.endpoint);
  const o = { ...options, server: { address: url.hostname, port: Number(url.port) || (url.protocol === "http:" ? 80 : 443) } };
  return {
    async converse(modelId, request, opts) {
      const call = new GenAiCall(o, "converse", modelId, opts);
      call.request(request, false);
      try {
        const res = await runtime.converse(modelId, request, call.opts);
        const attrs = {
          ...converseResponseAttributes(modelId, res),
          ...(o.captureContent ? outputContentAttributes(res.output?.message, res.stopReason) : {}),
        };
        call.succeed(attrs, tokenCounts(attrs));
        return res;
      } catch (err) {
        call.fail(err);
        throw err;
      }
    },

    async converseStream(modelId, request, opts) {
      const call = new GenAiCall(o, "converseStream", modelId, opts);
      call.request(request, true);
      let events: ConverseEventBatches;
      try {
        events = await runtime.converseStream(modelId, request, call.opts);
      } catch (err) {
        call.fail(err);
        throw err;
      }
      return observeStream(call, modelId, events, o.captureContent);
    },

    async invokeModel(modelId, body, opts) {
      const call = new GenAiCall(o, "invokeModel", modelId, opts);
      try {
        const res = await runtime.invokeModel(modelId, body, call.opts);
        const attrs: Attributes = {
          "gen_ai.response.model": modelId,
          ...usageAttributes({ inputTokens: res.inputTokens, outputTokens: res.outputTokens }),
          ...(res.requestId ? { "aws.request_id": res.requestId } : {}),
        };
        call.succeed(attrs, tokenCounts(attrs));
        return res;
      } catch (err) {
        call.fail(err);
        throw err;
      }
    },

    async countTokens(modelId, input, opts) {
      const call = new GenAiCall(o, "countTokens", modelId, opts);
      try {
        const n = await runtime.countTokens(modelId, input, call.opts);
        // Counted, not used: the number is an attribute, not token usage (no usage metric).
        call.succeed({ "gen_ai.response.model": modelId, "bedrock_gateway.counted_input_tokens": n }, {});
        return n;
      } catch (err) {
        call.fail(err);
        throw err;
      }
    },
  };
}
