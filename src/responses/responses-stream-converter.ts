// Stateful: canonical stream events → Responses output items and their semantic stream events.
// Both paths use it: a stream converts as events arrive; a Converse (non-streaming) answer is
// replayed as the events Bedrock would have streamed (responseToEvents → ChoiceNormalizer), so a
// streamed and a non-streamed answer always have the same output items.
//
// Bedrock content blocks → items: a run of text blocks → one `message` item (one output_text
// part); each reasoning block → one `reasoning` item (its text as summary or as reasoning_text,
// its signed form sealed in encrypted_content); each tool call → one `function_call` item. Events
// carry no sequence_number: the writer numbers them. Tool names, structured output through a
// forced tool and suppressed tool calls were already handled by the normaliser.
import type { Citation, ReasoningContentBlock, StopReason, TokenUsage } from "../bedrock/converse-types.ts";
import type { CanonicalEvent } from "../pipeline/canonical-events.ts";
import type { IdPrefix } from "./item-ids.ts";
import { incompleteReason } from "./map-status.ts";
import type { NamespacedName } from "./prepare-response-tools.ts";
import type { FunctionCallItem, MessageItem, OutputItem, OutputTextPart, ReasoningItem } from "./response-types.ts";

export type StreamEvent = { type: string } & Record<string, unknown>;

/** Where reasoning text goes: summary parts (the client asked for a summary), reasoning_text content, or nowhere. */
export type ReasoningView = "summary" | "content" | "none";

export interface ConverterOptions {
  namespaced: Map<string, NamespacedName>;
  reasoningView: ReasoningView;
  /** Seals signed reasoning for encrypted_content (always kept on the items; shown only when exposed). */
  seal: (blocks: ReasoningContentBlock[]) => string;
  /** include: ["reasoning.encrypted_content"]: show encrypted_content to the client. */
  exposeEncrypted: boolean;
  newId: (prefix: IdPrefix) => string;
}

type OpenBlock =
  | { kind: "tool"; item: FunctionCallItem; index: number; streamed: boolean }
  | { kind: "text" }
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
  stopReason: StopReason | undefined;
  usage: TokenUsage | undefined;
  metadata: Record<string, unknown> | undefined;
  additionalFields: unknown;
  reasoningChars = 0;

  constructor(opts: ConverterOptions) {
    this.opts = opts;
  }

  push(e: CanonicalEvent): StreamEvent[] {
    switch (e.type) {
      case "text": {
        // A text block starts where its citations' ranges start; the structured-output tool's
        // input continues the message text.
        const open = this.blocks.get(e.block);
        if (!open && !e.json) this.blocks.set(e.block, { kind: "text" });
        return this.text(e.text, !open && !e.json);
      }
      case "tool_start":
        return this.start(e.block, e.id, e.name);
      case "tool_args": {
        const open = this.blocks.get(e.block);
        if (open?.kind !== "tool") return [];
        open.item.arguments += e.json;
        open.streamed = true;
        return [{ type: "response.function_call_arguments.delta", item_id: open.item.id, output_index: open.index, delta: e.json }];
      }
      case "reasoning":
        return this.reasoning(e.block, { text: e.text });
      case "reasoning_signed":
        return this.reasoning(e.block, { signature: e.signature });
      case "reasoning_redacted":
        return this.reasoning(e.block, { redactedContent: e.data });
      case "citation":
        if (this.message) this.cite(e.citation);
        return [];
      case "block_stop":
        return this.stop(e.block);
      case "stop":
        this.stopReason = e.reason;
        this.additionalFields = e.additionalFields;
        return this.closeAll();
      case "metadata":
        this.usage = e.usage;
        this.metadata = e.metadata as unknown as Record<string, unknown>;
        return [];
    }
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
    return { index, events: [{ type: "response.output_item.added", output_index: index, item: this.visible(item) }] };
  }

  private start(block: number, callId: string, flat: string): StreamEvent[] {
    const events = this.closeMessage();
    const ns = this.opts.namespaced.get(flat);
    const item: FunctionCallItem = {
      type: "function_call",
      id: this.opts.newId("fc"),
      call_id: callId,
      name: ns ? ns.name : flat,
      ...(ns ? { namespace: ns.namespace } : {}),
      arguments: "",
      status: "in_progress",
    };
    const added = this.add(item);
    this.blocks.set(block, { kind: "tool", item, index: added.index, streamed: false });
    return [...events, ...added.events];
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
      events.push(...added.events, {
        type: "response.content_part.added",
        item_id: item.id,
        output_index: added.index,
        content_index: 0,
        part: { ...part, annotations: [], logprobs: [] },
      });
    }
    const m = this.message;
    if (newBlock) m.blockStart = m.part.text.length;
    m.part.text += text;
    events.push({
      type: "response.output_text.delta",
      item_id: m.item.id,
      output_index: m.index,
      content_index: 0,
      delta: text,
      logprobs: [],
    });
    return events;
  }

  /** A web citation becomes a url_citation annotation over the text of its block. */
  private cite(c: Citation): void {
    const url = c.location?.web?.url;
    const m = this.message!;
    if (!url) return;
    m.part.annotations.push({
      type: "url_citation",
      url,
      title: c.title ?? c.location?.web?.domain ?? url,
      start_index: m.blockStart,
      end_index: m.part.text.length,
    });
  }

  private reasoning(block: number, rc: { text?: string; signature?: string; redactedContent?: string }): StreamEvent[] {
    const events: StreamEvent[] = [];
    const open = this.blocks.get(block);
    let r = open?.kind === "reasoning" ? open : undefined;
    if (!r) {
      events.push(...this.closeMessage());
      const view = this.opts.reasoningView;
      const item: ReasoningItem = {
        type: "reasoning",
        id: this.opts.newId("rs"),
        summary: [],
        ...(view === "content" ? { content: [] } : {}),
        status: "in_progress",
      };
      const added = this.add(item);
      r = { kind: "reasoning", item, index: added.index, text: "", partOpen: false };
      this.blocks.set(block, r);
      events.push(...added.events);
    }
    if (rc.text) {
      r.text += rc.text;
      this.reasoningChars += rc.text.length;
      const ids = { item_id: r.item.id, output_index: r.index };
      if (this.opts.reasoningView === "summary") {
        if (!r.partOpen)
          events.push({
            type: "response.reasoning_summary_part.added",
            ...ids,
            summary_index: 0,
            part: { type: "summary_text", text: "" },
          });
        events.push({ type: "response.reasoning_summary_text.delta", ...ids, summary_index: 0, delta: rc.text });
        r.partOpen = true;
      } else if (this.opts.reasoningView === "content") {
        if (!r.partOpen)
          events.push({ type: "response.content_part.added", ...ids, content_index: 0, part: { type: "reasoning_text", text: "" } });
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
    for (const [k, b] of this.blocks) if (b.kind === "text") this.blocks.delete(k);
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
