// OpenAI's four `input` forms → texts or token-id lists, with a 400 naming the first bad item.
import { errors } from "../errors/gateway-error.ts";

/** OpenAI's per-request limit on inputs. */
export const MAX_EMBEDDING_INPUTS = 2048;

export type EmbeddingInput = { kind: "text"; texts: string[] } | { kind: "tokens"; tokens: number[][] };

const SHAPE = "'input' must be a string, an array of strings, an array of token ids, or an array of token-id arrays.";

const isTokenId = (v: unknown): v is number => typeof v === "number" && Number.isSafeInteger(v) && v >= 0;

export function classifyEmbeddingInput(input: unknown): EmbeddingInput {
  if (input === undefined || input === null) {
    throw errors.invalidRequest("Missing required parameter: 'input'.", "input", "missing_required_parameter");
  }
  if (typeof input === "string") {
    if (input === "") throw errors.invalidRequest("'input' cannot be an empty string.", "input", "invalid_value");
    return { kind: "text", texts: [input] };
  }
  if (!Array.isArray(input)) throw errors.invalidRequest(SHAPE, "input", "invalid_type");
  if (input.length === 0) throw errors.invalidRequest("'input' cannot be an empty array.", "input", "invalid_value");
  if (input.length > MAX_EMBEDDING_INPUTS) {
    throw errors.invalidRequest(
      `'input' has ${input.length} items; at most ${MAX_EMBEDDING_INPUTS} inputs are allowed per request.`,
      "input",
      "invalid_value",
    );
  }

  const items: unknown[] = input;
  if (typeof items[0] === "string") {
    items.forEach((t, i) => {
      if (typeof t !== "string") throw errors.invalidRequest(SHAPE, `input[${i}]`, "invalid_type");
      if (t === "") throw errors.invalidRequest(`'input[${i}]' cannot be an empty string.`, `input[${i}]`, "invalid_value");
    });
    return { kind: "text", texts: items as string[] };
  }
  if (typeof items[0] === "number") {
    items.forEach((t, i) => {
      if (!isTokenId(t))
        throw errors.invalidRequest(`'input[${i}]' must be a non-negative integer token id.`, `input[${i}]`, "invalid_type");
    });
    return { kind: "tokens", tokens: [items as number[]] };
  }
  if (Array.isArray(items[0])) {
    items.forEach((list, i) => {
      if (!Array.isArray(list)) throw errors.invalidRequest(SHAPE, `input[${i}]`, "invalid_type");
      if (list.length === 0) throw errors.invalidRequest(`'input[${i}]' cannot be an empty array.`, `input[${i}]`, "invalid_value");
      (list as unknown[]).forEach((t, j) => {
        if (!isTokenId(t)) {
          throw errors.invalidRequest(`'input[${i}][${j}]' must be a non-negative integer token id.`, `input[${i}][${j}]`, "invalid_type");
        }
      });
    });
    return { kind: "tokens", tokens: items as number[][] };
  }
  throw errors.invalidRequest(SHAPE, "input[0]", "invalid_type");
}
