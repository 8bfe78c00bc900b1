// Runs a model's share of a batch that is below Bedrock's minimum job size through the on-demand
// path: the same Converse / InvokeModel calls as the real-time endpoints, at low priority (a few
// calls in flight), within the key's RPM/TPM (it waits for the bucket instead of failing) and
// budget. Results are written in Bedrock's output-record shape, so one finaliser serves both paths.
import type { BatchDeps } from "./batch-deps.ts";
import type { BatchJob, StoredBatch } from "./batch-store.ts";
import type { InputRecord, OutputRecord } from "./record-mappers.ts";
import { BedrockError } from "../bedrock/bedrock-error.ts";
import type { ConverseRequest, ConverseResponse } from "../bedrock/converse-types.ts";
import { GatewayError } from "../errors/gateway-error.ts";
import { policyOf } from "../keys/key-policy.ts";
import type { KeyPolicy } from "../keys/key-policy.ts";
import { mapWithConcurrency } from "../util/map-with-concurrency.ts";

export class BatchCancelled extends Error {
  override name = "BatchCancelled";
}

const sleep = (ms: number, signal: AbortSignal) =>
  new Promise<void>((resolve, reject) => {
    if (signal.aborted) return reject(signal.reason as Error);
    const t = setTimeout(() => {
      signal.removeEventListener("abort", onAbort);
      resolve();
    }, ms);
    const onAbort = () => {
      clearTimeout(t);
      reject(signal.reason as Error);
    };
    signal.addEventListener("abort", onAbort, { once: true });
  });

export interface OnDemandOutcome {
  outputs: OutputRecord[];
  cancelled: boolean;
}

/**
 * Calls Bedrock for every record. Stops early (cancelled: true) when the batch is being cancelled
 * (seen in the store between records, or `cancel` aborting); rejects when `shutdown` aborts (the
 * run starts over on the next poller).
 */
export async function runOnDemand(
  deps: BatchDeps,
  batch: StoredBatch,
  job: BatchJob,
  records: InputRecord[],
  embedding: boolean,
  cancel: AbortSignal,
  shutdown: AbortSignal,
): Promise<OnDemandOutcome> {
  const key = await deps.getKey(batch.keyId).catch(() => undefined);
  const policy: KeyPolicy | undefined = key ? policyOf(key) : undefined;
  const limits = policy && (policy.rpm || policy.tpm) ? { rpm: policy.rpm, tpm: policy.tpm } : undefined;
  const now = deps.now ?? Date.now;
  let cancelled = false;

  const stillWanted = async () => {
    const current = await deps.store.getBatch(batch.id);
    if (!current || current.status === "cancelling" || current.status === "cancelled") cancelled = true;
    return !cancelled;
  };

  const one = async (rec: InputRecord, _i: number, callSignal: AbortSignal): Promise<OutputRecord | undefined> => {
    if (cancelled || !(await stillWanted())) return undefined;
    if (policy?.budget && deps.spend && (await deps.spend.spent(batch.keyId, policy.budget.period, now())) >= policy.budget.usd) {
      return {
        recordId: rec.recordId,
        error: { errorCode: 429, errorMessage: `The API key's budget (${policy.budget.usd} USD per ${policy.budget.period}) is spent.` },
      };
    }
    const input = JSON.stringify(rec.modelInput).length / 4;
    const reserve = limits?.tpm ? Math.min(limits.tpm, Math.ceil(input)) : 0;
    if (limits) {
      for (;;) {
        const d = await deps.limiter.take(batch.keyId, limits, reserve);
        if (!d || d.allowed) break;
        await sleep(Math.max(50, d.retryAfterMs), callSignal);
      }
    }
    let used = 0;
    try {
      if (embedding) {
        const res = await deps.runtime.invokeModel(job.bedrockModel, rec.modelInput, { signal: callSignal });
        used = res.inputTokens ?? 0;
        return {
          recordId: rec.recordId,
          modelOutput: res.body,
          ...(res.inputTokens === undefined ? {} : { inputTokens: res.inputTokens }),
        };
      }
      const res: ConverseResponse = await deps.runtime.converse(job.bedrockModel, rec.modelInput as ConverseRequest, {
        signal: callSignal,
      });
      used = (res.usage?.inputTokens ?? 0) + (res.usage?.outputTokens ?? 0);
      return { recordId: rec.recordId, modelOutput: res };
    } catch (err) {
      if (callSignal.aborted) throw err;
      const status = err instanceof BedrockError || err instanceof GatewayError ? err.status : 500;
      return { recordId: rec.recordId, error: { errorCode: status, errorMessage: (err as Error).message } };
    } finally {
      if (limits?.tpm && used !== reserve) deps.limiter.adjust(batch.keyId, limits, used - reserve);
    }
  };

  const done: OutputRecord[] = [];
  const signal = AbortSignal.any([cancel, shutdown]);
  try {
    await mapWithConcurrency(
      records,
      deps.config.smallConcurrency,
      async (rec, i, s) => {
        const out = await one(rec, i, s);
        if (out) done.push(out);
      },
      signal,
    );
  } catch (err) {
    if (shutdown.aborted || !cancel.aborted) throw err;
    cancelled = true;
  }
  return { outputs: done, cancelled };
}
