// Opens a ConverseStream for a built request. Models that cannot stream tool use are called with
// Converse instead and the answer is replayed as stream events, so every front door can stream.
import type { ConverseEventBatches } from "../bedrock/converse-types.ts";
import type { BedrockRuntime } from "../bedrock/runtime-client.ts";
import type { SendOptions } from "../bedrock/transport/bedrock-http.ts";
import type { ModelCapabilities } from "../models/capabilities.ts";
import type { BuiltRequest } from "./assemble-request.ts";
import { responseToEvents } from "./response-to-events.ts";

export async function openConverseStream(
  runtime: BedrockRuntime,
  modelId: string,
  built: BuiltRequest,
  caps: ModelCapabilities,
  send: SendOptions,
): Promise<ConverseEventBatches> {
  if (built.request.toolConfig && !caps.streamingTools) {
    const res = await runtime.converse(modelId, built.request, send);
    return (async function* replay() {
      yield responseToEvents(res);
    })();
  }
  return runtime.converseStream(modelId, built.request, send);
}
