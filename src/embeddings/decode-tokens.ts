// Token-id inputs back to text. Clients that send token ids (LangChain's OpenAIEmbeddings, for
// one) produced them with OpenAI's tokenizer, so the text sent to Bedrock is what that tokenizer
// decodes them to: cl100k_base by default (every text-embedding-* model), o200k_base on request.
// The tokenizer tables load on first use, never at import, and long decodes yield to the event
// loop between inputs.
import { setImmediate as yieldToLoop } from "node:timers/promises";
import { errors } from "../errors/gateway-error.ts";
import type { TokenEncoding } from "../openai/embeddings-request.ts";

type Decode = (tokens: Iterable<number>) => string;

const loaders: Record<TokenEncoding, () => Promise<Decode>> = {
  cl100k_base: async () => (await import("gpt-tokenizer/encoding/cl100k_base")).decode,
  o200k_base: async () => (await import("gpt-tokenizer/encoding/o200k_base")).decode,
};

const decoders = new Map<TokenEncoding, Promise<Decode>>();

function decoder(encoding: TokenEncoding): Promise<Decode> {
  let d = decoders.get(encoding);
  if (!d) {
    d = loaders[encoding]();
    // A failed load (it should not happen: the tables ship with the package) may be retried.
    d.catch(() => decoders.delete(encoding));
    decoders.set(encoding, d);
  }
  return d;
}

const SLICE_MS = 10;

export async function decodeTokenInputs(inputs: readonly number[][], encoding: TokenEncoding): Promise<string[]> {
  const decode = await decoder(encoding);
  const out: string[] = [];
  let sliceStart = performance.now();
  for (let i = 0; i < inputs.length; i++) {
    try {
      out.push(decode(inputs[i]!));
    } catch {
      const bad = inputs[i]!.find((t) => {
        try {
          decode([t]);
          return false;
        } catch {
          return true;
        }
      });
      throw errors.invalidRequest(
        `'input[${i}]' contains token id ${bad ?? "?"}, which is not in the ${encoding} vocabulary. ` +
          `Token inputs are decoded with ${encoding}; set "token_encoding" to the tokenizer you used.`,
        `input[${i}]`,
        "invalid_value",
      );
    }
    if (performance.now() - sliceStart > SLICE_MS) {
      await yieldToLoop();
      sliceStart = performance.now();
    }
  }
  return out;
}
