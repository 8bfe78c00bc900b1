// The double's S3 and batch job control plane are checked against the official AWS SDK clients:
// they must accept what it answers (XML listings and errors, restJson1 job descriptions) and it
// must accept what they send (SigV4 for `s3` and `bedrock`, aws-chunked uploads with checksums).
import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import {
  BedrockClient,
  CreateModelInvocationJobCommand,
  GetModelInvocationJobCommand,
  ListModelInvocationJobsCommand,
  StopModelInvocationJobCommand,
  ValidationException,
} from "@aws-sdk/client-bedrock";
import {
  DeleteObjectCommand,
  GetObjectCommand,
  ListObjectsV2Command,
  NoSuchKey,
  PutObjectCommand,
  S3Client,
  S3ServiceException,
} from "@aws-sdk/client-s3";
import { NodeHttpHandler } from "@smithy/node-http-handler";
import { startFakeBedrock, TEST_CREDENTIALS } from "./fake-bedrock/fake-bedrock.ts";
import type { FakeBedrock } from "./fake-bedrock/fake-bedrock.ts";

const BUCKET = "fidelity-bucket";

describe("S3 and batch job doubles with the official AWS SDK", () => {
  let fake: FakeBedrock;
  let s3: S3Client;
  let bedrock: BedrockClient;
  before(async () => {
    fake = await startFakeBedrock();
    fake.s3.createBucket(BUCKET);
    fake.s3.pageSize = 2;
    s3 = new S3Client({ region: "us-east-1", endpoint: fake.url, forcePathStyle: true, credentials: TEST_CREDENTIALS, maxAttempts: 1 });
    bedrock = new BedrockClient({
      region: "us-east-1",
      endpoint: fake.url,
      credentials: TEST_CREDENTIALS,
      maxAttempts: 1,
      requestHandler: new NodeHttpHandler(),
    });
  });
  after(async () => {
    s3.destroy();
    bedrock.destroy();
    await fake.close();
  });

  it("S3: put (with the SDK's checksums), get, paged list, delete, NoSuchKey", async () => {
    for (const k of ["a/1.jsonl", "a/2 with space.jsonl", "a/3.jsonl", "b/x.jsonl"]) {
      await s3.send(new PutObjectCommand({ Bucket: BUCKET, Key: k, Body: `content of ${k}\n` }));
    }
    assert.equal(fake.s3.object(BUCKET, "a/2 with space.jsonl")!.toString(), "content of a/2 with space.jsonl\n");
    const got = await s3.send(new GetObjectCommand({ Bucket: BUCKET, Key: "a/1.jsonl" }));
    assert.equal(await got.Body!.transformToString(), "content of a/1.jsonl\n");
    const keys: string[] = [];
    let token: string | undefined;
    do {
      const page = await s3.send(new ListObjectsV2Command({ Bucket: BUCKET, Prefix: "a/", ContinuationToken: token }));
      keys.push(...(page.Contents ?? []).map((c) => c.Key!));
      token = page.IsTruncated ? page.NextContinuationToken : undefined;
    } while (token);
    assert.deepEqual(keys, ["a/1.jsonl", "a/2 with space.jsonl", "a/3.jsonl"]);
    await s3.send(new DeleteObjectCommand({ Bucket: BUCKET, Key: "a/1.jsonl" }));
    await assert.rejects(s3.send(new GetObjectCommand({ Bucket: BUCKET, Key: "a/1.jsonl" })), (e) => e instanceof NoSuchKey);
  });

  it("S3: a wrong secret is refused with SignatureDoesNotMatch, an unknown bucket with NoSuchBucket", async () => {
    const wrong = new S3Client({
      region: "us-east-1",
      endpoint: fake.url,
      forcePathStyle: true,
      credentials: { ...TEST_CREDENTIALS, secretAccessKey: "not-the-secret" },
      maxAttempts: 1,
    });
    await assert.rejects(
      wrong.send(new GetObjectCommand({ Bucket: BUCKET, Key: "b/x.jsonl" })),
      (e) => e instanceof S3ServiceException && e.name === "SignatureDoesNotMatch",
    );
    wrong.destroy();
    await assert.rejects(
      s3.send(new GetObjectCommand({ Bucket: "no-such-bucket", Key: "x" })),
      (e) => e instanceof S3ServiceException && e.name === "NoSuchBucket",
    );
  });

  it("batch jobs: create (idempotent), get through to Completed with output records, list, stop, minimum records", async () => {
    fake.batch.script.delayMs = 400;
    const records = Array.from({ length: 100 }, (_, i) =>
      JSON.stringify({ recordId: `R${i}`, modelInput: { messages: [{ role: "user", content: [{ text: `q${i}` }] }] } }),
    ).join("\n");
    await s3.send(new PutObjectCommand({ Bucket: BUCKET, Key: "jobs/in/records.jsonl", Body: records }));
    const input = {
      jobName: "fidelity-job",
      roleArn: "arn:aws:iam::111122223333:role/batch",
      clientRequestToken: "tokenfidelity1",
      modelId: "anthropic.claude-3-haiku-20240307-v1:0",
      modelInvocationType: "Converse" as const,
      inputDataConfig: { s3InputDataConfig: { s3Uri: `s3://${BUCKET}/jobs/in/records.jsonl` } },
      outputDataConfig: { s3OutputDataConfig: { s3Uri: `s3://${BUCKET}/jobs/out/` } },
    };
    const { jobArn } = await bedrock.send(new CreateModelInvocationJobCommand(input));
    assert.match(jobArn!, /^arn:aws:bedrock:us-east-1:111122223333:model-invocation-job\/[a-z0-9]{12}$/);
    assert.equal((await bedrock.send(new CreateModelInvocationJobCommand(input))).jobArn, jobArn, "same client token, same job");
    let job = await bedrock.send(new GetModelInvocationJobCommand({ jobIdentifier: jobArn }));
    assert.ok(["Submitted", "InProgress"].includes(job.status!), job.status);
    assert.ok(job.submitTime instanceof Date);
    for (let i = 0; i < 250 && job.status !== "Completed"; i++) {
      await new Promise((r) => setTimeout(r, 20));
      job = await bedrock.send(new GetModelInvocationJobCommand({ jobIdentifier: jobArn }));
    }
    assert.equal(job.status, "Completed");
    assert.equal(job.successRecordCount, 100);
    const jobId = jobArn!.split("/").pop();
    const out = fake.s3
      .object(BUCKET, `jobs/out/${jobId}/records.jsonl.out`)!
      .toString()
      .trim()
      .split("\n")
      .map((l) => JSON.parse(l));
    assert.equal(out.length, 100);
    assert.equal(out[3].recordId, "R3");
    assert.equal(out[3].modelOutput.output.message.role, "assistant");
    assert.ok(fake.s3.object(BUCKET, `jobs/out/${jobId}/manifest.json.out`));
    const listed = await bedrock.send(new ListModelInvocationJobsCommand({}));
    assert.ok(listed.invocationJobSummaries!.some((s) => s.jobArn === jobArn));

    fake.batch.script.delayMs = 60_000;
    const second = await bedrock.send(
      new CreateModelInvocationJobCommand({ ...input, clientRequestToken: "tokenfidelity2", jobName: "fidelity-job-2" }),
    );
    await bedrock.send(new StopModelInvocationJobCommand({ jobIdentifier: second.jobArn }));
    await new Promise((r) => setTimeout(r, 150));
    assert.equal((await bedrock.send(new GetModelInvocationJobCommand({ jobIdentifier: second.jobArn }))).status, "Stopped");

    await s3.send(
      new PutObjectCommand({ Bucket: BUCKET, Key: "jobs/small/records.jsonl", Body: records.split("\n").slice(0, 5).join("\n") }),
    );
    await assert.rejects(
      bedrock.send(
        new CreateModelInvocationJobCommand({
          ...input,
          clientRequestToken: "tokenfidelity3",
          inputDataConfig: { s3InputDataConfig: { s3Uri: `s3://${BUCKET}/jobs/small/records.jsonl` } },
        }),
      ),
      (e) => e instanceof ValidationException && /minimum of 100 records/.test(e.message),
    );
  });
});
