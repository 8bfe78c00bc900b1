// Pure formatting for the console's tables (server-side, so tables read without JavaScript).
export function usd(v: number | null | undefined): string {
  if (v === null || v === undefined) return "unpriced";
  if (v === 0) return "$0";
  if (Math.abs(v) < 0.01) return `$${v.toFixed(6)}`;
  return `$${v.toFixed(2)}`;
}

export function count(n: number): string {
  return Math.round(n).toLocaleString("en-US");
}

export function ms(n: number | null | undefined): string {
  if (n === null || n === undefined) return "—";
  return n >= 10_000 ? `${(n / 1000).toFixed(1)} s` : `${Math.round(n)} ms`;
}

export function percent(part: number, whole: number): string {
  return whole > 0 ? `${((100 * part) / whole).toFixed(1)}%` : "—";
}

/** UTC, to the second: the same on every replica and in every browser. */
export function utc(msEpoch: number | null | undefined): string {
  if (msEpoch === null || msEpoch === undefined) return "—";
  return new Date(msEpoch).toISOString().replace("T", " ").slice(0, 19) + "Z";
}

export function day(msEpoch: number): string {
  return new Date(msEpoch).toISOString().slice(0, 10);
}

/** One CSV field (RFC 4180), with spreadsheet formula prefixes neutralised. */
export function csvField(v: string | number | null): string {
  if (v === null) return "";
  let s = String(v);
  if (typeof v === "string" && /^[=+\-@\t\r]/.test(s)) s = `'${s}`;
  return /[",\r\n]/.test(s) ? `"${s.replaceAll('"', '""')}"` : s;
}

/** JSON for a <script type="application/json"> block: nothing in it can close the element. */
export function jsonForScript(v: unknown): string {
  return JSON.stringify(v).replaceAll("<", "\\u003c").replaceAll(">", "\\u003e").replaceAll("&", "\\u0026");
}
