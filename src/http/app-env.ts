// Types shared by the HTTP layer: what createApp receives and what middleware puts on the context.
import type { Logger } from "pino";
import type { ApiKeyVerifier, Principal } from "../auth/api-key-verifier.ts";
import type { BedrockRuntime } from "../bedrock/runtime-client.ts";
import type { ThinkingStore } from "../converse/thinking-store.ts";
import type { Config } from "../config/config.ts";
import type { CatalogSnapshot } from "../models/build-catalog.ts";
import type { CatalogStatus } from "../models/model-catalog.ts";
import type { ResponsesState } from "../responses/open-response-store.ts";

export interface CatalogView {
  readonly snapshot: CatalogSnapshot | undefined;
  status(): CatalogStatus;
  ready(timeoutMs: number): Promise<CatalogSnapshot | undefined>;
}

export interface AppDeps {
  config: Config;
  logger: Logger;
  catalog: CatalogView;
  /** null when authentication is disabled (loopback-only development mode). */
  auth: ApiKeyVerifier | null;
  runtime: BedrockRuntime;
  /** Signed thinking blocks by tool-call id, for clients that do not replay them. */
  thinkingStore: ThinkingStore;
  /** Stored Responses and the sealer for reasoning encrypted_content (the Responses API). */
  responses: ResponsesState;
}

/**
 * Fields of the one access-log line per request. Endpoint handlers fill them in; the line is
 * written when the response (or, for streams, the stream) ends. Usage records and metrics are
 * derived from the same fields, so every endpoint reports tokens here and nowhere else.
 */
export interface LogFields {
  /** Which API: "chat.completions", "embeddings", "messages", "responses", … */
  endpoint?: string;
  /** The model as the client named it. */
  model?: string;
  /** The model id / profile / ARN sent to Bedrock. */
  bedrockModel?: string;
  /** The underlying foundation model id (pricing, capabilities). */
  baseModelId?: string;
  stream?: boolean;
  /** Bedrock's token counts: inputTokens excludes cache reads and writes, as Bedrock reports them. */
  inputTokens?: number;
  outputTokens?: number;
  cacheReadTokens?: number;
  cacheWriteTokens?: number;
  /** Milliseconds from request start to the first streamed content. */
  ttftMs?: number;
  /** Upstream retries performed before the first byte. */
  retries?: number;
  /** Set when the client went away before the response completed. */
  aborted?: boolean;
  errorType?: string;
  [k: string]: unknown;
}

export interface AppEnv {
  Variables: {
    requestId: string;
    principal: Principal | undefined;
    log: LogFields;
    /** Set by streaming handlers: resolves when the stream has been fully written or aborted. */
    streamDone: Promise<void> | undefined;
    /** Which API's error shape to answer with (set before authentication for Anthropic routes). */
    errorFormat: "openai" | "anthropic";
  };
}
