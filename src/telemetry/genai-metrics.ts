// The GenAI client metrics of the semantic conventions, exported by OTLP (Prometheus /metrics is a
// separate, unchanged set): gen_ai.client.token.usage, gen_ai.client.operation.duration and
// gen_ai.client.operation.time_to_first_chunk, with the bucket boundaries the conventions advise.
import type { Attributes, Meter } from "@opentelemetry/api";

const TOKEN_BUCKETS = [1, 4, 16, 64, 256, 1024, 4096, 16384, 65536, 262144, 1048576, 4194304, 16777216, 67108864];
const SECONDS_BUCKETS = [0.01, 0.02, 0.04, 0.08, 0.16, 0.32, 0.64, 1.28, 2.56, 5.12, 10.24, 20.48, 40.96, 81.92];

export interface GenAiMetrics {
  /** One finished call: its duration, and its tokens when Bedrock reported them. */
  operation(attrs: Attributes, seconds: number, tokens: { input?: number; output?: number }): void;
  firstChunk(attrs: Attributes, seconds: number): void;
}

export const noopGenAiMetrics: GenAiMetrics = { operation() {}, firstChunk() {} };

export function createGenAiMetrics(meter: Meter): GenAiMetrics {
  const tokens = meter.createHistogram("gen_ai.client.token.usage", {
    unit: "{token}",
    description: "Number of input and output tokens used.",
    advice: { explicitBucketBoundaries: TOKEN_BUCKETS },
  });
  const duration = meter.createHistogram("gen_ai.client.operation.duration", {
    unit: "s",
    description: "GenAI operation duration.",
    advice: { explicitBucketBoundaries: SECONDS_BUCKETS },
  });
  const ttfc = meter.createHistogram("gen_ai.client.operation.time_to_first_chunk", {
    unit: "s",
    description: "Time from the request to Bedrock to the first content chunk of a streaming response.",
    advice: { explicitBucketBoundaries: SECONDS_BUCKETS },
  });
  return {
    operation(attrs, seconds, t) {
      duration.record(seconds, attrs);
      // Token counts are recorded without error.type: a failed call that reported tokens still used them.
      const base = { ...attrs };
      delete base["error.type"];
      if (t.input !== undefined) tokens.record(t.input, { ...base, "gen_ai.token.type": "input" });
      if (t.output !== undefined) tokens.record(t.output, { ...base, "gen_ai.token.type": "output" });
    },
    firstChunk(attrs, seconds) {
      ttfc.record(seconds, attrs);
    },
  };
}
