// `bedrock-gateway usage`: totals per key, model or UTC day, as a table, CSV or JSON.
import { parseArgs } from "node:util";
import type { Store } from "../store/store.ts";
import { parseGroupBy, parseUsageRange, usageReport } from "../usage/usage-report.ts";
import { formatCsv, formatTable } from "./format-table.ts";
import { UsageError } from "./usage-error.ts";

export const USAGE_HELP = `Usage: bedrock-gateway usage [options]

  --from DATE        start (UTC date or ISO time; default: first day of this month)
  --to DATE          end (a date includes that whole day; default: now)
  --group-by KIND    key (default), model or day
  --key ID           only this key
  --format FORMAT    table (default), csv or json
`;

export async function usageCommand(args: string[], store: Store, out: (s: string) => void): Promise<void> {
  let values;
  try {
    ({ values } = parseArgs({
      args,
      options: {
        from: { type: "string" },
        to: { type: "string" },
        "group-by": { type: "string" },
        key: { type: "string" },
        format: { type: "string" },
        help: { type: "boolean", short: "h" },
      },
      strict: true,
    }));
  } catch (err) {
    throw new UsageError((err as Error).message);
  }
  if (values.help) return out(USAGE_HELP);
  const format = (values.format ?? "table").toLowerCase();
  if (!["table", "csv", "json"].includes(format)) throw new UsageError(`--format: "${values.format}" must be table, csv or json`);
  let q;
  try {
    q = { ...parseUsageRange(values.from, values.to), groupBy: parseGroupBy(values["group-by"]), keyId: values.key };
  } catch (err) {
    throw new UsageError((err as Error).message.replace(/^group_by/, "--group-by"));
  }
  const report = usageReport(await store.usageSummary(q), q);
  if (format === "json") return out(JSON.stringify(report, null, 2) + "\n");

  const headers = [
    q.groupBy.toUpperCase(),
    ...(q.groupBy === "key" ? ["NAME"] : []),
    "REQUESTS",
    "ERRORS",
    "INPUT",
    "OUTPUT",
    "CACHE_READ",
    "CACHE_WRITE",
    "COST_USD",
    "UNPRICED",
  ];
  const row = (group: string, name: string | null, t: (typeof report)["totals"]) => [
    group,
    ...(q.groupBy === "key" ? [name ?? ""] : []),
    String(t.requests),
    String(t.errors),
    String(t.input_tokens),
    String(t.output_tokens),
    String(t.cache_read_tokens),
    String(t.cache_write_tokens),
    t.cost_usd.toFixed(6),
    String(t.unpriced_requests),
  ];
  const rows = report.data.map((r) => row(r.group, r.name, r));
  if (format === "csv") return out(formatCsv(headers, rows));
  out(`Usage from ${report.from} to ${report.to}\n\n`);
  out(formatTable(headers, [...rows, row("TOTAL", null, report.totals)]));
  if (report.totals.unpriced_requests > 0) out("\nUNPRICED: requests of models with no known price; their cost is not in COST_USD.\n");
}
