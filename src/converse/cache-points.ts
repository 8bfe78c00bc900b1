// Prompt-cache points on a built Converse request. Explicit ones come from cache_control on
// content parts, system parts and tools; automatic ones (ENABLE_PROMPT_CACHING or the request's
// prompt_caching field) go after the tools, after the system prompt and at the end of the last
// user turn. Bedrock allows at most 4 per request: they are counted in prompt order (tools,
// system, messages) and the earliest 4 are kept. Models that cannot cache get none.
import type { CachePointBlock, ConverseRequest } from "../bedrock/converse-types.ts";

export const MAX_CACHE_POINTS = 4;
const POINT: CachePointBlock = { type: "default" };

export interface CachePointResult {
  /** Explicit cache_control markers that could not be honoured (model cannot cache). */
  droppedExplicit: boolean;
  /** Cache points removed beyond the limit. */
  removedOverLimit: number;
}

const isPoint = (b: object) => "cachePoint" in b;

export function applyCachePoints(req: ConverseRequest, opts: { supported: boolean; auto: boolean }): CachePointResult {
  const tools = req.toolConfig?.tools;
  const system = req.system;
  const messages = req.messages ?? [];
  const explicit = (tools?.some(isPoint) ?? false) || (system?.some(isPoint) ?? false) || messages.some((m) => m.content.some(isPoint));

  if (!opts.supported) {
    if (tools) req.toolConfig!.tools = tools.filter((t) => !isPoint(t));
    if (system) req.system = system.filter((b) => !isPoint(b));
    for (const m of messages) m.content = m.content.filter((b) => !isPoint(b));
    return { droppedExplicit: explicit, removedOverLimit: 0 };
  }

  if (opts.auto) {
    if (tools?.length && !isPoint(tools[tools.length - 1]!)) tools.push({ cachePoint: POINT });
    if (system?.length && !isPoint(system[system.length - 1]!)) system.push({ cachePoint: POINT });
    const lastUser = [...messages].reverse().find((m) => m.role === "user");
    const tail = lastUser?.content[lastUser.content.length - 1];
    if (lastUser && tail && !isPoint(tail)) lastUser.content.push({ cachePoint: POINT });
  }

  let kept = 0;
  let removed = 0;
  const keep = (b: object) => {
    if (!isPoint(b)) return true;
    if (kept < MAX_CACHE_POINTS) {
      kept++;
      return true;
    }
    removed++;
    return false;
  };
  if (req.toolConfig) req.toolConfig.tools = req.toolConfig.tools.filter(keep);
  if (req.system) req.system = req.system.filter(keep);
  for (const m of messages) m.content = m.content.filter((b) => keep(b));
  return { droppedExplicit: false, removedOverLimit: removed };
}
