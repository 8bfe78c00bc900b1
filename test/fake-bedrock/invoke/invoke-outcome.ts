// What an InvokeModel handler of the double answers: the model's native body and the headers
// Bedrock adds (token counts), or a Bedrock error.
import { MalformedInput } from "./body-rules.ts";

export interface InvokeOutcome {
  status?: number;
  body?: unknown;
  headers?: Record<string, string>;
  error?: { exception: string; message: string; status: number };
}

export const validationError = (message: string): InvokeOutcome => ({
  error: { exception: "ValidationException", message, status: 400 },
});

/** Runs a handler, turning a MalformedInput thrown by the body rules into Bedrock's 400. */
export function guarded(fn: () => InvokeOutcome): InvokeOutcome {
  try {
    return fn();
  } catch (e) {
    if (e instanceof MalformedInput) return validationError(e.message);
    throw e;
  }
}

/** Bedrock's usage headers on an InvokeModel answer. */
export function tokenHeaders(input: number, output = 0): Record<string, string> {
  return {
    "x-amzn-bedrock-input-token-count": String(input),
    "x-amzn-bedrock-output-token-count": String(output),
    "x-amzn-bedrock-invocation-latency": "12",
  };
}

/** The double's token estimate for text it did not tokenize (about four characters a token). */
export const fakeTokens = (text: string) => Math.max(1, Math.ceil(text.length / 4));
