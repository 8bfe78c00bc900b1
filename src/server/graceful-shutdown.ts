// Graceful shutdown: on SIGTERM/SIGINT stop accepting connections, let in-flight requests and
// streams finish up to a deadline, then cut what remains and exit.
import type { ServerType } from "@hono/node-server";
import type { Server } from "node:http";
import type { Logger } from "pino";

export interface DrainOptions {
  timeoutMs: number;
  logger: Logger;
  /** Runs after the server has closed (flush logs and usage, close pools). */
  onClosed: () => Promise<void>;
}

export function drain(server: ServerType, opts: DrainOptions): Promise<void> {
  const http = server as Server;
  return new Promise((resolve) => {
    const deadline = setTimeout(() => {
      opts.logger.warn("shutdown deadline reached: closing remaining connections");
      http.closeAllConnections();
    }, opts.timeoutMs);
    deadline.unref();
    // Keep-alive sockets with no request in flight would hold close() open until they time out;
    // sockets become idle as their last response ends, so keep closing them while draining.
    http.closeIdleConnections();
    const sweeper = setInterval(() => http.closeIdleConnections(), 100);
    sweeper.unref();
    http.close(() => {
      clearTimeout(deadline);
      clearInterval(sweeper);
      void opts.onClosed().finally(resolve);
    });
  });
}

export function drainOnSignals(server: ServerType, opts: DrainOptions): void {
  let draining = false;
  const onSignal = (signal: NodeJS.Signals) => {
    if (draining) {
      opts.logger.warn({ signal }, "second signal: exiting now");
      process.exit(1);
    }
    draining = true;
    opts.logger.info({ signal, timeoutMs: opts.timeoutMs }, "shutting down: draining in-flight requests");
    void drain(server, opts).then(() => process.exit(0));
  };
  process.on("SIGTERM", onSignal);
  process.on("SIGINT", onSignal);
}
