// Table-driven tests of the pure parts of every front door, from the JSON files in test/fixtures/:
// request → decode → plan → Converse request, and Converse answer / stream events → encode. A
// fixture is the first place to add a case: write `description`, `model` (the Bedrock model whose
// capabilities apply), `request`, and optionally `answer` (a Converse response) or `stream`
// (ConverseStream events); run `UPDATE_FIXTURES=1 node --test test/fixtures.test.ts` to fill in
// what the code produces, read it, and commit it. Without UPDATE_FIXTURES the files are the truth.
import assert from "node:assert/strict";
import { readdirSync, readFileSync, writeFileSync } from "node:fs";
import { describe, it } from "node:test";
import { messagesCodec } from "../src/anthropic/messages-codec.ts";
import type { ConverseResponse, ConverseStreamEvent } from "../src/bedrock/converse-types.ts";
import { chatCodec } from "../src/chat/chat-codec.ts";
import type { BuiltRequest } from "../src/converse/assemble-request.ts";
import { planOutputTokens } from "../src/converse/assemble-request.ts";
import { GatewayError } from "../src/errors/gateway-error.ts";
import type { SseEvent } from "../src/http/sse.ts";
import { capabilitiesFor } from "../src/models/capabilities.ts";
import type { CanonicalEvent } from "../src/pipeline/canonical-events.ts";
import { ChoiceNormalizer } from "../src/pipeline/canonical-events.ts";
import type { ConversationCodec, EncodeContext } from "../src/pipeline/conversation-codec.ts";
import { parameterHeaders } from "../src/pipeline/parameter-headers.ts";
import { ReasoningSealer } from "../src/responses/reasoning-sealer.ts";
import { responsesCodec } from "../src/responses/responses-codec.ts";

interface Fixture {
  description: string;
  model?: string;
  request: Record<string, unknown>;
  /** Media URL → base64 bytes, standing in for the fetched images. */
  media?: Record<string, string>;
  expect?: {
    error?: { status: number; param: string | null; code: string | null };
    plannedMaxTokens?: number | null;
    converse?: unknown;
    headers?: Record<string, string>;
  };
  answer?: ConverseResponse;
  answerExpect?: unknown;
  stream?: ConverseStreamEvent[];
  streamExpect?: SseEvent[];
}

const UPDATE = process.env.UPDATE_FIXTURES === "1";
const DIR = new URL("./fixtures/", import.meta.url);
const DEFAULT_MODEL = "anthropic.claude-sonnet-4-5-20250929-v1:0";
const sealer = new ReasoningSealer([Buffer.alloc(32, 7)]);

function codecs(): Record<string, ConversationCodec<any, any, any>> {
  let n = 0;
  // Predictable ids, and a sealer with a fixed key (its output is random: compared by opening it).
  const responses = responsesCodec({
    seal: (b) => sealer.seal(b),
    openReasoning: (blob) => sealer.open(blob),
    newId: (p) => `${p}_${++n}`,
  });
  return { chat: chatCodec, messages: messagesCodec, responses };
}

/** Fields that differ on every run: completion time and sealed blobs (opened instead). */
/** An event whose data an encoder rendered as JSON text (the chat hot path) compared as the object it encodes. */
function parsedData(e: SseEvent): SseEvent {
  return "data" in e && typeof e.data === "string" && e.data.startsWith("{") ? { ...e, data: JSON.parse(e.data) as unknown } : e;
}

function stable(value: unknown): unknown {
  return JSON.parse(JSON.stringify(value), (k, v) => {
    if (k === "completed_at" && typeof v === "number") return 0;
    if (k === "encrypted_content" && typeof v === "string") return { opened: sealer.open(v) ?? null };
    return v;
  });
}

const modelOf = (f: Fixture): string => (typeof f.request.model === "string" ? f.request.model : "default");

function runCase(door: string, f: Fixture): Fixture {
  const codec = codecs()[door]!;
  const caps = capabilitiesFor(f.model ?? DEFAULT_MODEL);
  const out: Fixture = { ...f, expect: {} };
  let built: BuiltRequest;
  let ctx: EncodeContext<unknown, BuiltRequest>;
  try {
    const decoded = codec.decode(structuredClone(f.request));
    out.expect!.plannedMaxTokens = planOutputTokens(decoded.settings, caps) ?? null;
    const media = new Map(Object.entries(f.media ?? {}).map(([u, b64]) => [u, Buffer.from(b64, "base64")]));
    built = codec.build(decoded, {
      caps,
      modelName: modelOf(f),
      fetchedImages: media,
      strictParams: false,
      streaming: decoded.stream,
      recallThinking: () => undefined,
      autoCache: false,
      history: [],
    });
    out.expect!.converse = built.request;
    out.expect!.headers = parameterHeaders(built, codec.droppedTools?.(built) ?? []);
    ctx = {
      decoded,
      built,
      id: "fixture-id",
      created: 1_700_000_000,
      model: modelOf(f),
      requestId: "req-fixture",
      reasoningOutput: "reasoning_content",
      estimatedInputTokens: 10,
    };
  } catch (err) {
    if (!(err instanceof GatewayError)) throw err;
    out.expect = { error: { status: err.status, param: err.param, code: err.code } };
    return out;
  }
  if (f.answer) out.answerExpect = stable(codec.encode([f.answer], ctx).body);
  if (f.stream) {
    const normalizer = new ChoiceNormalizer(0, built);
    const encoder = codec.streamEncoder(ctx);
    const events: SseEvent[] = encoder.start();
    const canonical: CanonicalEvent[] = [];
    for (const e of f.stream) {
      normalizer.push(e, canonical);
      for (const c of canonical) encoder.push(c, events);
      canonical.length = 0;
    }
    events.push(...encoder.end([normalizer]).events);
    out.streamExpect = stable(events.map(parsedData)) as SseEvent[];
  }
  return out;
}

const doors = ["chat", "messages", "responses"];
let total = 0;
for (const door of doors) {
  const files = readdirSync(new URL(`${door}/`, DIR))
    .filter((f) => f.endsWith(".json"))
    .sort();
  total += files.length;
  describe(`${door} fixtures`, () => {
    for (const file of files) {
      const url = new URL(`${door}/${file}`, DIR);
      const fixture = JSON.parse(readFileSync(url, "utf8")) as Fixture;
      it(`${file}: ${fixture.description}`, () => {
        const got = runCase(door, fixture);
        if (UPDATE) {
          writeFileSync(url, JSON.stringify(got, null, 2) + "\n");
          return;
        }
        assert.ok(fixture.expect, "the fixture has expectations (run with UPDATE_FIXTURES=1 once, then review)");
        assert.deepEqual(stable(got.expect), stable(fixture.expect));
        if (fixture.answer) assert.deepEqual(got.answerExpect, fixture.answerExpect);
        if (fixture.stream) assert.deepEqual(got.streamExpect, fixture.streamExpect);
      });
    }
  });
}

describe("fixture coverage", () => {
  it("has at least 40 fixtures across the three front doors", () => {
    assert.ok(total >= 40, `${total} fixtures`);
  });
});
