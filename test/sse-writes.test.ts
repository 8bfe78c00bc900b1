// SSE writing: a batch of events (what one upstream read produced) leaves in one chunk (one socket
// write), an event that is still on its way never holds back the ones before it, and the end and
// errors arrive.
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { sseStream } from "../src/http/sse.ts";
import type { SseEvent } from "../src/http/sse.ts";

const decoder = new TextDecoder();

async function readAll(stream: ReadableStream<Uint8Array>, onChunk?: (text: string) => void): Promise<string[]> {
  const chunks: string[] = [];
  const reader = stream.getReader();
  for (;;) {
    const { done, value } = await reader.read();
    if (done) return chunks;
    const text = decoder.decode(value);
    chunks.push(text);
    onChunk?.(text);
  }
}

describe("SSE writes", () => {
  it("writes a batch of events in one chunk", async () => {
    async function* burst(): AsyncGenerator<SseEvent[]> {
      yield Array.from({ length: 5 }, (_, i) => ({ data: { i } }));
    }
    let completed: boolean | undefined;
    const chunks = await readAll(sseStream(burst(), { keepAliveMs: 0, onClose: (c) => (completed = c) }));
    assert.deepEqual(chunks, ['data: {"i":0}\n\ndata: {"i":1}\n\ndata: {"i":2}\n\ndata: {"i":3}\n\ndata: {"i":4}\n\n']);
    assert.equal(completed, true);
  });

  it("never holds an event back until the next one exists", async () => {
    const written: string[] = [];
    let release!: () => void;
    async function* slow(): AsyncGenerator<SseEvent[]> {
      yield [{ data: "a" }, { data: "b" }];
      // The next event waits for upstream bytes: a and b must already be out.
      await new Promise<void>((r) => (release = r));
      yield [{ data: "c" }];
    }
    const reading = readAll(sseStream(slow(), { keepAliveMs: 0 }), (t) => written.push(t));
    while (!release) await new Promise((r) => setImmediate(r));
    await new Promise((r) => setTimeout(r, 20));
    assert.deepEqual(written, ["data: a\n\ndata: b\n\n"]);
    release();
    assert.deepEqual(await reading, ["data: a\n\ndata: b\n\n", "data: c\n\n"]);
  });

  it("delivers what was produced before a producer error, then errors the stream", async () => {
    async function* broken(): AsyncGenerator<SseEvent[]> {
      yield [{ data: "x" }];
      throw new Error("producer broke");
    }
    let completed: boolean | undefined;
    const got: string[] = [];
    await assert.rejects(
      readAll(sseStream(broken(), { keepAliveMs: 0, onClose: (c) => (completed = c) }), (t) => got.push(t)),
      /producer broke/,
    );
    assert.deepEqual(got, ["data: x\n\n"]);
    assert.equal(completed, false);
  });

  it("writes nothing for an empty batch and goes on reading", async () => {
    async function* gaps(): AsyncGenerator<SseEvent[]> {
      yield [];
      yield [{ data: "a" }];
      yield [];
      yield [{ comment: "c" }, { event: "e", data: { n: 1 } }];
    }
    let completed: boolean | undefined;
    const chunks = await readAll(sseStream(gaps(), { keepAliveMs: 0, onClose: (c) => (completed = c) }));
    assert.deepEqual(chunks, ["data: a\n\n", ': c\n\nevent: e\ndata: {"n":1}\n\n']);
    assert.equal(completed, true);
  });
});
