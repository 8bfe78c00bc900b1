// Calls Bedrock's OpenAI-compatible endpoints (Mantle and bedrock-runtime's /openai/v1) over the
// same lean transport as Converse: SDK signing (signing name per endpoint) or the Bedrock API key,
// keep-alive pool, retries before the first byte, first-byte and idle timeouts, abort on signal.
import { BedrockError } from "../../bedrock/bedrock-error.ts";
import type { BedrockHttp, SendOptions } from "../../bedrock/transport/bedrock-http.ts";
import type { NativeApi, NativePrefix, NativeTarget } from "./native-routes.ts";
import { readSse } from "./read-sse.ts";
import type { UpstreamEvent } from "./read-sse.ts";

/** One entry of Mantle's GET /v1/models (OpenAI's Model object). */
export interface MantleModel {
  id: string;
  created?: number;
  owned_by?: string;
}

export interface NativeClient {
  /** Mantle's model list (GET /v1/models). */
  listMantleModels(opts?: SendOptions): Promise<MantleModel[]>;
  /** A non-streaming call: the upstream's JSON answer (chat.completion or response object). */
  call(target: NativeTarget, api: NativeApi, body: Record<string, unknown>, opts?: SendOptions): Promise<unknown>;
  /** Resolves once the upstream accepted the call (HTTP 200); then yields its SSE events as they arrive. */
  stream(target: NativeTarget, api: NativeApi, body: Record<string, unknown>, opts?: SendOptions): Promise<AsyncIterable<UpstreamEvent>>;
}

const API_PATH: Record<NativeApi, string> = { chat: "/chat/completions", responses: "/responses" };
const WRONG_ROUTE = /isn't supported on this route/i;
/** Learned prefixes are few (one per native model in the catalog); the cap only bounds memory. */
const MAX_LEARNED = 1024;

export function createNativeClient(http: { runtime: BedrockHttp; mantle: BedrockHttp }): NativeClient {
  // Mantle serves some models only under /openai/v1 and others only under /v1; the table in
  // native-routes.ts knows the families of today, and a refusal teaches the rest (once per model).
  const learned = new Map<string, NativePrefix>();

  const prefixOf = (t: NativeTarget): NativePrefix => learned.get(t.modelId) ?? t.prefix;

  async function open<T>(target: NativeTarget, attempt: (prefix: NativePrefix) => Promise<T>): Promise<T> {
    const prefix = prefixOf(target);
    try {
      return await attempt(prefix);
    } catch (err) {
      // Nothing was relayed yet (the call failed before its first byte): trying the other prefix is safe.
      if (target.upstream !== "mantle" || !(err instanceof BedrockError) || err.status >= 500 || !WRONG_ROUTE.test(err.message)) throw err;
      const other: NativePrefix = prefix === "/v1" ? "/openai/v1" : "/v1";
      const result = await attempt(other);
      if (learned.size >= MAX_LEARNED) learned.clear();
      learned.set(target.modelId, other);
      return result;
    }
  }

  const httpFor = (t: NativeTarget) => (t.upstream === "mantle" ? http.mantle : http.runtime);
  const payload = (t: NativeTarget, body: Record<string, unknown>, stream: boolean) =>
    JSON.stringify({ ...body, model: t.modelId, stream });

  return {
    async listMantleModels(opts) {
      const { body } = await http.mantle.json({ method: "GET", path: "/v1/models" }, opts);
      const data = (body as { data?: unknown }).data;
      if (!Array.isArray(data)) throw new BedrockError("TransportError", "Mantle's model list has no data array", 502);
      return data.filter((m): m is MantleModel => !!m && typeof (m as MantleModel).id === "string");
    },

    call(target, api, body, opts) {
      return open(target, async (prefix) => {
        const res = await httpFor(target).json({ method: "POST", path: prefix + API_PATH[api], body: payload(target, body, false) }, opts);
        return res.body;
      });
    },

    stream(target, api, body, opts) {
      return open(target, async (prefix) => {
        const res = await httpFor(target).open(
          { method: "POST", path: prefix + API_PATH[api], body: payload(target, body, true), accept: "text/event-stream" },
          opts,
        );
        return readSse(res.body, res.requestId, opts?.signal);
      });
    },
  };
}
