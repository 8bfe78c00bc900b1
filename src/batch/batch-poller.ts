// The background side of batches: follows every active batch's Bedrock jobs, runs small groups on
// demand, and turns finished jobs into output and error files with usage. State lives in the
// store, so a restart picks up where the last process stopped; a lease row makes one replica at a
// time the poller (the others only serve the API), and a replica that dies loses the lease after
// its TTL.
import { randomUUID } from "node:crypto";
import type { BatchDeps } from "./batch-deps.ts";
import { parseBatchLines, yieldToEventLoop } from "./batch-lines.ts";
import { planLine, resolveLineModel } from "./batch-planner.ts";
import type { PlanContext } from "./batch-planner.ts";
import { newId, objectKeys, updateBatch } from "./batch-service.ts";
import type { BatchService } from "./batch-service.ts";
import type { BatchJob, BatchStatus, StoredBatch, StoredFile } from "./batch-store.ts";
import { runOnDemand } from "./on-demand-runner.ts";
import { lineResult } from "./record-mappers.ts";
import type { LinePlan, LineResult, OutputRecord } from "./record-mappers.ts";
import type { ObjectStore } from "./object-store.ts";
import type { ResolvedModel } from "../models/resolve-model.ts";

const LEASE = "batch-poller";
/** Bedrock job statuses after which nothing changes any more (on-demand runs use Completed / Stopped). */
const TERMINAL = new Set(["Completed", "PartiallyCompleted", "Failed", "Stopped", "Expired"]);
const RUNNING = new Set(["InProgress", "Running", "Completed", "PartiallyCompleted"]);
const PER_TICK = 100;
const SUBMIT_GRACE_MS = 10 * 60_000;
/** Longest a retrieve waits for a poll it triggered. */
const REFRESH_WAIT_MS = 2000;

export interface BatchPoller {
  start(): void;
  /** Stops polling and in-flight on-demand runs (they start over on the next poller) and releases the lease. */
  stop(): Promise<void>;
  /** One pass over the active batches (when this process holds the lease). */
  tick(): Promise<void>;
}

export function createBatchPoller(deps: BatchDeps, service: BatchService): BatchPoller {
  const holder = randomUUID();
  const now = deps.now ?? Date.now;
  const interval = deps.config.pollIntervalMs;
  const leaseTtl = Math.max(3 * interval, 10_000);
  const keys = objectKeys(deps.config.prefix);
  const runs = new Map<string, AbortController>();
  const shutdown = new AbortController();
  let timer: NodeJS.Timeout | undefined;
  let ticking: Promise<void> | undefined;
  let again = false;
  let stopped = false;

  const ctx = async (): Promise<PlanContext> => ({ snapshot: await deps.catalog.ready(3000), models: deps.models, chat: deps.chat });

  /** Every line's plan, per job, from the batch's own copy of its input file. */
  async function plansOf(b: StoredBatch, objects: ObjectStore): Promise<Map<number, LinePlan>> {
    const lines = await parseBatchLines((await objects.get(keys.batchInput(b.id))).toString("utf8"), Number.MAX_SAFE_INTEGER);
    const byLine = new Map(lines.map((l) => [l.line, l]));
    const c = await ctx();
    const out = new Map<number, LinePlan>();
    for (const job of b.jobs) {
      const fallback: ResolvedModel = { requested: job.model, bedrockId: job.bedrockModel, baseModelId: job.baseModel, entry: undefined };
      for (const [i, n] of job.lines.entries()) {
        if (i > 0 && i % 500 === 0) await yieldToEventLoop();
        const l = byLine.get(n)!;
        let model = fallback;
        try {
          const r = resolveLineModel(l, b.endpoint, c);
          if (r.bedrockId === job.bedrockModel) model = r;
        } catch {
          /* the catalog changed since creation: map with what the job was created with */
        }
        out.set(n, planLine(l, b.endpoint, model, c));
      }
    }
    return out;
  }

  async function readOutputs(b: StoredBatch, objects: ObjectStore): Promise<Map<string, OutputRecord>> {
    const out = new Map<string, OutputRecord>();
    const add = (text: string) => {
      for (const row of text.split("\n")) {
        if (!row.trim()) continue;
        try {
          const r = JSON.parse(row) as OutputRecord;
          if (r.recordId) out.set(r.recordId, r);
        } catch {
          /* a malformed output line leaves its record without a result (reported per line) */
        }
      }
    };
    for (let i = 0; i < b.jobs.length; i++) {
      const job = b.jobs[i]!;
      if (job.mode === "job" && job.outputUri) {
        const prefix = job.outputUri.slice(`s3://${objects.bucket}/`.length);
        for (const key of await objects.list(prefix)) if (key.endsWith(".jsonl.out")) add((await objects.get(key)).toString("utf8"));
      } else if (job.mode === "on_demand" && (job.status === "Completed" || job.status === "Stopped") && job.processed > 0) {
        add((await objects.get(keys.onDemandOutput(b.id, i))).toString("utf8"));
      }
    }
    return out;
  }

  function recordUsage(b: StoredBatch, job: BatchJob, line: number, r: LineResult, at: number) {
    const tokens = {
      inputTokens: r.inputTokens,
      outputTokens: r.outputTokens,
      cacheReadTokens: r.cacheReadTokens,
      cacheWriteTokens: r.cacheWriteTokens,
    };
    const cost =
      job.mode === "job"
        ? deps.pricing.batchCost(job.baseModel, tokens)
        : deps.pricing.cost(job.baseModel, job.bedrockModel, deps.region, tokens);
    deps.recordUsage({
      ts: at,
      requestId: `${b.id}:${line}`,
      keyId: b.keyId,
      endpoint: `batch${b.endpoint.replace(/^\/v1\//, ".").replace("/", ".")}`,
      model: job.model,
      bedrockModel: job.bedrockModel,
      baseModel: job.baseModel,
      ...tokens,
      latencyMs: 0,
      ttftMs: null,
      status: r.statusCode,
      stream: false,
      aborted: false,
      errorType: r.ok ? null : "batch_line_failed",
      costUsd: r.ok ? cost : 0,
      abortReason: null,
      usageEstimated: false,
      region: deps.region,
    });
  }

  /** Output and error files from every job's results; then the final status. */
  async function finalize(b: StoredBatch, final: BatchStatus): Promise<void> {
    const objects = deps.objects!;
    if (b.status !== "finalizing") {
      b = await updateBatch(deps, b, (x) => {
        if (x.status === "finalizing") return false;
        if (final !== "cancelled") {
          x.status = "finalizing";
          x.finalizingAt = now();
        }
      });
    }
    const plans = await plansOf(b, objects);
    const outputs = await readOutputs(b, objects);
    const created = Math.floor(now() / 1000);
    const ok: string[] = [];
    const failed: string[] = [];
    const usage: [BatchJob, number, LineResult][] = [];
    const lineOrder = [...plans.keys()].sort((x, y) => x - y);
    const jobOf = new Map<number, BatchJob>();
    for (const job of b.jobs) for (const n of job.lines) jobOf.set(n, job);
    for (const [i, n] of lineOrder.entries()) {
      if (i > 0 && i % 500 === 0) await yieldToEventLoop();
      const plan = plans.get(n)!;
      const job = jobOf.get(n)!;
      const id = `batch_req_${randomUUID().replaceAll("-", "")}`;
      const notRun = final === "cancelled" && plan.records.every((r) => !outputs.has(r.recordId));
      const r: LineResult = notRun
        ? {
            statusCode: 499,
            ok: false,
            body: {
              error: {
                message: "The batch was cancelled before this request ran.",
                type: "invalid_request_error",
                param: null,
                code: "batch_cancelled",
              },
            },
            inputTokens: 0,
            outputTokens: 0,
            cacheReadTokens: 0,
            cacheWriteTokens: 0,
          }
        : lineResult(plan, outputs, plan.kind === "chat" ? `chatcmpl-${randomUUID().replaceAll("-", "")}` : id, created);
      const row = JSON.stringify({
        id,
        custom_id: plan.customId,
        response: { status_code: r.statusCode, request_id: `${b.id}:${n}`, body: r.body },
        error: null,
      });
      (r.ok ? ok : failed).push(row);
      if (!notRun) usage.push([job, n, r]);
    }
    const fileOf = async (rows: string[], name: string): Promise<string | null> => {
      if (rows.length === 0) return null;
      const content = Buffer.from(rows.join("\n") + "\n");
      const f: StoredFile = {
        id: newId("file-"),
        keyId: b.keyId,
        purpose: "batch_output",
        filename: `${b.id}_${name}.jsonl`,
        bytes: content.length,
        createdAt: now(),
        objectKey: "",
        lines: rows.length,
      };
      f.objectKey = keys.file(f.id);
      await objects.put(f.objectKey, content);
      await deps.store.insertFile(f);
      return f.id;
    };
    const outputFileId = await fileOf(ok, "output");
    const errorFileId = await fileOf(failed, "error");
    const t = now();
    await updateBatch(deps, b, (x) => {
      x.status = final;
      x.outputFileId = outputFileId;
      x.errorFileId = errorFileId;
      x.requestCounts = { total: lineOrder.length, completed: ok.length, failed: failed.length };
      if (final === "completed") x.completedAt = t;
      if (final === "cancelled") x.cancelledAt = t;
      if (final === "expired") x.expiredAt = t;
    });
    for (const [job, n, r] of usage) recordUsage(b, job, n, r, t);
    deps.logger.info({ batchId: b.id, status: final, completed: ok.length, failed: failed.length }, "batch finished");
  }

  function startOnDemand(b: StoredBatch, index: number) {
    const runKey = `${b.id}/${index}`;
    if (runs.has(runKey)) return;
    const ac = new AbortController();
    runs.set(runKey, ac);
    void (async () => {
      const objects = deps.objects!;
      b = await updateBatch(deps, b, (x) => {
        if (x.jobs[index]!.status === "Running" && x.inProgressAt) return false;
        x.jobs[index]!.status = "Running";
        if (x.status === "validating") {
          x.status = "in_progress";
          x.inProgressAt = now();
        }
      });
      const plans = await plansOf(b, objects);
      const job = b.jobs[index]!;
      const records = job.lines.flatMap((n) => plans.get(n)!.records);
      const outcome = await runOnDemand(deps, b, job, records, b.endpoint === "/v1/embeddings", ac.signal, shutdown.signal);
      await objects.put(keys.onDemandOutput(b.id, index), outcome.outputs.map((o) => JSON.stringify(o)).join("\n") + "\n");
      const succeeded = outcome.outputs.filter((o) => !o.error).length;
      await updateBatch(deps, b, (x) => {
        Object.assign(x.jobs[index]!, {
          status: outcome.cancelled ? "Stopped" : "Completed",
          processed: outcome.outputs.length,
          succeeded,
          failed: outcome.outputs.length - succeeded,
        });
      });
      wake();
    })()
      .catch((err: unknown) => {
        if (!shutdown.signal.aborted)
          deps.logger.error({ batchId: b.id, err }, "on-demand batch run failed; it starts over on the next poll");
      })
      .finally(() => runs.delete(runKey));
  }

  async function advance(b: StoredBatch): Promise<void> {
    if (b.status === "finalizing") return finalize(b, b.cancellingAt ? "cancelled" : "completed");
    const cancelling = b.status === "cancelling";
    const updates = new Map<number, Partial<BatchJob>>();
    for (let i = 0; i < b.jobs.length; i++) {
      const job = b.jobs[i]!;
      if (TERMINAL.has(job.status)) continue;
      if (job.mode === "job") {
        if (!job.jobArn) {
          // Being submitted by the request that created the batch; only a submission that never
          // finished (its process died) ends here.
          if (now() - b.createdAt < SUBMIT_GRACE_MS) continue;
          updates.set(i, { status: "Failed", message: "the job was never submitted (the gateway stopped while creating the batch)" });
          continue;
        }
        if (cancelling && job.status !== "Stopping") {
          await deps.jobs.stop(job.jobArn).catch((err: unknown) => deps.logger.warn({ batchId: b.id, err }, "could not stop a batch job"));
        }
        const d = await deps.jobs.get(job.jobArn);
        updates.set(i, {
          status: d.status ?? job.status,
          ...(d.message ? { message: d.message } : {}),
          processed: d.processedRecordCount ?? job.processed,
          succeeded: d.successRecordCount ?? job.succeeded,
          failed: d.errorRecordCount ?? job.failed,
        });
      } else if (cancelling && runs.has(`${b.id}/${i}`)) {
        // Running here: stop it now (it may be waiting for the key's rate limit); it writes what it has.
        runs.get(`${b.id}/${i}`)!.abort(new Error("batch cancelled"));
      } else if (cancelling) {
        // Never started, or its process is gone: nothing of it ran that is not already written.
        if (job.status === "Pending" || job.status === "Running") updates.set(i, { status: "Stopped", processed: 0 });
      } else if (!cancelling) {
        startOnDemand(b, i);
      }
    }
    const t = now();
    b = await updateBatch(deps, b, (x) => {
      for (const [i, u] of updates) Object.assign(x.jobs[i]!, u);
      if (x.status !== "validating" && x.status !== "in_progress" && x.status !== "cancelling") return;
      if (x.status !== "cancelling" && x.jobs.some((j) => RUNNING.has(j.status)) && x.status === "validating") {
        x.status = "in_progress";
        x.inProgressAt = t;
      }
      x.requestCounts = {
        total: x.requestCounts.total,
        completed: x.jobs.reduce((n, j) => n + (j.mode === "job" ? Math.min(j.succeeded, j.lines.length) : 0), 0),
        failed: x.jobs.reduce((n, j) => n + (j.mode === "job" ? Math.min(j.failed, j.lines.length) : 0), 0),
      };
    });
    if (!b.jobs.every((j) => TERMINAL.has(j.status))) return;
    if (b.status === "cancelling") return finalize(b, "cancelled");
    if (b.status !== "validating" && b.status !== "in_progress") return;
    if (b.jobs.every((j) => j.status === "Failed")) {
      await updateBatch(deps, b, (x) => {
        x.status = "failed";
        x.failedAt = now();
        x.errors = x.jobs.map((j) => ({
          code: "batch_job_failed",
          message: `Bedrock batch job for ${j.model} failed: ${j.message ?? "no message"}`,
        }));
      });
      return;
    }
    const failedJobs = b.jobs.filter((j) => j.status === "Failed");
    if (failedJobs.length) {
      b = await updateBatch(deps, b, (x) => {
        x.errors = failedJobs.map((j) => ({
          code: "batch_job_failed",
          message: `Bedrock batch job for ${j.model} failed: ${j.message ?? "no message"}`,
        }));
      });
    }
    return finalize(b, b.jobs.some((j) => j.status === "Expired") ? "expired" : "completed");
  }

  let lastTick = 0;
  async function tickOnce(): Promise<void> {
    if (!deps.objects) return;
    lastTick = now();
    if (!(await deps.store.acquireLease(LEASE, holder, leaseTtl, now()))) return;
    for (const b of await deps.store.activeBatches(PER_TICK)) {
      if (stopped) return;
      try {
        await advance(b);
      } catch (err) {
        deps.logger.error({ batchId: b.id, err }, "batch poll failed; retried on the next poll");
      }
    }
  }

  const tick = (): Promise<void> => {
    if (ticking) {
      again = true;
      return ticking;
    }
    ticking = tickOnce().finally(() => {
      ticking = undefined;
      if (again && !stopped) {
        again = false;
        void tick();
      }
    });
    return ticking;
  };

  function wake() {
    if (!stopped) setImmediate(() => void tick().catch(() => {}));
  }
  service.onChange = wake;
  service.refresh = async () => {
    if (stopped || !deps.objects || now() - lastTick < interval) return;
    let timeout: NodeJS.Timeout | undefined;
    await Promise.race([tick().catch(() => {}), new Promise<void>((r) => (timeout = setTimeout(r, REFRESH_WAIT_MS)))]);
    clearTimeout(timeout);
  };

  return {
    start() {
      if (!deps.objects || timer) return;
      timer = setInterval(() => void tick().catch((err: unknown) => deps.logger.error({ err }, "batch poll failed")), interval);
      timer.unref();
      wake();
    },
    async stop() {
      stopped = true;
      if (timer) clearInterval(timer);
      shutdown.abort(new Error("gateway shutting down"));
      await ticking?.catch(() => {});
      await deps.store.releaseLease(LEASE, holder).catch(() => {});
    },
    tick,
  };
}
