// POST /v1/messages and /v1/messages/count_tokens: the Anthropic Messages API over Bedrock
// Converse, for Claude Code and the Anthropic SDKs. An adapter: the conversation pipeline
// (src/pipeline/) does the work with the messages codec; errors take Anthropic's shape (app.ts).
import { Hono } from "hono";
import { countTokensCodec, messagesCodec } from "../../anthropic/messages-codec.ts";
import { countConversationTokens, runConversation } from "../../pipeline/conversation-pipeline.ts";
import type { AppDeps, AppEnv } from "../app-env.ts";

export function messagesRoutes(deps: AppDeps): Hono<AppEnv> {
  return new Hono<AppEnv>()
    .post("/messages", (c) => runConversation(c, deps, messagesCodec))
    .post("/messages/count_tokens", (c) => countConversationTokens(c, deps, countTokensCodec));
}
