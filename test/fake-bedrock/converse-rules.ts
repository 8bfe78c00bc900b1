// Bedrock's semantic validation of Converse requests (what the Smithy model cannot express),
// with Bedrock's own wording where it is known. Each rule is one that real gateways have tripped
// over (see docs/bedrock-notes.md); the double rejects what Bedrock rejects so tests catch it.
import type { FakeModel } from "./fake-models.ts";
import { isValidRedacted, signThinking } from "./reply.ts";

type Block = Record<string, any>;
interface Msg {
  role: string;
  content: Block[];
}
export interface ConverseBody {
  messages?: Msg[];
  system?: Block[];
  inferenceConfig?: { maxTokens?: number; temperature?: number; topP?: number; stopSequences?: string[] };
  toolConfig?: { tools: Block[]; toolChoice?: Block };
  additionalModelRequestFields?: Record<string, any>;
  outputConfig?: Block;
  serviceTier?: { type: string };
}

export interface ModelBehaviour {
  maxOutputTokens: number;
  defaultMaxTokens: number;
  thinking: "budget" | "adaptive" | "none";
  temperatureTopPConflict: boolean;
  caching: boolean;
  documents: boolean;
  structuredOutput: boolean;
  mistralToolIds: boolean;
  streamingTools: boolean;
  citations: boolean;
}

export function behaviourOf(model: FakeModel): ModelBehaviour {
  const id = model.id;
  const claude = id.startsWith("anthropic.");
  const claude4x = /claude-(sonnet|haiku|opus)-4/.test(id);
  const claude37 = id.includes("claude-3-7");
  const newClaude = /claude-(sonnet-4-5|haiku-4-5|opus-4-1|opus-4-5)/.test(id);
  const nova = id.startsWith("amazon.nova");
  const maxOutputTokens = claude
    ? claude4x || claude37
      ? id.includes("opus-4-1")
        ? 32_000
        : 64_000
      : id.includes("3-5-sonnet")
        ? 8192
        : 4096
    : nova
      ? id.includes("nova-2")
        ? 65_536
        : 10_000
      : id.startsWith("meta.")
        ? 8192
        : id.startsWith("mistral.")
          ? 8192
          : id.startsWith("deepseek.r1")
            ? 32_768
            : id.startsWith("openai.")
              ? 128_000
              : 4096;
  return {
    maxOutputTokens,
    defaultMaxTokens: Math.min(maxOutputTokens, 4096),
    thinking: claude && (claude4x || claude37) ? (id.includes("opus-4-5") ? "adaptive" : "budget") : "none",
    temperatureTopPConflict: newClaude,
    caching: (claude && (claude4x || claude37 || id.includes("3-5-haiku"))) || nova,
    documents: claude || nova || id.startsWith("meta.llama3") || id.startsWith("mistral.") || id.startsWith("deepseek.v3"),
    structuredOutput: newClaude || id.includes("nova-2") || id.startsWith("openai."),
    mistralToolIds: id.startsWith("mistral."),
    streamingTools: !id.startsWith("mistral.mistral-large-2402") && !id.startsWith("meta.llama3-1"),
    citations: claude,
  };
}

const DOC_NAME = /^[A-Za-z0-9\s\-()[\]]+$/;

function roleError(): string {
  return "A conversation must alternate between user and assistant roles. Make sure the conversation alternates between user and assistant roles and try again.";
}

/** Returns Bedrock's ValidationException message, or undefined when the request is acceptable. */
export function checkConverseRules(body: ConverseBody, model: FakeModel, streaming: boolean): string | undefined {
  const b = behaviourOf(model);
  const messages = body.messages ?? [];
  const ic = body.inferenceConfig ?? {};
  const amrf = body.additionalModelRequestFields ?? {};
  const thinking = amrf.thinking as { type?: string; budget_tokens?: number } | undefined;
  const thinkingOn = thinking?.type === "enabled" || thinking?.type === "adaptive";

  if (messages.length === 0 || messages[0]!.role !== "user") {
    return "A conversation must start with a user message. Try again with a conversation that starts with a user message.";
  }
  for (let i = 1; i < messages.length; i++) if (messages[i]!.role === messages[i - 1]!.role) return roleError();

  (body.system ?? []).forEach((s, i) => {
    if (typeof s.text === "string" && s.text.trim() === "")
      throw new RuleError(
        `The text field in the SystemContentBlock object at system.${i} is blank. Add text to the text field, and try again.`,
      );
  });

  let usesTools = false;
  let cachePoints = 0;
  const docNames = new Set<string>();
  for (const [i, m] of messages.entries()) {
    if (m.content.length === 0)
      return `The content field in the Message object at messages.${i} is empty. Add a ContentBlock object to the content field and try again.`;
    for (const [j, c] of m.content.entries()) {
      if (typeof c.text === "string" && c.text.trim() === "") {
        return `The text field in the ContentBlock object at messages.${i}.content.${j} is blank. Add text to the text field, and try again.`;
      }
      if (c.toolUse || c.toolResult) usesTools = true;
      if (c.cachePoint) cachePoints++;
      if (c.image && !model.input.includes("IMAGE"))
        return "This model doesn't support the image content block that you provided. Try again with a supported content block.";
      if (c.video && !model.input.includes("VIDEO"))
        return "This model doesn't support the video content block that you provided. Try again with a supported content block.";
      if (c.audio && !model.input.includes("AUDIO"))
        return "This model doesn't support the audio content block that you provided. Try again with a supported content block.";
      if (c.document) {
        if (!b.documents) return "This model doesn't support documents. Try again with a supported content block.";
        const name = String(c.document.name);
        if (!DOC_NAME.test(name) || /\s{2,}/.test(name)) {
          return "The document file name can only contain alphanumeric characters, whitespace characters, hyphens, parentheses, and square brackets. The name can't contain more than one consecutive whitespace character.";
        }
        if (docNames.has(name))
          return `The document name "${name}" is used by more than one document. Use a unique name for each document.`;
        docNames.add(name);
        if (c.document.citations?.enabled && !b.citations) return "This model doesn't support citations.";
      }
      if (m.role === "user" && c.reasoningContent)
        return `messages.${i}.content.${j}: reasoning content is only allowed in assistant messages.`;
      if (b.mistralToolIds) {
        const id = c.toolUse?.toolUseId ?? c.toolResult?.toolUseId;
        if (id !== undefined && !/^[a-zA-Z0-9]{9}$/.test(id)) {
          return `The model returned the following errors: Tool call id was ${id} but must be a-z, A-Z, 0-9, with a length of 9.`;
        }
      }
    }
  }
  for (const s of body.system ?? []) if (s.cachePoint) cachePoints++;
  for (const t of body.toolConfig?.tools ?? []) if (t.cachePoint) cachePoints++;
  if (cachePoints > 0 && !b.caching)
    return "You invoked an unsupported model or your request did not allow prompt caching. See the documentation for more information.";
  if (cachePoints > 4) return `The number of cache points in the request (${cachePoints}) exceeds the maximum of 4.`;

  if (usesTools && !body.toolConfig) return "The toolConfig field must be defined when using toolUse and toolResult content blocks.";
  if (body.toolConfig && streaming && !b.streamingTools) return "This model doesn't support tool use in streaming mode.";

  // Every toolResult answers a toolUse of the turn before; every toolUse is answered next turn.
  for (let i = 0; i < messages.length; i++) {
    const m = messages[i]!;
    if (m.role !== "assistant") continue;
    const uses = m.content.filter((c) => c.toolUse).map((c) => c.toolUse.toolUseId as string);
    const next = messages[i + 1];
    const results = next ? next.content.filter((c) => c.toolResult).map((c) => c.toolResult.toolUseId as string) : [];
    if (next && uses.length > 0) {
      const missing = uses.filter((u) => !results.includes(u));
      if (missing.length > 0) return `Expected toolResult blocks at messages.${i + 1}.content for the following Ids: ${missing.join(", ")}`;
    }
    const extra = results.filter((r) => !uses.includes(r));
    if (extra.length > 0)
      return `The number of toolResult blocks at messages.${i + 1}.content exceeds the number of toolUse blocks of previous turn.`;
  }
  if (messages[0]!.content.some((c) => c.toolResult)) {
    return "The number of toolResult blocks at messages.0.content exceeds the number of toolUse blocks of previous turn.";
  }

  const choice = body.toolConfig?.toolChoice;
  if (choice?.tool && !body.toolConfig!.tools.some((t) => t.toolSpec?.name === choice.tool.name)) {
    return `The tool ${choice.tool.name} specified in toolChoice is not in the tools list.`;
  }
  if (
    choice &&
    !choice.auto &&
    !model.id.startsWith("anthropic.") &&
    !model.id.startsWith("amazon.nova") &&
    !model.id.startsWith("mistral.")
  ) {
    return "This model doesn't support the toolConfig.toolChoice.any field. Remove toolConfig.toolChoice.any and try again.";
  }

  const maxTokens = ic.maxTokens;
  if (maxTokens !== undefined && maxTokens > b.maxOutputTokens) {
    return `The maximum tokens you requested exceeds the model limit of ${b.maxOutputTokens}. Try again with a maximum tokens value that is lower than ${b.maxOutputTokens}.`;
  }
  if (b.temperatureTopPConflict && ic.temperature !== undefined && ic.topP !== undefined) {
    return "The model returned the following errors: `temperature` and `top_p` cannot both be specified for this model. Please use only one.";
  }

  if (thinking !== undefined) {
    if (b.thinking === "none")
      return "The model returned the following errors: Malformed input request: extraneous key [thinking] is not permitted, please reformat your input and try again.";
    if (thinking.type === "enabled") {
      const budget = thinking.budget_tokens;
      if (typeof budget !== "number" || budget < 1024)
        return "The model returned the following errors: thinking.enabled.budget_tokens: Input should be greater than or equal to 1024";
      const effectiveMax = maxTokens ?? b.defaultMaxTokens;
      if (budget >= effectiveMax)
        return "The model returned the following errors: `max_tokens` must be greater than `thinking.budget_tokens`. Please consult our documentation at https://docs.claude.com/en/docs/build-with-claude/extended-thinking#max-tokens-and-context-window-size";
    }
  }
  if (thinkingOn) {
    if (ic.temperature !== undefined && ic.temperature !== 1)
      return "The model returned the following errors: `temperature` may only be set to 1 when thinking is enabled. Please consult our documentation at https://docs.claude.com/en/docs/build-with-claude/extended-thinking#feature-compatibility";
    if (ic.topP !== undefined && ic.topP < 0.95)
      return "The model returned the following errors: `top_p` must be greater than or equal to 0.95 or unset when thinking is enabled.";
    if (choice?.any || choice?.tool)
      return "The model returned the following errors: Thinking may not be enabled when tool_choice forces tool use.";
    // The last assistant turn that called tools must start with its (signed, unchanged) thinking.
    const lastAssistant = [...messages.entries()].reverse().find(([, m]) => m.role === "assistant");
    if (lastAssistant && lastAssistant[1].content.some((c) => c.toolUse) && lastAssistant[0] === messages.length - 2) {
      const first = lastAssistant[1].content[0]!;
      if (!first.reasoningContent) {
        return `The model returned the following errors: messages.${lastAssistant[0]}.content.0.type: Expected \`thinking\` or \`redacted_thinking\`, but found \`${first.toolUse ? "tool_use" : "text"}\`. When \`thinking\` is enabled, a final \`assistant\` message must start with a thinking block (preceeding the lastmost set of \`tool_use\` and \`tool_result\` blocks). We recommend you include thinking blocks from previous turns. To avoid this requirement, disable \`thinking\`.`;
      }
    }
  }
  // Signed thinking sent back must be unchanged, whatever the current thinking setting.
  for (const [i, m] of messages.entries()) {
    for (const [j, c] of m.content.entries()) {
      const rc = c.reasoningContent;
      if (!rc) continue;
      if (rc.reasoningText) {
        if (!rc.reasoningText.signature || rc.reasoningText.signature !== signThinking(rc.reasoningText.text)) {
          return `The model returned the following errors: messages.${i}.content.${j}: Invalid \`signature\` in \`thinking\` block`;
        }
      } else if (rc.redactedContent !== undefined && !isValidRedacted(rc.redactedContent)) {
        return `The model returned the following errors: messages.${i}.content.${j}: Invalid \`data\` in \`redacted_thinking\` block`;
      }
    }
  }

  if (body.outputConfig?.textFormat) {
    if (!b.structuredOutput) return "This model doesn't support structured outputs. Remove outputConfig and try again.";
    try {
      JSON.parse(body.outputConfig.textFormat.structure?.jsonSchema?.schema as string);
    } catch {
      return "The JSON schema in outputConfig.textFormat is not valid JSON.";
    }
  }
  return undefined;
}

/** Thrown from inside iteration helpers; caught by the server and turned into a ValidationException. */
export class RuleError extends Error {}
