// The Lambda response-streaming adapter on its own, with fetch handlers whose timing the test
// controls: chunks reach the runtime's response stream as they are produced, backpressure holds
// the producer back, and the error and abort paths end the way a client (and Lambda) can tell.
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { eventToRequest } from "../src/lambda/event-to-request.ts";
import { createStreamHandler, ResponseStreamClosedError } from "../src/lambda/stream-handler.ts";
import type { FetchHandler } from "../src/lambda/stream-handler.ts";
import { createLogger } from "../src/logging/logger.ts";
import { fakeAwsLambda, fakeContext, FakeResponseStream, functionUrlEvent, invoke, restApiEvent } from "./helpers/lambda-runtime.ts";

const logger = createLogger("silent");
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const enc = new TextEncoder();
const handlerFor = (fetch: FetchHandler, deadlineMarginMs?: number) =>
  fakeAwsLambda.streamifyResponse(createStreamHandler(fakeAwsLambda, fetch, { logger, deadlineMarginMs }));

describe("Lambda streaming adapter", () => {
  it("writes each chunk to the response stream when it is produced, not at the end", async () => {
    const produced: number[] = [];
    const handler = handlerFor(
      () =>
        new Response(
          new ReadableStream<Uint8Array>({
            async start(c) {
              for (const part of ["data: one\n\n", "data: two\n\n", "data: three\n\n"]) {
                await sleep(80);
                produced.push(performance.now());
                c.enqueue(enc.encode(part));
              }
              c.close();
            },
          }),
          { headers: { "content-type": "text/event-stream" } },
        ),
    );
    const started = performance.now();
    const { stream, done } = invoke(handler, functionUrlEvent("POST", "/v1/chat/completions", { body: "{}" }));
    await done;
    const { metadata, body, bodyWrites } = stream.parse();
    assert.equal(metadata.statusCode, 200);
    assert.equal(metadata.headers["content-type"], "text/event-stream");
    assert.equal(body, "data: one\n\ndata: two\n\ndata: three\n\n");
    assert.equal(bodyWrites.length, 3, "one write per chunk");
    // The status line and headers go out before the first chunk exists, and each chunk is written
    // before the next one is produced (ordering, not wall-clock thresholds: CI machines are busy).
    assert.ok(stream.writes[0]!.at < produced[0]!, `prelude ${stream.writes[0]!.at - started} ms after the start, after the first chunk`);
    for (let i = 0; i < 3; i++) {
      assert.ok(bodyWrites[i]!.at >= produced[i]!, `chunk ${i} written before it was produced?`);
      if (i < 2) assert.ok(bodyWrites[i]!.at < produced[i + 1]!, `chunk ${i} was held back until chunk ${i + 1} existed`);
    }
  });

  it("holds the producer back while the response stream is full (backpressure)", async () => {
    const CHUNK = 4096;
    const COUNT = 64;
    let pulled = 0;
    let maxAhead = 0;
    const stream = new FakeResponseStream({ highWaterMark: CHUNK, writeDelayMs: 2 });
    const handler = handlerFor(
      () =>
        new Response(
          new ReadableStream<Uint8Array>(
            {
              pull(c) {
                if (pulled === COUNT) return c.close();
                pulled++;
                maxAhead = Math.max(maxAhead, pulled - stream.writes.length);
                c.enqueue(new Uint8Array(CHUNK));
              },
            },
            { highWaterMark: 0 },
          ),
        ),
    );
    await invoke(handler, functionUrlEvent("GET", "/big"), stream).done;
    assert.equal(stream.parse().body.length, CHUNK * COUNT);
    assert.ok(maxAhead < 8, `the producer ran ${maxAhead} chunks ahead of the stream`);
  });

  it("cancels the response and aborts the request when the response stream closes early", async () => {
    let signal: AbortSignal | undefined;
    let cancelled: unknown;
    const stream = new FakeResponseStream();
    const handler = handlerFor((req) => {
      signal = req.signal;
      let n = 0;
      return new Response(
        new ReadableStream<Uint8Array>({
          async pull(c) {
            await sleep(20);
            c.enqueue(enc.encode(`data: ${n++}\n\n`));
          },
          cancel(reason) {
            cancelled = reason;
          },
        }),
        { headers: { "content-type": "text/event-stream" } },
      );
    });
    const { done } = invoke(handler, functionUrlEvent("GET", "/forever"), stream);
    await sleep(90);
    stream.destroy();
    await done;
    assert.ok(signal?.aborted, "the request's signal fired");
    assert.ok(signal.reason instanceof ResponseStreamClosedError);
    assert.ok(cancelled instanceof ResponseStreamClosedError, "the body was cancelled");
    const writesAtClose = stream.writes.length;
    await sleep(60);
    assert.equal(stream.writes.length, writesAtClose, "nothing is written after the close");
  });

  it("fails the invocation when the body breaks after the headers went out", async () => {
    const handler = handlerFor(
      () =>
        new Response(
          new ReadableStream<Uint8Array>({
            async start(c) {
              c.enqueue(enc.encode("data: partial\n\n"));
              await sleep(10);
              c.error(new Error("upstream went away"));
            },
          }),
          { headers: { "content-type": "text/event-stream" } },
        ),
    );
    const stream = new FakeResponseStream();
    await assert.rejects(invoke(handler, functionUrlEvent("GET", "/x"), stream).done, /upstream went away/);
    assert.equal(stream.parse().body, "data: partial\n\n");
    assert.equal(stream.writableEnded, false, "the stream is not ended as if the response were complete");
  });

  it("runs the after-response work (the usage flush) once the response has ended, before the invocation returns", async () => {
    const order: string[] = [];
    const handler = fakeAwsLambda.streamifyResponse(
      createStreamHandler(fakeAwsLambda, () => new Response("ok"), {
        logger,
        afterResponse: async () => {
          order.push(`flush after end: ${stream.writableEnded}`);
          await sleep(20);
          order.push("flushed");
        },
      }),
    );
    const { stream, done } = invoke(handler, functionUrlEvent("GET", "/health"));
    await done;
    order.push("returned");
    assert.deepEqual(order, ["flush after end: true", "flushed", "returned"]);
  });

  it("answers an OpenAI-shaped 500 when the app throws, with the invocation id", async () => {
    const handler = handlerFor(() => {
      throw new Error("boom");
    });
    const { stream, done } = invoke(handler, functionUrlEvent("GET", "/v1/models"));
    await done;
    const { metadata, body } = stream.parse();
    assert.equal(metadata.statusCode, 500);
    const err = (JSON.parse(body) as { error: { type: string; code: string; message: string } }).error;
    assert.equal(err.type, "server_error");
    assert.equal(err.code, "internal_error");
    assert.match(err.message, /inv-/);
    assert.ok(!body.includes("boom"), "internal details stay in the log");
  });

  it("ends an SSE stream with an OpenAI error event before the function timeout cuts it", async () => {
    let signal: AbortSignal | undefined;
    const handler = handlerFor((req) => {
      signal = req.signal;
      return new Response(
        new ReadableStream<Uint8Array>({
          async pull(c) {
            await sleep(30);
            c.enqueue(enc.encode('data: {"n":1}\n\n'));
          },
        }),
        { headers: { "content-type": "text/event-stream; charset=utf-8" } },
      );
    }, 100);
    const stream = new FakeResponseStream();
    // The body never ends by itself: only the deadline (400 ms - 100 ms margin) can end this invocation.
    await invoke(handler, functionUrlEvent("POST", "/v1/chat/completions", { body: "{}" }), stream, fakeContext(400)).done;
    assert.ok(signal?.aborted, "the app's request was aborted (and with it the Bedrock call)");
    const { metadata, body } = stream.parse();
    assert.equal(metadata.statusCode, 200);
    const events = body.split("\n\n").filter(Boolean);
    assert.ok(events.length >= 3, body);
    const last = JSON.parse(events.at(-1)!.replace(/^data: /, "")) as { error: { type: string; code: string } };
    assert.deepEqual([last.error.type, last.error.code], ["timeout_error", "gateway_deadline"]);
    assert.ok(stream.writableFinished);
  });

  it("ends an Anthropic Messages stream with an Anthropic error event", async () => {
    const handler = handlerFor(
      () =>
        new Response(
          new ReadableStream<Uint8Array>({
            async pull(c) {
              await sleep(30);
              c.enqueue(enc.encode('event: ping\ndata: {"type":"ping"}\n\n'));
            },
          }),
          { headers: { "content-type": "text/event-stream" } },
        ),
      100,
    );
    const stream = new FakeResponseStream();
    await invoke(handler, functionUrlEvent("POST", "/v1/messages", { body: "{}" }), stream, fakeContext(300)).done;
    const last = stream.parse().body.trimEnd().split("\n\n").at(-1)!;
    assert.match(last, /^event: error\ndata: /);
    const data = JSON.parse(last.split("\n")[1]!.slice(6)) as { type: string; error: { type: string } };
    assert.deepEqual([data.type, data.error.type], ["error", "api_error"]);
  });

  it("answers 504 when the function timeout comes before the response began", async () => {
    const handler = handlerFor(
      (req) =>
        new Promise<Response>((resolve) => {
          // A non-streaming Bedrock call that outlives the function: it ends when its signal fires.
          req.signal.addEventListener("abort", () => resolve(Response.json({ error: { message: "aborted" } }, { status: 499 })));
        }),
      100,
    );
    const stream = new FakeResponseStream();
    await invoke(handler, functionUrlEvent("POST", "/v1/chat/completions", { body: "{}" }), stream, fakeContext(300)).done;
    const { metadata, body } = stream.parse();
    assert.equal(metadata.statusCode, 504);
    assert.equal((JSON.parse(body) as { error: { code: string } }).error.code, "gateway_deadline");
  });

  it("sends a body-less response's status and headers, and cookies apart from headers", async () => {
    const handler = handlerFor(() => {
      const h = new Headers({ "x-a": "1" });
      h.append("set-cookie", "a=1");
      h.append("set-cookie", "b=2");
      return new Response(null, { status: 204, headers: h });
    });
    const { stream, done } = invoke(handler, functionUrlEvent("GET", "/x"));
    await done;
    const { metadata, body } = stream.parse();
    assert.equal(metadata.statusCode, 204);
    assert.equal(metadata.headers["x-a"], "1");
    assert.equal(metadata.headers["set-cookie"], undefined);
    assert.deepEqual(metadata.cookies, ["a=1", "b=2"]);
    assert.equal(body, "");
    assert.ok(stream.writableFinished);
  });
});

describe("Lambda event → Request", () => {
  const signal = new AbortController().signal;

  it("reads a Function URL event: method, path, query, headers, cookies, base64 body", async () => {
    const event = {
      ...functionUrlEvent("POST", "/v1/chat/completions", {
        body: '{"a":"é"}',
        base64: true,
        query: "x=1&y=2",
        headers: { "content-length": "999" },
      }),
      cookies: ["c1=1", "c2=2"],
    };
    const req = eventToRequest(event, signal);
    assert.equal(req.method, "POST");
    assert.equal(req.url, "https://abcdefghij.lambda-url.us-east-1.on.aws/v1/chat/completions?x=1&y=2");
    assert.equal(req.headers.get("cookie"), "c1=1; c2=2");
    assert.equal(req.headers.get("content-length"), String(Buffer.byteLength('{"a":"é"}')), "the real length replaces the declared one");
    assert.equal(await req.text(), '{"a":"é"}');
    assert.equal(req.signal.aborted, false);
  });

  it("reads an API Gateway REST event: multi-value query and headers, path without the stage", async () => {
    const event = restApiEvent("POST", "/v1/models/a b?c", {
      body: "{}",
      query: { tag: ["a", "b"], q: ["x y"] },
      headers: { "X-Multi": "one" },
    });
    event.multiValueHeaders["X-Multi"] = ["one", "two"];
    const req = eventToRequest(event, signal);
    assert.equal(req.url, "https://abc123.execute-api.us-east-1.amazonaws.com/v1/models/a%20b%3Fc?tag=a&tag=b&q=x+y");
    assert.equal(req.headers.get("x-multi"), "one, two");
    assert.equal(await req.text(), "{}");
  });

  it("drops a body on GET and HEAD", () => {
    const req = eventToRequest(functionUrlEvent("GET", "/v1/models", { body: "ignored" }), signal);
    assert.equal(req.body, null);
    assert.equal(req.headers.get("content-length"), null);
  });

  it("refuses events that are not HTTP events", () => {
    assert.throws(() => eventToRequest({ Records: [] } as never, signal), /not an HTTP event/);
  });
});
