// POST /v1/responses (create, JSON or SSE; stateless or stored) and /v1/responses/input_tokens:
// the OpenAI Responses API over Bedrock Converse. An adapter: the conversation pipeline
// (src/pipeline/) does the work with the Responses codec. Stored responses: stored-responses.ts.
import { Hono } from "hono";
import { countConversationTokens, runConversation } from "../../pipeline/conversation-pipeline.ts";
import { responsesCodec } from "../../responses/responses-codec.ts";
import type { AppDeps, AppEnv } from "../app-env.ts";

export function responsesRoutes(deps: AppDeps): Hono<AppEnv> {
  const { sealer } = deps.responses;
  const codec = responsesCodec({ seal: (blocks) => sealer.seal(blocks), openReasoning: (blob) => sealer.open(blob) });
  const count = {
    ...codec,
    endpoint: "responses.input_tokens",
    decode: (raw: Record<string, unknown>) => ({ ...codec.decode(raw), stream: false }),
  };
  return new Hono<AppEnv>()
    .post("/responses", (c) => runConversation(c, deps, codec))
    .post("/responses/input_tokens", (c) => countConversationTokens(c, deps, count));
}
