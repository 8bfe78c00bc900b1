// Bedrock batch inference jobs (control plane: CreateModelInvocationJob, GetModelInvocationJob,
// StopModelInvocationJob) over the same signed transport as the rest of the control plane.
// Create carries a client request token, so a retried create never starts a second job.
import type { BedrockHttp, SendOptions } from "./transport/bedrock-http.ts";
import { encodeLabel } from "./transport/request-signer.ts";

export interface CreateJobInput {
  jobName: string;
  roleArn: string;
  clientRequestToken: string;
  modelId: string;
  inputS3Uri: string;
  outputS3Uri: string;
  modelInvocationType: "InvokeModel" | "Converse";
  timeoutDurationInHours?: number;
}

export interface JobDescription {
  jobArn: string;
  status?: string;
  message?: string;
  totalRecordCount?: number;
  processedRecordCount?: number;
  successRecordCount?: number;
  errorRecordCount?: number;
  outputDataConfig?: { s3OutputDataConfig?: { s3Uri: string } };
}

export interface BatchJobsClient {
  create(input: CreateJobInput, opts?: SendOptions): Promise<string>;
  get(jobArn: string, opts?: SendOptions): Promise<JobDescription>;
  stop(jobArn: string, opts?: SendOptions): Promise<void>;
}

export function createBatchJobsClient(http: BedrockHttp): BatchJobsClient {
  return {
    async create(i, opts) {
      const body = {
        jobName: i.jobName,
        roleArn: i.roleArn,
        clientRequestToken: i.clientRequestToken,
        modelId: i.modelId,
        modelInvocationType: i.modelInvocationType,
        inputDataConfig: { s3InputDataConfig: { s3Uri: i.inputS3Uri, s3InputFormat: "JSONL" } },
        outputDataConfig: { s3OutputDataConfig: { s3Uri: i.outputS3Uri } },
        ...(i.timeoutDurationInHours ? { timeoutDurationInHours: i.timeoutDurationInHours } : {}),
      };
      const res = await http.json({ method: "POST", path: "/model-invocation-job", body: JSON.stringify(body) }, opts);
      return (res.body as { jobArn: string }).jobArn;
    },
    async get(jobArn, opts) {
      const res = await http.json({ method: "GET", path: `/model-invocation-job/${encodeLabel(jobArn)}` }, opts);
      return res.body as JobDescription;
    },
    async stop(jobArn, opts) {
      await http.json({ method: "POST", path: `/model-invocation-job/${encodeLabel(jobArn)}/stop` }, opts);
    },
  };
}
