// `encoding_format: "base64"`: the vector as little-endian float32 bytes, base64-encoded. This is
// what the OpenAI SDKs request by default and decode with a Float32Array.

export function float32Base64(vector: readonly number[]): string {
  const buf = Buffer.allocUnsafe(vector.length * 4);
  for (let i = 0; i < vector.length; i++) buf.writeFloatLE(vector[i]!, i * 4);
  return buf.toString("base64");
}
