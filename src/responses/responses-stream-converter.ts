// Stateful: ConverseStream events → Responses output items and their semantic stream events.
// Both paths use it: a stream converts as events arrive; a Converse (non-streaming) answer is
// replayed as the events Bedrock would have streamed (responseToEvents), so a streamed and a
// non-streamed answer always have the same output items.
//
// Bedrock content blocks → items: a run of text blocks → one `message` item (one output_text
// part); each reasoning block → one `reasoning` item (its text as summary or as reasoning_text,
// its signed form sealed in encrypted_content); each toolUse → one `function_call` item. Events
// carry no sequence_number: the writer numbers them.
import type { ConverseStreamEvent, ReasoningContentBlock, StopReason, TokenUsage } from "../bedrock/converse-types.ts";
import type { ToolNameMap } from "../converse/tool-names.ts";
import type { IdPrefix } from "./item-ids.ts";
import { incompleteReason } from "./map-status.ts";
import type { NamespacedName } from "./prepare-response-tools.ts";
import type { FunctionCallItem, MessageItem, OutputItem, OutputTextPart, ReasoningItem } from "./response-types.ts";

export type StreamEvent = { type: string } & Record<string, unknown>;

/** Where reasoning text goes: summary parts (the client asked for a summary), reasoning_text content, or nowhere. */
export type ReasoningView = "summary" | "content" | "none";

export interface ConverterOptions {
  toolNames: ToolNameMap;
  namespaced: Map<string, NamespacedName>;
  suppressToolCalls: boolean;
  /** Structured output through a forced tool: its input streams as the message text. */
  jsonToolName?: string;
  reasoningView: ReasoningView;
  /** Seals signed reasoning for encrypted_content (always kept on the items; shown only when exposed). */
  seal: (blocks: ReasoningContentBlock[]) => string;
  /** include: ["reasoning.encrypted_content"]: show encrypted_content to the client. */
  exposeEncrypted: boolean;
  newId: (prefix: IdPrefix) => string;
}

type OpenBlock =
  | { kind: "tool"; item: FunctionCallItem; index: number; streamed: boolean }
  | { kind: "json" | "text" | "skip" }
  | { kind: "reasoning"; item: ReasoningItem; index: number; text: string; signature?: string; redacted?: string; partOpen: boolean };

interface OpenMessage {
  item: MessageItem;
  index: number;
  part: OutputTextPart;
  blockStart: number;
}

export class ResponsesStreamConverter {
  private readonly opts: ConverterOptions;
  private readonly blocks = new Map<number, OpenBlock>();
  private message: OpenMessage | undefined;
  /** Every output item, in order (encrypted_content always present on reasoning items). */
  readonly output: OutputItem[] = [];
  /** Signed reasoning blocks and tool-use ids of this answer, for the thinking store. */
  readonly reasoningBlocks: ReasoningContentBlock[] = [];
  readonly toolUseIds: string[] = [];
  stopReason: StopReason | undefined;
  usage: TokenUsage | undefined;
  metadata: Record<string, unknown> | undefined;
  additionalFields: unknown;
  /** True once any content has been produced. */
  started = false;
  outputChars = 0;
  reasoningChars = 0;

  constructor(opts: ConverterOptions) {
    this.opts = opts;
  }

  push(ev: ConverseStreamEvent): StreamEvent[] {
    if ("contentBlockStart" in ev) return this.start(ev.contentBlockStart.contentBlockIndex, ev.contentBlockStart.start.toolUse);
    if ("contentBlockDelta" in ev) return this.delta(ev.contentBlockDelta.contentBlockIndex, ev.contentBlockDelta.delta);
    if ("contentBlockStop" in ev) return this.stop(ev.contentBlockStop.contentBlockIndex);
    if ("messageStop" in ev) {
      this.stopReason = ev.messageStop.stopReason;
      this.additionalFields = ev.messageStop.additionalModelResponseFields;
      return this.closeAll();
    }
    if ("metadata" in ev) {
      this.usage = ev.metadata.usage;
      this.metadata = ev.metadata as unknown as Record<string, unknown>;
    }
    return [];
  }

  /** Ends items still open when the stream ended without messageStop. */
  finish(): StreamEvent[] {
    return this.closeAll();
  }

  /** Items still open (a failed stream): reported as incomplete, without done events. */
  markOpenIncomplete(): void {
    for (const item of this.output) if (item.status === "in_progress") item.status = "incomplete";
  }

  /** The output as the client sees it: encrypted_content only when asked for. */
  visible<T extends OutputItem>(item: T): T {
    if (item.type !== "reasoning" || this.opts.exposeEncrypted) return structuredClone(item);
    const { encrypted_content: _, ...rest } = item;
    return structuredClone(rest) as T;
  }

  // ---------------------------------------------------------------------------------------------

  private add(item: OutputItem): { index: number; events: StreamEvent[] } {
    const index = this.output.length;
    this.output.push(item);
    this.started = true;
    return { index, events: [{ type: "response.output_item.added", output_index: index, item: this.visible(item) }] };
  }

  private start(block: number, toolUse: { toolUseId: string; name: string } | undefined): StreamEvent[] {
    if (!toolUse) return [];
    if (this.opts.jsonToolName && toolUse.name === this.opts.jsonToolName) {
      this.blocks.set(block, { kind: "json" });
      return [];
    }
    this.toolUseIds.push(toolUse.toolUseId);
    if (this.opts.suppressToolCalls) {
      this.blocks.set(block, { kind: "skip" });
      return [];
    }
    const events = this.closeMessage();
    const flat = this.opts.toolNames.clientName(toolUse.name);
    const ns = this.opts.namespaced.get(flat);
    const item: FunctionCallItem = {
      type: "function_call",
      id: this.opts.newId("fc"),
      call_id: toolUse.toolUseId,
      name: ns ? ns.name : flat,
      ...(ns ? { namespace: ns.namespace } : {}),
      arguments: "",
      status: "in_progress",
    };
    const added = this.add(item);
    this.blocks.set(block, { kind: "tool", item, index: added.index, streamed: false });
    return [...events, ...added.events];
  }

  private delta(block: number, d: { text?: string; toolUse?: { input: string }; reasoningContent?: { text?: string; signature?: string; redactedContent?: string }; citation?: unknown }): StreamEvent[] {
    const open = this.blocks.get(block);
    if (d.text !== undefined) {
      if (!open) this.blocks.set(block, { kind: "text" });
      return this.text(d.text, !open);
    }
    if (d.toolUse) {
      if (open?.kind === "json") return this.text(d.toolUse.input, false);
      if (open?.kind !== "tool" || d.toolUse.input === "") return [];
      open.item.arguments += d.toolUse.input;
      open.streamed = true;
      this.outputChars += d.toolUse.input.length;
      return [{ type: "response.function_call_arguments.delta", item_id: open.item.id, output_index: open.index, delta: d.toolUse.input }];
    }
    if (d.reasoningContent) return this.reasoning(block, open, d.reasoningContent);
    if (d.citation && this.message) this.cite(d.citation);
    return [];
  }

  private text(text: string, newBlock: boolean): StreamEvent[] {
    if (text === "") return [];
    const events: StreamEvent[] = [];
    if (!this.message) {
      const item: MessageItem = { type: "message", id: this.opts.newId("msg"), status: "in_progress", role: "assistant", content: [] };
      const added = this.add(item);
      const part: OutputTextPart = { type: "output_text", text: "", annotations: [], logprobs: [] };
      item.content.push(part);
      this.message = { item, index: added.index, part, blockStart: 0 };
      events.push(...added.events, { type: "response.content_part.added", item_id: item.id, output_index: added.index, content_index: 0, part: { ...part, annotations: [], logprobs: [] } });
    }
    const m = this.message;
    if (newBlock) m.blockStart = m.part.text.length;
    m.part.text += text;
    this.outputChars += text.length;
    events.push({ type: "response.output_text.delta", item_id: m.item.id, output_index: m.index, content_index: 0, delta: text, logprobs: [] });
    return events;
  }

  /** A web citation becomes a url_citation annotation over the text of its block. */
  private cite(c: { title?: string; location?: { web?: { url?: string; domain?: string } } }): void {
    const url = c.location?.web?.url;
    const m = this.message!;
    if (!url) return;
    m.part.annotations.push({ type: "url_citation", url, title: c.title ?? c.location?.web?.domain ?? url, start_index: m.blockStart, end_index: m.part.text.length });
  }

  private reasoning(block: number, open: OpenBlock | undefined, rc: { text?: string; signature?: string; redactedContent?: string }): StreamEvent[] {
    const events: StreamEvent[] = [];
    let r = open?.kind === "reasoning" ? open : undefined;
    if (!r) {
      events.push(...this.closeMessage());
      const view = this.opts.reasoningView;
      const item: ReasoningItem = { type: "reasoning", id: this.opts.newId("rs"), summary: [], ...(view === "content" ? { content: [] } : {}), status: "in_progress" };
      const added = this.add(item);
      r = { kind: "reasoning", item, index: added.index, text: "", partOpen: false };
      this.blocks.set(block, r);
      events.push(...added.events);
    }
    if (rc.text) {
      r.text += rc.text;
      this.reasoningChars += rc.text.length;
      this.outputChars += rc.text.length;
      const ids = { item_id: r.item.id, output_index: r.index };
      if (this.opts.reasoningView === "summary") {
        if (!r.partOpen) events.push({ type: "response.reasoning_summary_part.added", ...ids, summary_index: 0, part: { type: "summary_text", text: "" } });
        events.push({ type: "response.reasoning_summary_text.delta", ...ids, summary_index: 0, delta: rc.text });
        r.partOpen = true;
      } else if (this.opts.reasoningView === "content") {
        if (!r.partOpen) events.push({ type: "response.content_part.added", ...ids, content_index: 0, part: { type: "reasoning_text", text: "" } });
        events.push({ type: "response.reasoning_text.delta", ...ids, content_index: 0, delta: rc.text });
        r.partOpen = true;
      }
    }
    if (rc.signature) r.signature = rc.signature;
    if (rc.redactedContent) r.redacted = rc.redactedContent;
    return events;
  }

  private stop(block: number): StreamEvent[] {
    const open = this.blocks.get(block);
    if (!open) return [];
    if (open.kind === "tool") {
      this.blocks.delete(block);
      const events: StreamEvent[] = [];
      const ids = { item_id: open.item.id, output_index: open.index };
      if (open.item.arguments === "") {
        // A call without arguments still carries a JSON object, so clients can parse it.
        open.item.arguments = "{}";
        events.push({ type: "response.function_call_arguments.delta", ...ids, delta: "{}" });
      }
      open.item.status = "completed";
      events.push(
        { type: "response.function_call_arguments.done", ...ids, name: open.item.name, arguments: open.item.arguments },
        { type: "response.output_item.done", output_index: open.index, item: this.visible(open.item) },
      );
      return events;
    }
    if (open.kind === "reasoning") {
      this.blocks.delete(block);
      return this.closeReasoning(open);
    }
    return [];
  }

  private closeReasoning(r: Extract<OpenBlock, { kind: "reasoning" }>): StreamEvent[] {
    const events: StreamEvent[] = [];
    const ids = { item_id: r.item.id, output_index: r.index };
    const signed: ReasoningContentBlock | undefined = r.redacted
      ? { redactedContent: r.redacted }
      : r.signature
        ? { reasoningText: { text: r.text, signature: r.signature } }
        : undefined;
    if (signed) {
      this.reasoningBlocks.push(signed);
      r.item.encrypted_content = this.opts.seal([signed]);
    }
    if (r.partOpen && this.opts.reasoningView === "summary") {
      const part = { type: "summary_text" as const, text: r.text };
      r.item.summary.push(part);
      events.push(
        { type: "response.reasoning_summary_text.done", ...ids, summary_index: 0, text: r.text },
        { type: "response.reasoning_summary_part.done", ...ids, summary_index: 0, part },
      );
    } else if (r.partOpen && this.opts.reasoningView === "content") {
      const part = { type: "reasoning_text" as const, text: r.text };
      r.item.content = [part];
      events.push(
        { type: "response.reasoning_text.done", ...ids, content_index: 0, text: r.text },
        { type: "response.content_part.done", ...ids, content_index: 0, part },
      );
    }
    r.item.status = "completed";
    events.push({ type: "response.output_item.done", output_index: r.index, item: this.visible(r.item) });
    return events;
  }

  private closeMessage(): StreamEvent[] {
    const m = this.message;
    if (!m) return [];
    this.message = undefined;
    for (const [k, b] of this.blocks) if (b.kind === "text" || b.kind === "json") this.blocks.delete(k);
    m.item.status = incompleteReason(this.stopReason) ? "incomplete" : "completed";
    const ids = { item_id: m.item.id, output_index: m.index, content_index: 0 };
    return [
      { type: "response.output_text.done", ...ids, text: m.part.text, logprobs: [] },
      { type: "response.content_part.done", ...ids, part: structuredClone(m.part) },
      { type: "response.output_item.done", output_index: m.index, item: this.visible(m.item) },
    ];
  }

  private closeAll(): StreamEvent[] {
    const events: StreamEvent[] = [];
    for (const [k, b] of [...this.blocks]) {
      if (b.kind === "tool" || b.kind === "reasoning") events.push(...this.stop(k));
    }
    events.push(...this.closeMessage());
    return events;
  }
}
