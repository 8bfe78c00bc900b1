// What a store key may do, in the form the hot path needs: compiled model matcher, limits,
// budget, and validity checks. Pure.
import type { Budget, BudgetPeriod, KeyRecord } from "../store/store.ts";
import { compileModelPatterns } from "./model-patterns.ts";
import type { ModelMatcher } from "./model-patterns.ts";

export interface KeyPolicy {
  allowsModel: ModelMatcher;
  /** The patterns as configured (null = all), for messages and listings. */
  models: readonly string[] | null;
  rpm: number | null;
  tpm: number | null;
  budget: Budget | null;
}

export function policyOf(k: KeyRecord): KeyPolicy {
  return { allowsModel: compileModelPatterns(k.models), models: k.models, rpm: k.rpm, tpm: k.tpm, budget: k.budget };
}

/** Why a key cannot be used now, or undefined when it can. */
export function keyUnusableReason(k: KeyRecord, now: number): string | undefined {
  if (k.revokedAt !== null) return "This API key has been revoked.";
  if (!k.enabled) return "This API key is disabled.";
  if (k.expiresAt !== null && now >= k.expiresAt) return "This API key has expired.";
  return undefined;
}

/** "50/month", "$10/day", "12.5 / month" → a budget. */
export function parseBudget(text: string): Budget {
  const m = /^\s*\$?\s*(\d+(?:\.\d+)?)\s*(?:usd)?\s*\/\s*(day|month|daily|monthly)\s*$/i.exec(text);
  if (!m) throw new Error(`"${text}" is not a budget (examples: 50/month, 5/day; US dollars)`);
  const p = m[2]!.toLowerCase();
  const period: BudgetPeriod = p.startsWith("day") || p === "daily" ? "day" : "month";
  return { usd: Number(m[1]), period };
}

export function formatBudget(b: Budget | null): string {
  return b ? `${b.usd}/${b.period}` : "";
}

/** Start (inclusive) and end (exclusive) of the UTC day or month containing `now`. */
export function budgetWindow(period: BudgetPeriod, now: number): { start: number; end: number } {
  const d = new Date(now);
  if (period === "day") {
    const start = Date.UTC(d.getUTCFullYear(), d.getUTCMonth(), d.getUTCDate());
    return { start, end: start + 86_400_000 };
  }
  return { start: Date.UTC(d.getUTCFullYear(), d.getUTCMonth(), 1), end: Date.UTC(d.getUTCFullYear(), d.getUTCMonth() + 1, 1) };
}

/** "2027-01-01" (UTC midnight), a full ISO timestamp, or "never" → epoch ms (null = never). */
export function parseExpiry(text: string): number | null {
  const t = text.trim();
  if (t === "" || t.toLowerCase() === "never") return null;
  const ms = /^\d{4}-\d{2}-\d{2}$/.test(t) ? Date.parse(`${t}T00:00:00Z`) : Date.parse(t);
  if (!Number.isFinite(ms)) throw new Error(`"${text}" is not a date (examples: 2027-01-01, 2027-01-01T12:00:00Z)`);
  return ms;
}
