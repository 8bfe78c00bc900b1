// The Admission hook (contract in admission-contract.ts): for a store key, model allow-list, then
// budget, then RPM/TPM, before any Bedrock call; reconciliation of the token estimate when the
// request ends. Keys without a policy (the static API_KEY) pass straight through.
import type { Principal } from "../auth/api-key-verifier.ts";
import { errors } from "../errors/gateway-error.ts";
import type { Admission, AdmissionHost, AdmissionRequest, AdmissionTicket } from "./admission-contract.ts";
import { budgetWindow } from "../keys/key-policy.ts";
import type { KeyPolicy } from "../keys/key-policy.ts";
import type { CatalogModel } from "../models/build-catalog.ts";
import type { UsageRecord } from "../store/store.ts";
import type { GuardedLimiter } from "./guarded-limiter.ts";
import { rateLimitHeaders } from "./rate-limit-headers.ts";
import type { SpendTracker } from "./spend-tracker.ts";
import type { Limits } from "./token-bucket.ts";

export type { AdmissionTicket } from "./admission-contract.ts";

export interface KeyAdmission extends Admission {
  /** Charge or refund the difference between the reserved estimate and the real usage. */
  reconcile(ticket: AdmissionTicket, usage: UsageRecord | undefined): void;
}

const limited = (p: KeyPolicy | undefined): p is KeyPolicy & Limits => !!p && (!!p.rpm || !!p.tpm);
const limitsOf = (p: KeyPolicy): Limits => ({ rpm: p.rpm, tpm: p.tpm });

/** Alias target → alias names, so an allow-list naming an alias allows the model behind it. */
function reverseAliases(aliases: ReadonlyMap<string, string>): Map<string, string[]> {
  const out = new Map<string, string[]>();
  for (const [alias, target] of aliases) out.set(target, [...(out.get(target) ?? []), alias]);
  return out;
}

export function createAdmission(
  limiter: GuardedLimiter,
  spend: SpendTracker | undefined,
  aliases: ReadonlyMap<string, string> = new Map(),
  now: () => number = Date.now,
): KeyAdmission {
  const aliasesOf = reverseAliases(aliases);
  /** Every name a model goes by: its spellings, its foundation model, and the aliases that name
   * exactly this model (an alias of a foundation model does not open up its profiles). */
  const namesOf = (exact: (string | undefined)[], base: string | undefined) => {
    const out = [...exact, base];
    for (const n of exact) if (n !== undefined) out.push(...(aliasesOf.get(n) ?? []));
    return out;
  };

  const peekHeaders = async (principal: Principal | undefined) => {
    const p = principal?.policy;
    if (!principal || !limited(p)) return {};
    const d = await limiter.peek(principal.keyId, limitsOf(p));
    return d ? rateLimitHeaders(limitsOf(p), d) : {};
  };

  return {
    async admit(c: AdmissionHost, req: AdmissionRequest) {
      const principal = c.get("principal");
      const policy = principal?.policy;
      if (!principal || !policy) return;
      const m = req.model;
      if (!policy.allowsModel(namesOf([m.requested, m.entry?.id, m.entry?.name, m.bedrockId], m.baseModelId))) {
        throw errors.modelNotAllowed(m.requested);
      }

      if (policy.budget && spend) {
        const t = now();
        const used = await spend.spent(principal.keyId, policy.budget.period, t);
        if (used >= policy.budget.usd) {
          const { end } = budgetWindow(policy.budget.period, t);
          const headers = await peekHeaders(principal);
          for (const [k, v] of Object.entries(headers)) c.header(k, v);
          throw errors.budgetExceeded(policy.budget.usd, policy.budget.period, end, (end - t) / 1000, headers);
        }
      }

      if (!limited(policy)) return;
      const limits = limitsOf(policy);
      const input = Math.max(0, Math.ceil(req.estimatedInputTokens));
      if (limits.tpm && input > limits.tpm) {
        throw errors.requestTooLargeForLimit(input, limits.tpm, await peekHeaders(principal));
      }
      // Reserve the prompt and the output cap, but never more than a full bucket: a request larger
      // than the TPM still runs once the bucket is full, then leaves the key in debt.
      const reserve = limits.tpm ? Math.min(limits.tpm, input + Math.max(0, req.maxOutputTokens ?? 0)) : 0;
      const d = await limiter.take(principal.keyId, limits, reserve);
      if (!d) return; // limiter down, failing open
      const headers = rateLimitHeaders(limits, d);
      for (const [k, v] of Object.entries(headers)) c.header(k, v);
      if (!d.allowed) {
        const what = d.limitedBy ?? "requests";
        throw errors.rateLimited(what, (what === "requests" ? limits.rpm : limits.tpm) ?? 0, d.retryAfterMs / 1000, headers);
      }
      c.set("admission", { keyId: principal.keyId, limits, reservedTokens: reserve });
    },

    modelFilter(c) {
      const policy = c.get("principal")?.policy;
      if (!policy || policy.models === null) return () => true;
      return (m: CatalogModel) => policy.allowsModel(namesOf([m.id, m.name, m.bedrockId], m.baseModelId));
    },

    headers: (c) => peekHeaders(c.get("principal")),

    reconcile(ticket, usage) {
      if (!ticket.limits.tpm) return;
      const used = usage ? usage.inputTokens + usage.outputTokens + usage.cacheReadTokens + usage.cacheWriteTokens : 0;
      const delta = used - ticket.reservedTokens;
      if (delta !== 0) limiter.adjust(ticket.keyId, ticket.limits, delta);
    },
  };
}
