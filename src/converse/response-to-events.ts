// Replays a Converse response as the ConverseStream events Bedrock would have sent. Used for models
// that cannot stream tool use: the gateway calls Converse and still answers the client as a stream.
import type { ConverseResponse, ConverseStreamEvent } from "../bedrock/converse-types.ts";

export function responseToEvents(res: ConverseResponse): ConverseStreamEvent[] {
  const out: ConverseStreamEvent[] = [{ messageStart: { role: "assistant" } }];
  (res.output.message?.content ?? []).forEach((b, i) => {
    if ("text" in b) out.push({ contentBlockDelta: { contentBlockIndex: i, delta: { text: b.text } } });
    else if ("toolUse" in b) {
      out.push(
        { contentBlockStart: { contentBlockIndex: i, start: { toolUse: { toolUseId: b.toolUse.toolUseId, name: b.toolUse.name } } } },
        { contentBlockDelta: { contentBlockIndex: i, delta: { toolUse: { input: JSON.stringify(b.toolUse.input ?? {}) } } } },
      );
    } else if ("reasoningContent" in b) {
      const rc = b.reasoningContent;
      if ("reasoningText" in rc) {
        out.push({ contentBlockDelta: { contentBlockIndex: i, delta: { reasoningContent: { text: rc.reasoningText.text } } } });
        if (rc.reasoningText.signature)
          out.push({ contentBlockDelta: { contentBlockIndex: i, delta: { reasoningContent: { signature: rc.reasoningText.signature } } } });
      } else
        out.push({ contentBlockDelta: { contentBlockIndex: i, delta: { reasoningContent: { redactedContent: rc.redactedContent } } } });
    } else if ("citationsContent" in b) {
      // As Bedrock streams a cited answer: the text, then each citation.
      for (const c of b.citationsContent.content ?? [])
        if (c.text) out.push({ contentBlockDelta: { contentBlockIndex: i, delta: { text: c.text } } });
      for (const citation of b.citationsContent.citations ?? [])
        out.push({ contentBlockDelta: { contentBlockIndex: i, delta: { citation } } });
    }
    out.push({ contentBlockStop: { contentBlockIndex: i } });
  });
  // What the non-streaming answer has at top level, ConverseStream sends in messageStop and metadata.
  out.push({
    messageStop: {
      stopReason: res.stopReason,
      ...(res.additionalModelResponseFields !== undefined ? { additionalModelResponseFields: res.additionalModelResponseFields } : {}),
    },
  });
  out.push({
    metadata: {
      usage: res.usage,
      ...(res.metrics ? { metrics: res.metrics } : {}),
      ...(res.trace ? { trace: res.trace } : {}),
      ...(res.performanceConfig ? { performanceConfig: res.performanceConfig } : {}),
      ...(res.serviceTier ? { serviceTier: res.serviceTier } : {}),
    },
  });
  return out;
}
