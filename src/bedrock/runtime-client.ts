// Bedrock runtime operations over the lean transport: Converse, ConverseStream, InvokeModel and
// CountTokens. Model ids travel as URI labels (ARNs percent-encoded), exactly as the SDK sends them.
import type { Message } from "@smithy/core/event-streams";
import { BedrockError, normaliseExceptionName, statusForException } from "./bedrock-error.ts";
import type {
  ConverseEventBatches,
  ConverseRequest,
  ConverseResponse,
  ConverseStreamEvent,
  Message as ChatMessage,
} from "./converse-types.ts";
import type { BedrockHttp, SendOptions } from "./transport/bedrock-http.ts";
import { decodeUtf8, EventStreamDecoder } from "./transport/event-stream-decoder.ts";
import { encodeLabel } from "./transport/request-signer.ts";

export interface ConverseTokensRequest {
  messages?: ChatMessage[];
  system?: ConverseRequest["system"];
  toolConfig?: ConverseRequest["toolConfig"];
  additionalModelRequestFields?: ConverseRequest["additionalModelRequestFields"];
}

/** An InvokeModel answer: the model's native body plus the usage Bedrock reports in headers. */
export interface InvokeModelResult {
  body: unknown;
  /** x-amzn-bedrock-input-token-count, when Bedrock sends it. */
  inputTokens: number | undefined;
  /** x-amzn-bedrock-output-token-count, when Bedrock sends it. */
  outputTokens: number | undefined;
  requestId: string | undefined;
}

export interface BedrockRuntime {
  converse(modelId: string, request: ConverseRequest, opts?: SendOptions): Promise<ConverseResponse>;
  /**
   * Resolves when Bedrock accepted the call (HTTP 200); the iterable then yields the events as they
   * arrive, those of one network read together (never an empty batch).
   */
  converseStream(modelId: string, request: ConverseRequest, opts?: SendOptions): Promise<ConverseEventBatches>;
  invokeModel(modelId: string, body: unknown, opts?: SendOptions): Promise<InvokeModelResult>;
  countTokens(modelId: string, input: { converse: ConverseTokensRequest }, opts?: SendOptions): Promise<number>;
}

const headerString = (m: Message, name: string): string | undefined => {
  const h = m.headers[name];
  return h && h.type === "string" ? h.value : undefined;
};

/** One decoded frame → a stream event, or a BedrockError for exception / error frames. */
export function frameToEvent(m: Message): ConverseStreamEvent | BedrockError | undefined {
  const messageType = headerString(m, ":message-type");
  const payload = m.body.length ? (JSON.parse(decodeUtf8(m.body)) as Record<string, unknown>) : {};
  if (messageType === "event") {
    const eventType = headerString(m, ":event-type");
    if (!eventType) return undefined;
    return { [eventType]: payload } as ConverseStreamEvent;
  }
  if (messageType === "exception") {
    const name = normaliseExceptionName(headerString(m, ":exception-type") ?? "InternalServerException");
    const message = typeof payload.message === "string" ? payload.message : `Bedrock stream failed: ${name}`;
    return new BedrockError(name, message, statusForException(name), undefined, true);
  }
  // :message-type error: a service-level error with :error-code / :error-message headers.
  const code = headerString(m, ":error-code") ?? "InternalServerException";
  const name = normaliseExceptionName(code);
  return new BedrockError(name, headerString(m, ":error-message") ?? code, statusForException(name), undefined, true);
}

function tokenHeader(v: string | string[] | undefined): number | undefined {
  const raw = Array.isArray(v) ? v[0] : v;
  if (raw === undefined || raw.trim() === "") return undefined;
  const n = Number(raw);
  return Number.isInteger(n) && n >= 0 ? n : undefined;
}

export function createBedrockRuntime(http: BedrockHttp): BedrockRuntime {
  const modelPath = (modelId: string, op: string) => `/model/${encodeLabel(modelId)}/${op}`;

  return {
    async converse(modelId, request, opts) {
      const { body } = await http.json({ method: "POST", path: modelPath(modelId, "converse"), body: JSON.stringify(request) }, opts);
      return body as ConverseResponse;
    },

    async converseStream(modelId, request, opts) {
      const res = await http.open(
        {
          method: "POST",
          path: modelPath(modelId, "converse-stream"),
          body: JSON.stringify(request),
          accept: "application/vnd.amazon.eventstream",
        },
        opts,
      );
      const requestId = res.requestId;
      return (async function* events() {
        const decoder = new EventStreamDecoder();
        try {
          for await (const chunk of res.body as AsyncIterable<Uint8Array>) {
            const batch: ConverseStreamEvent[] = [];
            for (const frame of decoder.push(chunk)) {
              const ev = frameToEvent(frame);
              if (ev instanceof BedrockError) {
                // The events before the exception frame are delivered first.
                if (batch.length) yield batch;
                throw ev;
              }
              if (ev) batch.push(ev);
            }
            if (batch.length) yield batch;
          }
        } catch (err) {
          if (err instanceof BedrockError || opts?.signal?.aborted) throw err;
          const timedOut = err instanceof Error && err.name === "BodyTimeoutError";
          throw new BedrockError(
            timedOut ? "TimeoutError" : "TransportError",
            timedOut ? "Bedrock stopped sending events (idle timeout)" : `Bedrock stream broke: ${(err as Error).message}`,
            timedOut ? 504 : 502,
            requestId,
            true,
            { cause: err },
          );
        } finally {
          // Ending early (client gone, consumer threw) must release the upstream connection.
          if (!res.body.destroyed) res.body.destroy();
        }
        if (decoder.hasPartialFrame) {
          throw new BedrockError("TransportError", "Bedrock stream ended mid-frame", 502, requestId, true);
        }
      })();
    },

    async invokeModel(modelId, body, opts) {
      const res = await http.json({ method: "POST", path: modelPath(modelId, "invoke"), body: JSON.stringify(body) }, opts);
      return {
        body: res.body,
        inputTokens: tokenHeader(res.headers["x-amzn-bedrock-input-token-count"]),
        outputTokens: tokenHeader(res.headers["x-amzn-bedrock-output-token-count"]),
        requestId: res.requestId,
      };
    },

    async countTokens(modelId, input, opts) {
      const { body } = await http.json({ method: "POST", path: modelPath(modelId, "count-tokens"), body: JSON.stringify({ input }) }, opts);
      return (body as { inputTokens: number }).inputTokens;
    },
  };
}
