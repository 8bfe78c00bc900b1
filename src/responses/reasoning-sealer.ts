// Signed reasoning (Claude's thinking blocks with their signatures) carried by the client in a
// reasoning item's `encrypted_content`, so `store: false` conversations keep working: Bedrock
// requires the signed thinking of the last tool-calling turn back, unchanged. The blocks are
// encrypted and authenticated with AES-256-GCM under the gateway's secret; a blob that does not
// open (altered, foreign, or sealed with a retired key) is refused, never passed to Bedrock.
import { createCipheriv, createDecipheriv, randomBytes } from "node:crypto";
import type { ReasoningContentBlock } from "../bedrock/converse-types.ts";

const PREFIX = "bgw1.";
const IV_BYTES = 12;
const TAG_BYTES = 16;
/** Binds a blob to its purpose, so a ciphertext made for something else under the same key cannot be replayed here. */
const AAD = Buffer.from("bedrock-gateway/responses/reasoning/v1");

export class ReasoningSealer {
  private readonly keys: Buffer[];

  /** keys[0] encrypts; every key decrypts (rotation: put the new key first, keep the old one a while). */
  constructor(keys: Buffer[]) {
    if (keys.length === 0 || keys.some((k) => k.length !== 32)) throw new Error("ReasoningSealer needs 32-byte keys");
    this.keys = keys;
  }

  seal(blocks: ReasoningContentBlock[]): string {
    const iv = randomBytes(IV_BYTES);
    const cipher = createCipheriv("aes-256-gcm", this.keys[0]!, iv);
    cipher.setAAD(AAD);
    const body = Buffer.concat([cipher.update(JSON.stringify({ blocks }), "utf8"), cipher.final()]);
    return PREFIX + Buffer.concat([iv, cipher.getAuthTag(), body]).toString("base64url");
  }

  /** The sealed blocks, or undefined when the blob is not authentic. */
  open(blob: string): ReasoningContentBlock[] | undefined {
    if (!blob.startsWith(PREFIX)) return undefined;
    const raw = Buffer.from(blob.slice(PREFIX.length), "base64url");
    if (raw.length <= IV_BYTES + TAG_BYTES) return undefined;
    const iv = raw.subarray(0, IV_BYTES);
    const tag = raw.subarray(IV_BYTES, IV_BYTES + TAG_BYTES);
    const body = raw.subarray(IV_BYTES + TAG_BYTES);
    for (const key of this.keys) {
      try {
        const decipher = createDecipheriv("aes-256-gcm", key, iv);
        decipher.setAAD(AAD);
        decipher.setAuthTag(tag);
        const text = Buffer.concat([decipher.update(body), decipher.final()]).toString("utf8");
        const parsed = JSON.parse(text) as { blocks?: unknown };
        return Array.isArray(parsed.blocks) ? (parsed.blocks as ReasoningContentBlock[]) : undefined;
      } catch {
        // Wrong key or altered bytes: try the next key.
      }
    }
    return undefined;
  }
}
