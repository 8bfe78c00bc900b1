// Access-log lines reach stdout in one write per turn of the event loop, however many requests
// finished in that turn. pino's asynchronous destination (sonic-boom) otherwise issues an fs.write
// through libuv's thread pool for nearly every line, because each write completes before the next
// line arrives: under load that was ~15% of the CPU of a non-stream request (profile in
// BENCHMARKS.md). Lines wait at most until the end of the current turn, never for a timer.
import type { DestinationStream } from "pino";

/** What pino's own destination offers: writes, and flushes on shutdown, fatal logs and exit. */
export interface FlushableDestination extends DestinationStream {
  flush(cb?: (err?: Error) => void): void;
  flushSync(): void;
}

export class TickBatchedDestination implements FlushableDestination {
  private readonly target: FlushableDestination;
  private pending = "";
  private scheduled = false;

  constructor(target: FlushableDestination) {
    this.target = target;
    // pino flushes its own destination when the process exits; lines still held here go first.
    process.once("exit", () => this.flushSync());
  }

  write(line: string): void {
    this.pending += line;
    if (!this.scheduled) {
      this.scheduled = true;
      setImmediate(() => {
        this.scheduled = false;
        this.drain();
      });
    }
  }

  flush(cb?: (err?: Error) => void): void {
    this.drain();
    this.target.flush(cb);
  }

  flushSync(): void {
    this.drain();
    try {
      this.target.flushSync();
    } catch {
      // Destination already closed or not open yet: nothing more can be written.
    }
  }

  private drain(): void {
    if (this.pending === "") return;
    const text = this.pending;
    this.pending = "";
    this.target.write(text);
  }
}
