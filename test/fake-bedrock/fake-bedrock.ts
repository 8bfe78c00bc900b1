// A wire-accurate Bedrock test double (runtime + control plane, plus the Secrets Manager and SSM
// calls the gateway makes for its key). It speaks restJson1 with Bedrock's error headers, sends
// real event-stream frames, checks SigV4 or bearer auth, validates every request against the Smithy
// model and Bedrock's own rules, can be scripted per test, and records what it received.
import { randomUUID } from "node:crypto";
import { createServer } from "node:http";
import type { IncomingMessage, Server, ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { fileURLToPath } from "node:url";
import { checkConverseRules, RuleError } from "./converse-rules.ts";
import type { ConverseBody } from "./converse-rules.ts";
import { eventFrame, exceptionFrame } from "./event-stream-frames.ts";
import { defaultInvoke } from "./invoke/index.ts";
import type { InvokeOutcome } from "./invoke/index.ts";
import {
  FAKE_MODELS,
  applicationProfileSummaries,
  findInvokedModel,
  foundationModelSummaries,
  systemProfileSummaries,
} from "./fake-models.ts";
import type { FakeApplicationProfile, FakeModel } from "./fake-models.ts";
import { completeContent, defaultStopReason, estimateTokens, streamEvents, usageOf } from "./reply.ts";
import type { FakeContent, ReplyPlan } from "./reply.ts";
import { verifyRequest } from "./sigv4-verifier.ts";
import type { FakeCredentials } from "./sigv4-verifier.ts";
import { formatIssues, SmithyModel } from "./smithy-validator.ts";
import { FakeS3 } from "./fake-s3.ts";
import { FakeBatchJobs } from "./fake-batch-jobs.ts";
import type { JobResult, RecordAnswer } from "./fake-batch-jobs.ts";
import { FakeNativeEndpoints } from "./native-endpoints.ts";
import type { NativeHost } from "./native-endpoints.ts";

export type { ReplyPlan, FakeContent } from "./reply.ts";

const SPEC_DIR = fileURLToPath(new URL("../../spec/", import.meta.url));
let runtimeModel: SmithyModel | undefined;
let controlModel: SmithyModel | undefined;
export const bedrockRuntimeModel = () => (runtimeModel ??= new SmithyModel(`${SPEC_DIR}bedrock-runtime-2023-09-30.json`));
export const bedrockControlModel = () => (controlModel ??= new SmithyModel(`${SPEC_DIR}bedrock-2023-04-20.json`));
const RT = "com.amazonaws.bedrockruntime#";

export const TEST_CREDENTIALS: FakeCredentials = {
  accessKeyId: "AKIAFAKEBEDROCKTEST1",
  secretAccessKey: "fake/secret/key/for/the/bedrock/test/double",
};

export type Operation =
  | "Converse"
  | "ConverseStream"
  | "InvokeModel"
  | "CountTokens"
  | "ListFoundationModels"
  | "ListInferenceProfiles"
  | "GetInferenceProfile"
  | "GetSecretValue"
  | "GetParameter"
  | "CreateModelInvocationJob"
  | "GetModelInvocationJob"
  | "ListModelInvocationJobs"
  | "StopModelInvocationJob";

export interface RecordedRequest {
  operation: Operation;
  modelId?: string;
  body: any;
  headers: Record<string, string | string[] | undefined>;
  query: Record<string, string>;
  receivedAt: number;
  /** Set when the client closed the connection before the response was complete. */
  clientClosedAt?: number;
  /** The status the double answered with. */
  status?: number;
}

type Planner = ReplyPlan | ((req: RecordedRequest, model: FakeModel) => ReplyPlan);
/** Per-test InvokeModel behaviour; `defaultInvoke` (each family's native format) when none is set. */
type InvokeHandler = (modelId: string, body: any, model: FakeModel) => InvokeOutcome | Promise<InvokeOutcome>;

export interface FakeBedrockOptions {
  region?: string;
  credentials?: FakeCredentials;
  /** Accept this Bedrock API key (bearer token) too. */
  bearerToken?: string;
  /** Largest page ListInferenceProfiles returns, whatever maxResults asks (forces pagination). */
  profilePageSize?: number;
  /** Check every response the double sends against the Smithy output shapes. */
  validateResponses?: boolean;
  port?: number;
}

const DEFAULT_REPLY: ReplyPlan = { content: [{ text: "Hello from the Bedrock test double." }] };

export class FakeBedrock {
  readonly region: string;
  readonly requests: RecordedRequest[] = [];
  private queue: Planner[] = [];
  private defaultPlanner: Planner = DEFAULT_REPLY;
  private invokeHandler: InvokeHandler | undefined;
  private server!: Server;
  /** Mantle (bedrock-mantle.{region}.api.aws) listens on a port of its own: it is another host. */
  private mantleServer!: Server;
  /** The OpenAI-compatible endpoints: Mantle, and /openai/v1 on the runtime (see native-endpoints.ts). */
  readonly native: FakeNativeEndpoints;
  private controlPlaneFailures = 0;
  private readonly creds: FakeCredentials;
  private readonly opts: FakeBedrockOptions;
  readonly secrets = new Map<string, string>();
  readonly parameters = new Map<string, string>();
  readonly extraAppProfiles: FakeApplicationProfile[] = [];
  private sockets = new Set<import("node:net").Socket>();
  /** S3 (requests signed for `s3`, path style) and the batch inference job control plane. */
  readonly s3: FakeS3;
  readonly batch: FakeBatchJobs;

  constructor(opts: FakeBedrockOptions = {}) {
    this.opts = opts;
    this.region = opts.region ?? "us-east-1";
    this.creds = opts.credentials ?? TEST_CREDENTIALS;
    this.s3 = new FakeS3(this.creds);
    this.batch = new FakeBatchJobs(
      this.s3,
      this.region,
      (id, type, input) => this.answerRecord(id, type, input),
      (id) => {
        const found = findInvokedModel(id, this.region);
        return "error" in found ? found.error : undefined;
      },
    );
    this.native = new FakeNativeEndpoints(this.creds, opts.bearerToken);
  }

  /** Base URL of the double's Mantle endpoint (for AWS_ENDPOINT_URL_BEDROCK_MANTLE). */
  get mantleUrl(): string {
    const a = this.mantleServer.address() as AddressInfo;
    return `http://127.0.0.1:${a.port}`;
  }

  get url(): string {
    const a = this.server.address() as AddressInfo;
    return `http://127.0.0.1:${a.port}`;
  }

  async start(): Promise<this> {
    const listen = (host: NativeHost, port: number) => {
      const server = createServer((req, res) => {
        this.handle(req, res, host).catch((err: unknown) => {
          if (!res.headersSent) this.error(res, 500, "InternalServerException", `test double failure: ${(err as Error).message}`);
          else res.destroy();
        });
      });
      server.on("connection", (s) => {
        this.sockets.add(s);
        s.on("close", () => this.sockets.delete(s));
      });
      return new Promise<Server>((r) => server.listen(port, "127.0.0.1", () => r(server)));
    };
    this.server = await listen("runtime", this.opts.port ?? 0);
    this.mantleServer = await listen("mantle", 0);
    return this;
  }

  async close(): Promise<void> {
    this.batch.close();
    for (const s of this.sockets) s.destroy();
    await Promise.all([this.server, this.mantleServer].map((srv) => new Promise<void>((r) => srv.close(() => r()))));
  }

  /** Next Converse/ConverseStream calls answer with these, in order. */
  enqueue(...plans: Planner[]): this {
    this.queue.push(...plans);
    return this;
  }

  setDefault(plan: Planner): this {
    this.defaultPlanner = plan;
    return this;
  }

  onInvoke(handler: InvokeHandler | undefined): this {
    this.invokeHandler = handler;
    return this;
  }

  /** Make the next `n` control-plane calls fail with ServiceUnavailable (Infinity: until reset). */
  failControlPlane(n: number): this {
    this.controlPlaneFailures = n;
    return this;
  }

  reset(): void {
    this.requests.length = 0;
    this.queue = [];
    this.defaultPlanner = DEFAULT_REPLY;
    this.invokeHandler = undefined;
    this.controlPlaneFailures = 0;
    this.native.reset();
  }

  /** Requests of one operation (most recent last). */
  calls(op: Operation): RecordedRequest[] {
    return this.requests.filter((r) => r.operation === op);
  }

  lastCall(op: Operation = "Converse"): RecordedRequest | undefined {
    return this.calls(op).at(-1);
  }

  async waitFor(pred: (r: RecordedRequest) => boolean, timeoutMs = 5000): Promise<RecordedRequest> {
    const end = Date.now() + timeoutMs;
    for (;;) {
      const hit = this.requests.find(pred);
      if (hit) return hit;
      if (Date.now() > end) throw new Error("timed out waiting for a request at the test double");
      await new Promise((r) => setTimeout(r, 10));
    }
  }

  // ---------------------------------------------------------------------------------------------

  private async handle(req: IncomingMessage, res: ServerResponse, host: NativeHost): Promise<void> {
    const chunks: Buffer[] = [];
    for await (const c of req) chunks.push(c as Buffer);
    const raw = Buffer.concat(chunks);
    const bodyText = raw.toString("utf8");
    const rawUrl = req.url ?? "/";
    const qIndex = rawUrl.indexOf("?");
    const rawPath = qIndex < 0 ? rawUrl : rawUrl.slice(0, qIndex);
    const query = Object.fromEntries(new URLSearchParams(qIndex < 0 ? "" : rawUrl.slice(qIndex + 1)));
    if (FakeS3.claims(req)) return this.s3.handle(req, res, raw, rawPath, query);
    res.setHeader("x-amzn-requestid", randomUUID());
    if (FakeNativeEndpoints.handles(host, rawPath)) return this.native.handle(host, req, res, rawPath, query, bodyText);

    const target = req.headers["x-amz-target"];
    const op = typeof target === "string" ? this.awsJsonOperation(target) : this.restOperation(req.method ?? "GET", rawPath);
    const record: RecordedRequest = {
      operation: op?.operation ?? ("Unknown" as Operation),
      modelId: op?.modelId,
      body: undefined,
      headers: req.headers,
      query,
      receivedAt: Date.now(),
    };
    res.on("close", () => {
      if (!res.writableFinished) record.clientClosedAt = Date.now();
    });
    res.on("finish", () => (record.status = res.statusCode));
    if (!op) {
      return this.error(res, 404, "UnknownOperationException", `No operation for ${req.method} ${rawPath}`);
    }
    this.requests.push(record);

    const auth = await verifyRequest(
      { method: req.method!, path: rawPath, query, headers: req.headers, body: bodyText },
      this.creds,
      this.opts.bearerToken,
    );
    if (!auth.ok) return this.error(res, auth.status, auth.type, auth.message);

    if (bodyText !== "") {
      try {
        record.body = JSON.parse(bodyText);
      } catch {
        return this.error(res, 400, "SerializationException", "Could not parse the request body as JSON.");
      }
    }

    switch (op.operation) {
      case "ListFoundationModels":
      case "ListInferenceProfiles":
      case "GetInferenceProfile":
        return this.controlPlane(op.operation, op.modelId, query, res);
      case "GetSecretValue":
        return this.getSecret(record.body, res);
      case "GetParameter":
        return this.getParameter(record.body, res);
      case "Converse":
      case "ConverseStream":
        return this.converse(record, res, op.operation === "ConverseStream");
      case "CountTokens":
        return this.countTokens(record, res);
      case "InvokeModel":
        return this.invoke(record, res);
      case "CreateModelInvocationJob": {
        const issues = bedrockControlModel().validate("com.amazonaws.bedrock#CreateModelInvocationJobRequest", record.body ?? {});
        if (issues.length) return this.error(res, 400, "ValidationException", formatIssues(issues));
        return this.jobResult(res, this.batch.create(record.body), "com.amazonaws.bedrock#CreateModelInvocationJobResponse");
      }
      case "GetModelInvocationJob":
        return this.jobResult(res, this.batch.get(op.modelId!), "com.amazonaws.bedrock#GetModelInvocationJobResponse");
      case "ListModelInvocationJobs":
        return this.jobResult(res, this.batch.list(query), "com.amazonaws.bedrock#ListModelInvocationJobsResponse");
      case "StopModelInvocationJob":
        return this.jobResult(res, this.batch.stop(op.modelId!));
    }
  }

  private jobResult(res: ServerResponse, r: JobResult, shape?: string): void {
    if (r.error) return this.error(res, r.status, r.error.type, r.error.message);
    if (shape) return this.respond(res, shape, r.body, bedrockControlModel());
    this.json(res, r.status, r.body);
  }

  /** One batch record, answered as Converse or InvokeModel would answer it (scripts and rules included). */
  async answerRecord(modelId: string, type: "InvokeModel" | "Converse", modelInput: unknown): Promise<RecordAnswer> {
    const found = findInvokedModel(modelId, this.region);
    if ("error" in found) return { error: { errorCode: 400, errorMessage: found.error } };
    const model = found.model;
    const fail = (message: string, errorCode = 400): RecordAnswer => ({ error: { errorCode, errorMessage: message } });
    if (type === "InvokeModel") {
      const out = await (this.invokeHandler ?? defaultInvoke)(modelId, modelInput, model);
      if (out.error) return fail(out.error.message, out.error.status);
      return { modelOutput: out.body, inputTokens: Number(out.headers?.["x-amzn-bedrock-input-token-count"] ?? 0) };
    }
    const body = (modelInput ?? {}) as ConverseBody;
    const issues = bedrockRuntimeModel().validate(`${RT}ConverseRequest`, { ...(body as object), modelId });
    if (issues.length) return fail(formatIssues(issues));
    try {
      const problem = checkConverseRules(body, model, false);
      if (problem) return fail(problem);
    } catch (e) {
      if (e instanceof RuleError) return fail(e.message);
      throw e;
    }
    const record: RecordedRequest = { operation: "Converse", modelId, body, headers: {}, query: {}, receivedAt: Date.now() };
    const plan = this.nextPlan(record, model);
    if (plan.error) return fail(plan.error.message, plan.error.status ?? statusOf(plan.error.exception));
    const content = completeContent(plan.content ?? []);
    const usage = usageOf(plan, this.inputTokens(body), content);
    const output = {
      output: { message: { role: "assistant", content } },
      stopReason: plan.stopReason ?? defaultStopReason(content),
      usage,
      metrics: { latencyMs: 42 },
      ...plan.extra,
    };
    return { modelOutput: output, inputTokens: usage.inputTokens, outputTokens: usage.outputTokens };
  }

  private restOperation(method: string, rawPath: string): { operation: Operation; modelId?: string } | undefined {
    const m = /^\/model\/([^/]+)\/(converse|converse-stream|invoke|count-tokens)$/.exec(rawPath);
    if (m && method === "POST") {
      const operation = (
        { converse: "Converse", "converse-stream": "ConverseStream", invoke: "InvokeModel", "count-tokens": "CountTokens" } as const
      )[m[2] as "converse"];
      return { operation, modelId: decodeURIComponent(m[1]!) };
    }
    if (method === "GET" && rawPath === "/foundation-models") return { operation: "ListFoundationModels" };
    if (method === "GET" && rawPath === "/inference-profiles") return { operation: "ListInferenceProfiles" };
    const p = /^\/inference-profiles\/(.+)$/.exec(rawPath);
    if (method === "GET" && p) return { operation: "GetInferenceProfile", modelId: decodeURIComponent(p[1]!) };
    if (method === "POST" && rawPath === "/model-invocation-job") return { operation: "CreateModelInvocationJob" };
    if (method === "GET" && rawPath === "/model-invocation-jobs") return { operation: "ListModelInvocationJobs" };
    const job = /^\/model-invocation-job\/([^/]+)(\/stop)?$/.exec(rawPath);
    if (job && method === (job[2] ? "POST" : "GET"))
      return { operation: job[2] ? "StopModelInvocationJob" : "GetModelInvocationJob", modelId: decodeURIComponent(job[1]!) };
    return undefined;
  }

  private awsJsonOperation(target: string): { operation: Operation; modelId?: string } | undefined {
    if (target === "secretsmanager.GetSecretValue") return { operation: "GetSecretValue" };
    if (target === "AmazonSSM.GetParameter") return { operation: "GetParameter" };
    return undefined;
  }

  private json(res: ServerResponse, status: number, body: unknown, contentType = "application/json"): void {
    const text = JSON.stringify(body);
    res.writeHead(status, { "content-type": contentType, "content-length": Buffer.byteLength(text) });
    res.end(text);
  }

  /** restJson1 error: status, X-Amzn-Errortype, {"message"}. */
  private error(res: ServerResponse, status: number, type: string, message: string): void {
    const text = JSON.stringify({ message });
    res.writeHead(status, {
      "content-type": "application/json",
      "x-amzn-errortype": `${type}:http://internal.amazon.com/coral/com.amazon.bedrock/`,
      "content-length": Buffer.byteLength(text),
    });
    res.end(text);
  }

  /** awsJson1_1 error (Secrets Manager, SSM). */
  private jsonError(res: ServerResponse, type: string, message: string): void {
    this.json(res, 400, { __type: type, message }, "application/x-amz-json-1.1");
  }

  private controlPlane(op: Operation, id: string | undefined, query: Record<string, string>, res: ServerResponse): void {
    if (this.controlPlaneFailures > 0) {
      this.controlPlaneFailures--;
      return this.error(res, 503, "ServiceUnavailableException", "Service is temporarily unavailable.");
    }
    if (op === "ListFoundationModels") {
      return this.respond(
        res,
        "com.amazonaws.bedrock#ListFoundationModelsResponse",
        { modelSummaries: foundationModelSummaries(this.region) },
        bedrockControlModel(),
      );
    }
    const all = [...systemProfileSummaries(this.region), ...applicationProfileSummaries(this.region, this.extraAppProfiles)];
    if (op === "GetInferenceProfile") {
      const p = all.find((x) => x.inferenceProfileId === id || x.inferenceProfileArn === id);
      if (!p) return this.error(res, 404, "ResourceNotFoundException", "Inference profile not found.");
      return this.json(res, 200, p);
    }
    const max = Number(query.maxResults ?? "1000");
    if (!Number.isInteger(max) || max < 1 || max > 1000) {
      return this.error(
        res,
        400,
        "ValidationException",
        "1 validation error detected: Value at 'maxResults' failed to satisfy constraint: Member must have value less than or equal to 1000",
      );
    }
    const type = query.type;
    if (type !== undefined && type !== "SYSTEM_DEFINED" && type !== "APPLICATION") {
      return this.error(
        res,
        400,
        "ValidationException",
        "1 validation error detected: Value at 'typeEquals' failed to satisfy constraint: Member must satisfy enum value set: [SYSTEM_DEFINED, APPLICATION]",
      );
    }
    const filtered = type ? all.filter((p) => p.type === type) : all;
    const start = query.nextToken ? Number(Buffer.from(query.nextToken, "base64").toString("utf8").replace("offset:", "")) : 0;
    if (!Number.isInteger(start) || start < 0) return this.error(res, 400, "ValidationException", "Invalid pagination token.");
    const size = Math.min(max, this.opts.profilePageSize ?? 5);
    const page = filtered.slice(start, start + size);
    const next = start + size < filtered.length ? Buffer.from(`offset:${start + size}`).toString("base64") : undefined;
    this.respond(
      res,
      "com.amazonaws.bedrock#ListInferenceProfilesResponse",
      { inferenceProfileSummaries: page, ...(next ? { nextToken: next } : {}) },
      bedrockControlModel(),
    );
  }

  private respond(res: ServerResponse, shape: string, body: unknown, model: SmithyModel): void {
    if (this.opts.validateResponses !== false) {
      // Services enforce constraints on input only (real model names exceed BrandedName's 20
      // characters) and send enum values newer than the model (INFERENCE_PROFILE).
      const issues = model.validate(shape, body, { openEnums: true, constraints: false });
      if (issues.length) throw new Error(`double produced an invalid ${shape}: ${formatIssues(issues)}`);
    }
    this.json(res, 200, body);
  }

  private getSecret(body: { SecretId?: string } | undefined, res: ServerResponse): void {
    const id = body?.SecretId ?? "";
    const value = this.secrets.get(id);
    if (value === undefined) return this.jsonError(res, "ResourceNotFoundException", "Secrets Manager can't find the specified secret.");
    this.json(
      res,
      200,
      {
        ARN: id,
        Name: id.split(":").pop(),
        SecretString: value,
        VersionId: randomUUID(),
        VersionStages: ["AWSCURRENT"],
        CreatedDate: Date.now() / 1000,
      },
      "application/x-amz-json-1.1",
    );
  }

  private getParameter(body: { Name?: string; WithDecryption?: boolean } | undefined, res: ServerResponse): void {
    const name = body?.Name ?? "";
    const value = this.parameters.get(name);
    if (value === undefined) return this.jsonError(res, "ParameterNotFound", `Parameter ${name} not found.`);
    this.json(
      res,
      200,
      {
        Parameter: {
          Name: name,
          Type: "SecureString",
          Value: body?.WithDecryption ? value : "AQICAHencrypted==",
          Version: 1,
          ARN: `arn:aws:ssm:${this.region}:111122223333:parameter${name.startsWith("/") ? "" : "/"}${name}`,
          DataType: "text",
        },
      },
      "application/x-amz-json-1.1",
    );
  }

  private resolveModel(record: RecordedRequest, res: ServerResponse, anyFoundationModel = false): FakeModel | undefined {
    // CountTokens takes a foundation model id even for models served only through profiles.
    const base = anyFoundationModel ? FAKE_MODELS.find((m) => m.id === record.modelId) : undefined;
    if (base) return base;
    const found = findInvokedModel(record.modelId!, this.region);
    if ("error" in found) {
      this.error(res, found.type === "ResourceNotFoundException" ? 404 : 400, found.type, found.error);
      return undefined;
    }
    return found.model;
  }

  private inputTokens(body: ConverseBody): number {
    let text = "";
    for (const s of body.system ?? []) if (typeof s.text === "string") text += s.text;
    for (const m of body.messages ?? []) {
      for (const c of m.content) {
        if (typeof c.text === "string") text += c.text;
        else if (c.toolResult) text += JSON.stringify(c.toolResult.content);
        else if (c.toolUse) text += JSON.stringify(c.toolUse.input);
        else if (c.image) text += "x".repeat(1600 * 4);
      }
    }
    for (const t of body.toolConfig?.tools ?? []) if (t.toolSpec) text += JSON.stringify(t.toolSpec);
    return estimateTokens(text);
  }

  private validateConverse(record: RecordedRequest, res: ServerResponse, model: FakeModel, streaming: boolean): boolean {
    const issues = bedrockRuntimeModel().validate(`${RT}${streaming ? "ConverseStreamRequest" : "ConverseRequest"}`, record.body ?? {});
    if (issues.length) {
      this.error(res, 400, "ValidationException", formatIssues(issues));
      return false;
    }
    let problem: string | undefined;
    try {
      problem = checkConverseRules(record.body as ConverseBody, model, streaming);
    } catch (e) {
      if (!(e instanceof RuleError)) throw e;
      problem = e.message;
    }
    if (problem) {
      this.error(res, 400, "ValidationException", problem);
      return false;
    }
    return true;
  }

  private nextPlan(record: RecordedRequest, model: FakeModel): ReplyPlan {
    const p = this.queue.shift() ?? this.defaultPlanner;
    return typeof p === "function" ? p(record, model) : p;
  }

  private async converse(record: RecordedRequest, res: ServerResponse, streaming: boolean): Promise<void> {
    const model = this.resolveModel(record, res);
    if (!model) return;
    if (!this.validateConverse(record, res, model, streaming)) return;
    let plan = this.nextPlan(record, model);
    if (plan.error) return this.error(res, plan.error.status ?? statusOf(plan.error.exception), plan.error.exception, plan.error.message);

    const content = completeContent(plan.content ?? []);
    const usage = usageOf(plan, this.inputTokens(record.body as ConverseBody), content);
    // Bedrock echoes the service tier and performance configuration it used.
    const echo: Record<string, unknown> = {};
    if (record.body?.serviceTier) echo.serviceTier = record.body.serviceTier;
    if (record.body?.performanceConfig) echo.performanceConfig = record.body.performanceConfig;
    plan = { ...plan, extra: { ...echo, ...plan.extra } };
    if (!streaming) {
      if (plan.delayMs) await delay(plan.delayMs);
      if (res.destroyed) return;
      const body = {
        output: { message: { role: "assistant", content } },
        stopReason: plan.stopReason ?? defaultStopReason(content),
        usage,
        metrics: { latencyMs: 42 },
        ...plan.extra,
      };
      return this.respond(res, `${RT}ConverseResponse`, body, bedrockRuntimeModel());
    }

    const ctl = plan.stream ?? {};
    res.writeHead(200, { "content-type": "application/vnd.amazon.eventstream", "transfer-encoding": "chunked" });
    res.flushHeaders(); // Bedrock answers 200 as soon as the model accepts the call, before the first event.
    const events = streamEvents(plan, content, usage);
    let sent = 0;
    for (const [type, payload] of events) {
      if (res.destroyed) return;
      if (ctl.failAfter && sent === ctl.failAfter.events) {
        res.end(exceptionFrame(ctl.failAfter.exception, ctl.failAfter.message));
        return;
      }
      if (ctl.hangAfter !== undefined && sent === ctl.hangAfter) {
        await new Promise<void>((r) => res.on("close", r));
        return;
      }
      const wait = sent === 0 ? (ctl.firstEventDelayMs ?? ctl.delayMs) : ctl.delayMs;
      if (wait) await delay(wait);
      if (res.destroyed) return;
      if (this.opts.validateResponses !== false) {
        const issues = bedrockRuntimeModel().validate(
          `${RT}ConverseStreamOutput`,
          { [type]: payload },
          { constraints: false, ignoreMembers: ["p"] },
        );
        if (issues.length) throw new Error(`double produced an invalid ${type} event: ${formatIssues(issues)}`);
      }
      const frame = eventFrame(type, payload);
      if (ctl.cutAfter !== undefined && sent === ctl.cutAfter) {
        // Flush what was sent so far, then drop the connection in the middle of a frame.
        await new Promise<void>((r) => res.write(frame.subarray(0, Math.floor(frame.length / 2)), () => r()));
        res.socket?.destroy();
        return;
      }
      res.write(frame);
      sent++;
    }
    if (ctl.failAfter && sent === ctl.failAfter.events) res.write(exceptionFrame(ctl.failAfter.exception, ctl.failAfter.message));
    res.end();
  }

  private countTokens(record: RecordedRequest, res: ServerResponse): void {
    const issues = bedrockRuntimeModel().validate(`${RT}CountTokensRequest`, record.body ?? {});
    if (issues.length) return this.error(res, 400, "ValidationException", formatIssues(issues));
    const model = this.resolveModel(record, res, true);
    if (!model) return;
    if (!model.id.startsWith("anthropic."))
      return this.error(res, 400, "ValidationException", "The provided model doesn't support counting tokens.");
    const converse = (record.body as { input: { converse?: ConverseBody } }).input.converse ?? {};
    this.respond(res, `${RT}CountTokensResponse`, { inputTokens: this.inputTokens(converse) }, bedrockRuntimeModel());
  }

  private async invoke(record: RecordedRequest, res: ServerResponse): Promise<void> {
    const model = this.resolveModel(record, res);
    if (!model) return;
    const out = await (this.invokeHandler ?? defaultInvoke)(record.modelId!, record.body, model);
    if (res.destroyed) return;
    if (out.error) return this.error(res, out.error.status, out.error.exception, out.error.message);
    for (const [k, v] of Object.entries(out.headers ?? {})) res.setHeader(k, v);
    this.json(res, out.status ?? 200, out.body);
  }
}

const delay = (ms: number) => new Promise((r) => setTimeout(r, ms));

function statusOf(exception: string): number {
  const table: Record<string, number> = {
    ValidationException: 400,
    AccessDeniedException: 403,
    ResourceNotFoundException: 404,
    ModelTimeoutException: 408,
    ModelErrorException: 424,
    ThrottlingException: 429,
    ModelNotReadyException: 429,
    ServiceQuotaExceededException: 400,
    InternalServerException: 500,
    ServiceUnavailableException: 503,
  };
  return table[exception] ?? 500;
}

export async function startFakeBedrock(opts: FakeBedrockOptions = {}): Promise<FakeBedrock> {
  return new FakeBedrock(opts).start();
}

export type { FakeContent as Content };
export { estimateTokens };
export const text = (t: string): FakeContent => ({ text: t });
export const toolUse = (name: string, input: unknown, toolUseId?: string): FakeContent => ({ toolUse: { name, input, toolUseId } });
export const thinking = (t: string, signature?: string): FakeContent => ({ reasoningContent: { reasoningText: { text: t, signature } } });
export { FAKE_MODELS, FAKE_APP_PROFILES } from "./fake-models.ts";
export { defaultInvoke };
export type { InvokeOutcome };
export type { FakeModel } from "./fake-models.ts";
export { FAKE_MANTLE_MODELS, FAKE_RUNTIME_OPENAI_MODELS } from "./native-endpoints.ts";
export type { NativePlan, FakeNativeModel, NativeRecordedRequest } from "./native-endpoints.ts";
export { RuleError };
export { type ConverseBody };
