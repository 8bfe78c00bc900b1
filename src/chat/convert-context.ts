// What converting a client's messages into Converse blocks needs to know (shared by the chat and
// Responses input converters and their media-part helper).
import type { ReasoningContentBlock } from "../bedrock/converse-types.ts";
import type { ModelCapabilities } from "../models/capabilities.ts";
import type { ToolNameMap } from "../converse/tool-names.ts";

export interface ConvertContext {
  caps: ModelCapabilities;
  /** The model as the client named it, for error messages. */
  modelName: string;
  toolNames: ToolNameMap;
  /** http(s) image URL → fetched bytes. */
  fetchedImages: Map<string, Buffer>;
  /** Document names already used in this request (Bedrock wants them unique). */
  documentNames: Set<string>;
  /** Claude: replay signed thinking blocks on assistant turns (from the client, else from the store). */
  replayThinking: boolean;
  /** Signed thinking this key's earlier answer produced for a tool call (the thinking memory). */
  recallThinking?: (toolCallId: string) => ReasoningContentBlock[] | undefined;
}
