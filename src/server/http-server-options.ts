// Node HTTP server settings for running behind load balancers. Idle keep-alive connections must
// outlive the load balancer's own idle timeout (ALB: 60 s by default), or the balancer reuses a
// connection the server is closing and the client sees a 502 / ECONNRESET.
//
// requestTimeout bounds the time to RECEIVE a whole request (headers and body): a client that
// declares a 100 KB body and sends a byte every 5 s would otherwise hold its socket forever
// (issue 14, finding 8). Node answers 408 and closes the socket. It does not limit responses:
// streams that last many minutes are unaffected (idle timeouts guard the upstream side).
import type { ServerOptions } from "node:http";

export interface ServerTimeouts {
  keepAliveTimeoutMs: number;
  /** 0 disables the limit. */
  requestTimeoutMs: number;
}

export function httpServerOptions(t: ServerTimeouts): ServerOptions {
  const headersTimeout = t.keepAliveTimeoutMs + 1000;
  return {
    keepAliveTimeout: t.keepAliveTimeoutMs,
    // Node requires headersTimeout <= requestTimeout when the latter is set.
    headersTimeout: t.requestTimeoutMs > 0 ? Math.min(headersTimeout, t.requestTimeoutMs) : headersTimeout,
    requestTimeout: t.requestTimeoutMs,
    // How often Node checks those two timeouts (default 30 s): a quarter of the limit, so a slow
    // request is cut within 1.25 × REQUEST_TIMEOUT, and never busier than every 250 ms.
    connectionsCheckingInterval: Math.max(250, Math.min(30_000, Math.floor((t.requestTimeoutMs || 120_000) / 4))),
  };
}

/** The defaults (KEEP_ALIVE_TIMEOUT 65 s, REQUEST_TIMEOUT 60 s), for tools that start a server without Config. */
export const HTTP_SERVER_OPTIONS: ServerOptions = httpServerOptions({ keepAliveTimeoutMs: 65_000, requestTimeoutMs: 60_000 });
