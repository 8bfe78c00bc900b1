// AWS credentials for one target, through the SDK's own providers: the default chain, a named
// profile (fromIni), or a role assumed through STS (fromTemporaryCredentials, with the profile or
// the default chain as the source credentials). Providers are memoized so the role is assumed
// once and refreshed shortly before the session expires (the SDK's 5-minute window), not per call.
import { doesIdentityRequireRefresh, isIdentityExpired, memoizeIdentityProvider } from "@smithy/core";
import type { AwsCredentialIdentityProvider } from "@smithy/types";
import type { TargetSpec } from "./target-spec.ts";

export interface CredentialSources {
  /** The process's default chain (shared by every target that needs it). */
  defaultChain: AwsCredentialIdentityProvider;
  /** Bounds on the STS call: a hanging STS must fail the target, not hang its requests. */
  stsTimeouts: { connectMs: number; requestMs: number };
}

export async function targetCredentials(spec: TargetSpec, sources: CredentialSources): Promise<AwsCredentialIdentityProvider> {
  if (!spec.profile && !spec.roleArn) return sources.defaultChain;
  // Loaded only when a target uses it: deployments with one region never import STS.
  const { fromIni, fromTemporaryCredentials } = await import("@aws-sdk/credential-providers");
  const base: AwsCredentialIdentityProvider = spec.profile
    ? memoizeIdentityProvider(fromIni({ profile: spec.profile }), isIdentityExpired, doesIdentityRequireRefresh)!
    : sources.defaultChain;
  if (!spec.roleArn) return base;
  const assumed = fromTemporaryCredentials({
    params: {
      RoleArn: spec.roleArn,
      ...(spec.externalId ? { ExternalId: spec.externalId } : {}),
      RoleSessionName: spec.roleSessionName ?? `bedrock-gateway-${spec.name}`.slice(0, 64),
    },
    masterCredentials: base,
    // STS in the target's own region (or its VPC endpoint): no dependency on us-east-1.
    clientConfig: {
      region: spec.region,
      ...(spec.endpoints.sts ? { endpoint: spec.endpoints.sts } : {}),
      requestHandler: { connectionTimeout: sources.stsTimeouts.connectMs, requestTimeout: sources.stsTimeouts.requestMs },
      maxAttempts: 2,
    },
  });
  return memoizeIdentityProvider(assumed, isIdentityExpired, doesIdentityRequireRefresh)!;
}
