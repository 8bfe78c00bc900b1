// The pass-through floor: a minimal HTTP proxy that forwards bytes to the upstream over keep-alive
// connections, with no parsing of bodies, no signing and no logging. Whatever a real proxy in Node
// does on top of this is its own overhead; nothing written in Node can be cheaper per request.
// Usage: node bench/contenders/pass-through-proxy.ts <upstream-port> [port]   (prints {"port":N})
import { Agent, createServer, request } from "node:http";
import type { AddressInfo } from "node:net";

const upstreamPort = Number(process.argv[2]);
const agent = new Agent({ keepAlive: true, maxSockets: Infinity, maxFreeSockets: 1024 });

const server = createServer({ keepAliveTimeout: 120_000, requestTimeout: 0 }, (req, res) => {
  const up = request({ host: "127.0.0.1", port: upstreamPort, method: req.method, path: req.url, headers: req.headers, agent }, (ur) => {
    res.writeHead(ur.statusCode ?? 502, ur.headers);
    ur.pipe(res);
  });
  up.on("error", () => res.destroy());
  // A client that goes away releases the upstream request too (open-stream test).
  res.on("close", () => {
    if (!res.writableFinished) up.destroy();
  });
  req.pipe(up);
});

server.listen(Number(process.argv[3] ?? 0), "127.0.0.1", () => {
  process.stdout.write(`${JSON.stringify({ port: (server.address() as AddressInfo).port })}\n`);
});
