// The catalog of several targets: each target's ModelCatalog loads and refreshes on its own (a
// region that is down keeps its last good snapshot and retries with backoff, as with one target);
// this view offers their union to /v1/models and model resolution, rebuilt only when a target's
// snapshot changes (never per request).
import type { CatalogSnapshot } from "../models/build-catalog.ts";
import type { CatalogStatus, ModelCatalog } from "../models/model-catalog.ts";
import { mergeSnapshots } from "./merge-snapshots.ts";

export class MultiCatalog {
  private readonly catalogs: readonly ModelCatalog[];
  private readonly region: string;
  private merged: CatalogSnapshot | undefined;
  private mergedFrom: (CatalogSnapshot | undefined)[] = [];

  constructor(catalogs: readonly ModelCatalog[], region: string) {
    this.catalogs = catalogs;
    this.region = region;
  }

  get snapshot(): CatalogSnapshot | undefined {
    const parts = this.catalogs.map((c) => c.snapshot);
    if (parts.length === this.mergedFrom.length && parts.every((p, i) => p === this.mergedFrom[i])) return this.merged;
    const loaded = parts.filter((p): p is CatalogSnapshot => p !== undefined);
    this.merged = loaded.length ? mergeSnapshots(loaded, this.region) : undefined;
    this.mergedFrom = parts;
    return this.merged;
  }

  status(): CatalogStatus {
    const all = this.catalogs.map((c) => c.status());
    const refreshes = all
      .map((s) => s.lastRefresh)
      .filter((s): s is string => s !== null)
      .sort();
    const errs = all.map((s) => s.lastError).filter((e): e is string => e !== null);
    return {
      loaded: all.some((s) => s.loaded),
      count: this.snapshot?.models.filter((m) => m.listed).length ?? 0,
      lastRefresh: refreshes.at(-1) ?? null,
      lastError: errs[0] ?? null,
    };
  }

  /** The union as soon as one target has loaded (or all have failed / the wait is over). */
  async ready(timeoutMs: number): Promise<CatalogSnapshot | undefined> {
    if (this.snapshot || timeoutMs <= 0) return this.snapshot;
    await Promise.race([
      Promise.all(this.catalogs.map((c) => c.ready(timeoutMs))),
      ...this.catalogs.map((c) => c.ready(timeoutMs).then((s) => (s ? undefined : new Promise(() => {})))),
    ]);
    return this.snapshot;
  }

  start(): void {
    for (const c of this.catalogs) c.start();
  }

  stop(): void {
    for (const c of this.catalogs) c.stop();
  }
}
