// The admission contract: what every endpoint tells admission before it calls a model, and what
// admission needs of the request (the caller, where to put headers and its ticket). Hono's Context
// of the HTTP layer satisfies AdmissionHost; limits/ never imports the HTTP layer.
import type { Principal } from "../auth/api-key-verifier.ts";
import type { CatalogModel } from "../models/build-catalog.ts";
import type { ResolvedModel } from "../models/resolve-model.ts";
import type { Limits } from "./token-bucket.ts";

/** What admission reserved for a request, reconciled when it ends. */
export interface AdmissionTicket {
  keyId: string;
  limits: Limits;
  reservedTokens: number;
}

/** The request as admission sees it (structurally, the HTTP layer's Context). */
export interface AdmissionHost {
  get(key: "principal"): Principal | undefined;
  set(key: "admission", value: AdmissionTicket | undefined): void;
  header(name: string, value: string): void;
}

/** What an endpoint tells admission about the call it is about to make. */
export interface AdmissionRequest {
  /** The resolved model (from resolveModel). */
  model: ResolvedModel;
  /** Input tokens estimated from the request body (see estimateBodyTokens in src/limits). */
  estimatedInputTokens: number;
  /** The output cap sent to Bedrock (max_tokens), when there is one. */
  maxOutputTokens?: number;
}

/**
 * Pre-call enforcement for the key that made the request. Every endpoint that calls a model
 * calls `admit` once, after resolving the model and validating the request and BEFORE calling
 * Bedrock (before any streaming response has started):
 *
 *   await deps.admission?.admit(c, { model: resolved, estimatedInputTokens, maxOutputTokens });
 *
 * It throws a GatewayError: 403 permission_denied when the key may not use the model, 429
 * insufficient_quota when its budget for the period is spent, 429 rate_limit_exceeded when its
 * RPM or TPM is exhausted, 503 when Redis is down and RATE_LIMIT_FAIL_MODE=closed. Otherwise it
 * takes one request and the estimated tokens, sets the x-ratelimit-* headers on `c`, and leaves
 * a ticket on the context; the real token counts the endpoint reports in LogFields reconcile
 * the estimate when the request (or stream) ends. Unrestricted keys (the static API_KEY) return
 * at once.
 */
export interface Admission {
  admit(c: AdmissionHost, req: AdmissionRequest): Promise<void>;
  /** Which catalog models the caller may see (GET /v1/models) and use. */
  modelFilter(c: AdmissionHost): (m: CatalogModel) => boolean;
  /** x-ratelimit-* headers for a response of a limited key that took nothing (admission middleware). */
  headers(c: AdmissionHost): Promise<Record<string, string>>;
}
