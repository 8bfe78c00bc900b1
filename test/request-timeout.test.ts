// Issue 14, finding 8: REQUEST_TIMEOUT bounds the time to receive a whole request. Connections
// that send headers with Content-Length: 100000 and then trickle the body get 408 and are closed;
// responses (long streams) are not limited by it.
import assert from "node:assert/strict";
import { connect } from "node:net";
import type { Socket } from "node:net";
import { after, before, describe, it } from "node:test";
import { loadConfig } from "../src/config/config.ts";
import { httpServerOptions } from "../src/server/http-server-options.ts";
import { text } from "./fake-bedrock/fake-bedrock.ts";
import { startGateway, TEST_API_KEY } from "./helpers/gateway.ts";
import type { TestGateway } from "./helpers/gateway.ts";

/** Opens a raw connection that declares a body and sends one byte of it every `everyMs`. */
function slowBody(url: string, everyMs: number): Promise<{ status: string; closedAfterMs: number }> {
  const { hostname, port } = new URL(url);
  return new Promise((resolve, reject) => {
    const started = Date.now();
    const socket: Socket = connect(Number(port), hostname);
    let received = "";
    let timer: NodeJS.Timeout | undefined;
    socket.on("connect", () => {
      socket.write(
        `POST /v1/chat/completions HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer ${TEST_API_KEY}\r\nContent-Type: application/json\r\nContent-Length: 100000\r\n\r\n{`,
      );
      timer = setInterval(() => socket.write(" "), everyMs);
    });
    socket.on("data", (d) => (received += d.toString("latin1")));
    socket.on("error", () => {});
    socket.on("close", () => {
      clearInterval(timer);
      resolve({ status: received.split("\r\n")[0] ?? "", closedAfterMs: Date.now() - started });
    });
    setTimeout(() => {
      clearInterval(timer);
      socket.destroy();
      reject(new Error("the connection was still open after 10 s"));
    }, 10_000).unref();
  });
}

describe("REQUEST_TIMEOUT", () => {
  let gw: TestGateway;
  before(async () => {
    gw = await startGateway({ env: { REQUEST_TIMEOUT: "1s" } });
  });
  after(() => gw.close());

  it("defaults to 60 s, and Node's options stay consistent", () => {
    const c = loadConfig({ API_KEY: "k" });
    assert.equal(c.server.requestTimeoutMs, 60_000);
    const o = httpServerOptions(c.server);
    assert.equal(o.requestTimeout, 60_000);
    assert.ok(o.headersTimeout! <= o.requestTimeout, "Node refuses headersTimeout > requestTimeout");
    assert.equal(o.connectionsCheckingInterval, 15_000);
    assert.equal(httpServerOptions({ keepAliveTimeoutMs: 65_000, requestTimeoutMs: 0 }).requestTimeout, 0);
  });

  it("answers 408 and closes 50 connections that trickle their bodies", async () => {
    const results = await Promise.all(Array.from({ length: 50 }, () => slowBody(gw.url, 200)));
    for (const r of results) {
      assert.match(r.status, /^HTTP\/1\.1 408/);
      // ~1.25 s on a quiet machine (the limit plus one check interval); generous for loaded runners.
      assert.ok(r.closedAfterMs >= 900 && r.closedAfterMs < 8000, `${r.closedAfterMs} ms`);
    }
    assert.equal(gw.fake.calls("Converse").length, 0);
    // The gateway still serves normal requests.
    const ok = await gw.openai.chat.completions.create({ model: "us.amazon.nova-lite-v1:0", messages: [{ role: "user", content: "hi" }] });
    assert.ok(ok.choices[0]);
  });

  it("does not cut a response stream that lasts longer than the timeout", async () => {
    gw.fake.enqueue({ content: [text("x".repeat(60))], stream: { textChunk: 1, delayMs: 40 } });
    const started = Date.now();
    const stream = await gw.openai.chat.completions.create({
      model: "us.amazon.nova-lite-v1:0",
      messages: [{ role: "user", content: "hi" }],
      stream: true,
    });
    let out = "";
    for await (const chunk of stream) out += chunk.choices[0]?.delta.content ?? "";
    assert.equal(out, "x".repeat(60));
    assert.ok(Date.now() - started > 1500, `${Date.now() - started} ms`);
  });
});
