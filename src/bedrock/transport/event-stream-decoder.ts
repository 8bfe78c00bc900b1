// Bytes → Bedrock stream events. Frames are decoded (prelude, headers, CRCs) by the SDK's own
// codec; this file only cuts the byte stream at frame boundaries (the prelude's first 4 bytes
// are the frame's total length) so frames split across network chunks are reassembled.
import { EventStreamCodec } from "@smithy/core/event-streams";
import type { Message } from "@smithy/core/event-streams";
import { fromUtf8, toUtf8 } from "@smithy/core/serde";

const codec = new EventStreamCodec(toUtf8, fromUtf8);
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
