// Model allow-lists: comma-separated globs (`*` any run of characters, `?` one character),
// matched case-insensitively against every name a model goes by — the name the client sent (an
// alias, say), the catalog id, the Bedrock id or profile, and the foundation model id. So
// `anthropic.*` allows every Claude model through any profile, while `us.amazon.nova-*` allows
// only the US profiles of Nova.

export type ModelMatcher = (names: readonly (string | undefined)[]) => boolean;

export function parseModelPatterns(text: string): string[] {
  return text
    .split(",")
    .map((s) => s.trim())
    .filter((s) => s !== "");
}

function globToRegExp(glob: string): RegExp {
  const body = glob
    .replace(/[.+^${}()|[\]\\]/g, "\\$&")
    .replace(/\*/g, ".*")
    .replace(/\?/g, ".");
  return new RegExp(`^${body}$`, "i");
}

/** null patterns: every model is allowed. */
export function compileModelPatterns(patterns: readonly string[] | null): ModelMatcher {
  if (patterns === null) return () => true;
  const res = patterns.map(globToRegExp);
  return (names) => names.some((n) => n !== undefined && res.some((re) => re.test(n)));
}
