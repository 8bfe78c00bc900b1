// The model catalog: built from Bedrock's listings in the background, refreshed every
// MODELS_CACHE_TTL, never fetched per request and never at import. When Bedrock cannot be
// reached the last good snapshot stays in use and the refresh retries with backoff.
import type { Logger } from "pino";
import type { BedrockControlPlane } from "../bedrock/control-plane-client.ts";
import { missingAliasTargets } from "./alias-entries.ts";
import type { MantleModel } from "../upstreams/native/native-client.ts";
import { buildCatalog } from "./build-catalog.ts";
import type { CatalogSnapshot } from "./build-catalog.ts";
import { addNativeModels } from "./native-models.ts";

export interface CatalogStatus {
  loaded: boolean;
  count: number;
  lastRefresh: string | null;
  lastError: string | null;
}

export interface CatalogOptions {
  region: string;
  ttlMs: number;
  includeSystemProfiles: boolean;
  includeApplicationProfiles: boolean;
  /** First retry delay after a failed refresh; doubles up to ttlMs. */
  retryBaseMs?: number;
  /** MODEL_ALIASES: checked once against the first catalog (a typo'd target is a warning). */
  aliases?: ReadonlyMap<string, string>;
  /** Bedrock's OpenAI-compatible endpoints (absent: ENABLE_NATIVE_ENDPOINTS=false). */
  native?: { listMantleModels(): Promise<MantleModel[]>; forceModels: readonly string[] };
}

/** How long the first catalog load waits for Mantle's list before publishing without it. */
const NATIVE_FIRST_LOAD_WAIT_MS = 2000;

function waitAtMost(p: Promise<void>, ms: number): Promise<void> {
  let t: NodeJS.Timeout | undefined;
  return Promise.race([p, new Promise<void>((r) => (t = setTimeout(r, ms)))]).finally(() => clearTimeout(t));
}

export class ModelCatalog {
  private current: CatalogSnapshot | undefined;
  private lastRefresh: Date | undefined;
  private lastError: string | undefined;
  private timer: NodeJS.Timeout | undefined;
  private inFlight: Promise<void> | undefined;
  private failures = 0;
  /** Last good Mantle model list: a Mantle outage (or a region without Mantle) must not hide
   * its models or fail the Converse catalog; it is logged, not reported as degraded health. */
  private mantleModels: MantleModel[] = [];
  /** The last Converse catalog, to which the Mantle list is applied whenever either changes. */
  private converse: CatalogSnapshot | undefined;
  private stopped = false;
  private aliasesChecked = false;
  private readonly firstLoad: Promise<void>;
  private resolveFirstLoad!: () => void;

  private readonly controlPlane: BedrockControlPlane;
  private readonly opts: CatalogOptions;
  private readonly log: Logger;

  constructor(controlPlane: BedrockControlPlane, opts: CatalogOptions, log: Logger) {
    this.controlPlane = controlPlane;
    this.opts = opts;
    this.log = log;
    this.firstLoad = new Promise((resolve) => (this.resolveFirstLoad = resolve));
  }

  get snapshot(): CatalogSnapshot | undefined {
    return this.current;
  }

  status(): CatalogStatus {
    return {
      loaded: this.current !== undefined,
      count: this.current?.models.filter((m) => m.listed).length ?? 0,
      lastRefresh: this.lastRefresh?.toISOString() ?? null,
      lastError: this.lastError ?? null,
    };
  }

  /** Begin loading in the background; returns at once. */
  start(): void {
    this.stopped = false;
    void this.refresh();
  }

  stop(): void {
    this.stopped = true;
    if (this.timer) clearTimeout(this.timer);
    this.resolveFirstLoad();
  }

  /**
   * The snapshot, waiting up to `timeoutMs` for the first load when it has not finished yet
   * (a request that arrives during start-up should not fail for lack of a catalog).
   */
  async ready(timeoutMs: number): Promise<CatalogSnapshot | undefined> {
    if (this.current || timeoutMs <= 0) return this.current;
    let t: NodeJS.Timeout | undefined;
    await Promise.race([this.firstLoad, new Promise<void>((r) => (t = setTimeout(r, timeoutMs)))]);
    clearTimeout(t);
    return this.current;
  }

  /** Load now (coalesces concurrent calls). */
  refresh(): Promise<void> {
    this.inFlight ??= this.load().finally(() => (this.inFlight = undefined));
    return this.inFlight;
  }

  private async load(): Promise<void> {
    if (this.timer) clearTimeout(this.timer);
    try {
      // Mantle never holds up the Converse catalog: its list is applied whenever it arrives, and only
      // the first load waits for it, briefly, so the first snapshot is complete when Mantle is up.
      const native = this.loadNative();
      const [foundation, system, application] = await Promise.all([
        this.controlPlane.listFoundationModels(),
        this.controlPlane.listInferenceProfiles("SYSTEM_DEFINED"),
        this.opts.includeApplicationProfiles ? this.controlPlane.listInferenceProfiles("APPLICATION") : Promise.resolve([]),
      ]);
      this.converse = buildCatalog(foundation, system, application, {
        region: this.opts.region,
        includeSystemProfiles: this.opts.includeSystemProfiles,
        includeApplicationProfiles: this.opts.includeApplicationProfiles,
      });
      if (!this.current && this.opts.native) await waitAtMost(native, NATIVE_FIRST_LOAD_WAIT_MS);
      this.publish();
      this.lastRefresh = new Date();
      this.lastError = undefined;
      this.failures = 0;
      this.log.info({ models: this.status().count }, "model catalog refreshed");
      if (!this.aliasesChecked && this.opts.aliases?.size && this.current) {
        this.aliasesChecked = true;
        for (const [alias, target] of missingAliasTargets(this.current, this.opts.aliases)) {
          this.log.warn(
            { alias, target },
            `MODEL_ALIASES: alias "${alias}" points at "${target}", which is not a model in this region's catalog; requests for it will answer 404`,
          );
        }
      }
      this.schedule(this.opts.ttlMs);
    } catch (err) {
      this.failures++;
      this.lastError = err instanceof Error ? err.message : String(err);
      const delay = Math.min(this.opts.ttlMs, (this.opts.retryBaseMs ?? 1000) * 2 ** (this.failures - 1));
      this.log.warn({ err: this.lastError, retryInMs: delay }, "model catalog refresh failed");
      this.schedule(delay);
    } finally {
      if (this.current || this.failures > 0) this.resolveFirstLoad();
    }
  }

  /** The Converse catalog with the Mantle list applied (or alone when the feature is off). */
  private publish(): void {
    const native = this.opts.native;
    if (!this.converse) return;
    this.current = native ? addNativeModels(this.converse, this.mantleModels, { forceModels: native.forceModels }) : this.converse;
  }

  /** Refresh the Mantle list in the same cycle; on failure keep the previous one and say so. Never rejects. */
  private async loadNative(): Promise<void> {
    if (!this.opts.native) return;
    try {
      this.mantleModels = await this.opts.native.listMantleModels();
      this.publish();
    } catch (err) {
      this.log.warn(
        { err: err instanceof Error ? err.message : String(err), kept: this.mantleModels.length },
        "Mantle model list failed; keeping the previous list",
      );
    }
  }

  private schedule(ms: number): void {
    if (this.stopped) return;
    this.timer = setTimeout(() => void this.refresh(), ms);
    this.timer.unref();
  }
}
