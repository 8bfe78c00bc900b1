// Types shared by the HTTP layer: what createApp receives and what middleware puts on the context.
import type { Logger } from "pino";
import type { ApiKeyVerifier, Principal } from "../auth/api-key-verifier.ts";
import type { BedrockRuntime } from "../bedrock/runtime-client.ts";
import type { Config } from "../config/config.ts";
import type { CatalogSnapshot } from "../models/build-catalog.ts";
import type { CatalogStatus } from "../models/model-catalog.ts";

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
}

/** Fields the access log line carries; handlers add to them (model, tokens, …). */
export interface LogFields {
  model?: string;
  bedrockModel?: string;
  stream?: boolean;
  inputTokens?: number;
  outputTokens?: number;
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
  };
}
