// Bedrock's batch inference control plane as the gateway uses it: CreateModelInvocationJob (input
// validated against the Smithy model, idempotent on clientRequestToken, records read from the
// double's S3, Bedrock's minimum record count enforced), GetModelInvocationJob,
// ListModelInvocationJobs, StopModelInvocationJob. A job moves Submitted → InProgress → Completed
// on a scriptable delay, answering every record as the runtime double would and writing the
// output records and manifest under <output uri>/<job id>/, or fails with a scripted message.
import { randomBytes } from "node:crypto";
import { FAKE_ACCOUNT } from "./fake-models.ts";
import type { FakeS3 } from "./fake-s3.ts";

export interface RecordAnswer {
  modelOutput?: unknown;
  error?: { errorCode: number; errorMessage: string };
  inputTokens?: number;
  outputTokens?: number;
}

export interface FakeJob {
  jobArn: string;
  jobId: string;
  jobName: string;
  modelId: string;
  roleArn: string;
  clientRequestToken?: string;
  status: string;
  message?: string;
  submitTime: string;
  lastModifiedTime: string;
  endTime?: string;
  inputDataConfig: { s3InputDataConfig: { s3Uri: string; s3InputFormat?: string } };
  outputDataConfig: { s3OutputDataConfig: { s3Uri: string } };
  modelInvocationType: "InvokeModel" | "Converse";
  timeoutDurationInHours?: number;
  totalRecordCount?: number;
  processedRecordCount?: number;
  successRecordCount?: number;
  errorRecordCount?: number;
}

export interface BatchScript {
  /** Time from submission to the job's end (half of it Submitted, half InProgress). */
  delayMs: number;
  /** Make the next jobs fail with this message (validation of the input, say). */
  failWith?: string;
  /** Bedrock's "Minimum number of records per batch inference job" quota. */
  minRecords: number;
}

type Answer = (modelId: string, type: "InvokeModel" | "Converse", modelInput: unknown) => Promise<RecordAnswer>;
export type JobResult = { status: number; body?: unknown; error?: { type: string; message: string } };

/** A job as Get/List describe it (without the double's own bookkeeping). */
function describe(job: FakeJob): Omit<FakeJob, "jobId"> {
  const { jobId: _, ...rest } = job;
  return rest;
}

const S3_URI = /^s3:\/\/([^/]+)\/?(.*)$/;
const iso = (ms = Date.now()) => new Date(ms).toISOString();

export class FakeBatchJobs {
  readonly jobs = new Map<string, FakeJob>();
  readonly script: BatchScript = { delayMs: 300, minRecords: 100 };
  private timers = new Set<NodeJS.Timeout>();

  private readonly s3: FakeS3;
  private readonly region: string;
  private readonly answer: Answer;
  private readonly knownModel: (id: string) => string | undefined;

  constructor(s3: FakeS3, region: string, answer: Answer, knownModel: (id: string) => string | undefined) {
    this.s3 = s3;
    this.region = region;
    this.answer = answer;
    this.knownModel = knownModel;
  }

  close(): void {
    for (const t of this.timers) clearTimeout(t);
  }

  private later(ms: number, f: () => void | Promise<void>): void {
    const t = setTimeout(() => {
      this.timers.delete(t);
      void f();
    }, ms);
    this.timers.add(t);
  }

  private find(id: string): FakeJob | undefined {
    const jobId = id.split("/").pop()!;
    return this.jobs.get(jobId);
  }

  private inputKeys(uri: string): { bucket: string; keys: string[] } | string {
    const m = S3_URI.exec(uri);
    if (!m) return `Invalid S3 URI ${uri}`;
    const [, bucket, path] = m;
    if (!this.s3.buckets.has(bucket!)) return `The S3 bucket ${bucket} does not exist or the role cannot access it.`;
    const keys = path!.endsWith(".jsonl")
      ? this.s3.object(bucket!, path!)
        ? [path!]
        : []
      : this.s3.keys(bucket!, path).filter((k) => k.endsWith(".jsonl"));
    if (keys.length === 0) return `No .jsonl input file found at ${uri}.`;
    return { bucket: bucket!, keys };
  }

  create(body: Record<string, any>): JobResult {
    const existing = [...this.jobs.values()].find((j) => body.clientRequestToken && j.clientRequestToken === body.clientRequestToken);
    if (existing) return { status: 200, body: { jobArn: existing.jobArn } };
    const problem = this.knownModel(body.modelId);
    if (problem) return { status: 400, error: { type: "ValidationException", message: problem } };
    const input = this.inputKeys(body.inputDataConfig?.s3InputDataConfig?.s3Uri ?? "");
    if (typeof input === "string") return { status: 400, error: { type: "ValidationException", message: input } };
    if (!S3_URI.test(body.outputDataConfig?.s3OutputDataConfig?.s3Uri ?? ""))
      return { status: 400, error: { type: "ValidationException", message: "Invalid output S3 URI" } };
    let records = 0;
    for (const k of input.keys)
      records += this.s3
        .object(input.bucket, k)!
        .toString("utf8")
        .split("\n")
        .filter((l) => l.trim()).length;
    if (records < this.script.minRecords) {
      return {
        status: 400,
        error: {
          type: "ValidationException",
          message: `Batch job contains ${records} records, less than the minimum of ${this.script.minRecords} records per batch inference job.`,
        },
      };
    }
    const jobId = randomBytes(6).toString("hex");
    const now = iso();
    const job: FakeJob = {
      jobArn: `arn:aws:bedrock:${this.region}:${FAKE_ACCOUNT}:model-invocation-job/${jobId}`,
      jobId,
      jobName: body.jobName,
      modelId: body.modelId,
      roleArn: body.roleArn,
      ...(body.clientRequestToken ? { clientRequestToken: body.clientRequestToken } : {}),
      status: "Submitted",
      submitTime: now,
      lastModifiedTime: now,
      inputDataConfig: body.inputDataConfig,
      outputDataConfig: body.outputDataConfig,
      modelInvocationType: body.modelInvocationType ?? "InvokeModel",
      ...(body.timeoutDurationInHours ? { timeoutDurationInHours: body.timeoutDurationInHours } : {}),
      totalRecordCount: records,
    };
    this.jobs.set(jobId, job);
    const failWith = this.script.failWith;
    const delay = this.script.delayMs;
    this.later(delay / 2, () => {
      if (job.status !== "Submitted") return;
      if (failWith) return this.finish(job, "Failed", failWith);
      job.status = "InProgress";
      job.processedRecordCount = 0;
      job.lastModifiedTime = iso();
    });
    this.later(delay, () => (job.status === "InProgress" ? this.run(job) : undefined));
    return { status: 200, body: { jobArn: job.jobArn } };
  }

  private finish(job: FakeJob, status: string, message?: string): void {
    job.status = status;
    if (message) job.message = message;
    job.lastModifiedTime = job.endTime = iso();
  }

  /** Answer every record and write Bedrock's output files. */
  private async run(job: FakeJob): Promise<void> {
    const input = this.inputKeys(job.inputDataConfig.s3InputDataConfig.s3Uri);
    if (typeof input === "string") return this.finish(job, "Failed", input);
    const out = S3_URI.exec(job.outputDataConfig.s3OutputDataConfig.s3Uri)!;
    const outPrefix = `${out[2]!.replace(/\/?$/, "/")}${job.jobId}/`;
    let ok = 0;
    let failed = 0;
    let inTokens = 0;
    let outTokens = 0;
    for (const key of input.keys) {
      const lines: string[] = [];
      for (const row of this.s3.object(input.bucket, key)!.toString("utf8").split("\n")) {
        if (!row.trim()) continue;
        if (job.status !== "InProgress") return; // stopped meanwhile
        let rec: { recordId?: string; modelInput?: unknown };
        try {
          rec = JSON.parse(row) as typeof rec;
        } catch {
          failed++;
          lines.push(JSON.stringify({ error: { errorCode: 400, errorMessage: "Malformed JSON input record" } }));
          continue;
        }
        const recordId = rec.recordId ?? randomBytes(6).toString("hex").toUpperCase();
        const a = await this.answer(job.modelId, job.modelInvocationType, rec.modelInput);
        if (a.error) failed++;
        else ok++;
        inTokens += a.inputTokens ?? 0;
        outTokens += a.outputTokens ?? 0;
        lines.push(
          JSON.stringify({ recordId, modelInput: rec.modelInput, ...(a.error ? { error: a.error } : { modelOutput: a.modelOutput }) }),
        );
        job.processedRecordCount = ok + failed;
      }
      this.s3.putObject(out[1]!, `${outPrefix}${key.split("/").pop()}.out`, lines.join("\n") + "\n");
    }
    this.s3.putObject(
      out[1]!,
      `${outPrefix}manifest.json.out`,
      JSON.stringify({
        totalRecordCount: ok + failed,
        processedRecordCount: ok + failed,
        successRecordCount: ok,
        errorRecordCount: failed,
        inputTokenCount: inTokens,
        outputTokenCount: outTokens,
      }),
    );
    job.successRecordCount = ok;
    job.errorRecordCount = failed;
    this.finish(job, "Completed");
  }

  get(id: string): JobResult {
    const job = this.find(id);
    if (!job) return { status: 404, error: { type: "ResourceNotFoundException", message: `Could not find a job with identifier ${id}` } };
    return { status: 200, body: describe(job) };
  }

  list(query: Record<string, string>): JobResult {
    const all = [...this.jobs.values()].filter((j) => !query.statusEquals || j.status === query.statusEquals);
    return { status: 200, body: { invocationJobSummaries: all.map(describe) } };
  }

  stop(id: string): JobResult {
    const job = this.find(id);
    if (!job) return { status: 404, error: { type: "ResourceNotFoundException", message: `Could not find a job with identifier ${id}` } };
    if (!["Submitted", "Validating", "Scheduled", "InProgress"].includes(job.status)) {
      return { status: 400, error: { type: "ValidationException", message: `Job ${job.jobId} is ${job.status} and cannot be stopped.` } };
    }
    job.status = "Stopping";
    job.lastModifiedTime = iso();
    this.later(Math.min(100, this.script.delayMs / 4), () => this.finish(job, "Stopped"));
    return { status: 200, body: {} };
  }
}
