// Issue 14, findings 2 and 12: one request cannot make the gateway open unbounded outbound
// fetches. At most MAX_MEDIA_URLS URLs (400 before any fetch), MEDIA_FETCH_CONCURRENCY at a time
// per request, MEDIA_FETCH_GLOBAL_CONCURRENCY in the process, MAX_MEDIA_BYTES in all; the first
// failure, or the client leaving, aborts every pending fetch. IPv4-compatible IPv6 addresses are
// judged like their IPv4 form by the SSRF guard.
import assert from "node:assert/strict";
import { createServer } from "node:http";
import type { IncomingMessage, Server, ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { after, afterEach, before, describe, it } from "node:test";
import { isPublicAddress } from "../src/net/fetch-image.ts";
import { startGateway } from "./helpers/gateway.ts";
import type { TestGateway } from "./helpers/gateway.ts";

const PNG = Buffer.from("iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8BQDwAEhQGAhKmMIQAAAABJRU5ErkJggg==", "base64");
const CLAUDE = "anthropic.claude-3-5-sonnet-20240620-v1:0";

/** An image host that counts requests, how many are open at once, and can stay silent. */
class ImageHost {
  server!: Server;
  base = "";
  hits = 0;
  open = 0;
  maxOpen = 0;
  private held: ServerResponse[] = [];

  async start() {
    this.server = createServer((req: IncomingMessage, res: ServerResponse) => {
      this.hits++;
      this.open++;
      this.maxOpen = Math.max(this.maxOpen, this.open);
      let closed = false;
      const done = () => {
        if (closed) return;
        closed = true;
        this.open--;
      };
      res.on("close", done);
      const url = req.url ?? "";
      if (url.startsWith("/silent")) return void this.held.push(res); // never answers
      if (url.startsWith("/missing")) return void res.writeHead(404).end();
      const delay = url.startsWith("/slow") ? 150 : 0;
      const size = /size=(\d+)/.exec(url);
      const body = size ? Buffer.concat([PNG, Buffer.alloc(Number(size[1]))]) : PNG;
      setTimeout(() => res.writeHead(200, { "content-type": "image/png" }).end(body), delay);
    });
    await new Promise<void>((r) => this.server.listen(0, "127.0.0.1", r));
    this.base = `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
  }

  reset() {
    for (const r of this.held) r.destroy();
    this.held = [];
    this.hits = 0;
    this.maxOpen = this.open;
  }

  async waitForOpen(n: number, timeoutMs: number): Promise<number> {
    const end = Date.now() + timeoutMs;
    while (this.open > n && Date.now() < end) await new Promise((r) => setTimeout(r, 20));
    return this.open;
  }

  close() {
    this.reset();
    this.server.closeAllConnections();
    return new Promise<void>((r) => this.server.close(() => r()));
  }
}

const chatWithImages = (urls: string[]) =>
  JSON.stringify({
    model: CLAUDE,
    messages: [
      { role: "user", content: [{ type: "text", text: "Describe" }, ...urls.map((url) => ({ type: "image_url", image_url: { url } }))] },
    ],
  });

describe("bounded media fetching", () => {
  const host = new ImageHost();
  let gw: TestGateway;
  const post = (path: string, body: string, signal?: AbortSignal) =>
    gw.request(path, { method: "POST", headers: { "content-type": "application/json" }, body, signal });

  before(async () => {
    await host.start();
    gw = await startGateway({ env: { ALLOW_PRIVATE_IMAGE_URLS: "true", MAX_MEDIA_BYTES: "64KiB" } });
  });
  after(async () => {
    await gw.close();
    await host.close();
  });
  afterEach(() => host.reset());

  it("refuses more than MAX_MEDIA_URLS (20) URLs with a 400 naming the limit, before any fetch", async () => {
    for (const n of [21, 3_000]) {
      const started = Date.now();
      const res = await post("/v1/chat/completions", chatWithImages(Array.from({ length: n }, (_, i) => `${host.base}/img/${i}`)));
      const body: any = await res.json();
      assert.equal(res.status, 400);
      assert.equal(body.error.code, "too_many_media_urls");
      assert.match(body.error.message, /MAX_MEDIA_URLS/);
      assert.match(body.error.message, new RegExp(`${n} image URLs; at most 20`));
      assert.equal(body.error.param, "messages[0].content[21].image_url");
      assert.ok(Date.now() - started < 10_000, "answered without waiting for any fetch");
    }
    assert.equal(host.hits, 0, "nothing was fetched");
    const anthropic = await post(
      "/v1/messages",
      JSON.stringify({
        model: CLAUDE,
        max_tokens: 5,
        messages: [
          {
            role: "user",
            content: Array.from({ length: 25 }, (_, i) => ({ type: "image", source: { type: "url", url: `${host.base}/a/${i}` } })),
          },
        ],
      }),
    );
    assert.equal(anthropic.status, 400);
    assert.match(((await anthropic.json()) as any).error.message, /MAX_MEDIA_URLS/);
    const responses = await post(
      "/v1/responses",
      JSON.stringify({
        model: CLAUDE,
        input: [
          { role: "user", content: Array.from({ length: 25 }, (_, i) => ({ type: "input_image", image_url: `${host.base}/r/${i}` })) },
        ],
      }),
    );
    assert.equal(responses.status, 400);
    assert.equal(((await responses.json()) as any).error.code, "too_many_media_urls");
    assert.equal(host.hits, 0);
  });

  it("fetches at most 4 images of one request at a time, and all of them", async () => {
    const res = await post("/v1/chat/completions", chatWithImages(Array.from({ length: 12 }, (_, i) => `${host.base}/slow/${i}`)));
    assert.equal(res.status, 200, await res.clone().text());
    assert.equal(host.hits, 12);
    assert.equal(host.maxOpen, 4);
    assert.equal(gw.fake.lastCall()!.body.messages[0].content.filter((b: any) => b.image).length, 12);
  });

  it("aborts every pending fetch as soon as one fails: 400 at once, no socket left open", async () => {
    const urls = [`${host.base}/missing`, ...Array.from({ length: 19 }, (_, i) => `${host.base}/silent/${i}`)];
    const started = Date.now();
    const res = await post("/v1/chat/completions", chatWithImages(urls));
    assert.equal(res.status, 400);
    assert.match(((await res.json()) as any).error.message, /HTTP 404/);
    assert.ok(Date.now() - started < 3000, `${Date.now() - started} ms`);
    assert.ok(host.hits <= 4, `only the first wave was started (${host.hits})`);
    assert.equal(await host.waitForOpen(0, 2000), 0, "the silent fetches were cut, not left for IMAGE_FETCH_TIMEOUT");
  });

  it("aborts the fetches when the client leaves", async () => {
    const ac = new AbortController();
    const pending = post(
      "/v1/chat/completions",
      chatWithImages(Array.from({ length: 10 }, (_, i) => `${host.base}/silent/${i}`)),
      ac.signal,
    ).catch(() => undefined);
    const end = Date.now() + 3000;
    while (host.open < 4 && Date.now() < end) await new Promise((r) => setTimeout(r, 10));
    assert.equal(host.open, 4);
    ac.abort();
    await pending;
    assert.equal(await host.waitForOpen(0, 2000), 0, "no fetch outlives the request");
    assert.equal(host.hits, 4, "nothing new started after the client left");
  });

  it("caps the bytes of all images of a request (MAX_MEDIA_BYTES)", async () => {
    // 64 KiB in all: three images of 30 KB pass each per-image limit but not the total.
    const res = await post("/v1/chat/completions", chatWithImages([0, 1, 2].map((i) => `${host.base}/img/${i}?size=30000`)));
    const body: any = await res.json();
    assert.equal(res.status, 400, JSON.stringify(body));
    assert.equal(body.error.code, "media_too_large");
    assert.match(body.error.message, /65536 bytes in total \(MAX_MEDIA_BYTES\)/);
    const ok = await post("/v1/chat/completions", chatWithImages([0, 1].map((i) => `${host.base}/img/${i}?size=30000`)));
    assert.equal(ok.status, 200);
  });
});

describe("process-wide fetch cap", () => {
  it("holds MEDIA_FETCH_GLOBAL_CONCURRENCY across concurrent requests", async () => {
    const host = new ImageHost();
    await host.start();
    const gw = await startGateway({ env: { ALLOW_PRIVATE_IMAGE_URLS: "true", MEDIA_FETCH_GLOBAL_CONCURRENCY: "3" } });
    try {
      const one = (k: number) =>
        gw.request("/v1/chat/completions", {
          method: "POST",
          headers: { "content-type": "application/json" },
          body: chatWithImages(Array.from({ length: 4 }, (_, i) => `${host.base}/slow/${k}-${i}`)),
        });
      const results = await Promise.all([one(1), one(2), one(3)]);
      assert.deepEqual(
        results.map((r) => r.status),
        [200, 200, 200],
      );
      assert.equal(host.hits, 12);
      assert.equal(host.maxOpen, 3);
    } finally {
      await gw.close();
      await host.close();
    }
  });
});

describe("SSRF guard: IPv4-compatible IPv6", () => {
  it("classifies ::a.b.c.d like a.b.c.d", () => {
    for (const a of ["::127.0.0.1", "::7f00:1", "::a9fe:a9fe", "::10.0.0.1", "::c0a8:101", "::"])
      assert.equal(isPublicAddress(a), false, a);
    assert.equal(isPublicAddress("::808:808"), true, "::8.8.8.8 is 8.8.8.8");
  });

  it("refuses http://[::127.0.0.1]/ without fetching", async () => {
    const host = new ImageHost();
    await host.start();
    const gw = await startGateway();
    try {
      const port = new URL(host.base).port;
      for (const h of ["[::127.0.0.1]", "[::7f00:1]", "[::ffff:127.0.0.1]"]) {
        const res = await gw.request("/v1/chat/completions", {
          method: "POST",
          headers: { "content-type": "application/json" },
          body: chatWithImages([`http://${h}:${port}/x.png`]),
        });
        const body: any = await res.json();
        assert.equal(res.status, 400, h);
        assert.equal(body.error.code, "invalid_image_url");
        assert.match(body.error.message, /non-public address/);
      }
      assert.equal(host.hits, 0);
    } finally {
      await gw.close();
      await host.close();
    }
  });
});
