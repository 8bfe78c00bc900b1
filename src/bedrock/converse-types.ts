// Converse / ConverseStream as they travel on the wire (restJson1 JSON): blobs are base64
// strings, documents are plain JSON. Written from the Smithy model in spec/; only what the
// gateway reads or writes is typed, and response types stay tolerant of fields added later.

export type JsonValue = null | boolean | number | string | JsonValue[] | { [k: string]: JsonValue };

export type ImageFormat = "png" | "jpeg" | "gif" | "webp";
export type DocumentFormat = "pdf" | "csv" | "doc" | "docx" | "xls" | "xlsx" | "html" | "txt" | "md";
export type CacheTtl = "5m" | "1h";

export interface CachePointBlock {
  type: "default";
  ttl?: CacheTtl;
}

export interface ImageBlock {
  format: ImageFormat;
  source: { bytes: string } | { s3Location: { uri: string; bucketOwner?: string } };
}

export interface DocumentBlock {
  format?: DocumentFormat;
  name: string;
  source: { bytes: string } | { text: string } | { s3Location: { uri: string; bucketOwner?: string } };
  context?: string;
  citations?: { enabled: boolean };
}

export interface MediaBlock {
  format: string;
  source: { bytes: string } | { s3Location: { uri: string; bucketOwner?: string } };
}

export interface ToolUseBlock {
  toolUseId: string;
  name: string;
  input: JsonValue;
}

export type ToolResultContent = { text: string } | { json: JsonValue } | { image: ImageBlock } | { document: DocumentBlock };

export interface ToolResultBlock {
  toolUseId: string;
  content: ToolResultContent[];
  status?: "success" | "error";
}

export type ReasoningContentBlock = { reasoningText: { text: string; signature?: string } } | { redactedContent: string };

export interface CitationLocation {
  documentChar?: { documentIndex?: number; start?: number; end?: number };
  documentPage?: { documentIndex?: number; start?: number; end?: number };
  documentChunk?: { documentIndex?: number; start?: number; end?: number };
  web?: { url?: string; domain?: string };
  searchResultLocation?: { searchResultIndex?: number; start?: number; end?: number };
}

export interface Citation {
  title?: string;
  source?: string;
  sourceContent?: { text?: string }[];
  location?: CitationLocation;
}

export interface CitationsContentBlock {
  content?: { text?: string }[];
  citations?: Citation[];
}

/** A ContentBlock union: exactly one member is set. */
export type ContentBlock =
  | { text: string }
  | { image: ImageBlock }
  | { document: DocumentBlock }
  | { video: MediaBlock }
  | { audio: MediaBlock }
  | { toolUse: ToolUseBlock }
  | { toolResult: ToolResultBlock }
  | { cachePoint: CachePointBlock }
  | { reasoningContent: ReasoningContentBlock }
  | { citationsContent: CitationsContentBlock }
  | { guardContent: { text: { text: string; qualifiers?: string[] } } };

export type ConversationRole = "user" | "assistant";

export interface Message {
  role: ConversationRole;
  content: ContentBlock[];
}

export type SystemContentBlock = { text: string } | { cachePoint: CachePointBlock } | { guardContent: { text: { text: string } } };

export interface ToolSpecification {
  name: string;
  description?: string;
  inputSchema: { json: JsonValue };
  strict?: boolean;
}

export type Tool = { toolSpec: ToolSpecification } | { cachePoint: CachePointBlock };

export type ToolChoice = { auto: Record<string, never> } | { any: Record<string, never> } | { tool: { name: string } };

export interface ToolConfiguration {
  tools: Tool[];
  toolChoice?: ToolChoice;
}

export interface InferenceConfiguration {
  maxTokens?: number;
  temperature?: number;
  topP?: number;
  stopSequences?: string[];
}

export interface GuardrailConfiguration {
  guardrailIdentifier?: string;
  guardrailVersion?: string;
  trace?: "enabled" | "disabled" | "enabled_full";
  streamProcessingMode?: "sync" | "async";
}

export type ServiceTierType = "priority" | "default" | "flex" | "reserved";

export interface OutputConfig {
  textFormat?: {
    type: "json_schema";
    structure: { jsonSchema: { schema: string; name?: string; description?: string } };
  };
}

/** Body of POST /model/{modelId}/converse and /converse-stream (modelId travels in the path). */
export interface ConverseRequest {
  messages?: Message[];
  system?: SystemContentBlock[];
  inferenceConfig?: InferenceConfiguration;
  toolConfig?: ToolConfiguration;
  guardrailConfig?: GuardrailConfiguration;
  additionalModelRequestFields?: { [k: string]: JsonValue };
  additionalModelResponseFieldPaths?: string[];
  requestMetadata?: Record<string, string>;
  performanceConfig?: { latency: "standard" | "optimized" };
  serviceTier?: { type: ServiceTierType };
  outputConfig?: OutputConfig;
}

export type StopReason =
  | "end_turn"
  | "tool_use"
  | "max_tokens"
  | "stop_sequence"
  | "guardrail_intervened"
  | "content_filtered"
  | "malformed_model_output"
  | "malformed_tool_use"
  | "model_context_window_exceeded"
  | (string & {});

export interface TokenUsage {
  inputTokens: number;
  outputTokens: number;
  totalTokens: number;
  cacheReadInputTokens?: number;
  cacheWriteInputTokens?: number;
  cacheDetails?: { ttl: CacheTtl; inputTokens: number }[];
}

export interface ConverseResponse {
  output: { message?: Message };
  stopReason: StopReason;
  usage: TokenUsage;
  metrics?: { latencyMs: number };
  additionalModelResponseFields?: JsonValue;
  trace?: { guardrail?: JsonValue; promptRouter?: { invokedModelId?: string } };
  performanceConfig?: { latency: string };
  serviceTier?: { type: string };
}

// ---- ConverseStream events (the payload of each `event` frame, keyed by its :event-type) ----

export interface ContentBlockStartEvent {
  contentBlockIndex: number;
  start: { toolUse?: { toolUseId: string; name: string } };
}

export interface ContentBlockDelta {
  text?: string;
  toolUse?: { input: string };
  reasoningContent?: { text?: string; signature?: string; redactedContent?: string };
  citation?: Citation;
}

export interface ContentBlockDeltaEvent {
  contentBlockIndex: number;
  delta: ContentBlockDelta;
}

export interface MetadataEvent {
  usage: TokenUsage;
  metrics?: { latencyMs: number };
  trace?: { guardrail?: JsonValue };
  performanceConfig?: { latency: string };
  serviceTier?: { type: string };
}

/**
 * A ConverseStream as the gateway reads it: the events of each network read together, in order.
 * A relay pays its per-item costs (async hops, one socket write) per read instead of per event:
 * a burst of 500 events arriving in two reads costs two, not 500.
 */
export type ConverseEventBatches = AsyncIterable<readonly ConverseStreamEvent[]>;

export type ConverseStreamEvent =
  | { messageStart: { role: ConversationRole } }
  | { contentBlockStart: ContentBlockStartEvent }
  | { contentBlockDelta: ContentBlockDeltaEvent }
  | { contentBlockStop: { contentBlockIndex: number } }
  | { messageStop: { stopReason: StopReason; additionalModelResponseFields?: JsonValue } }
  | { metadata: MetadataEvent };
