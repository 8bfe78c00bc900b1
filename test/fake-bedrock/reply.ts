// What the test double answers: a ReplyPlan (scripted by a test or the default one) turned into a
// Converse response or the ConverseStream event sequence Bedrock would send for the same message.
import { createHmac } from "node:crypto";

export type FakeContent =
  | { text: string }
  | { toolUse: { toolUseId?: string; name: string; input: unknown } }
  | { reasoningContent: { reasoningText: { text: string; signature?: string } } | { redactedContent: string } }
  | { citationsContent: unknown };

export interface FakeUsage {
  inputTokens?: number;
  outputTokens?: number;
  cacheReadInputTokens?: number;
  cacheWriteInputTokens?: number;
}

export interface StreamControl {
  /** Characters per text/reasoning delta (default 8) and per tool-input fragment (default 10). */
  textChunk?: number;
  toolChunk?: number;
  /** Wait before each event frame (slow model). */
  delayMs?: number;
  /** Wait before the first frame only. */
  firstEventDelayMs?: number;
  /** Send metadata before messageStop (Bedrock does both). */
  metadataBeforeStop?: boolean;
  /** After this many event frames, send an exception frame and end the stream. */
  failAfter?: { events: number; exception: string; message: string };
  /** After this many frames stop sending but keep the connection open (until the client leaves). */
  hangAfter?: number;
  /** Cut the connection after this many frames, mid-frame. */
  cutAfter?: number;
}

export interface ReplyPlan {
  /** Answer with an HTTP error instead of a result. */
  error?: { exception: string; message: string; status?: number };
  content?: FakeContent[];
  stopReason?: string;
  usage?: FakeUsage;
  stream?: StreamControl;
  /** Extra top-level response members (trace, serviceTier, additionalModelResponseFields…). */
  extra?: Record<string, unknown>;
  /** Delay before answering a non-streaming call. */
  delayMs?: number;
}

const SIGNING_KEY = "fake-bedrock-thinking-signature-key";

/** Signature over the thinking text, checked when a client sends the block back. */
export function signThinking(text: string): string {
  return createHmac("sha256", SIGNING_KEY).update(text).digest("base64");
}

export function redactedBlob(seed: string): string {
  return Buffer.from(`redacted:${signThinking(seed)}`).toString("base64");
}

export function isValidRedacted(blob: string): boolean {
  return Buffer.from(blob, "base64").toString("utf8").startsWith("redacted:");
}

let toolCounter = 0;
export function newToolUseId(): string {
  toolCounter++;
  return `tooluse_${Buffer.from(`id${toolCounter}-${Date.now()}`).toString("base64url").slice(0, 22)}`;
}

/** Fill in ids and signatures the way Bedrock does (tests may leave them out). */
export function completeContent(content: FakeContent[]): FakeContent[] {
  return content.map((b) => {
    if ("toolUse" in b) return { toolUse: { ...b.toolUse, toolUseId: b.toolUse.toolUseId ?? newToolUseId() } };
    if ("reasoningContent" in b && "reasoningText" in b.reasoningContent) {
      const rt = b.reasoningContent.reasoningText;
      return { reasoningContent: { reasoningText: { text: rt.text, signature: rt.signature ?? signThinking(rt.text) } } };
    }
    return b;
  });
}

export function estimateTokens(text: string): number {
  return Math.max(1, Math.ceil(text.length / 4));
}

export function outputTokens(content: FakeContent[]): number {
  let n = 0;
  for (const b of content) {
    if ("text" in b) n += estimateTokens(b.text);
    else if ("toolUse" in b) n += estimateTokens(JSON.stringify(b.toolUse.input));
    else if ("reasoningContent" in b && "reasoningText" in b.reasoningContent) n += estimateTokens(b.reasoningContent.reasoningText.text);
  }
  return n;
}

export function usageOf(plan: ReplyPlan, inputTokens: number, content: FakeContent[]) {
  const u = plan.usage ?? {};
  const input = u.inputTokens ?? inputTokens;
  const output = u.outputTokens ?? outputTokens(content);
  const usage: Record<string, number> = {
    inputTokens: input,
    outputTokens: output,
    totalTokens: input + output + (u.cacheReadInputTokens ?? 0) + (u.cacheWriteInputTokens ?? 0),
  };
  if (u.cacheReadInputTokens !== undefined) usage.cacheReadInputTokens = u.cacheReadInputTokens;
  if (u.cacheWriteInputTokens !== undefined) usage.cacheWriteInputTokens = u.cacheWriteInputTokens;
  return usage;
}

export function defaultStopReason(content: FakeContent[]): string {
  return content.some((b) => "toolUse" in b) ? "tool_use" : "end_turn";
}

function chunks(s: string, n: number): string[] {
  if (s === "") return [""];
  const out: string[] = [];
  for (let i = 0; i < s.length; i += n) out.push(s.slice(i, i + n));
  return out;
}

/** The ConverseStream event sequence for a message (each item: [eventType, payload]). */
export function streamEvents(plan: ReplyPlan, content: FakeContent[], usage: Record<string, number>): [string, object][] {
  const ctl = plan.stream ?? {};
  const textChunk = ctl.textChunk ?? 8;
  const toolChunk = ctl.toolChunk ?? 10;
  const events: [string, object][] = [["messageStart", { role: "assistant" }]];
  content.forEach((b, i) => {
    if ("text" in b) {
      for (const t of chunks(b.text, textChunk)) events.push(["contentBlockDelta", { contentBlockIndex: i, delta: { text: t } }]);
    } else if ("toolUse" in b) {
      events.push([
        "contentBlockStart",
        { contentBlockIndex: i, start: { toolUse: { toolUseId: b.toolUse.toolUseId, name: b.toolUse.name } } },
      ]);
      for (const f of chunks(JSON.stringify(b.toolUse.input), toolChunk)) {
        events.push(["contentBlockDelta", { contentBlockIndex: i, delta: { toolUse: { input: f } } }]);
      }
    } else if ("reasoningContent" in b) {
      const rc = b.reasoningContent;
      if ("reasoningText" in rc) {
        for (const t of chunks(rc.reasoningText.text, textChunk)) {
          events.push(["contentBlockDelta", { contentBlockIndex: i, delta: { reasoningContent: { text: t } } }]);
        }
        if (rc.reasoningText.signature) {
          events.push([
            "contentBlockDelta",
            { contentBlockIndex: i, delta: { reasoningContent: { signature: rc.reasoningText.signature } } },
          ]);
        }
      } else {
        events.push(["contentBlockDelta", { contentBlockIndex: i, delta: { reasoningContent: { redactedContent: rc.redactedContent } } }]);
      }
    } else if ("citationsContent" in b) {
      events.push(["contentBlockDelta", { contentBlockIndex: i, delta: { citation: b.citationsContent } }]);
    }
    events.push(["contentBlockStop", { contentBlockIndex: i }]);
  });
  const stop: [string, object] = [
    "messageStop",
    {
      stopReason: plan.stopReason ?? defaultStopReason(content),
      ...(plan.extra?.additionalModelResponseFields ? { additionalModelResponseFields: plan.extra.additionalModelResponseFields } : {}),
    },
  ];
  const meta: [string, object] = [
    "metadata",
    {
      usage,
      metrics: { latencyMs: 42 },
      ...(plan.extra?.trace ? { trace: plan.extra.trace } : {}),
      ...(plan.extra?.serviceTier ? { serviceTier: plan.extra.serviceTier } : {}),
      ...(plan.extra?.performanceConfig ? { performanceConfig: plan.extra.performanceConfig } : {}),
    },
  ];
  if (ctl.metadataBeforeStop) events.push(meta, stop);
  else events.push(stop, meta);
  return events;
}
