// Pure: Anthropic's public model names (what Claude Code and the Anthropic SDK send) → the Bedrock
// foundation model id that serves them. Derived from the catalog rather than a hand-kept table,
// so a new Claude model on Bedrock gets its Anthropic names without a release:
//   anthropic.claude-sonnet-4-5-20250929-v1:0 → claude-sonnet-4-5-20250929 (dated),
//   claude-sonnet-4-5 (undated, newest date wins), claude-sonnet-4-5-latest (Anthropic's
//   older "-latest" spelling of the same thing; claude-sonnet-4-0 for a major-only version).

const BEDROCK_CLAUDE = /^anthropic\.(claude-[a-z0-9-]+?)(?:-(\d{8}))?-v\d+(?::\d+)?$/;

export interface AnthropicName {
  /** The name a client sends. */
  name: string;
  /** The Bedrock foundation model id it stands for. */
  baseModelId: string;
  /** Whether /v1/models lists it (the dated and undated forms; "-latest" is accepted only). */
  listed: boolean;
}

/**
 * Every Anthropic name of the Claude foundation models given. When two Bedrock ids give the same
 * undated name (a re-release), the newer date wins; a dated name is exact.
 */
export function anthropicNames(foundationIds: Iterable<string>): Map<string, AnthropicName> {
  const out = new Map<string, AnthropicName>();
  const undatedDate = new Map<string, string>();
  for (const id of foundationIds) {
    const m = BEDROCK_CLAUDE.exec(id);
    if (!m) continue;
    const [, stem, date] = m as unknown as [string, string, string | undefined];
    if (date) out.set(`${stem}-${date}`, { name: `${stem}-${date}`, baseModelId: id, listed: true });
    const seen = undatedDate.get(stem);
    if (seen !== undefined && seen >= (date ?? "")) continue;
    undatedDate.set(stem, date ?? "");
    out.set(stem, { name: stem, baseModelId: id, listed: true });
    out.set(`${stem}-latest`, { name: `${stem}-latest`, baseModelId: id, listed: false });
    // Anthropic spells a major-only model with a ".0" too: claude-sonnet-4-0, claude-opus-4-0.
    if (/-\d+$/.test(stem) && !/-\d+-\d+$/.test(stem)) out.set(`${stem}-0`, { name: `${stem}-0`, baseModelId: id, listed: false });
  }
  return out;
}
