// The batch bucket through the AWS SDK's S3 client (loaded only when batch is configured: it stays
// out of deployments and bundles that do not use it). Path-style addressing when an endpoint is
// configured (AWS_ENDPOINT_URL_S3: S3-compatible stores, the test double), virtual-hosted otherwise.
import {
  DeleteObjectCommand,
  GetObjectCommand,
  ListObjectsV2Command,
  PutObjectCommand,
  S3Client,
  S3ServiceException,
} from "@aws-sdk/client-s3";
import type { AwsCredentialIdentityProvider } from "@smithy/types";
import { errors } from "../errors/gateway-error.ts";

export interface ObjectStore {
  readonly bucket: string;
  put(key: string, body: Buffer | string, contentType?: string): Promise<void>;
  get(key: string): Promise<Buffer>;
  /** The object as a stream (downloads of large output files are relayed, not buffered). */
  stream(key: string): Promise<ReadableStream<Uint8Array>>;
  /** Every key under a prefix (all pages). */
  list(prefix: string): Promise<string[]>;
  delete(key: string): Promise<void>;
  uri(key: string): string;
  close(): void;
}

export interface ObjectStoreOptions {
  bucket: string;
  region: string;
  endpoint?: string;
  credentials?: AwsCredentialIdentityProvider;
}

const MAX_PAGES = 1000;

function storeError(err: unknown): Error {
  if (err instanceof S3ServiceException) return errors.objectStoreFailed(`${err.name}: ${err.message}`);
  return errors.objectStoreFailed((err as Error).message);
}

export function s3ObjectStore(o: ObjectStoreOptions): ObjectStore {
  const client = new S3Client({
    region: o.region,
    ...(o.endpoint ? { endpoint: o.endpoint, forcePathStyle: true } : {}),
    ...(o.credentials ? { credentials: o.credentials } : {}),
    maxAttempts: 3,
  });
  const Bucket = o.bucket;
  const wrap = async <T>(f: () => Promise<T>): Promise<T> => {
    try {
      return await f();
    } catch (err) {
      throw storeError(err);
    }
  };

  return {
    bucket: Bucket,
    put: (Key, Body, ContentType = "application/jsonl") =>
      wrap(async () => {
        await client.send(new PutObjectCommand({ Bucket, Key, Body, ContentType }));
      }),
    get: (Key) =>
      wrap(async () => {
        const out = await client.send(new GetObjectCommand({ Bucket, Key }));
        return Buffer.from(await out.Body!.transformToByteArray());
      }),
    stream: (Key) =>
      wrap(async () => {
        const out = await client.send(new GetObjectCommand({ Bucket, Key }));
        return out.Body!.transformToWebStream() as ReadableStream<Uint8Array>;
      }),
    list: (Prefix) =>
      wrap(async () => {
        const keys: string[] = [];
        let ContinuationToken: string | undefined;
        for (let page = 0; page < MAX_PAGES; page++) {
          const out = await client.send(new ListObjectsV2Command({ Bucket, Prefix, ContinuationToken }));
          for (const c of out.Contents ?? []) if (c.Key) keys.push(c.Key);
          if (!out.IsTruncated || !out.NextContinuationToken) break;
          ContinuationToken = out.NextContinuationToken;
        }
        return keys;
      }),
    delete: (Key) =>
      wrap(async () => {
        await client.send(new DeleteObjectCommand({ Bucket, Key }));
      }),
    uri: (key) => `s3://${Bucket}/${key}`,
    close: () => client.destroy(),
  };
}
