// Pure: Responses input items (the stored history, then this request's input) → Converse `system`
// and `messages`. Images must already be fetched (src/chat/resolve-images.ts does it for both APIs)
// and documents are inline. Bedrock's own rules (merging turns, pairing tool calls and results,
// blank text) are applied afterwards by the shared core.
//
// Reasoning items carry the signed thinking of their turn in `encrypted_content` (sealed by this
// gateway). Within an assistant turn the thinking is put first, as Bedrock requires. A turn whose
// reasoning item has no encrypted content (or none at all) is served from the thinking store by
// its call ids, as on Chat Completions.
import type { ContentBlock, Message, ReasoningContentBlock, SystemContentBlock, ToolResultContent } from "../bedrock/converse-types.ts";
import type { ConvertContext } from "../chat/chat-input.ts";
import { imageBlock, parseArguments } from "../chat/chat-input.ts";
import { convertMediaPart } from "../chat/media-parts.ts";
import { toBedrockToolId } from "../converse/tool-call-ids.ts";
import { errors } from "../errors/gateway-error.ts";
import { flatToolName } from "./prepare-response-tools.ts";
import type { ContentPart, InputItem } from "./request-schema.ts";

export interface InputContext extends ConvertContext {
  /** Opens a reasoning item's encrypted_content; undefined when it is not authentic. */
  openReasoning: (blob: string) => ReasoningContentBlock[] | undefined;
}

/** An item with the parameter path that names it in errors (`input[3]`). */
export interface PlacedItem {
  item: InputItem;
  param: string;
}

export interface ConvertedInput {
  system: SystemContentBlock[];
  messages: Message[];
  /** Items that were dropped (types Bedrock has no equivalent for). */
  dropped: string[];
}

type Part = ContentPart;

function textPart(p: Part): string | undefined {
  if (p.type === "input_text" || p.type === "output_text") return p.text;
  if (p.type === "refusal") return p.refusal;
  return undefined;
}

function mediaBlock(p: Part, ctx: InputContext, param: string): ContentBlock[] {
  if (p.type === "input_image") {
    if (!p.image_url) {
      throw errors.invalidRequest(
        "input_image needs an image_url (an http(s) URL or a data URL); file_id references are not supported by this gateway.",
        `${param}.image_url`,
        p.file_id ? "unsupported_parameter" : "missing_required_parameter",
      );
    }
    return [imageBlock(p.image_url, ctx, `${param}.image_url`)];
  }
  if (p.type === "input_file") {
    if (!p.file_data) {
      const which = p.file_id ? "file_id" : p.file_url ? "file_url" : "file_data";
      throw errors.invalidRequest(
        "input_file needs file_data (a base64 data URL such as data:application/pdf;base64,…); file_id and file_url references are not supported by this gateway.",
        `${param}.${which}`,
        which === "file_data" ? "missing_required_parameter" : "unsupported_parameter",
      );
    }
    return convertMediaPart({ type: "file", file: { file_data: p.file_data, filename: p.filename } }, ctx, param);
  }
  return [];
}

function userContent(content: string | Part[], ctx: InputContext, param: string): ContentBlock[] {
  if (typeof content === "string") return [{ text: content }];
  return content.flatMap((p, j) => {
    const text = textPart(p);
    return text !== undefined ? [{ text }] : mediaBlock(p, ctx, `${param}.content[${j}]`);
  });
}

function textOnly(content: string | Part[], param: string, role: string): string[] {
  if (typeof content === "string") return [content];
  return content.map((p, j) => {
    const text = textPart(p);
    if (text === undefined) throw errors.invalidRequest(`${role} messages can only contain text.`, `${param}.content[${j}]`);
    return text;
  });
}

function toolOutput(output: string | Part[], ctx: InputContext, param: string): ToolResultContent[] {
  if (typeof output === "string") return [{ text: output.trim() === "" ? "(empty result)" : output }];
  const out: ToolResultContent[] = [];
  output.forEach((p, j) => {
    const text = textPart(p);
    if (text !== undefined) {
      if (text.trim() !== "") out.push({ text });
      return;
    }
    for (const b of mediaBlock(p, ctx, `${param}.output[${j}]`)) {
      if ("image" in b) out.push({ image: b.image });
      else if ("document" in b) out.push({ document: b.document });
    }
  });
  return out.length ? out : [{ text: "(empty result)" }];
}

export function convertInput(instructions: string | null | undefined, items: PlacedItem[], ctx: InputContext): ConvertedInput {
  const system: SystemContentBlock[] = instructions ? [{ text: instructions }] : [];
  const messages: Message[] = [];
  const dropped: string[] = [];
  const idFormat = ctx.caps.toolIdFormat;

  // The assistant turn being collected: its thinking goes first whatever order the items came in.
  let thinking: ContentBlock[] = [];
  let rest: ContentBlock[] = [];
  let callIds: string[] = [];
  const flush = () => {
    if (thinking.length === 0 && rest.length === 0) return;
    if (ctx.replayThinking && thinking.length === 0 && callIds.length > 0) {
      for (const id of callIds) {
        const stored = ctx.recallThinking?.(id);
        if (stored) {
          thinking = stored.map((reasoningContent) => ({ reasoningContent }));
          break;
        }
      }
    }
    messages.push({ role: "assistant", content: [...thinking, ...rest] });
    thinking = [];
    rest = [];
    callIds = [];
  };
  const user = (content: ContentBlock[]) => {
    flush();
    messages.push({ role: "user", content });
  };

  for (const { item, param } of items) {
    switch (item.type) {
      case "message": {
        const m = item as Extract<InputItem, { type: "message" }>;
        if (m.role === "system" || m.role === "developer") {
          for (const text of textOnly(m.content, param, m.role)) system.push({ text });
        } else if (m.role === "user") user(userContent(m.content, ctx, param));
        else for (const text of textOnly(m.content, param, "assistant")) rest.push({ text });
        break;
      }
      case "function_call": {
        const f = item as Extract<InputItem, { type: "function_call" }>;
        callIds.push(f.call_id);
        rest.push({
          toolUse: {
            toolUseId: toBedrockToolId(f.call_id, idFormat),
            name: ctx.toolNames.bedrockName(flatToolName(f.namespace, f.name)),
            input: parseArguments(f.arguments) as never,
          },
        });
        break;
      }
      case "function_call_output": {
        const o = item as Extract<InputItem, { type: "function_call_output" }>;
        user([{ toolResult: { toolUseId: toBedrockToolId(o.call_id, idFormat), content: toolOutput(o.output, ctx, param) } }]);
        break;
      }
      case "reasoning": {
        const r = item as Extract<InputItem, { type: "reasoning" }>;
        if (!r.encrypted_content) break;
        // Refused whatever the model: a blob that does not open was altered or is not ours.
        const blocks = ctx.openReasoning(r.encrypted_content);
        if (!blocks) throw errors.invalidEncryptedContent(`${param}.encrypted_content`);
        if (ctx.replayThinking) thinking.push(...blocks.map((reasoningContent) => ({ reasoningContent })));
        break;
      }
      case "item_reference":
        throw errors.invalidRequest(
          "item_reference is not supported by this gateway: send the item itself, or continue with previous_response_id.",
          `${param}.id`,
          "unsupported_parameter",
        );
      default:
        dropped.push(`${param}:${item.type}`);
    }
  }
  flush();
  return { system, messages, dropped };
}
