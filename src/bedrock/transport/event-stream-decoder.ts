// Bytes → Bedrock stream events. Frames are decoded (prelude, headers, CRCs) by the SDK's own
// codec; this file only cuts the byte stream at frame boundaries (the prelude's first 4 bytes
// are the frame's total length) so frames split across network chunks are reassembled.
import { EventStreamCodec } from "@smithy/core/event-streams";
import type { Message } from "@smithy/core/event-streams";
import { fromUtf8 } from "@smithy/core/serde";

const utf8 = new TextDecoder();
/** Decoded bytes → string, for the event payloads (a shared TextDecoder: no Buffer per call). */
export const decodeUtf8 = (bytes: Uint8Array): string => utf8.decode(bytes);

// Every frame carries the same few header names and values (":event-type" "contentBlockDelta",
// ":content-type" "application/json", ":message-type" "event"): six strings per frame, ~0.6 µs of
// decoding, for strings the gateway has seen thousands of times. The codec decodes them with the
// function it is given; this one hands back the string decoded before when the bytes are equal
// (a short compare, no allocation) and decodes anything else. Bounded: at most INTERNED strings
// of at most INTERN_MAX bytes are kept.
const INTERN_MAX = 48;
const INTERNED = 128;
const interned = new Map<number, { bytes: Uint8Array; text: string }[]>();
let internedCount = 0;

export function decodeHeaderUtf8(bytes: Uint8Array): string {
  const n = bytes.length;
  if (n > INTERN_MAX) return utf8.decode(bytes);
  const sameLength = interned.get(n);
  if (sameLength) {
    outer: for (const e of sameLength) {
      for (let i = 0; i < n; i++) if (e.bytes[i] !== bytes[i]) continue outer;
      return e.text;
    }
  }
  const text = utf8.decode(bytes);
  if (internedCount < INTERNED) {
    internedCount++;
    const entry = { bytes: bytes.slice(), text };
    if (sameLength) sameLength.push(entry);
    else interned.set(n, [entry]);
  }
  return text;
}

const codec = new EventStreamCodec(decodeHeaderUtf8, fromUtf8);
const MIN_FRAME = 16; // prelude (12) + message CRC (4)
const MAX_FRAME = 16 * 1024 * 1024; // Bedrock frames are small; a larger length means corrupt input

export class EventStreamFrameError extends Error {
  override name = "EventStreamFrameError";
}

/** Accumulates chunks and yields complete, CRC-checked event-stream messages. */
export class EventStreamDecoder {
  private buffer: Uint8Array = new Uint8Array(0);

  /** Feed one network chunk; returns every message completed by it (often zero or one). */
  push(chunk: Uint8Array): Message[] {
    let buf = chunk;
    if (this.buffer.length > 0) {
      buf = new Uint8Array(this.buffer.length + chunk.length);
      buf.set(this.buffer, 0);
      buf.set(chunk, this.buffer.length);
    }
    const out: Message[] = [];
    let offset = 0;
    while (buf.length - offset >= 4) {
      const total = new DataView(buf.buffer, buf.byteOffset + offset, 4).getUint32(0, false);
      if (total < MIN_FRAME || total > MAX_FRAME) {
        throw new EventStreamFrameError(`invalid event-stream frame length ${total}`);
      }
      if (buf.length - offset < total) break;
      // decode() verifies both CRCs and throws on mismatch.
      out.push(codec.decode(buf.subarray(offset, offset + total)));
      offset += total;
    }
    // Keep the unfinished tail; copy so we do not pin the whole network chunk.
    this.buffer = offset === buf.length ? new Uint8Array(0) : buf.slice(offset);
    return out;
  }

  /** Bytes left over at end of stream mean the connection was cut mid-frame. */
  get hasPartialFrame(): boolean {
    return this.buffer.length > 0;
  }
}

export { codec as eventStreamCodec };
