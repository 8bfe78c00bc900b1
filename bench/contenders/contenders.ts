// The contenders, all in front of the same benchmark upstream: how to start each one and what the
// load sends it. "direct" is the upstream itself (what Bedrock costs); the others are processes
// between the load and the upstream.
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { cleanEnv, spawnNode } from "../lib/processes.ts";
import { SERVER_ENTRY } from "../../scripts/build-server.ts";
import { e2eToolPath } from "../../scripts/e2e-tools.ts";

/** What the gateway contender runs: the container's server bundle (built by the harness first). */
export const GATEWAY_ENTRY = SERVER_ENTRY;
import type { Spawned } from "../lib/processes.ts";
import { bedrockTargets, openaiTargets } from "./requests.ts";
import type { Targets } from "./requests.ts";

export type ContenderName = "direct" | "direct-sdk" | "gateway" | "portkey" | "floor";

export const GATEWAY_KEY = "bench-gateway-key-0123456789abcdef";
const DUMMY_AWS = { accessKeyId: "AKIABENCHMARKDUMMY01", secretAccessKey: "bench/dummy/secret/access/key" };

export interface Contender {
  name: ContenderName;
  label: string;
  what: string;
  /** Starts the process listening on `port` (undefined for direct: the upstream itself); `nodeArgs` go before the script (--cpu-prof). */
  spawn?: (upstreamPort: number, port: number, root: string, nodeArgs?: string[], env?: Record<string, string>) => Spawned;
  targets: (base: string, upstreamPort: number) => Targets;
}

/** A fresh DATA_DIR (SQLite key, usage and Responses stores) per gateway process, removed on exit. */
const dataDirs: string[] = [];
function dataDir(): string {
  const dir = mkdtempSync(join(tmpdir(), "bench-gateway-data-"));
  if (dataDirs.push(dir) === 1) process.once("exit", () => dataDirs.forEach((d) => rmSync(d, { recursive: true, force: true })));
  return dir;
}

// Portkey is not a dependency: bench/run.ts installs the pinned version first (scripts/e2e-tools.ts).
const portkeyEntry = () => e2eToolPath("portkey");

export const CONTENDERS: Contender[] = [
  {
    name: "direct",
    label: "direct",
    what: "the load sends the Bedrock request straight to the upstream: what Bedrock itself costs",
    targets: (base) => bedrockTargets(base, true),
  },
  {
    name: "direct-sdk",
    label: "direct via AWS SDK",
    what: "a minimal Node server calling ConverseCommand / ConverseStreamCommand (@aws-sdk/client-bedrock-runtime, keep-alive HTTP/1.1 handler)",
    spawn: (up, port, root, args = []) =>
      spawnNode(
        [...args, "bench/contenders/sdk-server.ts", String(up), String(port)],
        cleanEnv({ AWS_EC2_METADATA_DISABLED: "true" }),
        root,
      ),
    targets: (base) => bedrockTargets(base, false),
  },
  {
    name: "gateway",
    label: "bedrock-gateway",
    what: "node dist/server/main.mjs (the server bundle the container runs; npm run build) with its defaults: OpenAI API, one access-log line per request (LOG_LEVEL=info, to /dev/null), usage records in SQLite, metrics on",
    spawn: (up, port, root, args = [], env = {}) =>
      spawnNode(
        [...args, GATEWAY_ENTRY],
        cleanEnv({
          NODE_ENV: "production",
          PORT: String(port),
          HOST: "127.0.0.1",
          API_KEY: GATEWAY_KEY,
          AWS_REGION: "us-east-1",
          AWS_ENDPOINT_URL_BEDROCK_RUNTIME: `http://127.0.0.1:${up}`,
          // The benchmark upstream speaks Converse only (no Mantle).
          ENABLE_NATIVE_ENDPOINTS: "false",
          AWS_ENDPOINT_URL_BEDROCK: `http://127.0.0.1:${up}`,
          AWS_ACCESS_KEY_ID: DUMMY_AWS.accessKeyId,
          AWS_SECRET_ACCESS_KEY: DUMMY_AWS.secretAccessKey,
          AWS_EC2_METADATA_DISABLED: "true",
          LOG_LEVEL: "info",
          DATA_DIR: dataDir(),
          ...env,
        }),
        root,
      ),
    targets: (base) => openaiTargets(base, { authorization: `Bearer ${GATEWAY_KEY}` }),
  },
  {
    name: "portkey",
    label: "Portkey gateway",
    what: "@portkey-ai/gateway (npm) --headless, Bedrock provider, x-portkey-custom-host pointing at the upstream, dummy AWS keys",
    spawn: (_up, port, root, args = []) =>
      spawnNode([...args, portkeyEntry(), `--port=${port}`, "--headless"], cleanEnv({ NODE_ENV: "production" }), root),
    targets: (base, up) =>
      openaiTargets(base, {
        "x-portkey-provider": "bedrock",
        "x-portkey-custom-host": `http://127.0.0.1:${up}`,
        "x-portkey-aws-region": "us-east-1",
        "x-portkey-aws-access-key-id": DUMMY_AWS.accessKeyId,
        "x-portkey-aws-secret-access-key": DUMMY_AWS.secretAccessKey,
      }),
  },
  {
    name: "floor",
    label: "pass-through floor",
    what: "a byte-forwarding HTTP proxy over keep-alive connections (no parsing, no signing): the floor for any proxy in Node",
    spawn: (up, port, root, args = []) =>
      spawnNode([...args, "bench/contenders/pass-through-proxy.ts", String(up), String(port)], cleanEnv({}), root),
    targets: (base) => bedrockTargets(base, true),
  },
];
