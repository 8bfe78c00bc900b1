// A cheap, deliberately rough input-token estimate for TPM admission: about 4 characters per
// token over every string in the request (messages, system, tools), with images and documents
// counted at a flat size instead of their base64 length, and numbers as one token each (token-id
// arrays, as the OpenAI SDKs send embeddings input). The real count replaces it when the
// request ends, so it only has to be the right order of magnitude.

const CHARS_PER_TOKEN = 4;
/** Claude bills a large image around 1,600 tokens; documents vary, this is a middle guess. */
const BINARY_TOKENS = 1_600;
/** Raw base64 (a document or image without a data: prefix): no spaces, no punctuation. */
const BASE64_RUN = /^[A-Za-z0-9+/]+={0,2}$/;

function isBinary(s: string): boolean {
  return s.startsWith("data:") || (s.length >= 512 && BASE64_RUN.test(s.slice(0, 1024)));
}

export function estimateBodyTokens(value: unknown): number {
  let chars = 0;
  let binaries = 0;
  let numbers = 0;
  const stack: unknown[] = [value];
  while (stack.length > 0) {
    const v = stack.pop();
    if (typeof v === "string") {
      if (isBinary(v)) binaries++;
      else chars += v.length;
    } else if (typeof v === "number") {
      numbers++;
    } else if (Array.isArray(v)) {
      for (const x of v) stack.push(x);
    } else if (v !== null && typeof v === "object") {
      for (const x of Object.values(v)) stack.push(x);
    }
  }
  return Math.ceil(chars / CHARS_PER_TOKEN) + binaries * BINARY_TOKENS + numbers;
}
