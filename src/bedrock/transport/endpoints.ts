// Bedrock endpoints. The standard AWS variables (AWS_ENDPOINT_URL_BEDROCK_RUNTIME,
// AWS_ENDPOINT_URL_BEDROCK, AWS_ENDPOINT_URL) arrive through Config; otherwise the regional
// endpoint is derived as the AWS SDK's rules do for the aws, aws-cn and aws-us-gov partitions.

export type BedrockService = "runtime" | "control";

export function defaultEndpoint(service: BedrockService, region: string, fips: boolean): string {
  const host = service === "runtime" ? "bedrock-runtime" : "bedrock";
  const suffix = region.startsWith("cn-") ? "amazonaws.com.cn" : "amazonaws.com";
  return `https://${host}${fips ? "-fips" : ""}.${region}.${suffix}`;
}

/** Mantle (Bedrock's OpenAI- and Anthropic-compatible endpoint) has no FIPS or China host. */
export function defaultMantleEndpoint(region: string): string {
  return `https://bedrock-mantle.${region}.api.aws`;
}
