// The console's static files, all from this package (the CSP allows no other origin): its own
// stylesheet and scripts next to this module (copied beside the server bundle by
// scripts/build-server.ts), and Chart.js's UMD build from node_modules. Read on first request and
// kept in memory; a console that is never opened reads nothing.
import { createHash } from "node:crypto";
import { existsSync, readFileSync } from "node:fs";
import { createRequire } from "node:module";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

export interface Asset {
  body: Buffer;
  type: string;
  etag: string;
}

const TYPES: Record<string, string> = { ".js": "text/javascript; charset=utf-8", ".css": "text/css; charset=utf-8" };
const OWN = new Set(["console.css", "console.js", "playground.js"]);
export const CHART_ASSET = "chart.umd.min.js";

function ownDir(): string | undefined {
  // From source: ./assets; from the server bundle (this code may sit in main.mjs or in chunks/):
  // console-assets/ beside main.mjs.
  const candidates = ["./assets/", "./console-assets/", "../console-assets/"].map((p) => fileURLToPath(new URL(p, import.meta.url)));
  return candidates.find((d) => existsSync(join(d, "console.js")));
}

function chartFile(): string {
  // chart.js exports only its module entries; the UMD file sits beside them in dist/.
  const entry = createRequire(import.meta.url).resolve("chart.js");
  return join(dirname(entry), CHART_ASSET);
}

export function consoleAssets(): (name: string) => Asset | undefined {
  const cache = new Map<string, Asset | null>();
  return (name) => {
    const hit = cache.get(name);
    if (hit !== undefined) return hit ?? undefined;
    let asset: Asset | null = null;
    try {
      const file = name === CHART_ASSET ? chartFile() : OWN.has(name) ? join(ownDir() ?? "", name) : undefined;
      if (file) {
        const body = readFileSync(file);
        asset = {
          body,
          type: TYPES[name.slice(name.lastIndexOf("."))]!,
          etag: `"${createHash("sha256").update(body).digest("base64url").slice(0, 22)}"`,
        };
      }
    } catch {
      asset = null;
    }
    // Unknown names are not cached: the map stays bounded by the few real assets.
    if (asset || OWN.has(name) || name === CHART_ASSET) cache.set(name, asset);
    return asset ?? undefined;
  };
}
