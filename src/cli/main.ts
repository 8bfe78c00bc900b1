#!/usr/bin/env node
// `bedrock-gateway` (npx bedrock-gateway …): manage API keys and read usage, against the store
// the gateway uses (DATA_DIR / DATABASE_URL from the environment, as for the gateway itself).
import { loadStoreConfig } from "../config/config.ts";
import { GatewayError } from "../errors/gateway-error.ts";
import { createKeyService } from "../keys/key-service.ts";
import { openStore } from "../store/open-store.ts";
import { keysCommand } from "./keys-command.ts";
import { usageCommand } from "./usage-command.ts";
import { UsageError } from "./usage-error.ts";

const HELP = `Usage: bedrock-gateway <command>

Commands:
  keys      create, list, show, update, revoke and rotate API keys (bedrock-gateway keys help)
  usage     usage and cost totals per key, model or day (bedrock-gateway usage --help)

The store is the gateway's: SQLite under DATA_DIR (default ./data) or DATABASE_URL.
`;

const out = (s: string) => void process.stdout.write(s);

async function main(argv: string[]): Promise<number> {
  const [command, ...rest] = argv;
  if (!command || command === "help" || command === "--help" || command === "-h") {
    out(HELP);
    return 0;
  }
  if (command !== "keys" && command !== "usage") throw new UsageError(`unknown command "${command}"`);
  const { store: storeConfig } = loadStoreConfig();
  if (storeConfig.kind === "none") throw new UsageError("DATABASE_URL=none: there is no store to manage");
  const store = await openStore(storeConfig);
  try {
    if (command === "keys") await keysCommand(rest, createKeyService(store!), out);
    else await usageCommand(rest, store!, out);
  } finally {
    await store!.close();
  }
  return 0;
}

main(process.argv.slice(2)).then(
  (code) => (process.exitCode = code),
  (err: unknown) => {
    if (err instanceof UsageError) {
      process.stderr.write(`bedrock-gateway: ${err.message}\n`);
      process.exitCode = 2;
    } else if (err instanceof GatewayError) {
      process.stderr.write(`bedrock-gateway: ${err.message}\n`);
      process.exitCode = 1;
    } else {
      process.stderr.write(`bedrock-gateway: ${err instanceof Error ? err.message : String(err)}\n`);
      process.exitCode = 1;
    }
  },
);
