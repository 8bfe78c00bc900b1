// The execute step: one Bedrock call per choice, all under one abort signal. The signal follows
// the client's connection, and the first choice that fails aborts its siblings, so no upstream
// call outlives the request that needed it. Retries before the first byte are the transport's.
import type { ConverseEventBatches, ConverseResponse } from "../bedrock/converse-types.ts";
import type { BedrockRuntime } from "../bedrock/runtime-client.ts";
import type { SendOptions } from "../bedrock/transport/bedrock-http.ts";
import type { BuiltRequest } from "../converse/assemble-request.ts";
import { openConverseStream } from "../converse/open-stream.ts";
import type { ModelCapabilities } from "../models/capabilities.ts";

/** An AbortController aborted when the client leaves; release() stops following the client. */
export function followClient(client: AbortSignal): { upstream: AbortController; release: () => void } {
  const upstream = new AbortController();
  if (client.aborted) {
    upstream.abort();
    return { upstream, release: () => {} };
  }
  const onAbort = () => upstream.abort();
  client.addEventListener("abort", onAbort, { once: true });
  return { upstream, release: () => client.removeEventListener("abort", onAbort) };
}

async function allOrAbort<T>(n: number, call: () => Promise<T>, upstream: AbortController): Promise<T[]> {
  try {
    return await Promise.all(Array.from({ length: n }, call));
  } catch (err) {
    upstream.abort();
    throw err;
  }
}

export interface Execution {
  runtime: BedrockRuntime;
  modelId: string;
  built: BuiltRequest;
  caps: ModelCapabilities;
  choices: number;
  upstream: AbortController;
  onRetry: () => void;
  /** Which target (region, fallback model) served: headers, log fields, usage record. */
  onServed?: SendOptions["onServed"];
  /** Permitted fallback models, in order (see src/upstreams/permitted-fallbacks.ts). */
  fallbacks?: readonly string[];
}

function sendOptions(x: Execution): SendOptions {
  return {
    signal: x.upstream.signal,
    onRetry: x.onRetry,
    ...(x.onServed ? { onServed: x.onServed } : {}),
    ...(x.fallbacks ? { fallbacks: x.fallbacks } : {}),
  };
}

export function converseAll(x: Execution): Promise<ConverseResponse[]> {
  const send = sendOptions(x);
  return allOrAbort(x.choices, () => x.runtime.converse(x.modelId, x.built.request, send), x.upstream);
}

/**
 * Opens every choice's stream before answering, so a failure before the first byte is still a
 * normal HTTP error (retried by the transport), and one choice failing to open aborts the others.
 */
export function openStreams(x: Execution): Promise<ConverseEventBatches[]> {
  const send = sendOptions(x);
  return allOrAbort(x.choices, () => openConverseStream(x.runtime, x.modelId, x.built, x.caps, send), x.upstream);
}
