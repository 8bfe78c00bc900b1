// Bedrock results with no OpenAI equivalent, returned in one documented extra field `bedrock`:
// the guardrail trace, additional model response fields and the performance configuration used.

export interface BedrockExtras {
  trace?: unknown;
  additional_model_response_fields?: unknown;
  performance_config?: unknown;
}

export function bedrockExtras(
  src: { trace?: unknown; additionalModelResponseFields?: unknown; performanceConfig?: unknown } | undefined,
): BedrockExtras | undefined {
  if (!src) return undefined;
  const out: BedrockExtras = {};
  if (src.trace !== undefined) out.trace = src.trace;
  if (src.additionalModelResponseFields !== undefined) out.additional_model_response_fields = src.additionalModelResponseFields;
  if (src.performanceConfig !== undefined) out.performance_config = src.performanceConfig;
  return Object.keys(out).length ? out : undefined;
}
