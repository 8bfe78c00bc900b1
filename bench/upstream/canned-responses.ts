// Everything the benchmark upstream sends, built once at start-up: Bedrock's restJson1 bodies and
// a whole ConverseStream as real event-stream frames (encoded with CRCs by the SDK's codec through
// the test double's frame helper), so answering a request costs a buffer write and nothing else.
import { eventFrame } from "../../test/fake-bedrock/event-stream-frames.ts";
import { applicationProfileSummaries, foundationModelSummaries, systemProfileSummaries } from "../../test/fake-bedrock/fake-models.ts";
import { fakeVector } from "../../test/fake-bedrock/invoke/fake-vectors.ts";

/** The text of every streamed token. Load clients count it to check that every token arrived. */
export const TOKEN_MARKER = "zq";
const TOKEN_TEXT = ` ${TOKEN_MARKER}`;

export const CONVERSE_RESPONSE = Buffer.from(
  JSON.stringify({
    metrics: { latencyMs: 312 },
    output: {
      message: { content: [{ text: "Hello! I am doing well, thank you for asking. How can I help you today?" }], role: "assistant" },
    },
    stopReason: "end_turn",
    usage: { inputTokens: 14, outputTokens: 20, totalTokens: 34 },
  }),
);

/** One ConverseStream answer: its frames back to back, and where each frame starts. */
export interface CannedStream {
  bytes: Buffer;
  /** offsets[i] is where frame i starts; offsets[frames] === bytes.length. */
  offsets: number[];
  /** Index of the first contentBlockDelta frame. */
  firstToken: number;
  /** Index of the last contentBlockDelta frame. */
  lastToken: number;
}

export function cannedStream(tokens: number): CannedStream {
  const frames: Uint8Array[] = [eventFrame("messageStart", { role: "assistant" })];
  for (let i = 0; i < tokens; i++) frames.push(eventFrame("contentBlockDelta", { contentBlockIndex: 0, delta: { text: TOKEN_TEXT } }));
  frames.push(
    eventFrame("contentBlockStop", { contentBlockIndex: 0 }),
    eventFrame("messageStop", { stopReason: "end_turn" }),
    eventFrame("metadata", { usage: { inputTokens: 14, outputTokens: tokens, totalTokens: 14 + tokens }, metrics: { latencyMs: 40 } }),
  );
  const offsets = [0];
  for (const f of frames) offsets.push(offsets.at(-1)! + f.length);
  return { bytes: Buffer.concat(frames), offsets, firstToken: 1, lastToken: tokens };
}

const embeddingCache = new Map<string, Buffer>();

/** Cohere Embed v3 answer for `count` texts: by type when embedding_types was sent, else a bare list. */
export function cohereEmbeddings(count: number, byType: boolean): Buffer {
  const key = `${count}:${byType}`;
  let out = embeddingCache.get(key);
  if (!out) {
    const vectors = Array.from({ length: count }, (_, i) => fakeVector(`text ${i}`, 1024));
    const texts = Array.from({ length: count }, (_, i) => `text ${i}`);
    out = Buffer.from(
      JSON.stringify({
        id: "5d3e1f0c-7a0b-4c55-9a55-2f3f7f8e9a10",
        embeddings: byType ? { float: vectors } : vectors,
        texts,
        response_type: byType ? "embeddings_by_type" : "embeddings_floats",
      }),
    );
    embeddingCache.set(key, out);
  }
  return out;
}

export function controlPlane(region: string) {
  const system = systemProfileSummaries(region);
  const application = applicationProfileSummaries(region);
  return {
    foundationModels: Buffer.from(JSON.stringify({ modelSummaries: foundationModelSummaries(region) })),
    profiles: (type: string | null) =>
      Buffer.from(
        JSON.stringify({
          inferenceProfileSummaries:
            type === "SYSTEM_DEFINED" ? system : type === "APPLICATION" ? application : [...system, ...application],
        }),
      ),
    profile: (id: string) => [...system, ...application].find((p) => p.inferenceProfileId === id || p.inferenceProfileArn === id),
  };
}
