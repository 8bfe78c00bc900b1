// Graceful shutdown that loses nothing. On SIGTERM/SIGINT:
//  1. stop accepting connections; idle keep-alive sockets are closed as they become idle;
//  2. let in-flight requests and streams finish, up to SHUTDOWN_TIMEOUT;
//  3. at the deadline abort the drain signal (AppDeps.drain): every open stream then ends with its
//     front door's terminal event (server_shutting_down), its upstream call is aborted and its
//     usage (tokens seen so far, marked aborted/abortReason "shutdown") is reported — wait for
//     that, bounded by STREAM_END_GRACE_MS, and for the sockets to take the last bytes;
//  4. cut whatever is still open (those requests report their end as client aborts) and wait,
//     bounded again, for them to report;
//  5. only then run onClosed (flush the usage recorder, close the store and pools) and exit 0.
// The old order closed every connection and flushed in the server's close callback, before the
// cut streams had queued their records: those requests had no usage record at all.
import type { ServerType } from "@hono/node-server";
import type { Server } from "node:http";
import type { Logger } from "pino";
import type { InflightRequests } from "./inflight-requests.ts";

/** After the deadline, how long open streams get to write their terminal event and report usage. */
export const STREAM_END_GRACE_MS = 2_000;
/** How long finished responses get to leave their sockets before the connections are closed. */
const SOCKET_GRACE_MS = 500;

export interface DrainOptions {
  timeoutMs: number;
  logger: Logger;
  inflight: InflightRequests;
  /** Aborts the signal given to the app as AppDeps.drain. */
  abort: () => void;
  /** Runs once every request has reported its end (flush logs and usage, close pools). */
  onClosed: () => Promise<void>;
  streamEndGraceMs?: number;
}

export interface DrainOutcome {
  /** Requests still open when SHUTDOWN_TIMEOUT expired (0: everything finished by itself). */
  openAtDeadline: number;
  /** Of those, still open after the drain signal's grace (their connections were cut). */
  cut: number;
  /** Still not reported after the cut (their usage records are missing; should be 0). */
  unreported: number;
  ms: number;
}

const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms).unref());
const within = (p: Promise<unknown>, ms: number) => Promise.race([p, sleep(ms)]);

export async function drain(server: ServerType, opts: DrainOptions): Promise<DrainOutcome> {
  const started = performance.now();
  const http = server as Server;
  const grace = opts.streamEndGraceMs ?? STREAM_END_GRACE_MS;
  const closed = new Promise<void>((r) => http.close(() => r()));
  // Keep-alive sockets with no request in flight would hold close() open until they time out;
  // sockets become idle as their last response ends, so keep closing them while draining.
  http.closeIdleConnections();
  const sweeper = setInterval(() => http.closeIdleConnections(), 100);
  sweeper.unref();
  const outcome: DrainOutcome = { openAtDeadline: 0, cut: 0, unreported: 0, ms: 0 };
  try {
    if (!(await opts.inflight.idle(opts.timeoutMs))) {
      outcome.openAtDeadline = opts.inflight.open;
      opts.logger.warn({ open: outcome.openAtDeadline }, "shutdown deadline reached: ending open streams (server_shutting_down)");
      opts.abort();
      if (!(await opts.inflight.idle(grace))) outcome.cut = opts.inflight.open;
    }
    // Ended responses may still have bytes queued on their sockets: the sweeper closes each one
    // once it is idle; give them a moment before closing the rest.
    await within(closed, SOCKET_GRACE_MS);
    http.closeAllConnections();
    if (outcome.cut > 0) {
      opts.logger.warn({ cut: outcome.cut }, "shutdown: connections cut after the drain grace");
      // Cut requests report their end (as client aborts) once their handlers have wound down.
      if (!(await opts.inflight.idle(grace))) outcome.unreported = opts.inflight.open;
    }
    await within(closed, SOCKET_GRACE_MS);
  } finally {
    clearInterval(sweeper);
  }
  if (outcome.unreported > 0)
    opts.logger.error({ unreported: outcome.unreported }, "shutdown: requests that did not report their end (no usage record)");
  await opts.onClosed();
  outcome.ms = Math.round(performance.now() - started);
  return outcome;
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
    drain(server, opts).then(
      (outcome) => {
        opts.logger.info(outcome, "shutdown complete");
        opts.logger.flush();
        process.exit(0);
      },
      (err: unknown) => {
        opts.logger.error({ err }, "shutdown failed");
        opts.logger.flush();
        process.exit(1);
      },
    );
  };
  process.on("SIGTERM", onSignal);
  process.on("SIGINT", onSignal);
}
