// The Lambda response-streaming adapter: event → Request → the app's fetch handler → the runtime's
// response stream, one chunk at a time as the app produces them (with backpressure), so an SSE
// stream reaches the client while Bedrock is still generating. Written for this gateway rather than
// taken from `hono/aws-lambda` because the gateway needs three things that adapter lacks: the
// request's AbortSignal fires when the response stream goes away (so the Bedrock call is cancelled),
// failures before the status line become OpenAI-shaped errors, and a body that fails mid-stream
// fails the invocation instead of ending as if it had succeeded.
import type { Logger } from "pino";
import { errors, toOpenAIErrorBody } from "../errors/gateway-error.ts";
import type { GatewayError } from "../errors/gateway-error.ts";
import { eventToRequest, UnsupportedEventError } from "./event-to-request.ts";
import type { AwsLambdaRuntime, HttpEvent, HttpResponseMetadata, LambdaResponseStream, StreamingHandler } from "./lambda-types.ts";

export type FetchHandler = (request: Request) => Response | Promise<Response>;

export interface StreamHandlerOptions {
  logger: Logger;
  /** Runs at the start of every invocation, before the request (the entry starts background work lazily here). */
  onInvoke?: () => void;
}

/** Why the request's signal fired: the runtime closed the response stream before the response ended. */
export class ResponseStreamClosedError extends Error {
  override name = "ResponseStreamClosedError";
}

function errorResponse(err: GatewayError): Response {
  return Response.json(toOpenAIErrorBody(err), { status: err.status });
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

export function createStreamHandler(runtime: AwsLambdaRuntime, fetch: FetchHandler, opts: StreamHandlerOptions): StreamingHandler<HttpEvent> {
  const { logger } = opts;

  async function respond(event: HttpEvent, signal: AbortSignal, invocationId: string): Promise<Response> {
    let request: Request;
    try {
      request = eventToRequest(event, signal);
    } catch (err) {
      logger.warn({ awsRequestId: invocationId, err: (err as Error).message }, "lambda: unusable event");
      const message = err instanceof UnsupportedEventError ? err.message : "The request could not be read.";
      return errorResponse(errors.invalidRequest(message, null, "invalid_request"));
    }
    try {
      return await fetch(request);
    } catch (err) {
      // createApp turns every error into a response; reaching this is a bug, still answered in OpenAI's shape.
      logger.error({ awsRequestId: invocationId, err }, "lambda: the app threw");
      return errorResponse(errors.internal(invocationId, err));
    }
  }

  return async function handleStreamingInvocation(event, responseStream, context) {
    opts.onInvoke?.();
    const controller = new AbortController();
    let settled = false;
    const onGone = () => {
      if (!settled) controller.abort(new ResponseStreamClosedError("the Lambda response stream closed before the response was complete"));
    };
    const onError = (err: Error) => {
      logger.warn({ awsRequestId: context.awsRequestId, err: err.message }, "lambda: response stream error");
      onGone();
    };
    responseStream.on("close", onGone);
    responseStream.on("error", onError);
    try {
      const response = await respond(event, controller.signal, context.awsRequestId);
      const out = runtime.HttpResponseStream.from(responseStream, metadataOf(response));
      // The first write sends the status line and headers at once, before any body exists (an SSE
      // client sees 200 immediately), and is the only write a body-less response gets.
      out.write("");
      let outcome: "complete" | "aborted" = "complete";
      try {
        if (response.body) outcome = await pipeBody(response.body, out, controller.signal);
      } catch (err) {
        // Headers are out; rethrowing makes the runtime fail the invocation, so the client sees a
        // cut response (and Lambda counts an error) rather than a silent, seemingly complete one.
        logger.error({ awsRequestId: context.awsRequestId, err }, "lambda: the response body failed mid-stream");
        throw err;
      }
      if (outcome === "aborted") {
        logger.info({ awsRequestId: context.awsRequestId }, "lambda: response stream closed early; the response was cancelled");
        return;
      }
      settled = true;
      out.end();
    } finally {
      settled = true;
      responseStream.off("close", onGone);
      responseStream.off("error", onError);
    }
  };
}
