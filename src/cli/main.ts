#!/usr/bin/env node
// `bedrock-gateway` (npx bedrock-gateway …): manage API keys and read usage, against the store
// the gateway uses (DATA_DIR / DATABASE_URL from the environment, as for the gateway itself).
import { existsSync } from "node:fs";
import { resolve } from "node:path";
import { loadStoreConfig } from "../config/config.ts";
import type { StoreConfig } from "../config/config.ts";
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

The store is the gateway's: SQLite under DATA_DIR (default ./data) or DATABASE_URL. The CLI says
on stderr which store it opened. It will not create a new, empty SQLite store (the usual cause is
running it from another directory than the gateway's): pass --create-store to create one.
`;

/** Where the store is, for people: the SQLite file, or the database host (never credentials). */
export function describeStore(store: StoreConfig): string {
  if (store.kind === "sqlite") return `SQLite ${resolve(store.path)}`;
  if (store.kind === "postgres") {
    try {
      const u = new URL(store.url);
      return `PostgreSQL ${u.hostname}${u.port ? `:${u.port}` : ""}${u.pathname}`;
    } catch {
      return "PostgreSQL (DATABASE_URL)";
    }
  }
  return "none";
}

const out = (s: string) => void process.stdout.write(s);

async function main(argv: string[]): Promise<number> {
  const [command, ...rest] = argv;
  if (!command || command === "help" || command === "--help" || command === "-h") {
    out(HELP);
    return 0;
  }
  if (command !== "keys" && command !== "usage") throw new UsageError(`unknown command "${command}"`);
  const create = rest.includes("--create-store");
  const args = rest.filter((a) => a !== "--create-store");
  const { store: storeConfig } = loadStoreConfig();
  if (storeConfig.kind === "none") throw new UsageError("DATABASE_URL=none: there is no store to manage");
  const wantsHelp = args.length === 0 || ["help", "--help", "-h"].includes(args[0]!);
  if (storeConfig.kind === "sqlite" && !existsSync(storeConfig.path) && !wantsHelp && !create) {
    throw new UsageError(
      `no store at ${resolve(storeConfig.path)}. Run the command where the gateway runs, or set DATA_DIR (or DATABASE_URL) to the gateway's; --create-store creates a new, empty store there.`,
    );
  }
  if (!wantsHelp) process.stderr.write(`bedrock-gateway: store ${describeStore(storeConfig)}\n`);
  const store = await openStore(storeConfig);
  try {
    if (command === "keys") await keysCommand(args, createKeyService(store!), out);
    else await usageCommand(args, store!, out);
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
