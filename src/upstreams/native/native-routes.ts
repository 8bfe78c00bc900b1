// Which native endpoint serves a model, under which path prefix, through which APIs. One table,
// first match wins; a model no row names gets Mantle's defaults. Facts (late 2026):
// - Mantle (bedrock-mantle.{region}.api.aws) serves most models under /v1, but OpenAI's GPT-5.x
//   family only under /openai/v1 and only through the Responses API; a wrong prefix is refused
//   with "model `<id>` isn't supported on this route" (the client learns it: see native-client.ts).
// - bedrock-runtime serves OpenAI Chat Completions under /openai/v1 for gpt-oss, with the same
//   model ids as Converse (AWS "OpenAI models" user guide page).
import { compileModelPatterns } from "../../keys/model-patterns.ts";

export type NativeUpstream = "mantle" | "runtime";
export type NativeApi = "chat" | "responses";
export type NativePrefix = "/v1" | "/openai/v1";

/** Where a native model is called. */
export interface NativeTarget {
  upstream: NativeUpstream;
  /** The id sent in the request body's `model`. */
  modelId: string;
  prefix: NativePrefix;
  /** The APIs the model answers; a chat request to a Responses-only model is translated. */
  apis: readonly NativeApi[];
}

interface Row {
  patterns: string[];
  prefix: NativePrefix;
  apis: NativeApi[];
}

const MANTLE_ROWS: Row[] = [
  // Claude on Mantle answers only /anthropic/v1/messages (Converse serves Claude anyway).
  { patterns: ["anthropic.*"], prefix: "/v1", apis: [] },
  { patterns: ["openai.gpt-5*"], prefix: "/openai/v1", apis: ["responses"] },
];
const MANTLE_DEFAULT: Omit<Row, "patterns"> = { prefix: "/v1", apis: ["chat", "responses"] };

/** Models bedrock-runtime serves on /openai/v1 (AWS documents no model list endpoint there). */
const RUNTIME_ROWS: Row[] = [{ patterns: ["openai.gpt-oss-*"], prefix: "/openai/v1", apis: ["chat"] }];

const compiled = <T extends Row>(rows: T[]) => rows.map((r) => ({ ...r, match: compileModelPatterns(r.patterns) }));
const MANTLE = compiled(MANTLE_ROWS);
const RUNTIME = compiled(RUNTIME_ROWS);

export function mantleTarget(modelId: string): NativeTarget {
  const row = MANTLE.find((r) => r.match([modelId])) ?? MANTLE_DEFAULT;
  return { upstream: "mantle", modelId, prefix: row.prefix, apis: row.apis };
}

/** The runtime's /openai/v1 target for a Converse model id, when AWS documents one. */
export function runtimeTarget(modelId: string): NativeTarget | undefined {
  const row = RUNTIME.find((r) => r.match([modelId]));
  return row ? { upstream: "runtime", modelId, prefix: row.prefix, apis: row.apis } : undefined;
}

/** Mantle ids carry no version suffix or date (`anthropic.claude-haiku-4-5`, `openai.gpt-oss-120b`):
 * Converse ids reduced the same way tell which Mantle models Converse already serves. */
export function unversionedId(id: string): string {
  return id
    .toLowerCase()
    .replace(/^(?:us|eu|apac|jp|au|ca|us-gov|global)\./, "")
    .replace(/-\d+:\d+$/, "")
    .replace(/(?:-v\d+)?(?::\d+)?$/, "")
    .replace(/-\d{8}$/, "");
}
