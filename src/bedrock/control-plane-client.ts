// Bedrock control plane: the two listings the model catalog is built from.
import type { BedrockHttp, SendOptions } from "./transport/bedrock-http.ts";

export interface FoundationModelSummary {
  modelArn: string;
  modelId: string;
  modelName?: string;
  providerName?: string;
  inputModalities?: string[];
  outputModalities?: string[];
  responseStreamingSupported?: boolean;
  inferenceTypesSupported?: string[];
  modelLifecycle?: { status: string; startOfLifeTime?: number | string };
}

export interface InferenceProfileSummary {
  inferenceProfileName: string;
  inferenceProfileArn: string;
  inferenceProfileId: string;
  description?: string;
  createdAt?: number | string;
  updatedAt?: number | string;
  models: { modelArn?: string }[];
  status: string;
  type: "SYSTEM_DEFINED" | "APPLICATION" | (string & {});
}

export interface BedrockControlPlane {
  listFoundationModels(opts?: SendOptions): Promise<FoundationModelSummary[]>;
  /** Every page of one profile type. */
  listInferenceProfiles(type: "SYSTEM_DEFINED" | "APPLICATION", opts?: SendOptions): Promise<InferenceProfileSummary[]>;
}

const MAX_PAGES = 100;

export function createBedrockControlPlane(http: BedrockHttp): BedrockControlPlane {
  return {
    async listFoundationModels(opts) {
      const { body } = await http.json({ method: "GET", path: "/foundation-models" }, opts);
      return (body as { modelSummaries?: FoundationModelSummary[] }).modelSummaries ?? [];
    },

    async listInferenceProfiles(type, opts) {
      const out: InferenceProfileSummary[] = [];
      let nextToken: string | undefined;
      for (let page = 0; page < MAX_PAGES; page++) {
        const query: Record<string, string> = { maxResults: "1000", type };
        if (nextToken) query.nextToken = nextToken;
        const { body } = await http.json({ method: "GET", path: "/inference-profiles", query }, opts);
        const b = body as { inferenceProfileSummaries?: InferenceProfileSummary[]; nextToken?: string };
        out.push(...(b.inferenceProfileSummaries ?? []));
        nextToken = b.nextToken;
        if (!nextToken) break;
      }
      return out;
    },
  };
}
