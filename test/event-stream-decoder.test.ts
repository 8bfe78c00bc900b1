import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { decodeHeaderUtf8, EventStreamDecoder } from "../src/bedrock/transport/event-stream-decoder.ts";
import { BedrockError } from "../src/bedrock/bedrock-error.ts";
import { frameToEvent } from "../src/bedrock/runtime-client.ts";
import { eventFrame, exceptionFrame } from "./fake-bedrock/event-stream-frames.ts";

const frames = [
  eventFrame("messageStart", { role: "assistant" }),
  eventFrame("contentBlockDelta", { contentBlockIndex: 0, delta: { text: "Hel" } }),
  eventFrame("contentBlockDelta", { contentBlockIndex: 0, delta: { text: "lo" } }),
  eventFrame("contentBlockStop", { contentBlockIndex: 0 }),
  eventFrame("messageStop", { stopReason: "end_turn" }),
];
const all = Buffer.concat(frames);

function decodeAll(chunks: Uint8Array[]) {
  const d = new EventStreamDecoder();
  return chunks.flatMap((c) => d.push(c)).map(frameToEvent);
}

describe("event-stream decoding", () => {
  it("decodes whole frames, keeping unknown payload fields (Bedrock's padding p) for the mappers to ignore", () => {
    const events = decodeAll([all]);
    assert.equal(events.length, 5);
    assert.deepEqual(Object.keys(events[0]!), ["messageStart"]);
    const delta = (events[1] as { contentBlockDelta: { delta: { text: string }; p?: string } }).contentBlockDelta;
    assert.equal(delta.delta.text, "Hel");
    assert.equal(typeof delta.p, "string");
  });

  it("reassembles frames split at every byte boundary", () => {
    const bytes = [...all].map((b) => Uint8Array.of(b));
    const events = decodeAll(bytes);
    assert.equal(events.length, 5);
    assert.deepEqual((events[4] as { messageStop: { stopReason: string } }).messageStop.stopReason, "end_turn");
  });

  it("reassembles frames split across uneven chunks", () => {
    const chunks = [all.subarray(0, 7), all.subarray(7, 100), all.subarray(100, 101), all.subarray(101)];
    assert.equal(decodeAll(chunks).length, 5);
  });

  it("rejects a corrupted CRC", () => {
    const bad = Buffer.from(frames[1]!);
    bad[bad.length - 6] = bad[bad.length - 6]! ^ 0xff; // flip a payload byte: message CRC no longer matches
    assert.throws(() => new EventStreamDecoder().push(bad), /checksum/i);
  });

  it("rejects an impossible frame length", () => {
    assert.throws(() => new EventStreamDecoder().push(Uint8Array.of(0, 0, 0, 3, 0, 0, 0, 0)), /invalid event-stream frame length/);
  });

  it("reports a stream that ends mid-frame", () => {
    const d = new EventStreamDecoder();
    d.push(frames[0]!.subarray(0, 10));
    assert.equal(d.hasPartialFrame, true);
  });

  it("turns exception frames into BedrockError with Bedrock's status", () => {
    const [ev] = decodeAll([exceptionFrame("ThrottlingException", "slow down")]);
    assert.ok(ev instanceof BedrockError);
    assert.equal(ev.exception, "ThrottlingException");
    assert.equal(ev.status, 429);
    assert.equal(ev.midStream, true);
    assert.equal(ev.message, "slow down");
  });

  it("header strings: interned ones come back equal to a fresh decode, whatever their length or script, past the bound too", () => {
    const enc = new TextEncoder();
    // Same length, different bytes (contentBlockStart / contentBlockDelta), non-ASCII, and more
    // distinct strings than the intern table keeps (128): every answer must still be right.
    const words = ["contentBlockStart", "contentBlockDelta", "données-é", "ü", "", "x".repeat(49)];
    for (let i = 0; i < 300; i++) words.push(`header-${i}`);
    for (let round = 0; round < 2; round++) {
      for (const w of words) {
        // A fresh buffer each time, with bytes around the header as inside a frame.
        const framed = enc.encode(`##${w}##`);
        assert.equal(decodeHeaderUtf8(framed.subarray(2, framed.length - 2)), w);
      }
    }
  });
});
