// POST /v1/chat/completions: OpenAI Chat Completions over Bedrock Converse / ConverseStream.
// An adapter: the conversation pipeline (src/pipeline/) does the work with the chat codec.
import { Hono } from "hono";
import { chatCodec } from "../../chat/chat-codec.ts";
import { runConversation } from "../../pipeline/conversation-pipeline.ts";
import type { AppDeps, AppEnv } from "../app-env.ts";

export function chatCompletionsRoutes(deps: AppDeps): Hono<AppEnv> {
  return new Hono<AppEnv>().post("/chat/completions", (c) => runConversation(c, deps, chatCodec));
}
