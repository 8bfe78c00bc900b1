// OpenAI `user` and `metadata` → Bedrock requestMetadata (shown in Bedrock's invocation logs).
// Bedrock allows at most 16 entries, keys of 1–256 and values of 0–256 characters drawn from
// [a-zA-Z0-9 \s:_@$#=/+,-.]; other characters are replaced so a request is never refused for them.

const MAX_ENTRIES = 16;
const MAX_LEN = 256;
const clean = (s: string) => s.replace(/[^a-zA-Z0-9\s:_@$#=/+,\-.]/g, "_").slice(0, MAX_LEN);

export function buildRequestMetadata(
  user: string | undefined,
  metadata: Record<string, string> | undefined,
): Record<string, string> | undefined {
  const out: Record<string, string> = {};
  if (user) out.user = clean(user);
  for (const [k, v] of Object.entries(metadata ?? {})) {
    if (Object.keys(out).length >= MAX_ENTRIES) break;
    const key = clean(k);
    if (key === "") continue;
    out[key] = clean(String(v));
  }
  return Object.keys(out).length ? out : undefined;
}
