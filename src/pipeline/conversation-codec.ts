// The contract of a conversation front door (Chat Completions, Anthropic Messages, Responses): a
// codec of pure functions. It decodes a request body into what the pipeline needs to decide
// (model, streaming, choices, the settings that fix the output budget, media to fetch), builds
// the Converse request once the model and media are known, and encodes Bedrock's answer in its
// own format. No HTTP, no Bedrock calls, no policy: the pipeline (conversation-pipeline.ts) owns
// every step around it, the same for every front door. A new front door is one new codec.
import type { ConverseResponse, GuardrailConfiguration, ReasoningContentBlock } from "../bedrock/converse-types.ts";
import type { BuiltRequest, InferenceSettings } from "../converse/assemble-request.ts";
import type { SseEvent } from "./sse-event.ts";
import type { ModelCapabilities } from "../models/capabilities.ts";
import type { PlacedItem } from "../responses/responses-input.ts";
import type { StreamEncoder } from "./stream-engine.ts";

/** A media URL of the request and the parameter path that names it in errors. */
export interface MediaRef {
  url: string;
  param: string;
}

/** A request body, decoded: the front door's validated request plus what the pipeline decides on. */
export interface DecodedConversation<Req> {
  request: Req;
  /** The model as the client named it (undefined: the default model). */
  model: string | undefined;
  stream: boolean;
  /** Choices asked for (OpenAI `n`); each is one Bedrock call. */
  choices: number;
  /** What fixes the output budget, in the core's terms (planned before admission). */
  settings: InferenceSettings;
  /** The parts of the request the admission token estimate reads (messages, system, tools). */
  estimateParts: unknown[];
  /** Top-level fields this front door does not know: reported as dropped (or refused with STRICT_PARAMS). */
  unknownFields: string[];
  /** Responses: the stored response this request continues. */
  previousResponseId?: string;
}

/** What building the Converse request needs beyond the decoded request. */
export interface BuildContext {
  caps: ModelCapabilities;
  /** The model as the client named it (error messages). */
  modelName: string;
  /** http(s) media URL → fetched bytes. */
  fetchedImages: Map<string, Buffer>;
  strictParams: boolean;
  streaming: boolean;
  /** The thinking memory, scoped to the calling key. */
  recallThinking: (toolCallId: string) => ReasoningContentBlock[] | undefined;
  autoCache: boolean;
  defaultGuardrail?: GuardrailConfiguration;
  /** Responses: the stored conversation this request continues (empty otherwise). */
  history: PlacedItem[];
}

/** What encoding an answer needs. */
export interface EncodeContext<Req, Built extends BuiltRequest> {
  decoded: DecodedConversation<Req>;
  built: Built;
  /** The response id (chatcmpl-…, msg_…, resp_…) and creation time (epoch seconds). */
  id: string;
  created: number;
  /** The model as the client named it. */
  model: string;
  requestId: string;
  /** REASONING_OUTPUT: where reasoning text goes in OpenAI chat answers. */
  reasoningOutput: "reasoning_content" | "think-tags" | "omit";
  /** Input tokens estimated from the built request (Anthropic's message_start). */
  estimatedInputTokens: number;
}

/** An encoded JSON answer, and (stateful front doors) the object to keep. */
export interface EncodedAnswer<R = never> {
  body: unknown;
  result?: R;
}

export interface ConversationCodec<Req, Built extends BuiltRequest = BuiltRequest, R = never> {
  /** The access log's endpoint name. */
  endpoint: string;
  /** Pure: the JSON body → the decoded request. Throws a 400 GatewayError naming the field. */
  decode(raw: Record<string, unknown>): DecodedConversation<Req>;
  /** Image and document URLs the conversation refers to (history included). */
  mediaUrls(d: DecodedConversation<Req>, history: PlacedItem[]): MediaRef[];
  /** Pure: the Converse request (Bedrock's rules applied once, in src/converse/). */
  build(d: DecodedConversation<Req>, ctx: BuildContext): Built;
  /** Tools the front door accepted but could not send (x-bedrock-gateway-dropped-tools). */
  droppedTools?(built: Built): string[];
  /** Pure: the Converse answers (one per choice) → the JSON body. */
  encode(results: ConverseResponse[], ctx: EncodeContext<Req, Built>): EncodedAnswer<R>;
  /** A stream encoder for one request. */
  streamEncoder(ctx: EncodeContext<Req, Built>): StreamEncoder<R>;
  /** What a keep-alive looks like in this front door's streams (default: an SSE comment). */
  keepAlive?: SseEvent;
  /** A new response id. */
  newId(): string;
  /** Count endpoints: the body of the answer for a token count. */
  countBody?(inputTokens: number): unknown;
}
