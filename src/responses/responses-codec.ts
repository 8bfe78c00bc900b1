// The Responses front door as a codec (see src/pipeline/conversation-codec.ts): decode the
// request, build the Converse request from its input and the stored conversation it continues
// (responses-to-converse.ts), encode Converse answers as a Response or as the Responses SSE
// sequence (responses-encoder.ts). Sealing of signed reasoning is injected (it holds a key).
// Pure: no HTTP, no Bedrock, no store; the pipeline loads and keeps stored responses.
import type { ReasoningContentBlock } from "../bedrock/converse-types.ts";
import { errors } from "../errors/gateway-error.ts";
import { zodToError } from "../openai/zod-to-error.ts";
import { canonicalEventsOf, ChoiceNormalizer } from "../pipeline/canonical-events.ts";
import type { ConversationCodec, DecodedConversation, EncodeContext } from "../pipeline/conversation-codec.ts";
import { imageRefsOf } from "./image-refs.ts";
import { newId as randomId } from "./item-ids.ts";
import type { IdPrefix } from "./item-ids.ts";
import { responseShell } from "./response-object.ts";
import type { ResponseObject } from "./response-types.ts";
import { KNOWN_FIELDS, ResponsesRequest } from "./request-schema.ts";
import type { AnswerOptions } from "./responses-encoder.ts";
import { ResponsesAnswer, ResponsesStreamEncoder } from "./responses-encoder.ts";
import type { ResponsesBuiltRequest } from "./responses-to-converse.ts";
import { buildResponsesConverseRequest, effortOf, placeInput } from "./responses-to-converse.ts";
import type { StoredItem } from "../store/response-store.ts";
import { storedInputItems } from "./stored-input.ts";

const ENCRYPTED = "reasoning.encrypted_content";

/** A Response to keep in the store (store: true), with the input items it was created from. */
export interface KeptResponse {
  response: ResponseObject;
  input: StoredItem[];
  previousResponseId: string | null;
}

export interface ResponsesCodecOptions {
  /** Seals signed reasoning for encrypted_content. */
  seal: (blocks: ReasoningContentBlock[]) => string;
  /** Opens encrypted_content; undefined when it is not authentic. */
  openReasoning: (blob: string) => ReasoningContentBlock[] | undefined;
  /** Item and response ids (random by default; fixtures make them predictable). */
  newId?: (prefix: IdPrefix) => string;
}

export function decodeResponses(raw: Record<string, unknown>): DecodedConversation<ResponsesRequest> {
  const parsed = ResponsesRequest.safeParse(raw);
  if (!parsed.success) throw zodToError(parsed.error);
  const req = parsed.data;
  const input = placeInput(req.input);
  if (input.length === 0 && !req.previous_response_id)
    throw errors.invalidRequest("Missing required parameter: 'input'.", "input", "missing_required_parameter");
  return {
    request: req,
    model: req.model,
    stream: req.stream === true,
    choices: 1,
    settings: {
      sampling: { maxTokens: req.max_output_tokens ?? undefined, temperature: req.temperature ?? undefined, topP: req.top_p ?? undefined },
      effort: effortOf(req),
      thinking: req.thinking,
    },
    estimateParts: [req.instructions, input, req.tools],
    unknownFields: Object.keys(raw).filter((k) => !KNOWN_FIELDS.has(k)),
    ...(req.previous_response_id ? { previousResponseId: req.previous_response_id } : {}),
  };
}

export function responsesCodec(opts: ResponsesCodecOptions): ConversationCodec<ResponsesRequest, ResponsesBuiltRequest, KeptResponse> {
  const newId = opts.newId ?? randomId;
  const answerOptions = (ctx: EncodeContext<ResponsesRequest, ResponsesBuiltRequest>): AnswerOptions => {
    const req = ctx.decoded.request;
    const summary = req.reasoning?.summary ?? req.reasoning?.generate_summary;
    return {
      shell: responseShell(req, {
        id: ctx.id,
        createdAt: ctx.created,
        model: ctx.model,
        tools: ctx.built.tools,
        store: req.store !== false,
      }),
      namespaced: ctx.built.tools.namespaced,
      reasoningView: ctx.reasoningOutput === "omit" ? "none" : summary ? "summary" : "content",
      seal: opts.seal,
      exposeEncrypted: (req.include ?? []).includes(ENCRYPTED),
      newId,
      cleanJson: ctx.built.jsonMode === "prompt",
    };
  };
  /** What to keep of a final Response: nothing with store: false. */
  const kept = (ctx: EncodeContext<ResponsesRequest, ResponsesBuiltRequest>, response: ResponseObject): KeptResponse | undefined => {
    const req = ctx.decoded.request;
    if (req.store === false) return undefined;
    return { response, input: storedInputItems(placeInput(req.input), newId), previousResponseId: req.previous_response_id ?? null };
  };

  return {
    endpoint: "responses",
    decode: decodeResponses,
    mediaUrls: (d, history) => imageRefsOf([...history, ...placeInput(d.request.input)]),
    build: (d, ctx) => {
      const input = placeInput(d.request.input);
      if (input.length === 0 && ctx.history.length === 0)
        throw errors.invalidRequest("Missing required parameter: 'input'.", "input", "missing_required_parameter");
      return buildResponsesConverseRequest(d.request, ctx.history, input, {
        ...ctx,
        unknownFields: d.unknownFields,
        openReasoning: opts.openReasoning,
      });
    },
    droppedTools: (built) => built.tools.droppedTools,
    encode(results, ctx) {
      const res = results[0]!;
      const answer = new ResponsesAnswer(answerOptions(ctx));
      const normalizer = new ChoiceNormalizer(0, ctx.built);
      for (const e of canonicalEventsOf(res, normalizer)) answer.converter.push(e);
      answer.converter.finish();
      const final = answer.complete();
      return { body: answer.visible(final), result: kept(ctx, final) };
    },
    streamEncoder(ctx) {
      const encoder = new ResponsesStreamEncoder(answerOptions(ctx));
      return {
        start: () => encoder.start(),
        push: (e, out) => encoder.push(e, out),
        end: () => {
          const t = encoder.end();
          return { events: t.events, result: kept(ctx, t.result!) };
        },
        fail: (err) => {
          const t = encoder.fail(err);
          return { events: t.events, result: kept(ctx, t.result!) };
        },
      };
    },
    newId: () => newId("resp"),
    countBody: (inputTokens) => ({ object: "response.input_tokens", input_tokens: inputTokens }),
  };
}
