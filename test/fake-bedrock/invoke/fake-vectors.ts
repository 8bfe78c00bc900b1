// Deterministic embedding vectors: a function of the text and the size only, so a test can
// compute what the double returns for any input and check order, size and encoding. Values are
// float32-exact, so a base64 (float32) answer decodes to exactly the float answer.
import { createHash } from "node:crypto";

export function fakeVector(text: string, dims: number): number[] {
  const seed = createHash("sha256").update(text).digest();
  let state = seed.readUInt32LE(0) || 1;
  const raw: number[] = [];
  for (let i = 0; i < dims; i++) {
    // xorshift32: cheap, deterministic, well spread.
    state ^= state << 13;
    state >>>= 0;
    state ^= state >>> 17;
    state ^= state << 5;
    state >>>= 0;
    raw.push(state / 0xffffffff - 0.5);
  }
  const norm = Math.hypot(...raw) || 1;
  return raw.map((v) => Math.fround(v / norm));
}
