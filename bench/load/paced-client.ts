// Requests at a fixed rate, evenly spaced (one every 1/rate s), over a pool of keep-alive
// connections: latency at a given load without the bursts of autocannon's rate limit (which sends
// each connection's whole per-second quota back to back at the start of every second, so its
// "fixed rate" latencies are saturation latencies). Latency runs from the moment the request is
// handed to the connection pool, so a request that waits for a free connection counts that wait.
import { Agent, request } from "node:http";
import { Samples } from "../lib/stats.ts";
import type { HttpTarget } from "./stream-client.ts";

export interface PacedResult {
  ok: number;
  non2xx: number;
  errors: number;
  /** First request sent → last answer received (s). */
  durationS: number;
  latencies: Samples;
}

export function runPaced(
  target: HttpTarget,
  connections: number,
  rate: number,
  durationS: number,
  onStart: () => void,
): Promise<PacedResult> {
  const agent = new Agent({ keepAlive: true, maxSockets: connections });
  const latencies = new Samples();
  const total = Math.max(1, Math.round(rate * durationS));
  const interval = 1000 / rate;
  let sent = 0;
  let settled = 0;
  let ok = 0;
  let non2xx = 0;
  let errors = 0;
  let last = 0;
  return new Promise((resolve) => {
    const started = performance.now();
    onStart();
    const finishOne = (t0: number, status: number) => {
      last = performance.now();
      if (status >= 200 && status < 300) {
        ok++;
        latencies.push(last - t0);
      } else if (status === 0) errors++;
      else non2xx++;
      if (++settled === total) {
        agent.destroy();
        resolve({ ok, non2xx, errors, durationS: (last - started) / 1000, latencies });
      }
    };
    const fire = () => {
      const t0 = performance.now();
      const req = request(target.url, { method: target.method, headers: target.headers, agent }, (res) => {
        res.resume();
        res.on("end", () => finishOne(t0, res.statusCode ?? 0));
        res.on("error", () => finishOne(t0, 0));
      });
      req.on("error", () => finishOne(t0, 0));
      req.end(target.body);
    };
    const tick = () => {
      // Requests due by now; a late timer sends the ones it owes at once.
      const due = Math.min(total, Math.floor((performance.now() - started) / interval) + 1);
      while (sent < due) {
        sent++;
        fire();
      }
      if (sent < total) setTimeout(tick, Math.max(0, started + sent * interval - performance.now()));
    };
    tick();
  });
}
