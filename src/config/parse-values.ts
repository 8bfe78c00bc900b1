// Small parsers for the textual forms configuration values take in the environment.
// They throw plain Errors; load-config turns them into a message naming the variable.

const DURATION = /^(\d+(?:\.\d+)?)\s*(ms|s|m|h|d)?$/;
const UNIT_MS = { ms: 1, s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000 } as const;

/** "600" (seconds), "600s", "10m", "1.5h", "250ms" → milliseconds. */
export function parseDuration(text: string): number {
  const m = DURATION.exec(text.trim());
  if (!m) throw new Error(`"${text}" is not a duration (examples: 30s, 10m, 1h, 250ms; a bare number is seconds)`);
  const unit = (m[2] ?? "s") as keyof typeof UNIT_MS;
  return Math.round(Number(m[1]) * UNIT_MS[unit]);
}

const SIZE = /^(\d+(?:\.\d+)?)\s*(b|kb|kib|mb|mib|gb|gib)?$/i;
const UNIT_BYTES: Record<string, number> = {
  b: 1,
  kb: 1000,
  kib: 1024,
  mb: 1_000_000,
  mib: 1_048_576,
  gb: 1_000_000_000,
  gib: 1_073_741_824,
};

/** "20MiB", "512kb", "1048576" (bytes) → bytes. */
export function parseByteSize(text: string): number {
  const m = SIZE.exec(text.trim());
  if (!m) throw new Error(`"${text}" is not a size (examples: 20MiB, 512KiB, 1048576)`);
  return Math.round(Number(m[1]) * (UNIT_BYTES[(m[2] ?? "b").toLowerCase()] ?? 1));
}

const TRUE = new Set(["1", "true", "yes", "on"]);
const FALSE = new Set(["0", "false", "no", "off", ""]);

export function parseBoolean(text: string): boolean {
  const v = text.trim().toLowerCase();
  if (TRUE.has(v)) return true;
  if (FALSE.has(v)) return false;
  throw new Error(`"${text}" is not a boolean (use true or false)`);
}

/**
 * Model aliases: a JSON object `{"alias":"target"}` or the compact `a=b,c=d` form.
 * Alias names are matched exactly (they are model ids clients send).
 */
export function parseAliasMap(text: string): Map<string, string> {
  const trimmed = text.trim();
  if (trimmed === "") return new Map();
  if (trimmed.startsWith("{")) {
    let parsed: unknown;
    try {
      parsed = JSON.parse(trimmed);
    } catch {
      throw new Error("is not valid JSON");
    }
    if (parsed === null || typeof parsed !== "object" || Array.isArray(parsed)) {
      throw new Error('must be a JSON object such as {"gpt-4o":"us.anthropic.claude-sonnet-4-5-20250929-v1:0"}');
    }
    const out = new Map<string, string>();
    for (const [k, v] of Object.entries(parsed)) {
      if (typeof v !== "string" || v.trim() === "") throw new Error(`alias "${k}" must map to a non-empty string`);
      out.set(k, v.trim());
    }
    return out;
  }
  const out = new Map<string, string>();
  for (const pair of trimmed.split(",")) {
    if (pair.trim() === "") continue;
    const eq = pair.indexOf("=");
    const from = pair.slice(0, eq).trim();
    const to = pair.slice(eq + 1).trim();
    if (eq < 0 || from === "" || to === "") throw new Error(`"${pair}" is not of the form alias=model`);
    out.set(from, to);
  }
  return out;
}

/** Comma-separated list, blanks dropped. */
export function parseList(text: string): string[] {
  return text
    .split(",")
    .map((s) => s.trim())
    .filter((s) => s !== "");
}

/** Comma-separated 32-byte keys, each as base64 (44 characters) or hex (64 characters). */
export function parseKeyList(text: string): Buffer[] {
  const parts = text
    .split(",")
    .map((s) => s.trim())
    .filter(Boolean);
  if (parts.length === 0) throw new Error("expected at least one key");
  return parts.map((p, i) => {
    const bytes = /^[0-9a-f]{64}$/i.test(p) ? Buffer.from(p, "hex") : Buffer.from(p, "base64");
    if (bytes.length !== 32) throw new Error(`key ${i + 1} is not 32 bytes in base64 or hex (generate one with: openssl rand -base64 32)`);
    return bytes;
  });
}

/**
 * OpenTelemetry's `key1=value1,key2=value2` lists (OTEL_RESOURCE_ATTRIBUTES, OTEL_EXPORTER_OTLP_HEADERS):
 * keys and values are trimmed, values percent-decoded as the OTel environment specification says.
 */
export function parseKeyValueList(text: string): Record<string, string> {
  const out: Record<string, string> = {};
  // Errors name the entry by position, never by content: these lists can hold credentials.
  for (const [i, pair] of text.split(",").entries()) {
    if (pair.trim() === "") continue;
    const eq = pair.indexOf("=");
    const key = pair.slice(0, eq).trim();
    if (eq < 0 || key === "") throw new Error(`entry ${i + 1} is not of the form key=value`);
    let value: string;
    try {
      value = decodeURIComponent(pair.slice(eq + 1).trim());
    } catch {
      throw new Error(`the value of entry ${i + 1} is not valid percent-encoding`);
    }
    out[key] = value;
  }
  return out;
}
