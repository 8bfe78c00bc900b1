// Bytes of an upstream text/event-stream → its events, as they arrive. Parsing is the
// eventsource-parser library's (line endings, multi-line data, comments); this file only bridges
// its callbacks to an async iterator and turns transport failures into BedrockErrors marked
// mid-stream, so the front door can close the client's stream with an error event.
import { createParser } from "eventsource-parser";
import type { EventSourceMessage } from "eventsource-parser";
import { BedrockError } from "../../bedrock/bedrock-error.ts";

/** Largest single event accepted from upstream (a runaway line is a broken stream, not memory to spend). */
const MAX_EVENT_BYTES = 8 * 1024 * 1024;

export type UpstreamEvent = EventSourceMessage;

export async function* readSse(
  body: AsyncIterable<Uint8Array> & { destroyed?: boolean; destroy?: () => void },
  requestId: string | undefined,
  signal?: AbortSignal,
): AsyncGenerator<UpstreamEvent> {
  const pending: UpstreamEvent[] = [];
  let parseError: Error | undefined;
  const parser = createParser({
    onEvent: (e) => pending.push(e),
    onError: (err) => (parseError = err),
    maxBufferSize: MAX_EVENT_BYTES,
  });
  const decoder = new TextDecoder();
  try {
    for await (const chunk of body) {
      parser.feed(decoder.decode(chunk, { stream: true }));
      if (parseError) throw parseError;
      while (pending.length) yield pending.shift()!;
    }
    parser.feed(decoder.decode());
    while (pending.length) yield pending.shift()!;
  } catch (err) {
    if (err instanceof BedrockError || signal?.aborted) throw err;
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
    if (body.destroyed === false) body.destroy?.();
  }
}
