// The benchmark upstream: Bedrock's wire protocol (the runtime paths, restJson1 JSON, event-stream
// frames with CRCs, the control-plane listings the gateway's catalog loads) answered from
// precomputed bytes with no validation and no signature check, so its own cost per request is a
// few tens of microseconds and the proxy in front of it is what a benchmark sees. (The test double
// in test/fake-bedrock validates every request against the Smithy model: right for tests, far too
// slow to sit under a load test.)
//
// Streams run in one of three modes, switched between scenarios with POST /__bench/config:
//   - zero latency (tokenRate 0): the whole stream in one write;
//   - a fixed token rate: the first token at once, then one contentBlockDelta frame per token as
//     it falls due (a model generating at `tokenRate` tokens per second);
//   - hold: the first token, then silence until the client goes away (open-stream memory test).
//
// Usage: node bench/upstream/bench-upstream.ts [port]   (prints {"port":N} when listening)
import { createServer } from "node:http";
import type { IncomingMessage, ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { CONVERSE_RESPONSE, cannedStream, cohereEmbeddings, controlPlane } from "./canned-responses.ts";
import type { CannedStream } from "./canned-responses.ts";

export interface UpstreamConfig {
  /** contentBlockDelta frames per stream. */
  streamTokens: number;
  /** Tokens per second; 0 sends the whole stream at once. */
  tokenRate: number;
  /** Send the first token, then hold the stream open until the client leaves. */
  hold: boolean;
}

const REGION = "us-east-1";
const REQUEST_ID = "8f1c2a4e-5b6d-4e7f-9a0b-1c2d3e4f5a6b";
const plane = controlPlane(REGION);
let config: UpstreamConfig = { streamTokens: 500, tokenRate: 0, hold: false };
let stream: CannedStream = cannedStream(config.streamTokens);

function send(res: ServerResponse, status: number, body: Buffer, type = "application/json"): void {
  res.writeHead(status, { "content-type": type, "content-length": body.length, "x-amzn-requestid": REQUEST_ID });
  res.end(body);
}

function notFound(res: ServerResponse, what: string): void {
  const body = Buffer.from(JSON.stringify({ message: `No operation for ${what}` }));
  res.writeHead(404, {
    "content-type": "application/json",
    "x-amzn-errortype": "UnknownOperationException",
    "content-length": body.length,
  });
  res.end(body);
}

function converseStream(res: ServerResponse): void {
  const s = stream;
  res.writeHead(200, { "content-type": "application/vnd.amazon.eventstream", "x-amzn-requestid": REQUEST_ID });
  if (config.tokenRate <= 0 && !config.hold) {
    res.end(s.bytes);
    return;
  }
  // messageStart and the first token at once, as a model that has started generating.
  let sent = s.firstToken + 1;
  res.write(s.bytes.subarray(0, s.offsets[sent]));
  if (config.hold) return; // until the client closes the connection
  const rate = config.tokenRate;
  const started = performance.now();
  const frames = s.offsets.length - 1;
  const tick = () => {
    if (res.destroyed) return;
    // Tokens due by now (token k is due at (k - firstToken) / rate seconds); the closing frames go with the last token.
    let due = s.firstToken + 1 + Math.floor(((performance.now() - started) * rate) / 1000);
    if (due > s.lastToken) due = frames;
    if (due > sent) {
      res.write(s.bytes.subarray(s.offsets[sent], s.offsets[due]));
      sent = due;
    }
    if (sent >= frames) res.end();
    else setTimeout(tick, Math.max(0, Math.min(1000 / rate, 1)));
  };
  setTimeout(tick, 1000 / rate);
}

function handle(req: IncomingMessage, res: ServerResponse, body: Buffer): void {
  const url = req.url ?? "/";
  if (req.method === "POST" && url.startsWith("/model/")) {
    if (url.endsWith("/converse")) return send(res, 200, CONVERSE_RESPONSE);
    if (url.endsWith("/converse-stream")) return converseStream(res);
    if (url.endsWith("/invoke")) {
      // Only Cohere Embed is benchmarked; the answer's shape follows embedding_types as Bedrock's does.
      const parsed = JSON.parse(body.toString("utf8")) as { texts?: unknown[]; embedding_types?: unknown };
      return send(res, 200, cohereEmbeddings(parsed.texts?.length ?? 1, parsed.embedding_types !== undefined));
    }
    return notFound(res, url);
  }
  if (req.method === "GET") {
    const q = url.indexOf("?");
    const path = q < 0 ? url : url.slice(0, q);
    if (path === "/foundation-models") return send(res, 200, plane.foundationModels);
    if (path === "/inference-profiles") return send(res, 200, plane.profiles(new URLSearchParams(url.slice(q + 1)).get("type")));
    if (path.startsWith("/inference-profiles/")) {
      const p = plane.profile(decodeURIComponent(path.slice("/inference-profiles/".length)));
      return p ? send(res, 200, Buffer.from(JSON.stringify(p))) : notFound(res, path);
    }
    if (path === "/__bench/health") return send(res, 200, Buffer.from('{"ok":true}'));
  }
  if (req.method === "POST" && url === "/__bench/config") {
    config = { ...config, ...(JSON.parse(body.toString("utf8")) as Partial<UpstreamConfig>) };
    stream = cannedStream(config.streamTokens);
    return send(res, 200, Buffer.from(JSON.stringify(config)));
  }
  notFound(res, `${req.method} ${url}`);
}

export async function startBenchUpstream(port = 0): Promise<{ port: number; close: () => Promise<void> }> {
  const server = createServer({ keepAliveTimeout: 120_000, requestTimeout: 0, headersTimeout: 60_000 }, (req, res) => {
    // Bodies are read only where the answer depends on them (InvokeModel, config).
    const needsBody = req.url === "/__bench/config" || req.url?.endsWith("/invoke");
    if (!needsBody) {
      req.resume();
      req.once("end", () => handle(req, res, Buffer.alloc(0)));
      return;
    }
    const chunks: Buffer[] = [];
    req.on("data", (c: Buffer) => chunks.push(c));
    req.once("end", () => handle(req, res, Buffer.concat(chunks)));
  });
  await new Promise<void>((r) => server.listen(port, "127.0.0.1", r));
  return {
    port: (server.address() as AddressInfo).port,
    close: () =>
      new Promise<void>((r) => {
        server.closeAllConnections();
        server.close(() => r());
      }),
  };
}

if (import.meta.main) {
  const { port } = await startBenchUpstream(Number(process.argv[2] ?? 0));
  process.stdout.write(`${JSON.stringify({ port })}\n`);
}
