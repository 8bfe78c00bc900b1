// The soak's client side: requests of every front door over plain node:http (cheap enough to keep
// 1,000 streams and ~50 req/s in one process), each checked as it arrives — a stream must be
// well-formed SSE of its API and end with one of its terminal events, and a completed answer must
// be exactly the text the upstream was asked to produce.
import { Agent, request } from "node:http";
import type { IncomingMessage } from "node:http";
import { expectedText } from "./soak-text.ts";

export type Kind = "chat" | "messages" | "responses" | "embeddings";

export interface Outcome {
  id: string;
  kind: Kind;
  stream: boolean;
  /** HTTP status, or 0 when no response arrived (connection refused / reset before headers). */
  status: number;
  /** "done", "error:<code>" (terminal error event or error body), "cut" (ended without a terminal
   * event), "aborted" (by this client), "refused" (no response). */
  end: string;
  /** Why the stream was not well-formed (parse failure, events after the terminal one…). */
  malformed?: string;
  /** A completed answer whose text differs from what was asked for. */
  wrong?: boolean;
  /** The connection error of a request that got no response. */
  error?: string;
  startedAt: number;
  endedAt: number;
}

export interface Target {
  host: string;
  port: number;
  apiKey: string;
}

// Non-stream requests share keep-alive connections, at most 128: on an overloaded machine an
// unbounded pool turns a slow gateway into a flood of new connections its accept queue drops.
const agent = new Agent({ keepAlive: true, maxSockets: 128 });
const MODELS = {
  chat: "us.amazon.nova-lite-v1:0",
  messages: "us.anthropic.claude-sonnet-4-5-20250929-v1:0",
  embeddings: "amazon.titan-embed-text-v2:0",
};
const PATHS: Record<Kind, string> = {
  chat: "/v1/chat/completions",
  messages: "/v1/messages",
  responses: "/v1/responses",
  embeddings: "/v1/embeddings",
};

function body(kind: Kind, id: string, stream: boolean, chars: number, delayMs: number): unknown {
  const prompt = `soak ${id} ${chars} ${delayMs}`;
  switch (kind) {
    case "chat":
      return { model: MODELS.chat, messages: [{ role: "user", content: prompt }], stream };
    case "messages":
      return { model: MODELS.messages, max_tokens: 4096, messages: [{ role: "user", content: prompt }], stream };
    case "responses":
      return { model: MODELS.chat, input: prompt, stream, store: false };
    case "embeddings":
      return { model: MODELS.embeddings, input: [prompt, `${prompt} b`] };
  }
}

/** Checks one SSE stream of a front door as its events arrive. */
class StreamChecker {
  text = "";
  terminal: string | undefined;
  problem: string | undefined;
  private readonly kind: Kind;
  constructor(kind: Kind) {
    this.kind = kind;
  }

  event(name: string | undefined, data: string): void {
    if (this.problem) return;
    if (this.terminal) {
      this.problem = `event after the terminal ${this.terminal}`;
      return;
    }
    if (this.kind === "chat" && data === "[DONE]") {
      this.terminal = "done";
      return;
    }
    let v: any;
    try {
      v = JSON.parse(data);
    } catch {
      this.problem = `not JSON: ${data.slice(0, 80)}`;
      return;
    }
    if (this.kind === "chat") {
      if (v.error) this.terminal = `error:${v.error.code ?? v.error.type}`;
      else if (v.object !== "chat.completion.chunk") this.problem = "not a chat.completion.chunk";
      else this.text += v.choices?.[0]?.delta?.content ?? "";
    } else if (this.kind === "messages") {
      if (name !== v.type) this.problem = `event ${name} carries ${v.type}`;
      else if (v.type === "content_block_delta") this.text += v.delta?.text ?? "";
      else if (v.type === "message_stop") this.terminal = "done";
      else if (v.type === "error") this.terminal = `error:${v.error?.type}`;
    } else {
      if (v.type === "response.output_text.delta") this.text += v.delta ?? "";
      else if (v.type === "response.completed") this.terminal = "done";
      else if (v.type === "response.failed") this.terminal = `error:${v.response?.error?.code ?? "failed"}`;
      else if (v.type === "error") this.terminal = `error:${v.code ?? v.error?.code ?? "error"}`;
    }
  }
}

/** Feeds a response body to the checker, one complete SSE event at a time. */
function readSse(res: IncomingMessage, checker: StreamChecker): void {
  let buf = "";
  res.setEncoding("utf8");
  res.on("data", (chunk: string) => {
    buf += chunk;
    for (let end = buf.indexOf("\n\n"); end >= 0; end = buf.indexOf("\n\n")) {
      const block = buf.slice(0, end);
      buf = buf.slice(end + 2);
      let name: string | undefined;
      let data: string | undefined;
      for (const line of block.split("\n")) {
        if (line.startsWith(":")) continue;
        if (line.startsWith("event: ")) name = line.slice(7);
        else if (line.startsWith("data: ")) data = data === undefined ? line.slice(6) : `${data}\n${line.slice(6)}`;
      }
      if (data !== undefined) checker.event(name, data);
    }
  });
}

function answerText(kind: Kind, v: any): string | undefined {
  if (kind === "chat") return v.choices?.[0]?.message?.content;
  if (kind === "messages") return v.content?.[0]?.text;
  if (kind === "responses")
    return v.output
      ?.flatMap((o: any) => o.content ?? [])
      .map((c: any) => c.text ?? "")
      .join("");
  return undefined;
}

export interface Call {
  kind: Kind;
  id: string;
  stream: boolean;
  chars: number;
  delayMs: number;
  /** Abort (destroy the connection) after this many ms. */
  abortAfterMs?: number;
}

/** A new outcome, filled in by send() as the request progresses (status once headers arrive). */
export function newOutcome(call: Call): Outcome {
  return { id: call.id, kind: call.kind, stream: call.stream, status: 0, end: "refused", startedAt: Date.now(), endedAt: 0 };
}

export function send(t: Target, call: Call, out: Outcome = newOutcome(call)): Promise<Outcome> {
  const { kind, id, stream } = call;
  const payload = JSON.stringify(body(kind, id, stream, call.chars, call.delayMs));
  return new Promise((resolve) => {
    let settled = false;
    let aborted = false;
    const settle = () => {
      if (settled) return;
      settled = true;
      out.endedAt = Date.now();
      resolve(out);
    };
    const req = request(
      {
        host: t.host,
        port: t.port,
        method: "POST",
        path: PATHS[kind],
        agent: stream ? false : agent,
        headers: {
          authorization: `Bearer ${t.apiKey}`,
          "content-type": "application/json",
          "x-request-id": id,
          "content-length": Buffer.byteLength(payload),
        },
      },
      (res) => {
        out.status = res.statusCode ?? 0;
        const isSse = /^text\/event-stream/.test(res.headers["content-type"] ?? "");
        if (isSse) {
          const checker = new StreamChecker(kind);
          readSse(res, checker);
          const finish = () => {
            if (aborted) out.end = "aborted";
            else out.end = checker.terminal ?? "cut";
            if (checker.problem) out.malformed = checker.problem;
            if (checker.terminal === "done" && checker.text !== expectedText(id, call.chars)) out.wrong = true;
            settle();
          };
          res.on("end", finish);
          res.on("close", finish);
          res.on("error", () => undefined);
          return;
        }
        let text = "";
        res.setEncoding("utf8");
        res.on("data", (c: string) => (text += c));
        res.on("error", () => undefined);
        res.on("close", () => {
          if (aborted) {
            out.end = "aborted";
            return settle();
          }
          let v: any;
          try {
            v = JSON.parse(text);
          } catch {
            out.end = "cut";
            if (res.complete) out.malformed = `not JSON: ${text.slice(0, 80)}`;
            return settle();
          }
          if (out.status !== 200) {
            out.end = `error:${v.error?.code ?? v.error?.type ?? out.status}`;
          } else if (stream) {
            out.malformed = "a stream request answered 200 without event-stream";
          } else {
            out.end = "done";
            if (kind === "embeddings")
              out.wrong = !(
                Array.isArray(v.data) &&
                v.data.length === 2 &&
                v.data.every((d: any) => Array.isArray(d.embedding) && d.embedding.length > 0)
              );
            else out.wrong = answerText(kind, v) !== expectedText(id, call.chars);
          }
          settle();
        });
      },
    );
    const failed = (err?: Error) => {
      if (settled || (out.status !== 0 && !aborted)) return; // a response in progress settles itself
      if (aborted) out.end = "aborted";
      else if (err) out.error = err.message;
      settle();
    };
    req.on("error", failed);
    // A request destroyed before its response emits "close" without "error".
    req.on("close", failed);
    if (call.abortAfterMs !== undefined) {
      setTimeout(() => {
        if (settled) return;
        aborted = true;
        req.destroy();
      }, call.abortAfterMs).unref();
    }
    req.end(payload);
  });
}
