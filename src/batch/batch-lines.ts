// A batch input file (JSONL) → its request lines, or a 400 naming the first bad line.
// Each line is {custom_id, method: "POST", url, body} as OpenAI's Batch API defines it; blank
// lines are skipped but counted, so the line numbers in errors are the ones an editor shows.
import { z } from "zod";
import { errors } from "../errors/gateway-error.ts";
import type { BatchEndpoint } from "./batch-store.ts";

export const BATCH_ENDPOINTS: readonly BatchEndpoint[] = ["/v1/chat/completions", "/v1/embeddings"];

export interface BatchLine {
  /** 1-based line number in the file. */
  line: number;
  customId: string;
  url: BatchEndpoint;
  body: Record<string, unknown>;
}

const lineSchema = z.strictObject({
  custom_id: z.string().min(1).max(512),
  method: z.literal("POST"),
  url: z.enum(BATCH_ENDPOINTS as [BatchEndpoint, ...BatchEndpoint[]]),
  body: z.record(z.string(), z.unknown()),
});

function describe(issue: z.core.$ZodIssue): string {
  const where = issue.path.length ? `'${issue.path.join(".")}'` : "the line";
  if (issue.code === "invalid_value" && issue.path[0] === "url") return `'url' must be one of ${BATCH_ENDPOINTS.join(", ")}`;
  if (issue.code === "invalid_value" && issue.path[0] === "method") return "'method' must be POST";
  if (issue.code === "unrecognized_keys")
    return `unknown field(s) ${issue.keys.map((k) => `'${k}'`).join(", ")}; a line has custom_id, method, url and body`;
  if (issue.code === "invalid_type" && issue.input === undefined) return `missing required field ${where}`;
  return `${where}: ${issue.message}`;
}

/** Lines parsed between two yields to the event loop: a 50,000-line file never blocks it for long. */
const YIELD_EVERY = 500;
export const yieldToEventLoop = () => new Promise<void>((r) => setImmediate(r));

export async function parseBatchLines(text: string, maxLines: number): Promise<BatchLine[]> {
  const out: BatchLine[] = [];
  const seen = new Set<string>();
  const rows = text.split("\n");
  for (let i = 0; i < rows.length; i++) {
    if (i > 0 && i % YIELD_EVERY === 0) await yieldToEventLoop();
    const raw = rows[i]!.replace(/\r$/, "");
    const line = i + 1;
    if (raw.trim() === "") continue;
    if (out.length >= maxLines)
      throw errors.invalidBatchLine(line, `the file has more than ${maxLines} requests (BATCH_MAX_LINES).`, "too_many_lines");
    let value: unknown;
    try {
      value = JSON.parse(raw);
    } catch (e) {
      throw errors.invalidBatchLine(line, `not valid JSON (${(e as Error).message}).`, "invalid_json_line");
    }
    const parsed = lineSchema.safeParse(value);
    if (!parsed.success) throw errors.invalidBatchLine(line, `${describe(parsed.error.issues[0]!)}.`);
    const { custom_id, url, body } = parsed.data;
    if (seen.has(custom_id))
      throw errors.invalidBatchLine(
        line,
        `custom_id '${custom_id}' is used by an earlier line; each line needs its own.`,
        "duplicate_custom_id",
      );
    seen.add(custom_id);
    out.push({ line, customId: custom_id, url, body });
  }
  if (out.length === 0)
    throw errors.invalidRequest("The file has no requests: a batch input file needs at least one JSONL line.", "file", "empty_file");
  return out;
}
