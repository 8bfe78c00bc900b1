// What the numbers were measured on: CPU, cores, memory, load, Node and package versions.
import { readFileSync } from "node:fs";
import { cpus, loadavg, release, totalmem } from "node:os";
import { E2E_TOOLS } from "../../scripts/e2e-tools.ts";

function versionOf(root: string, pkg: string): string | undefined {
  try {
    // Read the file itself: packages with an "exports" map refuse require("pkg/package.json").
    return (JSON.parse(readFileSync(`${root}/node_modules/${pkg}/package.json`, "utf8")) as { version: string }).version;
  } catch {
    return undefined;
  }
}

export interface Machine {
  cpuModel: string;
  cores: number;
  memoryGiB: number;
  kernel: string;
  node: string;
  openFilesLimit: string;
  versions: Record<string, string | undefined>;
}

export function describeMachine(root: string): Machine {
  const own = JSON.parse(readFileSync(`${root}/package.json`, "utf8")) as { name: string; version: string };
  let limit = "unknown";
  try {
    const m = /^Max open files\s+(\d+|unlimited)/m.exec(readFileSync("/proc/self/limits", "utf8"));
    if (m) limit = m[1]!;
  } catch {
    // not Linux
  }
  return {
    cpuModel: cpus()[0]?.model.trim() ?? "unknown",
    cores: cpus().length,
    memoryGiB: Math.round(totalmem() / 2 ** 30),
    kernel: release(),
    node: process.version,
    openFilesLimit: limit,
    versions: {
      [own.name]: own.version,
      // Not in node_modules: installed on first use, at the pinned version (scripts/e2e-tools.ts).
      "@portkey-ai/gateway": E2E_TOOLS.portkey.version,
      "@aws-sdk/client-bedrock-runtime": versionOf(root, "@aws-sdk/client-bedrock-runtime"),
      autocannon: versionOf(root, "autocannon"),
      hono: versionOf(root, "hono"),
      "@hono/node-server": versionOf(root, "@hono/node-server"),
      undici: versionOf(root, "undici"),
      pino: versionOf(root, "pino"),
      zod: versionOf(root, "zod"),
    },
  };
}

/** 1-, 5- and 15-minute load averages. */
export const loadAverage = (): number[] => loadavg().map((x) => Math.round(x * 100) / 100);
