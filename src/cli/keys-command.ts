// `bedrock-gateway keys …`: create, list, show, update, revoke, rotate. Works on the same store
// the gateway uses (DATA_DIR / DATABASE_URL); running gateways see changes within KEY_CACHE_TTL.
import { parseArgs } from "node:util";
import { keyToJson } from "../keys/key-json.ts";
import { formatBudget, parseBudget, parseExpiry } from "../keys/key-policy.ts";
import type { KeyService } from "../keys/key-service.ts";
import { parseMetadata } from "../keys/key-spec.ts";
import type { KeySpec } from "../keys/key-spec.ts";
import { parseModelPatterns } from "../keys/model-patterns.ts";
import type { KeyRecord } from "../store/store.ts";
import { formatTable } from "./format-table.ts";
import { UsageError } from "./usage-error.ts";

export const KEYS_HELP = `Usage: bedrock-gateway keys <command> [options]

Commands:
  create --name NAME [limits]     create a key; prints its secret once
  list                            all keys
  show ID                         one key
  update ID [limits]              change a key (takes effect within KEY_CACHE_TTL)
  revoke ID                       revoke a key for good
  rotate ID                       new secret for the same key (same id, limits, usage)

Limits and fields (create, update):
  --models 'anthropic.*,us.amazon.nova-*'   allowed models (globs over ids and aliases; '*' = all)
  --rpm N, --tpm N                          requests / tokens per minute ('none' removes)
  --budget 50/month | 5/day                 USD budget per UTC month or day ('none' removes)
  --expires 2027-01-01                      expiry (UTC; 'never' removes)
  --metadata team=ml,owner=ana              free-form labels
  --enable, --disable                       switch the key on or off
  --name NAME

Options:
  --json                          machine-readable output
`;

const OPTIONS = {
  name: { type: "string" },
  models: { type: "string" },
  rpm: { type: "string" },
  tpm: { type: "string" },
  budget: { type: "string" },
  expires: { type: "string" },
  metadata: { type: "string" },
  enable: { type: "boolean" },
  disable: { type: "boolean" },
  json: { type: "boolean" },
  help: { type: "boolean", short: "h" },
} as const;

type Values = ReturnType<typeof parseArgs<{ options: typeof OPTIONS; allowPositionals: true }>>["values"];

function limit(text: string, flag: string): number | null {
  if (text.toLowerCase() === "none") return null;
  const n = Number(text);
  if (!Number.isInteger(n) || n <= 0) throw new UsageError(`--${flag}: "${text}" must be a positive whole number (or none)`);
  return n;
}

function wrap<T>(flag: string, f: () => T): T {
  try {
    return f();
  } catch (err) {
    throw new UsageError(`--${flag}: ${(err as Error).message}`);
  }
}

function specFrom(v: Values): KeySpec {
  if (v.enable && v.disable) throw new UsageError("--enable and --disable exclude each other");
  const spec: KeySpec = {};
  if (v.name !== undefined) spec.name = v.name;
  if (v.models !== undefined) spec.models = v.models.trim() === "*" ? null : parseModelPatterns(v.models);
  if (v.rpm !== undefined) spec.rpm = limit(v.rpm, "rpm");
  if (v.tpm !== undefined) spec.tpm = limit(v.tpm, "tpm");
  if (v.budget !== undefined) spec.budget = v.budget.toLowerCase() === "none" ? null : wrap("budget", () => parseBudget(v.budget!));
  if (v.expires !== undefined) spec.expiresAt = wrap("expires", () => parseExpiry(v.expires!));
  if (v.metadata !== undefined) spec.metadata = wrap("metadata", () => parseMetadata(v.metadata!));
  if (v.enable) spec.enabled = true;
  if (v.disable) spec.enabled = false;
  return spec;
}

function describe(k: KeyRecord): string {
  const j = keyToJson(k);
  const rows: [string, string][] = [
    ["id", j.id],
    ["name", j.name],
    ["status", j.status],
    ["hint", j.hint],
    ["models", j.models ? j.models.join(", ") : "all"],
    ["rpm", j.rpm === null ? "unlimited" : String(j.rpm)],
    ["tpm", j.tpm === null ? "unlimited" : String(j.tpm)],
    ["budget", j.budget ? `${j.budget.usd} USD per ${j.budget.period}` : "none"],
    ["expires", j.expires_at ?? "never"],
    [
      "metadata",
      Object.entries(j.metadata)
        .map(([a, b]) => `${a}=${b}`)
        .join(", "),
    ],
    ["created", j.created_at ?? ""],
  ];
  if (j.revoked_at) rows.push(["revoked", j.revoked_at]);
  return rows.map(([a, b]) => `${a.padEnd(9)} ${b}`).join("\n") + "\n";
}

export async function keysCommand(args: string[], keys: KeyService, out: (s: string) => void): Promise<void> {
  const [sub, ...rest] = args;
  if (!sub || sub === "help" || sub === "--help" || sub === "-h") {
    out(KEYS_HELP);
    return;
  }
  let parsed;
  try {
    parsed = parseArgs({ args: rest, options: OPTIONS, allowPositionals: true, strict: true });
  } catch (err) {
    throw new UsageError((err as Error).message);
  }
  const { values: v, positionals } = parsed;
  if (v.help) {
    out(KEYS_HELP);
    return;
  }
  const json = (x: unknown) => out(JSON.stringify(x, null, 2) + "\n");
  const needId = () => {
    const id = positionals[0];
    if (!id) throw new UsageError(`keys ${sub}: give the key id (vk_…)`);
    return id;
  };
  const issued = (k: KeyRecord, secret: string, verb: string) => {
    if (v.json) return json({ ...keyToJson(k), secret });
    out(`${verb} key ${k.id} (${k.name}).\n\n${describe(k)}\nSecret (shown only now; store it safely):\n  ${secret}\n`);
  };

  switch (sub) {
    case "create": {
      if (!v.name) throw new UsageError("keys create: --name is required");
      const r = await keys.create(specFrom(v));
      return issued(r.key, r.secret, "Created");
    }
    case "list": {
      const all = await keys.list();
      if (v.json) return json(all.map((k) => keyToJson(k)));
      if (all.length === 0) return out("No keys yet. Create one with: bedrock-gateway keys create --name NAME\n");
      const rows = all.map((k) => {
        const j = keyToJson(k);
        return [
          j.id,
          j.name,
          j.status,
          j.models ? j.models.join(",") : "all",
          j.rpm === null ? "-" : String(j.rpm),
          j.tpm === null ? "-" : String(j.tpm),
          formatBudget(j.budget) || "-",
          j.expires_at?.slice(0, 10) ?? "-",
        ];
      });
      return out(formatTable(["ID", "NAME", "STATUS", "MODELS", "RPM", "TPM", "BUDGET", "EXPIRES"], rows));
    }
    case "show": {
      const k = await keys.get(needId());
      return v.json ? json(keyToJson(k)) : out(describe(k));
    }
    case "update": {
      const id = needId();
      const spec = specFrom(v);
      if (Object.keys(spec).length === 0) throw new UsageError("keys update: nothing to change (see bedrock-gateway keys help)");
      const k = await keys.update(id, spec);
      return v.json ? json(keyToJson(k)) : out(`Updated key ${k.id}.\n\n${describe(k)}`);
    }
    case "revoke": {
      const k = await keys.revoke(needId());
      return v.json ? json(keyToJson(k)) : out(`Revoked key ${k.id} (${k.name}). Gateways refuse it within KEY_CACHE_TTL.\n`);
    }
    case "rotate": {
      const r = await keys.rotate(needId());
      return issued(r.key, r.secret, "Rotated");
    }
    default:
      throw new UsageError(`unknown command "keys ${sub}" (see bedrock-gateway keys help)`);
  }
}
