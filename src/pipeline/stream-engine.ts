// The one stream engine: Bedrock event streams (one per choice) → canonical events → a front
// door's stream encoder → SSE events. Everything a stream can go through is handled here once,
// for every front door:
// - first content (time to first token), interleaving of n choices in arrival order;
// - an error after the first byte: the encoder's terminal error event, every sibling choice aborted;
// - the client leaving: every upstream call aborted, nothing more written;
// - the server's drain deadline: every upstream call aborted and the encoder's terminal error
//   event (server_shutting_down) written, so no stream is cut without a terminal event;
// - exactly one onFinish, after which usage is recorded from what each choice saw.
// Keep-alives are the SSE writer's (src/http/sse.ts); the encoder only says what one looks like.
import { setMaxListeners } from "node:events";
import type { ConverseEventBatches } from "../bedrock/converse-types.ts";
import { mergeStreams } from "../converse/merge-streams.ts";
import { errors } from "../errors/gateway-error.ts";
import type { GatewayError } from "../errors/gateway-error.ts";
import { toGatewayError } from "../errors/to-gateway-error.ts";
import type { SseEvent } from "./sse-event.ts";
import type { CanonicalEvent, ChoiceNormalizer } from "./canonical-events.ts";

/** What ends a stream: its last events and, for stateful front doors, the object to keep. */
export interface Terminal<R = unknown> {
  events: SseEvent[];
  result?: R;
}

/** A front door's stream encoder (pure: canonical events in, SSE event objects out). */
export interface StreamEncoder<R = unknown> {
  /** Events sent before any upstream event (role deltas, message_start, response.created…). */
  start(): SseEvent[];
  push(e: CanonicalEvent, out: SseEvent[]): void;
  /** The stream completed: closing events (finish, usage, [DONE] / message_stop / response.completed). */
  end(choices: readonly ChoiceNormalizer[]): Terminal<R>;
  /** The stream failed after its first byte: the front door's terminal error event. */
  fail(err: GatewayError, choices: readonly ChoiceNormalizer[]): Terminal<R>;
}

export type StreamOutcome =
  { aborted: false; errorType?: string } | { aborted: true; abortReason: "client" | "shutdown"; errorType?: string };

export interface StreamRun<R = unknown> {
  sources: ConverseEventBatches[];
  normalizers: readonly ChoiceNormalizer[];
  encoder: StreamEncoder<R>;
  requestId: string;
  /** Aborts every upstream call of this request (the engine aborts it when the stream ends early). */
  upstream: AbortController;
  /** The client's connection. */
  clientSignal: AbortSignal;
  /** Aborted when the server's drain deadline is reached. */
  drain?: AbortSignal;
  onFirstContent?: () => void;
  /** The object to keep (a stored Response), before its terminal event is sent. */
  onResult?: (result: R, failed: boolean) => Promise<void> | void;
  /** Called exactly once, when the stream has ended one way or another. */
  onFinish: (outcome: StreamOutcome) => void;
}

/** The stream's SSE events, in batches that are each written to the client at once. */
export async function* runStream<R>(run: StreamRun<R>): AsyncGenerator<readonly SseEvent[]> {
  const { encoder, normalizers, upstream } = run;
  let finished = false;
  const finish = (outcome: StreamOutcome) => {
    if (finished) return;
    finished = true;
    run.drain?.removeEventListener("abort", onDrain);
    run.onFinish(outcome);
  };
  const onDrain = () => upstream.abort(errors.shuttingDown());
  if (run.drain) {
    if (run.drain.aborted) onDrain();
    // One listener per open stream on a process-wide signal: thousands are expected.
    else {
      setMaxListeners(0, run.drain);
      run.drain.addEventListener("abort", onDrain, { once: true });
    }
  }

  const opening = encoder.start();
  if (opening.length) yield opening;
  const canonical: CanonicalEvent[] = [];
  let first = true;
  let terminal: Terminal<R> | undefined;
  try {
    // One upstream batch (the events of one network read) → one batch of SSE events → one write.
    for await (const { index, value: batch } of mergeStreams(run.sources)) {
      const normalizer = normalizers[index]!;
      for (const ev of batch) normalizer.push(ev, canonical);
      if (canonical.length === 0) continue;
      if (first && normalizer.started) {
        first = false;
        run.onFirstContent?.();
      }
      const out: SseEvent[] = [];
      for (const e of canonical) encoder.push(e, out);
      canonical.length = 0;
      if (out.length) yield out;
    }
    terminal = encoder.end(normalizers);
    await keep(run, terminal, false);
    finish({ aborted: false });
  } catch (err) {
    upstream.abort();
    if (run.drain?.aborted) {
      const t = encoder.fail(errors.shuttingDown(), normalizers);
      await keep(run, t, true);
      finish({ aborted: true, abortReason: "shutdown", errorType: "server_shutting_down" });
      yield t.events;
      return;
    }
    if (run.clientSignal.aborted) {
      finish({ aborted: true, abortReason: "client" });
      return;
    }
    const { error } = toGatewayError(err, run.requestId);
    const t = encoder.fail(error, normalizers);
    await keep(run, t, true);
    finish({ aborted: false, errorType: error.code ?? error.type });
    yield t.events;
    return;
  } finally {
    // Reached without finish() only when the consumer stopped early: the client went away.
    if (!finished) {
      upstream.abort();
      finish({ aborted: true, abortReason: run.drain?.aborted ? "shutdown" : "client" });
    }
  }
  yield terminal.events;
}

async function keep<R>(run: StreamRun<R>, t: Terminal<R>, failed: boolean): Promise<void> {
  if (t.result === undefined || !run.onResult) return;
  try {
    await run.onResult(t.result, failed);
  } catch (err) {
    // Keeping a failed answer is best effort; failing to keep a completed one fails the stream.
    if (!failed) throw err;
  }
}
