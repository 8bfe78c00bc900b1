// A small streaming client for the load process: opens chat streams (SSE from the proxies, or
// Bedrock's event-stream bytes when hitting the upstream directly), and times each one: time to
// the first generated token, total time, and how many tokens arrived. Tokens are recognised by the
// upstream's marker text, which survives every encoding on the way (JSON in frames, JSON in SSE).
import { Agent, request } from "node:http";
import type { ClientRequest, IncomingMessage } from "node:http";

export interface HttpTarget {
  url: string;
  method: "POST" | "GET";
  headers: Record<string, string>;
  body?: string;
}

export interface StreamStat {
  status: number;
  /** Request sent → first token seen (ms). */
  ttftMs: number;
  /** Request sent → end of the response (ms). */
  totalMs: number;
  tokens: number;
  bytes: number;
  error?: string;
}

function countMarkers(marker: string) {
  let tail = "";
  return (chunk: string): number => {
    const s = tail + chunk;
    let n = 0;
    for (let i = s.indexOf(marker); i !== -1; i = s.indexOf(marker, i + marker.length)) n++;
    // An occurrence can straddle two chunks: keep fewer characters than the marker has.
    tail = s.slice(s.length - (marker.length - 1));
    return n;
  };
}

export function oneStream(target: HttpTarget, marker: string, agent: Agent | false, timeoutMs: number): Promise<StreamStat> {
  const started = performance.now();
  return new Promise((resolve) => {
    const stat: StreamStat = { status: 0, ttftMs: NaN, totalMs: NaN, tokens: 0, bytes: 0 };
    const done = (error?: string) => {
      clearTimeout(timer);
      stat.totalMs = performance.now() - started;
      if (error) stat.error = error;
      resolve(stat);
    };
    const timer = setTimeout(() => {
      req.destroy();
      done("timeout");
    }, timeoutMs);
    const req = request(target.url, { method: target.method, headers: target.headers, agent }, (res) => {
      stat.status = res.statusCode ?? 0;
      const count = countMarkers(marker);
      res.setEncoding("latin1");
      res.on("data", (chunk: string) => {
        stat.bytes += chunk.length;
        const n = count(chunk);
        if (n > 0 && stat.tokens === 0) stat.ttftMs = performance.now() - started;
        stat.tokens += n;
      });
      res.on("end", () => done());
      res.on("error", (e) => done(e.message));
    });
    req.on("error", (e) => done(e.message));
    req.end(target.body);
  });
}

/**
 * Runs at least `total` streams, and keeps starting new ones for at least `minDurationMs`, with at
 * most `concurrency` in flight (fast contenders then spend enough CPU for /proc's 10 ms ticks).
 */
export async function runStreams(
  target: HttpTarget,
  marker: string,
  concurrency: number,
  total: number,
  timeoutMs: number,
  minDurationMs = 0,
): Promise<{ stats: StreamStat[]; wallMs: number }> {
  const agent = new Agent({ keepAlive: true, maxSockets: concurrency });
  const stats: StreamStat[] = [];
  let next = 0;
  const started = performance.now();
  const lane = async () => {
    while (next < total || performance.now() - started < minDurationMs) {
      next++;
      stats.push(await oneStream(target, marker, agent, timeoutMs));
    }
  };
  await Promise.all(Array.from({ length: Math.min(concurrency, total) }, lane));
  agent.destroy();
  return { stats, wallMs: performance.now() - started };
}

/** Streams held open (memory test): each has delivered its first token and is still running. */
export class HeldStreams {
  private open: { req: ClientRequest; res?: IncomingMessage }[] = [];

  get count(): number {
    return this.open.length;
  }

  /** Opens `count` streams, `batch` at a time, each waiting for its first token. */
  async hold(
    target: HttpTarget,
    marker: string,
    count: number,
    batch: number,
    timeoutMs: number,
  ): Promise<{ opened: number; failed: number; errors: string[] }> {
    let failed = 0;
    const errors = new Set<string>();
    for (let i = 0; i < count; i += batch) {
      const n = Math.min(batch, count - i);
      await Promise.all(
        Array.from(
          { length: n },
          () =>
            new Promise<void>((resolve) => {
              let settled = false;
              const settle = (why?: string) => {
                if (settled) return;
                settled = true;
                clearTimeout(timer);
                if (why !== undefined) {
                  failed++;
                  errors.add(why);
                }
                resolve();
              };
              const timer = setTimeout(() => {
                req.destroy();
                settle("timeout");
              }, timeoutMs);
              // One connection per stream, as thousands of separate clients would have.
              const req = request(target.url, { method: target.method, headers: target.headers, agent: false }, (res) => {
                res.on("error", () => undefined);
                if (res.statusCode !== 200) {
                  res.resume();
                  settle(`status ${res.statusCode}`);
                  return;
                }
                const count = countMarkers(marker);
                res.setEncoding("latin1");
                const onData = (chunk: string) => {
                  if (count(chunk) === 0) return;
                  res.off("data", onData);
                  res.resume(); // keep reading keep-alives without buffering them
                  this.open.push({ req, res });
                  settle();
                };
                res.on("data", onData);
                res.on("end", () => settle("ended before the first token"));
              });
              req.on("error", (e) => settle(e.message));
              req.end(target.body);
            }),
        ),
      );
    }
    return { opened: this.open.length, failed, errors: [...errors].slice(0, 5) };
  }

  release(): void {
    for (const s of this.open) {
      s.res?.destroy();
      s.req.destroy();
    }
    this.open = [];
  }
}
