// Config → the upstream targets, their catalogs and the router the routes call. Without
// BEDROCK_TARGETS: one target named "default" from AWS_REGION / AWS_ENDPOINT_URL_* and the default
// credential chain, with the transport's own retries and no breakers — today's behaviour and cost.
import { defaultProvider } from "@aws-sdk/credential-provider-node";
import type { AwsCredentialIdentityProvider } from "@smithy/types";
import type { Logger } from "pino";
import type { RetryPolicy } from "../bedrock/transport/bedrock-http.ts";
import { createBearerSigner, createSigV4Signer } from "../bedrock/transport/request-signer.ts";
import type { CatalogOptions } from "../models/model-catalog.ts";
import type { Config } from "../config/config.ts";
import type { CatalogView } from "../http/app-env.ts";
import type { TargetStatus } from "./target-status.ts";
import { MultiCatalog } from "./multi-catalog.ts";
import { targetCredentials } from "./target-credentials.ts";
import { UpstreamRouter } from "./upstream-router.ts";
import type { RouterEvents } from "./upstream-router.ts";
import { UpstreamTarget } from "./upstream-target.ts";

export interface Upstreams {
  runtime: UpstreamRouter;
  catalog: CatalogView & { start(): void; stop(): void };
  targets: readonly UpstreamTarget[];
  /** MODEL_FALLBACKS (empty when off). */
  fallbacks: ReadonlyMap<string, readonly string[]>;
  status(): TargetStatus[];
  close(): Promise<void>;
}

export interface UpstreamOverrides {
  credentials?: AwsCredentialIdentityProvider;
  events?: RouterEvents;
  /** Bedrock's OpenAI-compatible endpoints, listed with the default (first) target's catalog. */
  native?: CatalogOptions["native"];
}

export async function createUpstreams(
  config: Config,
  region: string,
  logger: Logger,
  overrides: UpstreamOverrides = {},
): Promise<Upstreams> {
  const budget = config.aws.retryMaxElapsedMs;
  const retry: RetryPolicy = { maxElapsedMs: budget, baseDelayMs: 200, maxDelayMs: 2000 };
  const catalogOpts = {
    ttlMs: config.models.cacheTtlMs,
    includeSystemProfiles: config.models.crossRegionInference,
    includeApplicationProfiles: config.models.applicationInferenceProfiles,
    aliases: config.models.aliases,
  };
  const specs = config.upstreams.targets;
  let targets: UpstreamTarget[];
  if (!specs) {
    const signer = config.aws.bearerToken ? createBearerSigner(config.aws.bearerToken) : createSigV4Signer(region, overrides.credentials);
    targets = [
      new UpstreamTarget(
        {
          name: "default",
          region,
          weight: 1,
          runtimeEndpoint: config.aws.runtimeEndpoint,
          controlEndpoint: config.aws.controlPlaneEndpoint,
          useFips: config.aws.useFips,
          signer,
          timeouts: config.aws.timeouts,
          retry,
          catalog: { ...catalogOpts, ...(overrides.native ? { native: overrides.native } : {}) },
        },
        logger,
      ),
    ];
  } else {
    const defaultChain = overrides.credentials ?? defaultProvider();
    targets = await Promise.all(
      specs.map(async (s, i) => {
        const ownCredentials = Boolean(s.profile || s.roleArn);
        const signer =
          config.aws.bearerToken && !ownCredentials
            ? createBearerSigner(config.aws.bearerToken)
            : createSigV4Signer(
                s.region,
                await targetCredentials(s, { defaultChain, stsTimeouts: { connectMs: config.aws.timeouts.connectMs, requestMs: 10_000 } }),
              );
        return new UpstreamTarget(
          {
            name: s.name,
            region: s.region,
            weight: s.weight,
            runtimeEndpoint: s.endpoints["bedrock-runtime"],
            controlEndpoint: s.endpoints.bedrock,
            useFips: config.aws.useFips,
            signer,
            timeouts: config.aws.timeouts,
            // The router moves a failed call to the next target and paces the rounds itself.
            retry: { ...retry, maxElapsedMs: 0 },
            controlRetry: retry,
            catalog: { ...catalogOpts, ...(overrides.native && i === 0 ? { native: overrides.native } : {}) },
            ...(s.models ? { models: s.models } : {}),
            ...(s.excludeModels ? { excludeModels: s.excludeModels } : {}),
            endpoints: s.endpoints,
          },
          logger,
        );
      }),
    );
  }

  const runtime = new UpstreamRouter(targets, {
    retry,
    routerRetries: specs !== undefined,
    breakers: specs ? config.upstreams.breaker : undefined,
    logger,
    ...(overrides.events ? { events: overrides.events } : {}),
  });
  const catalog =
    targets.length === 1
      ? targets[0]!.catalog
      : new MultiCatalog(
          targets.map((t) => t.catalog),
          targets[0]!.region,
        );

  return {
    runtime,
    catalog,
    targets,
    fallbacks: config.upstreams.fallbacks,
    status() {
      const now = Date.now();
      return targets.map((t) => {
        const c = t.catalog.status();
        return {
          name: t.name,
          region: t.region,
          weight: t.weight,
          outstanding: t.outstanding,
          catalog: {
            loaded: c.loaded,
            count: c.count,
            ...(c.lastError ? { error: "the last catalog refresh failed; see the gateway log" } : {}),
          },
          breakers: t.breakerStates(now),
        };
      });
    },
    async close() {
      await Promise.all(targets.map((t) => t.close()));
    },
  };
}
