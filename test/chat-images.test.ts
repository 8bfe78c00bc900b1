// Images in chat: data URLs, http(s) URLs fetched from a local server (only with the opt-in),
// and the server-side request forgery guard that refuses private addresses by default.
import assert from "node:assert/strict";
import { createServer } from "node:http";
import type { Server } from "node:http";
import type { AddressInfo } from "node:net";
import { after, before, describe, it } from "node:test";
import OpenAI from "openai";
import { isPublicAddress } from "../src/net/fetch-image.ts";
import { startGateway } from "./helpers/gateway.ts";
import type { TestGateway } from "./helpers/gateway.ts";

const PNG = Buffer.from("iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8BQDwAEhQGAhKmMIQAAAABJRU5ErkJggg==", "base64");
const GIF = Buffer.from("R0lGODlhAQABAIAAAAAAAP///yH5BAEAAAAALAAAAAABAAEAAAIBRAA7", "base64");

let server: Server;
let base: string;
let hits: string[] = [];

before(async () => {
  server = createServer((req, res) => {
    hits.push(req.url ?? "");
    if (req.headers.authorization || req.headers.cookie) throw new Error("credentials must never be sent");
    if (req.url === "/cat.png") return void res.writeHead(200, { "content-type": "image/jpeg" }).end(PNG);
    if (req.url === "/anim.gif") return void res.writeHead(200, { "content-type": "application/octet-stream" }).end(GIF);
    if (req.url === "/redirect") return void res.writeHead(302, { location: "/cat.png" }).end();
    if (req.url === "/loop") return void res.writeHead(302, { location: "/loop" }).end();
    if (req.url === "/big.png")
      return void res.writeHead(200, { "content-type": "image/png" }).end(Buffer.concat([PNG, Buffer.alloc(4_000_000)]));
    if (req.url === "/page.html") return void res.writeHead(200, { "content-type": "text/html" }).end("<html></html>");
    res.writeHead(404).end();
  });
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
after(() => new Promise<void>((r) => server.close(() => r())));

const ask = (gw: TestGateway, url: string, model = "anthropic.claude-3-5-sonnet-20240620-v1:0") =>
  gw.openai.chat.completions.create({
    model,
    messages: [
      {
        role: "user",
        content: [
          { type: "text", text: "Describe" },
          { type: "image_url", image_url: { url } },
        ],
      },
    ],
  });

describe("images from URLs with ALLOW_PRIVATE_IMAGE_URLS=true", () => {
  let gw: TestGateway;
  before(async () => {
    gw = await startGateway({ env: { ALLOW_PRIVATE_IMAGE_URLS: "true" } });
  });
  after(() => gw.close());

  it("fetches the image and sends its bytes with the format taken from the bytes", async () => {
    await ask(gw, `${base}/cat.png`);
    const img = gw.fake.lastCall()!.body.messages[0].content[1].image;
    assert.equal(img.format, "png", "content-type said jpeg; the bytes are PNG");
    assert.equal(Buffer.from(img.source.bytes, "base64").equals(PNG), true);
  });

  it("follows redirects and fetches several images concurrently", async () => {
    await gw.openai.chat.completions.create({
      model: "anthropic.claude-3-5-sonnet-20240620-v1:0",
      messages: [
        {
          role: "user",
          content: [
            { type: "image_url", image_url: { url: `${base}/redirect` } },
            { type: "image_url", image_url: { url: `${base}/anim.gif` } },
          ],
        },
      ],
    });
    const blocks = gw.fake.lastCall()!.body.messages[0].content;
    assert.deepEqual(
      blocks.map((b: any) => b.image.format),
      ["png", "gif"],
    );
  });

  it("answers 400 naming the problem for every failed fetch", async () => {
    const cases: [string, RegExp][] = [
      [`${base}/missing.png`, /HTTP 404/],
      [`${base}/loop`, /redirected more than 3 times/],
      [`${base}/big.png`, /larger than/],
      [`${base}/page.html`, /not a PNG, JPEG, GIF or WebP/],
      ["ftp://example.com/x.png", /scheme ftp: is not allowed/],
      [`http://user:pw@127.0.0.1:1/x.png`, /credentials/],
    ];
    for (const [url, re] of cases) {
      await assert.rejects(ask(gw, url), (e: unknown) => {
        assert.ok(e instanceof OpenAI.BadRequestError, url);
        assert.match(e.message, re, url);
        assert.equal(e.param, "messages[0].content[1].image_url");
        return true;
      });
    }
  });
});

describe("images from URLs by default (private addresses refused)", () => {
  let gw: TestGateway;
  before(async () => {
    gw = await startGateway();
  });
  after(() => gw.close());

  it("refuses loopback, private, link-local and metadata addresses without fetching", async () => {
    hits = [];
    for (const url of [
      `${base}/cat.png`,
      "http://localhost/x.png",
      "http://169.254.169.254/latest/meta-data/",
      "http://10.0.0.1/x.png",
      "http://[::1]/x.png",
      "http://[fd00:ec2::254]/x.png",
      "http://100.64.0.1/x.png",
    ]) {
      await assert.rejects(
        ask(gw, url),
        (e: unknown) => e instanceof OpenAI.BadRequestError && /non-public address|localhost/.test(e.message),
        url,
      );
    }
    assert.deepEqual(hits, [], "nothing was fetched");
  });

  it("accepts data URLs", async () => {
    await ask(gw, `data:image/png;base64,${PNG.toString("base64")}`);
    assert.equal(gw.fake.lastCall()!.body.messages[0].content[1].image.format, "png");
  });

  it("refuses images for a model without image input, naming the model", async () => {
    await assert.rejects(
      ask(gw, `data:image/png;base64,${PNG.toString("base64")}`, "amazon.nova-micro-v1:0"),
      (e: unknown) => e instanceof OpenAI.BadRequestError && /amazon\.nova-micro-v1:0/.test(e.message),
    );
  });
});

describe("address classification", () => {
  it("treats only global unicast as public", () => {
    for (const a of [
      "127.0.0.1",
      "10.1.2.3",
      "172.16.0.1",
      "192.168.1.1",
      "169.254.169.254",
      "100.64.0.1",
      "0.0.0.0",
      "::1",
      "fe80::1",
      "fd00:ec2::254",
      "::ffff:127.0.0.1",
      "224.0.0.1",
      "255.255.255.255",
    ]) {
      assert.equal(isPublicAddress(a), false, a);
    }
    for (const a of ["8.8.8.8", "1.1.1.1", "2606:4700:4700::1111", "::ffff:8.8.8.8"]) assert.equal(isPublicAddress(a), true, a);
  });
});
