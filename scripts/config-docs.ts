// docs/configuration.md, generated from the configuration schema (src/config/config.ts) so the
// reference cannot drift from what the gateway reads: the variables, their order and section
// comments, their doc comments and types come from the schema's source; defaults come from the
// schema itself (parsed with nothing set). test/config-docs.test.ts fails when the file differs.
// Usage: node scripts/config-docs.ts          (npm run docs:config; rewrites docs/configuration.md)
//        node scripts/config-docs.ts --check  (exit 1 when the file is out of date)
import { readFileSync, writeFileSync } from "node:fs";
import { dirname, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import ts from "typescript";
import { envSchema } from "../src/config/config.ts";

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), "..");
const CONFIG = resolve(ROOT, "src/config/config.ts");
export const CONFIG_DOC = resolve(ROOT, "docs/configuration.md");

interface Variable {
  name: string;
  section: string | undefined;
  doc: string;
  type: string;
  defaultText: string;
}

/** The kind of value, from how the schema parses it. */
function typeOf(init: string): string {
  const e = /z\.enum\(\[([^\]]*)\]\)/.exec(init);
  if (e) return `one of ${e[1]!.replace(/"/g, "`").replace(/,\s*/g, ", ")}`;
  if (init.includes("LOG_LEVELS")) return "one of `fatal`, `error`, `warn`, `info`, `debug`, `trace`, `silent`";
  if (init.includes("parseDuration")) return "duration (`250ms`, `30s`, `10m`, `1.5h`, `30d`; a bare number is seconds)";
  if (init.includes("parseByteSize")) return "size (`512KiB`, `20MiB`, `1MB`; a bare number is bytes)";
  if (init.includes("parseBoolean")) return "boolean (`true`/`false`, `1`/`0`, `yes`/`no`)";
  if (init.includes("parseAliasMap")) return '`alias=model,alias2=model2` or JSON `{"alias":"model"}`';
  if (init.includes("parseKeyList")) return "comma-separated 32-byte keys (base64 or hex)";
  if (init.includes("parseList")) return "comma-separated list";
  if (init.includes("endpointUrl")) return "http(s) URL";
  if (init.includes("routePrefix")) return "path (`/api/v1`)";
  const n = /z\.coerce\.number\(\)([^]*?)(?:\.default|$)/.exec(init);
  if (n) {
    const min = /\.min\((-?[\d_]+)\)/.exec(n[1]!)?.[1];
    const max = /\.max\((-?[\d_]+)\)/.exec(n[1]!)?.[1];
    const range = min !== undefined && max !== undefined ? ` ${min}–${max}` : min !== undefined ? ` ≥ ${min}` : "";
    return `${n[1]!.includes(".int()") ? "integer" : "number"}${range.replace(/_/g, "")}`;
  }
  return "string";
}

function duration(ms: number): string {
  for (const [unit, size] of [
    ["d", 86_400_000],
    ["h", 3_600_000],
    ["m", 60_000],
    ["s", 1000],
  ] as const) {
    if (ms >= size && ms % size === 0) return `${ms / size}${unit}`;
  }
  return `${ms}ms`;
}

function bytes(n: number): string {
  if (n % 1_048_576 === 0) return `${n / 1_048_576}MiB`;
  if (n % 1024 === 0) return `${n / 1024}KiB`;
  return String(n);
}

function defaultOf(name: string, init: string): string {
  if (!init.includes(".default(")) return "—";
  const parsed = (envSchema.shape as Record<string, { safeParse: (v: unknown) => { success: boolean; data?: unknown } }>)[name]!.safeParse(
    undefined,
  );
  const v = parsed.data;
  if (v instanceof Map) return v.size ? `\`${[...v].map(([a, b]) => `${a}=${b}`).join(",")}\`` : "—";
  if (Array.isArray(v)) return v.length ? `\`${v.join(",")}\`` : "—";
  if (typeof v === "number" && init.includes("parseDuration")) return `\`${duration(v)}\``;
  if (typeof v === "number" && init.includes("parseByteSize")) return `\`${bytes(v)}\``;
  return `\`${String(v)}\``;
}

const cell = (s: string) =>
  s
    .replace(/\|/g, "\\|")
    .replace(/\s*\n\s*/g, " ")
    .trim();

export function readVariables(): Variable[] {
  const text = readFileSync(CONFIG, "utf8");
  const source = ts.createSourceFile(CONFIG, text, ts.ScriptTarget.Latest, true);
  let object: ts.ObjectLiteralExpression | undefined;
  source.forEachChild(function visit(node) {
    if (
      ts.isVariableDeclaration(node) &&
      node.name.getText() === "envSchema" &&
      node.initializer &&
      ts.isCallExpression(node.initializer)
    ) {
      const arg = node.initializer.arguments[0];
      if (arg && ts.isObjectLiteralExpression(arg)) object = arg;
    }
    node.forEachChild(visit);
  });
  if (!object) throw new Error("envSchema = z.object({…}) not found in src/config/config.ts");
  const out: Variable[] = [];
  let section: string | undefined;
  for (const prop of object.properties) {
    if (!ts.isPropertyAssignment(prop)) continue;
    const name = prop.name.getText();
    let doc = "";
    for (const range of ts.getLeadingCommentRanges(text, prop.getFullStart()) ?? []) {
      const c = text.slice(range.pos, range.end);
      if (c.startsWith("/**"))
        doc = c
          .replace(/^\/\*\*|\*\/$/g, "")
          .split("\n")
          .map((l) => l.replace(/^\s*\* ?/, ""))
          .join(" ")
          .trim();
      else if (c.startsWith("//"))
        section = c
          .replace(/^\/\/\s*/, "")
          .replace(/\s*See README.*$/, "")
          .replace(/\.$/, "");
    }
    const init = prop.initializer.getText();
    out.push({ name, section, doc, type: typeOf(init), defaultText: defaultOf(name, init) });
  }
  return out;
}

export function renderConfigDoc(vars: Variable[] = readVariables()): string {
  const lines = [
    "# Configuration reference",
    "",
    "<!-- Generated by `npm run docs:config` from src/config/config.ts — do not edit by hand; a test fails when this file and the schema differ. -->",
    "",
    "Every setting is an environment variable, read once at start-up by `src/config/config.ts`. An invalid",
    "value stops the gateway with a message naming the variable. Names follow",
    "[bedrock-access-gateway](https://github.com/aws-samples/bedrock-access-gateway) where it has one.",
    "The AWS SDK's own variables (`AWS_PROFILE`, `AWS_ACCESS_KEY_ID`, `AWS_SECRET_ACCESS_KEY`,",
    "`AWS_SESSION_TOKEN`, `AWS_CONFIG_FILE`…) are read by its credential chain as usual.",
    "",
  ];
  let section: string | undefined = "";
  for (const v of vars) {
    if (v.section !== section) {
      section = v.section;
      lines.push(
        `## ${section ?? "Server, AWS, models and requests"}`,
        "",
        "| Variable | Type | Default | Description |",
        "|---|---|---|---|",
      );
    }
    lines.push(`| \`${v.name}\` | ${cell(v.type)} | ${cell(v.defaultText)} | ${cell(v.doc) || "—"} |`);
    const next = vars[vars.indexOf(v) + 1];
    if (!next || next.section !== section) lines.push("");
  }
  return lines.join("\n");
}

if (import.meta.main) {
  const doc = renderConfigDoc();
  if (process.argv.includes("--check")) {
    const same = readFileSync(CONFIG_DOC, "utf8") === doc;
    if (!same) process.stderr.write("docs/configuration.md is out of date: run npm run docs:config\n");
    process.exitCode = same ? 0 : 1;
  } else {
    writeFileSync(CONFIG_DOC, doc);
    process.stdout.write(`${CONFIG_DOC}\n`);
  }
}
