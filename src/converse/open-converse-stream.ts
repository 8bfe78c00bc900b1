// Opens a ConverseStream, or — for models that cannot stream tool use (Mistral Large 24.02,
// Llama 3.1) — calls Converse and replays the answer as the events Bedrock would have streamed.
// Either way a failure before the first byte is still a normal HTTP error (and retried).
import type { ConverseRequest, ConverseResponse, ConverseStreamEvent } from "../bedrock/converse-types.ts";
import type { BedrockRuntime } from "../bedrock/runtime-client.ts";
import type { SendOptions } from "../bedrock/transport/bedrock-http.ts";
import type { ModelCapabilities } from "../models/capabilities.ts";
import { responseToEvents } from "./response-to-events.ts";

export async function openConverseStream(
  runtime: BedrockRuntime,
  modelId: string,
  request: ConverseRequest,
  caps: ModelCapabilities,
  send: SendOptions,
): Promise<AsyncIterable<ConverseStreamEvent>> {
  if (request.toolConfig && !caps.streamingTools) {
    const res: ConverseResponse = await runtime.converse(modelId, request, send);
    return (async function* replay() {
      yield* responseToEvents(res);
    })();
  }
  return runtime.converseStream(modelId, request, send);
}
