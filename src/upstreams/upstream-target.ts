// One upstream target: its own transport (keep-alive pool per endpoint, signer with the target's
// credentials and region), its own model catalog, the model patterns it may serve, and the
// routing state the router keeps for it (outstanding calls, breakers per model).
import type { Logger } from "pino";
import { createBedrockControlPlane } from "../bedrock/control-plane-client.ts";
import { createBedrockRuntime } from "../bedrock/runtime-client.ts";
import type { BedrockRuntime } from "../bedrock/runtime-client.ts";
import { BedrockHttp } from "../bedrock/transport/bedrock-http.ts";
import type { RetryPolicy, TransportTimeouts } from "../bedrock/transport/bedrock-http.ts";
import { defaultEndpoint } from "../bedrock/transport/endpoints.ts";
import type { RequestSigner } from "../bedrock/transport/request-signer.ts";
import { compileModelPatterns } from "../keys/model-patterns.ts";
import type { ModelMatcher } from "../keys/model-patterns.ts";
import type { CatalogSnapshot } from "../models/build-catalog.ts";
import { ModelCatalog } from "../models/model-catalog.ts";
import { CircuitBreaker } from "./circuit-breaker.ts";
import type { BreakerOptions } from "./circuit-breaker.ts";
import { modelForTarget } from "./model-for-target.ts";

export interface TargetSetup {
  name: string;
  region: string;
  weight: number;
  runtimeEndpoint: string | undefined;
  controlEndpoint: string | undefined;
  useFips: boolean;
  signer: RequestSigner;
  timeouts: TransportTimeouts;
  retry: RetryPolicy;
  /** Catalog listings (default: as runtime calls). */
  controlRetry?: RetryPolicy;
  catalog: { ttlMs: number; includeSystemProfiles: boolean; includeApplicationProfiles: boolean };
  models?: readonly string[];
  excludeModels?: readonly string[];
  /** Every endpoint the target names (bedrock-agent-runtime, bedrock-mantle: for other upstream kinds). */
  endpoints?: Readonly<Record<string, string>>;
}

export class UpstreamTarget {
  readonly name: string;
  readonly region: string;
  readonly weight: number;
  readonly endpoints: Readonly<Record<string, string>>;
  readonly runtime: BedrockRuntime;
  readonly catalog: ModelCatalog;
  /** Calls (and open streams) in flight: the router's least-outstanding measure. */
  outstanding = 0;
  /** Smooth weighted round-robin credit, for ties in outstanding calls. */
  credit = 0;
  private readonly allow: ModelMatcher;
  private readonly deny: ModelMatcher | undefined;
  /** The runtime (Converse, InvokeModel) of this target. */
  readonly runtimeHttp: BedrockHttp;
  /** The control plane (models, batch jobs) of this target. */
  readonly controlHttp: BedrockHttp;
  private readonly breakers = new Map<string, CircuitBreaker>();
  private ids = new Map<string, string | undefined>();
  private idsFor: CatalogSnapshot | undefined;

  constructor(s: TargetSetup, log: Logger) {
    this.name = s.name;
    this.region = s.region;
    this.weight = s.weight;
    this.endpoints = s.endpoints ?? {};
    this.runtimeHttp = new BedrockHttp(s.runtimeEndpoint ?? defaultEndpoint("runtime", s.region, s.useFips), s.signer, s.timeouts, s.retry);
    this.controlHttp = new BedrockHttp(
      s.controlEndpoint ?? defaultEndpoint("control", s.region, s.useFips),
      s.signer,
      { ...s.timeouts, firstByteMs: 30_000, idleMs: 30_000 },
      s.controlRetry ?? s.retry,
    );
    this.runtime = createBedrockRuntime(this.runtimeHttp);
    this.catalog = new ModelCatalog(
      createBedrockControlPlane(this.controlHttp),
      { region: s.region, ...s.catalog },
      log.child({ target: s.name }),
    );
    this.allow = compileModelPatterns(s.models ?? null);
    this.deny = s.excludeModels?.length ? compileModelPatterns(s.excludeModels) : undefined;
  }

  /**
   * The id to call this target with for a model the caller resolved, or undefined when the target
   * does not serve it (not in its catalog, or excluded by its patterns). Cached per catalog snapshot.
   */
  modelId(modelId: string, baseModelId?: string): string | undefined {
    const snap = this.catalog.snapshot;
    if (snap !== this.idsFor) {
      this.ids = new Map();
      this.idsFor = snap;
    }
    const key = baseModelId === undefined ? modelId : `${modelId}\u0000${baseModelId}`;
    if (this.ids.has(key)) return this.ids.get(key);
    let id = baseModelId === undefined ? modelForTarget(snap, modelId) : foundationIdFor(snap, baseModelId);
    if (id !== undefined) {
      const names = [modelId, id, baseModelId ?? snap?.lookup.get(id)?.baseModelId];
      if (!this.allow(names) || this.deny?.(names)) id = undefined;
    }
    if (this.ids.size > 1000) this.ids.clear(); // ids come from resolved models, but stay bounded
    this.ids.set(key, id);
    return id;
  }

  breaker(modelId: string, opts: BreakerOptions, onChange: (b: CircuitBreaker, model: string) => void): CircuitBreaker {
    let b = this.breakers.get(modelId);
    if (!b) {
      const created = new CircuitBreaker(opts);
      created.onChange = () => onChange(created, modelId);
      this.breakers.set(modelId, created);
      b = created;
    }
    return b;
  }

  breakerStates(now: number): { model: string; state: string; recentFailures: number; retryAt?: string; opened: number }[] {
    return [...this.breakers].map(([model, b]) => {
      const s = b.snapshot(now);
      return {
        model,
        state: s.state,
        recentFailures: s.recentFailures,
        ...(s.retryAt ? { retryAt: new Date(s.retryAt).toISOString() } : {}),
        opened: s.openedCount,
      };
    });
  }

  async close(): Promise<void> {
    this.catalog.stop();
    await Promise.all([this.runtimeHttp.close(), this.controlHttp.close()]);
  }
}

/** CountTokens takes a foundation model id: the target serves it when its catalog knows the model. */
function foundationIdFor(snap: CatalogSnapshot | undefined, baseModelId: string): string | undefined {
  if (!snap) return baseModelId;
  return snap.foundationModels.has(baseModelId) ? baseModelId : undefined;
}
