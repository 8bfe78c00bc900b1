// Header values built from names a client chose (unknown fields, tool types) for
// x-bedrock-gateway-dropped-params / -dropped-tools. Client text must never make a header
// invalid (CR/LF, non-ASCII → Node refuses the whole response with a 500) or huge (20,000
// unknown fields → a header the client's HTTP stack rejects), so only names made of a safe
// token alphabet are listed, each once, at most MAX_NAMES of them and MAX_BYTES in all; the
// rest are counted in a trailing "+N more".

/** Field paths such as `tools[0].function.strict` or `anthropic-beta:foo`; nothing else. */
const SAFE_NAME = /^[A-Za-z0-9_.:/[\]-]{1,64}$/;
export const MAX_HEADER_NAMES = 20;
export const MAX_HEADER_BYTES = 1024;

/** The header value for a list of names, or undefined when there is nothing to list. */
export function safeHeaderList(names: Iterable<string>): string | undefined {
  const listed: string[] = [];
  const seen = new Set<string>();
  let bytes = 0;
  let more = 0;
  for (const name of names) {
    if (seen.has(name)) continue;
    seen.add(name);
    // Worst case of the tail ",+99999 more" is 12 bytes; keep room for it.
    const cost = name.length + (listed.length ? 1 : 0);
    if (!SAFE_NAME.test(name) || listed.length >= MAX_HEADER_NAMES || bytes + cost > MAX_HEADER_BYTES - 16) {
      more++;
      continue;
    }
    listed.push(name);
    bytes += cost;
  }
  if (more) listed.push(`+${more} more`);
  return listed.length ? listed.join(",") : undefined;
}
