// The requests of every scenario, in each contender's API: the OpenAI API for the gateways, the
// Bedrock request itself for the upstream, the pass-through floor and the SDK server.
import type { HttpTarget } from "../load/stream-client.ts";

export const CHAT_MODEL = "anthropic.claude-3-haiku-20240307-v1:0";
export const EMBEDDING_MODEL = "cohere.embed-english-v3";
export const EMBEDDING_BATCH = 16;

const SYSTEM = "You are a helpful assistant.";
const USER = "Hello! How are you today?";
const TEXTS = Array.from(
  { length: EMBEDDING_BATCH },
  (_, i) => `Passage ${i}: embeddings turn text into vectors so that similar texts end up close together.`,
);

export const openaiChat = (stream: boolean) =>
  JSON.stringify({
    model: CHAT_MODEL,
    messages: [
      { role: "system", content: SYSTEM },
      { role: "user", content: USER },
    ],
    max_tokens: 512,
    temperature: 0.7,
    ...(stream ? { stream: true } : {}),
  });

export const converseBody = () =>
  JSON.stringify({
    messages: [{ role: "user", content: [{ text: USER }] }],
    system: [{ text: SYSTEM }],
    inferenceConfig: { maxTokens: 512, temperature: 0.7 },
  });

export const openaiEmbeddings = () =>
  JSON.stringify({ model: EMBEDDING_MODEL, input: TEXTS, encoding_format: "float", input_type: "search_document" });

export const cohereInvokeBody = () =>
  JSON.stringify({ texts: TEXTS, input_type: "search_document", embedding_types: ["float"], truncate: "NONE" });

const modelPath = (model: string, op: string) => `/model/${encodeURIComponent(model)}/${op}`;

/** What the load sends to one contender. */
export interface Targets {
  chat: HttpTarget;
  stream: HttpTarget;
  /** Absent where the contender has no embeddings path (the SDK server). */
  embeddings?: HttpTarget;
}

const post = (url: string, headers: Record<string, string>, body: string): HttpTarget => ({
  url,
  method: "POST",
  headers: { "content-type": "application/json", ...headers },
  body,
});

/** The Bedrock wire request (upstream directly, the floor, the SDK server). */
export function bedrockTargets(base: string, withEmbeddings: boolean): Targets {
  return {
    chat: post(base + modelPath(CHAT_MODEL, "converse"), {}, converseBody()),
    stream: post(base + modelPath(CHAT_MODEL, "converse-stream"), { accept: "application/vnd.amazon.eventstream" }, converseBody()),
    ...(withEmbeddings ? { embeddings: post(base + modelPath(EMBEDDING_MODEL, "invoke"), {}, cohereInvokeBody()) } : {}),
  };
}

/** The OpenAI API with extra headers (the gateway's key, Portkey's provider settings). */
export function openaiTargets(base: string, headers: Record<string, string>): Targets {
  return {
    chat: post(`${base}/v1/chat/completions`, headers, openaiChat(false)),
    stream: post(`${base}/v1/chat/completions`, { accept: "text/event-stream", ...headers }, openaiChat(true)),
    embeddings: post(`${base}/v1/embeddings`, headers, openaiEmbeddings()),
  };
}
