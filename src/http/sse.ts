// The one place that writes Server-Sent Events. Producers yield batches of event objects; this turns
// them into `event:`/`data:` lines as they arrive (no buffering), sends keep-alives during long silent
// stretches so proxies and load balancers keep the connection, and tells the caller whether the
// stream completed or the client went away.

import { formatSse } from "../pipeline/sse-event.ts";
import type { SseEvent } from "../pipeline/sse-event.ts";

export type { SseEvent } from "../pipeline/sse-event.ts";
export { formatSse } from "../pipeline/sse-event.ts";

export interface SseOptions {
  /** Silence after which a keep-alive is sent (ms); 0 disables. */
  keepAliveMs: number;
  /** What a keep-alive looks like (a comment for OpenAI clients, `event: ping` for Anthropic's). */
  keepAlive?: SseEvent;
  /** Called once: completed=true when the producer finished, false when the client went away. */
  onClose?: (completed: boolean) => void;
}

const encoder = new TextEncoder();

export const SSE_HEADERS = {
  "content-type": "text/event-stream; charset=utf-8",
  "cache-control": "no-cache, no-transform",
  connection: "keep-alive",
  // nginx and similar proxies buffer responses unless told otherwise.
  "x-accel-buffering": "no",
} as const;

/**
 * Writes batches of events as they arrive: each batch (the events one upstream network read
 * produced) leaves in one write, so a burst of 500 events costs a few writes, not 500, and an event
 * that waits for upstream bytes never holds back the ones before it.
 */
export function sseStream(batches: AsyncIterable<readonly SseEvent[]>, opts: SseOptions): ReadableStream<Uint8Array> {
  const iterator = batches[Symbol.asyncIterator]();
  let lastWrite = Date.now();
  let timer: NodeJS.Timeout | undefined;
  let closed = false;
  const keepAlive = encoder.encode(formatSse(opts.keepAlive ?? { comment: "keep-alive" }));
  const finish = (completed: boolean) => {
    if (closed) return;
    closed = true;
    if (timer) clearInterval(timer);
    opts.onClose?.(completed);
  };

  return new ReadableStream<Uint8Array>(
    {
      start(controller) {
        if (opts.keepAliveMs > 0) {
          // One coarse interval per stream instead of re-arming a timer on every chunk.
          timer = setInterval(
            () => {
              if (closed || Date.now() - lastWrite < opts.keepAliveMs) return;
              lastWrite = Date.now();
              try {
                controller.enqueue(keepAlive);
              } catch {
                finish(false);
              }
            },
            Math.max(50, Math.floor(opts.keepAliveMs / 2)),
          );
        }
      },
      async pull(controller) {
        let text = "";
        try {
          // An empty batch writes nothing: read on (a pull must enqueue or end the stream).
          while (!text) {
            const next = await iterator.next();
            if (next.done) {
              controller.close();
              finish(true);
              return;
            }
            for (const e of next.value) text += formatSse(e);
          }
        } catch (err) {
          // Producers turn errors into events themselves; this is the last line of defence.
          controller.error(err);
          finish(false);
          return;
        }
        lastWrite = Date.now();
        controller.enqueue(encoder.encode(text));
      },
      async cancel() {
        // Let the producer wind down first (release upstream, record what was seen), then report.
        try {
          await iterator.return?.();
        } finally {
          finish(false);
        }
      },
    },
    { highWaterMark: 0 },
  );
}
