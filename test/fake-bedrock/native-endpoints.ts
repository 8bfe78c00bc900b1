// Bedrock's OpenAI-compatible endpoints, as the test double serves them: Mantle
// (bedrock-mantle.{region}.api.aws: GET /v1/models, chat completions and Responses under /v1 or
// /openai/v1 depending on the model) and bedrock-runtime's /openai/v1 (chat completions for
// gpt-oss, with Converse's model ids). Errors are OpenAI-shaped with Bedrock's statuses; a model
// called under the wrong prefix is refused as Mantle refuses it; SigV4 must carry the signing name
// of the endpoint ("bedrock-mantle" / "bedrock"), or a Bedrock API key must be the bearer token.
// Replies are scripted per test (NativePlan) and streamed as real SSE (chat chunks ending with
// [DONE]; Responses events with `event:` lines and sequence numbers).
import { randomUUID } from "node:crypto";
import type { IncomingMessage, ServerResponse } from "node:http";
import { estimateTokens } from "./reply.ts";
import { verifyRequest } from "./sigv4-verifier.ts";
import type { FakeCredentials } from "./sigv4-verifier.ts";

export type NativeHost = "mantle" | "runtime";
type Api = "chat" | "responses";
type Prefix = "/v1" | "/openai/v1";

export interface FakeNativeModel {
  id: string;
  owned_by: string;
  created: number;
  /** Path prefixes under which Mantle serves the model. */
  prefixes: Prefix[];
  apis: Api[];
}

/** Mantle's catalog in the double. Ids carry no region prefix or version suffix, as on Mantle. */
export const FAKE_MANTLE_MODELS: FakeNativeModel[] = [
  // OpenAI's GPT-5.x: Responses only, only under /openai/v1 (no Converse equivalent).
  { id: "openai.gpt-5.5", owned_by: "openai", created: 1_780_000_000, prefixes: ["/openai/v1"], apis: ["responses"] },
  // Served by Converse too (openai.gpt-oss-120b-1:0): stays on Converse unless NATIVE_MODELS says otherwise.
  { id: "openai.gpt-oss-120b", owned_by: "openai", created: 1_754_352_000, prefixes: ["/v1", "/openai/v1"], apis: ["chat", "responses"] },
  // Native only, chat and Responses under /v1.
  { id: "google.gemma-4-31b", owned_by: "google", created: 1_775_000_000, prefixes: ["/v1"], apis: ["chat", "responses"] },
  // Native only, only under /openai/v1, a family the gateway's route table does not know.
  { id: "moonshotai.kimi-k3", owned_by: "moonshotai", created: 1_778_000_000, prefixes: ["/openai/v1"], apis: ["chat", "responses"] },
  // Claude is on Mantle only through /anthropic/v1/messages; Converse serves it.
  { id: "anthropic.claude-haiku-4-5", owned_by: "anthropic", created: 1_759_276_800, prefixes: [], apis: [] },
];

/** bedrock-runtime's /openai/v1 chat completions: gpt-oss with Converse's ids. */
export const FAKE_RUNTIME_OPENAI_MODELS = ["openai.gpt-oss-120b-1:0", "openai.gpt-oss-20b-1:0"];

export interface NativePlan {
  text?: string;
  reasoning?: string;
  toolCalls?: { name: string; arguments: string; id?: string }[];
  usage?: { input?: number; output?: number; cached?: number; reasoning?: number };
  /** Answer with an HTTP error (OpenAI's shape). */
  error?: { status: number; message: string; type?: string; code?: string };
  stream?: {
    delayMs?: number;
    /** After this many events, send an error event and end the stream. */
    failAfter?: number;
    /** After this many events, cut the connection (no terminal event). */
    cutAfter?: number;
    /** After this many events, stop sending but keep the connection open. */
    hangAfter?: number;
  };
}

export type NativeOperation = "NativeListModels" | "NativeChat" | "NativeResponses";

export interface NativeRecordedRequest {
  operation: NativeOperation;
  host: NativeHost;
  path: string;
  body: any;
  headers: Record<string, string | string[] | undefined>;
  /** SigV4 signing name, or "bearer". */
  auth?: string;
  status?: number;
  clientClosedAt?: number;
}

type Planner = NativePlan | ((req: NativeRecordedRequest) => NativePlan);
const DEFAULT_PLAN: NativePlan = { text: "Hello from the native endpoint of the test double." };
const delay = (ms: number) => new Promise((r) => setTimeout(r, ms));

export class FakeNativeEndpoints {
  readonly requests: NativeRecordedRequest[] = [];
  /** Mantle's model list; tests may add or remove models. */
  readonly mantleModels: FakeNativeModel[] = FAKE_MANTLE_MODELS.map((m) => ({ ...m }));
  private queue: Planner[] = [];
  private defaultPlanner: Planner = DEFAULT_PLAN;
  private listFailures = 0;
  /** Delay before GET /v1/models answers (a slow or unreachable Mantle). */
  listDelayMs = 0;
  private readonly creds: FakeCredentials;
  private readonly bearerToken: string | undefined;

  constructor(creds: FakeCredentials, bearerToken: string | undefined) {
    this.creds = creds;
    this.bearerToken = bearerToken;
  }

  enqueue(...plans: Planner[]): this {
    this.queue.push(...plans);
    return this;
  }

  setDefault(plan: Planner): this {
    this.defaultPlanner = plan;
    return this;
  }

  /** Make the next `n` GET /v1/models calls fail with 503. */
  failModelList(n: number): this {
    this.listFailures = n;
    return this;
  }

  reset(): void {
    this.requests.length = 0;
    this.queue = [];
    this.defaultPlanner = DEFAULT_PLAN;
    this.listFailures = 0;
    this.listDelayMs = 0;
    this.mantleModels.splice(0, this.mantleModels.length, ...FAKE_MANTLE_MODELS.map((m) => ({ ...m })));
  }

  calls(op: NativeOperation): NativeRecordedRequest[] {
    return this.requests.filter((r) => r.operation === op);
  }

  lastCall(op: NativeOperation): NativeRecordedRequest | undefined {
    return this.calls(op).at(-1);
  }

  /** Whether this double serves the path on this host (the runtime also serves Converse). */
  static handles(host: NativeHost, path: string): boolean {
    return host === "mantle" || path.startsWith("/openai/v1/");
  }

  async handle(
    host: NativeHost,
    req: IncomingMessage,
    res: ServerResponse,
    rawPath: string,
    query: Record<string, string>,
    bodyText: string,
  ): Promise<void> {
    const route = /^(\/v1|\/openai\/v1)\/(models|chat\/completions|responses)$/.exec(rawPath);
    if (!route || (host === "runtime" && route[1] !== "/openai/v1")) {
      return openaiError(res, 404, `Unknown route ${req.method} ${rawPath}`, "invalid_request_error", "unknown_route");
    }
    const prefix = route[1] as Prefix;
    const what = route[2]!;
    const operation: NativeOperation = what === "models" ? "NativeListModels" : what === "responses" ? "NativeResponses" : "NativeChat";
    const record: NativeRecordedRequest = { operation, host, path: rawPath, body: undefined, headers: req.headers };
    this.requests.push(record);
    res.on("close", () => {
      if (!res.writableFinished) record.clientClosedAt = Date.now();
    });
    res.on("finish", () => (record.status = res.statusCode));

    const auth = await verifyRequest(
      { method: req.method!, path: rawPath, query, headers: req.headers, body: bodyText },
      this.creds,
      this.bearerToken,
    );
    if (!auth.ok) return openaiError(res, 401, auth.message, "authentication_error", "invalid_api_key");
    const isBearer = String(req.headers.authorization).startsWith("Bearer ");
    record.auth = isBearer ? "bearer" : auth.service;
    const signingName = host === "mantle" ? "bedrock-mantle" : "bedrock";
    if (!isBearer && auth.service !== signingName) {
      return openaiError(
        res,
        403,
        `Credential should be scoped to correct service: '${signingName}'.`,
        "permission_error",
        "access_denied",
      );
    }

    if (operation === "NativeListModels") {
      if (req.method !== "GET") return openaiError(res, 405, "Method not allowed", "invalid_request_error", "method_not_allowed");
      if (host !== "mantle")
        return openaiError(res, 404, `Unknown route ${req.method} ${rawPath}`, "invalid_request_error", "unknown_route");
      if (this.listDelayMs) await delay(this.listDelayMs);
      if (res.destroyed) return;
      if (this.listFailures > 0) {
        this.listFailures--;
        return openaiError(res, 503, "Service is temporarily unavailable.", "service_unavailable", "service_unavailable");
      }
      return json(res, 200, {
        object: "list",
        data: this.mantleModels.map(({ id, owned_by, created }) => ({ id, object: "model", created, owned_by })),
      });
    }
    if (req.method !== "POST") return openaiError(res, 405, "Method not allowed", "invalid_request_error", "method_not_allowed");
    try {
      record.body = JSON.parse(bodyText);
    } catch {
      return openaiError(res, 400, "We could not parse the JSON body of your request.", "invalid_request_error", "invalid_json");
    }
    const body = record.body as Record<string, unknown>;
    const api: Api = operation === "NativeChat" ? "chat" : "responses";
    const problem = this.check(host, prefix, api, body);
    if (problem) return openaiError(res, problem.status, problem.message, "invalid_request_error", problem.code);

    const p = this.queue.shift() ?? this.defaultPlanner;
    const plan = typeof p === "function" ? p(record) : p;
    if (plan.error)
      return openaiError(res, plan.error.status, plan.error.message, plan.error.type ?? "invalid_request_error", plan.error.code ?? null);
    const input =
      plan.usage?.input ?? estimateTokens(JSON.stringify(api === "chat" ? body.messages : body.input) + JSON.stringify(body.tools ?? ""));
    const output = plan.usage?.output ?? estimateTokens((plan.text ?? "") + (plan.reasoning ?? "") + JSON.stringify(plan.toolCalls ?? ""));
    const usage = {
      input,
      output,
      cached: plan.usage?.cached ?? 0,
      reasoning: plan.usage?.reasoning ?? (plan.reasoning ? estimateTokens(plan.reasoning) : 0),
    };
    const model = String(body.model);
    if (api === "chat") {
      if (body.stream === true)
        return this.stream(
          res,
          plan,
          chatChunks(model, plan, usage, (body.stream_options as { include_usage?: boolean } | undefined)?.include_usage === true),
          false,
        );
      return json(res, 200, chatCompletion(model, plan, usage));
    }
    if (body.stream === true) return this.stream(res, plan, responseEvents(model, plan, usage, body), true);
    return json(res, 200, responseObject(model, plan, usage, body, "completed"));
  }

  /** What Bedrock refuses before generating: unknown model, wrong prefix, wrong API, bad fields. */
  private check(
    host: NativeHost,
    prefix: Prefix,
    api: Api,
    body: Record<string, unknown>,
  ): { status: number; message: string; code: string } | undefined {
    const model = body.model;
    if (typeof model !== "string" || model === "")
      return { status: 400, message: "you must provide a model parameter", code: "missing_required_parameter" };
    if (host === "runtime") {
      if (!FAKE_RUNTIME_OPENAI_MODELS.includes(model) || api !== "chat") {
        return { status: 404, message: `The model \`${model}\` does not exist or you do not have access to it.`, code: "model_not_found" };
      }
    } else {
      const m = this.mantleModels.find((x) => x.id === model);
      if (!m || m.apis.length === 0)
        return { status: 404, message: `The model \`${model}\` does not exist or you do not have access to it.`, code: "model_not_found" };
      if (!m.prefixes.includes(prefix))
        return { status: 400, message: `model \`${model}\` isn't supported on this route`, code: "unsupported_route" };
      if (!m.apis.includes(api))
        return {
          status: 400,
          message: `model \`${model}\` does not support the ${api === "chat" ? "Chat Completions" : "Responses"} API`,
          code: "unsupported_api",
        };
    }
    if (api === "chat") {
      const messages = body.messages;
      if (!Array.isArray(messages) || messages.length === 0)
        return { status: 400, message: "'messages' must be a non-empty array", code: "invalid_value" };
      for (const msg of messages as { role?: unknown; content?: unknown }[]) {
        if (!["system", "developer", "user", "assistant", "tool"].includes(String(msg?.role)))
          return { status: 400, message: `invalid role '${String(msg?.role)}'`, code: "invalid_value" };
        if (Array.isArray(msg.content)) {
          for (const part of msg.content as { type?: string; image_url?: { url?: string } }[]) {
            // Bedrock does not fetch URLs for the model: images must arrive as data.
            if (part.type === "image_url" && !String(part.image_url?.url).startsWith("data:"))
              return { status: 400, message: "image_url must be a base64 data URL", code: "invalid_image_url" };
          }
        }
      }
    } else {
      if (body.input === undefined)
        return { status: 400, message: "Missing required parameter: 'input'.", code: "missing_required_parameter" };
      // This double keeps no responses: a previous_response_id can only have come from elsewhere.
      if (body.previous_response_id !== undefined)
        return {
          status: 404,
          message: `Previous response with id '${JSON.stringify(body.previous_response_id)}' not found.`,
          code: "previous_response_not_found",
        };
      if (body.background === true && host === "runtime")
        return { status: 400, message: "background is not supported", code: "invalid_value" };
    }
    return undefined;
  }

  private async stream(res: ServerResponse, plan: NativePlan, events: { event?: string; data: unknown }[], named: boolean): Promise<void> {
    res.writeHead(200, { "content-type": "text/event-stream; charset=utf-8", "cache-control": "no-cache" });
    res.flushHeaders();
    const ctl = plan.stream ?? {};
    let sent = 0;
    for (const e of events) {
      if (res.destroyed) return;
      if (ctl.failAfter !== undefined && sent === ctl.failAfter) {
        const error = { type: "error", code: "model_error", message: "The model failed while generating.", param: null };
        res.end(
          named
            ? `event: error\ndata: ${JSON.stringify({ ...error, sequence_number: sent })}\n\n`
            : `data: ${JSON.stringify({ error })}\n\n`,
        );
        return;
      }
      if (ctl.hangAfter !== undefined && sent === ctl.hangAfter) {
        await new Promise<void>((r) => res.on("close", r));
        return;
      }
      if (ctl.cutAfter !== undefined && sent === ctl.cutAfter) {
        res.socket?.destroy();
        return;
      }
      if (ctl.delayMs) await delay(ctl.delayMs);
      if (res.destroyed) return;
      const data = typeof e.data === "string" ? e.data : JSON.stringify(e.data);
      res.write(e.event ? `event: ${e.event}\ndata: ${data}\n\n` : `data: ${data}\n\n`);
      sent++;
    }
    res.end();
  }
}

function json(res: ServerResponse, status: number, body: unknown): void {
  const text = JSON.stringify(body);
  res.writeHead(status, { "content-type": "application/json", "content-length": Buffer.byteLength(text) });
  res.end(text);
}

function openaiError(res: ServerResponse, status: number, message: string, type: string, code: string | null): void {
  json(res, status, { error: { message, type, param: null, code } });
}

interface Usage {
  input: number;
  output: number;
  cached: number;
  reasoning: number;
}

const chatUsage = (u: Usage) => ({
  prompt_tokens: u.input,
  completion_tokens: u.output,
  total_tokens: u.input + u.output,
  prompt_tokens_details: { cached_tokens: u.cached },
  completion_tokens_details: { reasoning_tokens: u.reasoning },
});

function toolCallId(plan: NativePlan, i: number): string {
  return plan.toolCalls?.[i]?.id ?? `call_${i}_${randomUUID().replaceAll("-", "").slice(0, 16)}`;
}

function chatCompletion(model: string, plan: NativePlan, u: Usage) {
  const tools = plan.toolCalls?.map((t, i) => ({
    id: toolCallId(plan, i),
    type: "function",
    function: { name: t.name, arguments: t.arguments },
  }));
  return {
    id: `chatcmpl-${randomUUID()}`,
    object: "chat.completion",
    created: Math.floor(Date.now() / 1000),
    model,
    choices: [
      {
        index: 0,
        message: {
          role: "assistant",
          content: plan.text ?? null,
          ...(plan.reasoning ? { reasoning_content: plan.reasoning } : {}),
          ...(tools?.length ? { tool_calls: tools } : {}),
        },
        finish_reason: tools?.length ? "tool_calls" : "stop",
      },
    ],
    usage: chatUsage(u),
  };
}

function pieces(s: string, n = 8): string[] {
  const out: string[] = [];
  for (let i = 0; i < s.length; i += n) out.push(s.slice(i, i + n));
  return out;
}

function chatChunks(model: string, plan: NativePlan, u: Usage, includeUsage: boolean): { data: unknown }[] {
  const base = { id: `chatcmpl-${randomUUID()}`, object: "chat.completion.chunk", created: Math.floor(Date.now() / 1000), model };
  const chunk = (delta: Record<string, unknown>, finish: string | null = null) => ({
    data: { ...base, choices: [{ index: 0, delta, finish_reason: finish }] },
  });
  const out: { data: unknown }[] = [chunk({ role: "assistant", content: "" })];
  for (const r of pieces(plan.reasoning ?? "")) out.push(chunk({ reasoning_content: r }));
  for (const t of pieces(plan.text ?? "")) out.push(chunk({ content: t }));
  plan.toolCalls?.forEach((t, i) => {
    out.push(chunk({ tool_calls: [{ index: i, id: toolCallId(plan, i), type: "function", function: { name: t.name, arguments: "" } }] }));
    for (const a of pieces(t.arguments, 10)) out.push(chunk({ tool_calls: [{ index: i, function: { arguments: a } }] }));
  });
  out.push(chunk({}, plan.toolCalls?.length ? "tool_calls" : "stop"));
  if (includeUsage) out.push({ data: { ...base, choices: [], usage: chatUsage(u) } });
  out.push({ data: "[DONE]" });
  return out;
}

function outputItems(plan: NativePlan) {
  const items: Record<string, unknown>[] = [];
  if (plan.reasoning)
    items.push({
      type: "reasoning",
      id: `rs_${randomUUID().replaceAll("-", "")}`,
      summary: [{ type: "summary_text", text: plan.reasoning }],
    });
  if (plan.text !== undefined) {
    items.push({
      type: "message",
      id: `msg_${randomUUID().replaceAll("-", "")}`,
      role: "assistant",
      status: "completed",
      content: [{ type: "output_text", text: plan.text, annotations: [] }],
    });
  }
  plan.toolCalls?.forEach((t, i) =>
    items.push({
      type: "function_call",
      id: `fc_${randomUUID().replaceAll("-", "")}`,
      call_id: toolCallId(plan, i),
      name: t.name,
      arguments: t.arguments,
      status: "completed",
    }),
  );
  return items;
}

function responseObject(
  model: string,
  plan: NativePlan,
  u: Usage,
  body: Record<string, unknown>,
  status: string,
  output = outputItems(plan),
  id = `resp_${randomUUID().replaceAll("-", "")}`,
) {
  return {
    id,
    object: "response",
    created_at: Math.floor(Date.now() / 1000),
    status,
    model,
    output: status === "completed" ? output : [],
    parallel_tool_calls: true,
    tool_choice: body.tool_choice ?? "auto",
    tools: body.tools ?? [],
    store: body.store ?? true,
    usage:
      status === "completed"
        ? {
            input_tokens: u.input,
            input_tokens_details: { cached_tokens: u.cached },
            output_tokens: u.output,
            output_tokens_details: { reasoning_tokens: u.reasoning },
            total_tokens: u.input + u.output,
          }
        : null,
  };
}

function responseEvents(model: string, plan: NativePlan, u: Usage, body: Record<string, unknown>): { event: string; data: unknown }[] {
  const id = `resp_${randomUUID().replaceAll("-", "")}`;
  const items = outputItems(plan);
  const out: { event: string; data: Record<string, unknown> }[] = [];
  const emit = (type: string, fields: Record<string, unknown>) =>
    out.push({ event: type, data: { type, sequence_number: out.length, ...fields } });
  emit("response.created", { response: responseObject(model, plan, u, body, "in_progress", [], id) });
  emit("response.in_progress", { response: responseObject(model, plan, u, body, "in_progress", [], id) });
  items.forEach((item, output_index) => {
    if (item.type === "reasoning") {
      emit("response.output_item.added", { output_index, item: { ...item, summary: [] } });
      emit("response.reasoning_summary_part.added", {
        item_id: item.id,
        output_index,
        summary_index: 0,
        part: { type: "summary_text", text: "" },
      });
      for (const d of pieces(plan.reasoning!))
        emit("response.reasoning_summary_text.delta", { item_id: item.id, output_index, summary_index: 0, delta: d });
      emit("response.reasoning_summary_text.done", { item_id: item.id, output_index, summary_index: 0, text: plan.reasoning });
      emit("response.reasoning_summary_part.done", {
        item_id: item.id,
        output_index,
        summary_index: 0,
        part: { type: "summary_text", text: plan.reasoning },
      });
    } else if (item.type === "message") {
      emit("response.output_item.added", { output_index, item: { ...item, status: "in_progress", content: [] } });
      emit("response.content_part.added", {
        item_id: item.id,
        output_index,
        content_index: 0,
        part: { type: "output_text", text: "", annotations: [] },
      });
      for (const d of pieces(plan.text ?? ""))
        emit("response.output_text.delta", { item_id: item.id, output_index, content_index: 0, delta: d, logprobs: [] });
      emit("response.output_text.done", { item_id: item.id, output_index, content_index: 0, text: plan.text, logprobs: [] });
      emit("response.content_part.done", {
        item_id: item.id,
        output_index,
        content_index: 0,
        part: { type: "output_text", text: plan.text, annotations: [] },
      });
    } else {
      emit("response.output_item.added", { output_index, item: { ...item, arguments: "", status: "in_progress" } });
      for (const d of pieces(String(item.arguments), 10))
        emit("response.function_call_arguments.delta", { item_id: item.id, output_index, delta: d });
      emit("response.function_call_arguments.done", { item_id: item.id, output_index, arguments: item.arguments });
    }
    emit("response.output_item.done", { output_index, item });
  });
  emit("response.completed", { response: responseObject(model, plan, u, body, "completed", items, id) });
  return out;
}
