// A Server-Sent Event as producers (the front doors' stream encoders) yield it, and its text form.
// Writing events to the client is the HTTP layer's job (src/http/sse.ts); encoders only build them.

export type SseEvent =
  /** `data: <json>` (or a raw string such as [DONE]), with an optional `event:` line. */
  { event?: string; data: unknown } | { comment: string };

export function formatSse(e: SseEvent): string {
  if ("comment" in e) return `: ${e.comment}\n\n`;
  const data = typeof e.data === "string" ? e.data : JSON.stringify(e.data);
  return e.event ? `event: ${e.event}\ndata: ${data}\n\n` : `data: ${data}\n\n`;
}
