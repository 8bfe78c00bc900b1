// Pure: one batch line → the Bedrock batch records it becomes, and Bedrock's output records →
// the line's OpenAI response body. Chat lines go through the chat front door's own codec
// (src/chat/chat-codec.ts: decode, build, encode), so a batch line means exactly what the same
// request means on /v1/chat/completions. Embedding lines use the same family mappers as
// /v1/embeddings, one record per InvokeModel call the family needs.
import type { EmbeddingFamily } from "../bedrock/embeddings/embedding-family.ts";
import type { ConverseResponse } from "../bedrock/converse-types.ts";
import { chatCodec } from "../chat/chat-codec.ts";
import type { Config } from "../config/config.ts";
import type { BuiltRequest } from "../converse/assemble-request.ts";
import { checkDimensions, embeddingFamilyOf } from "../embeddings/create-embeddings.ts";
import { classifyEmbeddingInput } from "../embeddings/embedding-input.ts";
import { float32Base64 } from "../embeddings/encode-embedding.ts";
import { GatewayError, errors } from "../errors/gateway-error.ts";
import { estimateBodyTokens } from "../limits/estimate-body-tokens.ts";
import { capabilitiesFor } from "../models/capabilities.ts";
import type { ResolvedModel } from "../models/resolve-model.ts";
import type { ChatCompletionRequest } from "../openai/chat-request.ts";
import { embeddingsRequestSchema } from "../openai/embeddings-request.ts";
import type { CreateEmbeddingResponse } from "../openai/embeddings-request.ts";
import { zodToError } from "../openai/zod-to-error.ts";
import type { DecodedConversation } from "../pipeline/conversation-codec.ts";
import type { BatchLine } from "./batch-lines.ts";

/** One record of a Bedrock batch job input file. */
export interface InputRecord {
  recordId: string;
  modelInput: unknown;
}

/** One record of a Bedrock batch job output file (the on-demand runner writes the same shape). */
export interface OutputRecord {
  recordId?: string;
  modelOutput?: unknown;
  error?: { errorCode?: number | string; errorMessage?: string };
  /** On-demand embeddings only: the token count Bedrock reported in a header. */
  inputTokens?: number;
}

export type LinePlan =
  | {
      kind: "chat";
      line: number;
      customId: string;
      records: InputRecord[];
      decoded: DecodedConversation<ChatCompletionRequest>;
      built: BuiltRequest;
      model: string;
      reasoningOutput: Config["chat"]["reasoningOutput"];
      estimatedTokens: number;
    }
  | {
      kind: "embedding";
      line: number;
      customId: string;
      records: InputRecord[];
      model: string;
      base64: boolean;
      family: EmbeddingFamily;
      estimatedTokens: number;
      /** Texts per record. */ counts: number[];
    };

/** Record ids are alphanumeric: R + 8-digit line + 3-digit part (an embedding line may need several calls). */
export const recordId = (line: number, part = 0): string => `R${String(line).padStart(8, "0")}${String(part).padStart(3, "0")}`;
export const lineOfRecord = (id: string): number | undefined => {
  const m = /^R(\d{8})(\d{3})$/.exec(id);
  return m ? Number(m[1]) : undefined;
};

/** A mapping error becomes a 400 naming the line (and the field inside its body). */
function onLine<T>(line: number, f: () => T): T {
  try {
    return f();
  } catch (err) {
    if (err instanceof GatewayError && err.status < 500) {
      throw errors.invalidBatchLine(line, `${err.message}${err.param ? ` (body.${err.param})` : ""}`, err.code ?? "invalid_batch_line");
    }
    throw err;
  }
}

export function planChatLine(l: BatchLine, model: ResolvedModel, chat: Config["chat"], strictParams: boolean): LinePlan {
  return onLine(l.line, () => {
    const decoded = chatCodec.decode(l.body);
    if (decoded.stream)
      throw errors.invalidRequest("'stream' is not supported in a batch: each line gets one complete response.", "stream");
    if (decoded.choices !== 1) throw errors.invalidRequest("'n' must be 1 in a batch (one record per line).", "n");
    const remote = chatCodec.mediaUrls(decoded, [])[0];
    if (remote)
      throw errors.invalidRequest(
        "Image URLs are not fetched for batches: send the image as a data: URL.",
        remote.param,
        "invalid_image_url",
      );
    const built = chatCodec.build(decoded, {
      caps: capabilitiesFor(model.baseModelId, model.entry),
      modelName: model.requested,
      fetchedImages: new Map(),
      strictParams,
      streaming: false,
      // A batch line is a conversation of its own: no thinking remembered from other requests.
      recallThinking: () => undefined,
      autoCache: false,
      defaultGuardrail: chat.defaultGuardrail,
      history: [],
    });
    return {
      kind: "chat",
      line: l.line,
      customId: l.customId,
      records: [{ recordId: recordId(l.line), modelInput: built.request }],
      decoded,
      built,
      model: model.requested,
      reasoningOutput: chat.reasoningOutput,
      estimatedTokens: estimateBodyTokens(decoded.estimateParts),
    };
  });
}

export function planEmbeddingLine(l: BatchLine, model: ResolvedModel): LinePlan {
  return onLine(l.line, () => {
    const parsed = embeddingsRequestSchema.safeParse(l.body);
    if (!parsed.success) throw zodToError(parsed.error, l.body);
    const req = parsed.data;
    const family = embeddingFamilyOf(model);
    const dimensions = checkDimensions(family, req.dimensions, model.requested);
    const input = classifyEmbeddingInput(req.input);
    if (input.kind !== "text")
      throw errors.invalidRequest("Token-id input is not supported in a batch: send the texts.", "input", "invalid_type");
    const texts = input.texts;
    const max = family.maxChars;
    const long = max === undefined ? -1 : texts.findIndex((t) => t.length > max);
    if (long >= 0)
      throw errors.invalidRequest(
        `'input[${long}]' is longer than ${max} characters, the most ${family.name} accepts.`,
        `input[${long}]`,
        "context_length_exceeded",
      );
    const opts = { dimensions, inputType: req.input_type ?? "search_document" } as const;
    const records: InputRecord[] = [];
    const counts: number[] = [];
    for (let i = 0, part = 0; i < texts.length; i += family.batchSize, part++) {
      const chunk = texts.slice(i, i + family.batchSize);
      records.push({ recordId: recordId(l.line, part), modelInput: family.buildBody(chunk, opts) });
      counts.push(chunk.length);
    }
    return {
      kind: "embedding",
      line: l.line,
      customId: l.customId,
      records,
      model: model.requested,
      base64: req.encoding_format === "base64",
      family,
      estimatedTokens: estimateBodyTokens(texts),
      counts,
    };
  });
}

/** What one line produced: an OpenAI body (status 200) or an error, and the tokens it used. */
export interface LineResult {
  statusCode: number;
  body: unknown;
  ok: boolean;
  inputTokens: number;
  outputTokens: number;
  cacheReadTokens: number;
  cacheWriteTokens: number;
}

const errorResult = (statusCode: number, message: string, code: string | null): LineResult => ({
  statusCode,
  ok: false,
  body: { error: { message, type: statusCode >= 500 ? "server_error" : "invalid_request_error", param: null, code } },
  inputTokens: 0,
  outputTokens: 0,
  cacheReadTokens: 0,
  cacheWriteTokens: 0,
});

function recordError(r: OutputRecord | undefined): LineResult | undefined {
  if (!r) return errorResult(500, "Bedrock returned no result for this request (the job stopped or skipped it).", "batch_record_missing");
  if (r.error || r.modelOutput === undefined) {
    const status = Number(r.error?.errorCode);
    return errorResult(
      Number.isInteger(status) && status >= 400 && status < 600 ? status : 500,
      r.error?.errorMessage ?? "Bedrock reported an error for this request.",
      "bedrock_error",
    );
  }
  return undefined;
}

/** The line's records (by record id) → its OpenAI result. `id`/`created` name the completion. */
export function lineResult(plan: LinePlan, outputs: Map<string, OutputRecord>, id: string, created: number): LineResult {
  const recs = plan.records.map((r) => outputs.get(r.recordId));
  for (const r of recs) {
    const failed = recordError(r);
    if (failed) return failed;
  }
  try {
    if (plan.kind === "chat") {
      const res = recs[0]!.modelOutput as ConverseResponse;
      if (!res?.output) return errorResult(502, "Bedrock's output record has no Converse response.", "upstream_invalid_response");
      const { body } = chatCodec.encode([res], {
        decoded: plan.decoded,
        built: plan.built,
        id,
        created,
        model: plan.model,
        requestId: id,
        reasoningOutput: plan.reasoningOutput,
        estimatedInputTokens: 0,
      });
      const u = res.usage;
      return {
        statusCode: 200,
        ok: true,
        body,
        inputTokens: u?.inputTokens ?? 0,
        outputTokens: u?.outputTokens ?? 0,
        cacheReadTokens: u?.cacheReadInputTokens ?? 0,
        cacheWriteTokens: u?.cacheWriteInputTokens ?? 0,
      };
    }
    const data: CreateEmbeddingResponse["data"] = [];
    let tokens = 0;
    plan.records.forEach((_rec, i) => {
      const parsed = plan.family.parseResponse(recs[i]!.modelOutput, plan.counts[i]!);
      tokens += parsed.inputTokens ?? recs[i]!.inputTokens ?? 0;
      for (const v of parsed.vectors) data.push({ object: "embedding", index: data.length, embedding: plan.base64 ? float32Base64(v) : v });
    });
    const body: CreateEmbeddingResponse = {
      object: "list",
      data,
      model: plan.model,
      usage: { prompt_tokens: tokens, total_tokens: tokens },
    };
    return { statusCode: 200, ok: true, body, inputTokens: tokens, outputTokens: 0, cacheReadTokens: 0, cacheWriteTokens: 0 };
  } catch (err) {
    if (err instanceof GatewayError) return errorResult(err.status, err.message, err.code);
    throw err;
  }
}
