// Node HTTP server settings for running behind load balancers. Idle keep-alive connections must
// outlive the load balancer's own idle timeout (ALB: 60 s by default), or the balancer reuses a
// connection the server is closing and the client sees a 502 / ECONNRESET.
import type { ServerOptions } from "node:http";

export const HTTP_SERVER_OPTIONS: ServerOptions = {
  keepAliveTimeout: 65_000,
  headersTimeout: 66_000,
  // Streams can last many minutes: no overall request timeout (idle timeouts guard upstream).
  requestTimeout: 0,
};
