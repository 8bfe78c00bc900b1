// The Lambda response-streaming adapter: event → Request → the app's fetch handler → the runtime's
// response stream, one chunk at a time as the app produces them (with backpressure), so an SSE
// stream reaches the client while Bedrock is still generating. Written for this gateway rather than
// taken from `hono/aws-lambda` (deprecated there in favour of a separate package) because the gateway
// needs what that adapter lacks: the request's AbortSignal fires when the response stream goes away
// (so the Bedrock call is cancelled); failures before the status line become OpenAI-shaped errors;
// a body that fails mid-stream fails the invocation instead of ending as if it had succeeded; and a
// request about to be killed by the function timeout ends with an OpenAI-shaped timeout error (a
// 504, or a `data: {"error":…}` event in an SSE stream) rather than a cut the client cannot read.
import type { Logger } from "pino";
import { toAnthropicError } from "../anthropic/anthropic-errors.ts";
import { errors, toOpenAIErrorBody } from "../errors/gateway-error.ts";
import type { GatewayError } from "../errors/gateway-error.ts";
import { formatSse } from "../http/sse.ts";
import { eventToRequest, UnsupportedEventError } from "./event-to-request.ts";
import type { AwsLambdaRuntime, HttpEvent, HttpResponseMetadata, LambdaResponseStream, StreamingHandler } from "./lambda-types.ts";

export type FetchHandler = (request: Request) => Response | Promise<Response>;

export interface StreamHandlerOptions {
  logger: Logger;
  /** Runs at the start of every invocation, before the request (the entry starts background work lazily here). */
  onInvoke?: () => void;
  /** Awaited after the response has ended, before the invocation returns and Lambda may freeze the
   * sandbox (the entry writes queued usage records here). */
  afterResponse?: () => Promise<void>;
  /** Time kept before the function timeout to end the response cleanly (default 1500 ms). */
  deadlineMarginMs?: number;
}

/** Why the request's signal fired: the runtime closed the response stream before the response ended. */
export class ResponseStreamClosedError extends Error {
  override name = "ResponseStreamClosedError";
}

/** Why the request's signal fired: the function timeout is about to end the invocation. */
export class FunctionDeadlineError extends Error {
  override name = "FunctionDeadlineError";
}

const isEventStream = (response: Response) => /^text\/event-stream/i.test(response.headers.get("content-type") ?? "");

function errorResponse(err: GatewayError): Response {
  return Response.json(toOpenAIErrorBody(err), { status: err.status });
}

/** Anthropic Messages API paths answer errors in Anthropic's shape (as createApp's errorFormat does). */
const isAnthropicPath = (url: string | undefined) => url !== undefined && /\/messages(?:\/count_tokens)?$/.test(new URL(url).pathname);

/** The deadline error as a whole response body, in the shape the client's API uses. */
function deadlineResponse(url: string | undefined, requestId: string): Response {
  const err = errors.deadlineReached();
  if (!isAnthropicPath(url)) return errorResponse(err);
  const { status, body } = toAnthropicError(err, requestId);
  return Response.json(body, { status });
}

/** The deadline error as the last event of an SSE stream (OpenAI: `data: {"error"}`; Anthropic: `event: error`). */
function deadlineEvent(url: string | undefined, requestId: string): string {
  const err = errors.deadlineReached();
  return isAnthropicPath(url)
    ? formatSse({ event: "error", data: toAnthropicError(err, requestId).body })
    : formatSse({ data: toOpenAIErrorBody(err) });
}

function metadataOf(response: Response): HttpResponseMetadata {
  const headers: Record<string, string> = {};
  response.headers.forEach((value, name) => {
    if (name !== "set-cookie") headers[name] = value;
  });
  return { statusCode: response.status, headers, cookies: response.headers.getSetCookie() };
}

/** Resolves when the stream can take more data, or when it is gone (the caller then checks). */
function drained(stream: LambdaResponseStream, signal: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    const done = () => {
      stream.off("drain", done);
      signal.removeEventListener("abort", done);
      resolve();
    };
    stream.on("drain", done);
    signal.addEventListener("abort", done, { once: true });
  });
}

async function pipeBody(body: ReadableStream<Uint8Array>, out: LambdaResponseStream, signal: AbortSignal): Promise<"complete" | "aborted"> {
  const reader = body.getReader();
  // Cancelling the body is what stops the app's stream (and with it the Bedrock call).
  const cancel = () => void reader.cancel(signal.reason).catch(() => {});
  signal.addEventListener("abort", cancel, { once: true });
  try {
    for (;;) {
      const { done, value } = await reader.read();
      if (done) return signal.aborted ? "aborted" : "complete";
      if (signal.aborted) return "aborted";
      if (!out.write(value)) await drained(out, signal);
    }
  } catch (err) {
    if (signal.aborted) return "aborted";
    throw err;
  } finally {
    signal.removeEventListener("abort", cancel);
  }
}

export function createStreamHandler(
  runtime: AwsLambdaRuntime,
  fetch: FetchHandler,
  opts: StreamHandlerOptions,
): StreamingHandler<HttpEvent> {
  const { logger } = opts;

  async function respond(event: HttpEvent, signal: AbortSignal, invocationId: string): Promise<{ response: Response; url?: string }> {
    let request: Request;
    try {
      request = eventToRequest(event, signal);
    } catch (err) {
      logger.warn({ awsRequestId: invocationId, err: (err as Error).message }, "lambda: unusable event");
      const message = err instanceof UnsupportedEventError ? err.message : "The request could not be read.";
      return { response: errorResponse(errors.invalidRequest(message, null, "invalid_request")) };
    }
    try {
      return { response: await fetch(request), url: request.url };
    } catch (err) {
      // createApp turns every error into a response; reaching this is a bug, still answered in OpenAI's shape.
      logger.error({ awsRequestId: invocationId, err }, "lambda: the app threw");
      return { response: errorResponse(errors.internal(invocationId, err)), url: request.url };
    }
  }

  return async function handleStreamingInvocation(event, responseStream, context) {
    opts.onInvoke?.();
    const id = context.awsRequestId;
    const controller = new AbortController();
    let settled = false;
    const onGone = () => {
      if (!settled) controller.abort(new ResponseStreamClosedError("the Lambda response stream closed before the response was complete"));
    };
    const onError = (err: Error) => {
      logger.warn({ awsRequestId: id, err: err.message }, "lambda: response stream error");
      onGone();
    };
    responseStream.on("close", onGone);
    responseStream.on("error", onError);
    const deadline = setTimeout(
      () => controller.abort(new FunctionDeadlineError("the function timeout is near")),
      Math.max(0, context.getRemainingTimeInMillis() - (opts.deadlineMarginMs ?? 1500)),
    );
    const deadlineHit = () => controller.signal.reason instanceof FunctionDeadlineError;
    try {
      const { response, url } = await respond(event, controller.signal, id);
      if (deadlineHit()) {
        // Whatever the app made of its aborted request, the client is told the real reason.
        await response.body?.cancel().catch(() => {});
        logger.warn({ awsRequestId: id }, "lambda: the function timeout ended the request before its response began");
        const timeout = deadlineResponse(url, response.headers.get("x-request-id") ?? id);
        const out = runtime.HttpResponseStream.from(responseStream, metadataOf(timeout));
        out.write(await timeout.text());
        settled = true;
        out.end();
        return;
      }
      const out = runtime.HttpResponseStream.from(responseStream, metadataOf(response));
      // The first write sends the status line and headers at once, before any body exists (an SSE
      // client sees 200 immediately), and is the only write a body-less response gets.
      out.write("");
      let outcome: "complete" | "aborted" = controller.signal.aborted ? "aborted" : "complete";
      try {
        if (outcome === "complete" && response.body) outcome = await pipeBody(response.body, out, controller.signal);
      } catch (err) {
        // Headers are out; rethrowing makes the runtime fail the invocation, so the client sees a
        // cut response (and Lambda counts an error) rather than a silent, seemingly complete one.
        logger.error({ awsRequestId: id, err }, "lambda: the response body failed mid-stream");
        throw err;
      }
      if (outcome === "aborted" && deadlineHit()) {
        logger.warn({ awsRequestId: id }, "lambda: the function timeout ended the response");
        if (!isEventStream(response)) throw new FunctionDeadlineError("the function timeout ended a response that was being written");
        out.write(deadlineEvent(url, response.headers.get("x-request-id") ?? id));
      } else if (outcome === "aborted") {
        await response.body?.cancel().catch(() => {});
        logger.info({ awsRequestId: id }, "lambda: response stream closed early; the response was cancelled");
        return;
      }
      settled = true;
      out.end();
    } finally {
      settled = true;
      clearTimeout(deadline);
      responseStream.off("close", onGone);
      responseStream.off("error", onError);
      await opts.afterResponse?.().catch((err: unknown) => logger.error({ awsRequestId: id, err }, "lambda: after-response work failed"));
    }
  };
}
