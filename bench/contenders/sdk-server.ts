// "Direct via the AWS SDK": the smallest Node server that calls Bedrock with
// @aws-sdk/client-bedrock-runtime's ConverseCommand / ConverseStreamCommand over a keep-alive
// HTTP/1.1 handler (the SDK's default, HTTP/2 without connection reuse, would measure handshakes
// rather than the SDK). It takes the Bedrock request itself on Bedrock's own paths and answers the
// SDK's output as JSON, or its stream events as SSE: what calling Bedrock through the SDK costs.
// Usage: node bench/contenders/sdk-server.ts <upstream-port> [port]   (prints {"port":N})
import { BedrockRuntimeClient, ConverseCommand, ConverseStreamCommand } from "@aws-sdk/client-bedrock-runtime";
import type { ConverseCommandInput, ConverseStreamCommandInput } from "@aws-sdk/client-bedrock-runtime";
import { NodeHttpHandler } from "@smithy/node-http-handler";
import { Agent } from "node:http";
import { createServer } from "node:http";
import type { AddressInfo } from "node:net";

const upstreamPort = Number(process.argv[2]);
const client = new BedrockRuntimeClient({
  region: "us-east-1",
  endpoint: `http://127.0.0.1:${upstreamPort}`,
  credentials: { accessKeyId: "AKIABENCHMARKDUMMY01", secretAccessKey: "bench/dummy/secret" },
  requestHandler: new NodeHttpHandler({ httpAgent: new Agent({ keepAlive: true, maxSockets: Infinity }) }),
  maxAttempts: 1,
});

const server = createServer({ keepAliveTimeout: 120_000, requestTimeout: 0 }, (req, res) => {
  const chunks: Buffer[] = [];
  req.on("data", (c: Buffer) => chunks.push(c));
  req.on("end", () => {
    const m = /^\/model\/([^/]+)\/(converse|converse-stream)$/.exec(req.url ?? "");
    if (req.method === "GET") {
      res.writeHead(200, { "content-type": "application/json" }).end('{"ok":true}');
      return;
    }
    if (!m) {
      res.writeHead(404).end();
      return;
    }
    const input = { ...(JSON.parse(Buffer.concat(chunks).toString("utf8")) as object), modelId: decodeURIComponent(m[1]!) };
    const abort = new AbortController();
    res.on("close", () => abort.abort());
    const fail = (err: unknown) => {
      if (!res.headersSent) res.writeHead(502, { "content-type": "application/json" }).end(JSON.stringify({ message: String(err) }));
      else res.destroy();
    };
    if (m[2] === "converse") {
      client.send(new ConverseCommand(input as ConverseCommandInput), { abortSignal: abort.signal }).then((out) => {
        const { $metadata: _, ...body } = out;
        const text = JSON.stringify(body);
        res.writeHead(200, { "content-type": "application/json", "content-length": Buffer.byteLength(text) }).end(text);
      }, fail);
      return;
    }
    client
      .send(new ConverseStreamCommand(input as ConverseStreamCommandInput), { abortSignal: abort.signal })
      .then(async (out) => {
        res.writeHead(200, { "content-type": "text/event-stream" });
        for await (const event of out.stream ?? []) res.write(`data: ${JSON.stringify(event)}\n\n`);
        res.end("data: [DONE]\n\n");
      }, fail)
      .catch(fail);
  });
});

server.listen(Number(process.argv[3] ?? 0), "127.0.0.1", () => {
  process.stdout.write(`${JSON.stringify({ port: (server.address() as AddressInfo).port })}\n`);
});
