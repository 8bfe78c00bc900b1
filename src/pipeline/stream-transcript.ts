// DEBUG=true: a stream's answer assembled from its canonical events (text, reasoning and tool
// calls per choice), logged once at its end as the stream's "response body". Only built when
// DEBUG is on; wraps the front door's encoder without changing what it writes.
import type { CanonicalEvent } from "./canonical-events.ts";
import type { StreamEncoder } from "./stream-engine.ts";

interface ChoiceTranscript {
  text: string;
  reasoning: string;
  toolCalls: { id: string; name: string; arguments: string }[];
  stopReason?: string;
}

export class StreamTranscript {
  private readonly choices: ChoiceTranscript[];

  constructor(choices: number) {
    this.choices = Array.from({ length: choices }, () => ({ text: "", reasoning: "", toolCalls: [] }));
  }

  see(e: CanonicalEvent): void {
    const c = this.choices[e.choice]!;
    if (e.type === "text") c.text += e.text;
    else if (e.type === "reasoning") c.reasoning += e.text;
    else if (e.type === "tool_start") c.toolCalls[e.index] = { id: e.id, name: e.name, arguments: "" };
    else if (e.type === "tool_args") c.toolCalls[e.index]!.arguments += e.json;
    else if (e.type === "stop") c.stopReason = e.reason;
  }

  wrap<R>(encoder: StreamEncoder<R>): StreamEncoder<R> {
    return {
      start: () => encoder.start(),
      push: (e, out) => {
        this.see(e);
        encoder.push(e, out);
      },
      end: (choices) => encoder.end(choices),
      fail: (err, choices) => encoder.fail(err, choices),
    };
  }

  summary(): { choices: ChoiceTranscript[] } {
    return { choices: this.choices };
  }
}
