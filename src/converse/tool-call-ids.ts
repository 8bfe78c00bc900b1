// Tool-call ids as Bedrock needs them. Ids travel from an assistant tool call to the tool result
// that answers it, so any rewrite must be deterministic: the same client id always becomes the
// same Bedrock id, and the pair still matches.
import { createHash } from "node:crypto";

const BEDROCK_ID = /^[a-zA-Z0-9_.:-]{1,64}$/;
const ALNUM9 = /^[a-zA-Z0-9]{9}$/;
const ALPHABET = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";

export type ToolIdFormat = "any" | "alnum9";

function alnum(id: string, length: number): string {
  const digest = createHash("sha256").update(id).digest();
  let out = "";
  for (let i = 0; i < length; i++) out += ALPHABET[digest[i]! % ALPHABET.length];
  return out;
}

export function toBedrockToolId(id: string, format: ToolIdFormat): string {
  if (format === "alnum9") return ALNUM9.test(id) ? id : alnum(id, 9);
  return BEDROCK_ID.test(id) ? id : `call_${alnum(id, 24)}`;
}
