// Two benchmark runs side by side (a "before" and an "after" of a change): the gateway's figures in
// each, the change, and where a Portkey figure exists, the gateway's share of it within each run
// (per repetition, then the median — the way the report's own ratios are taken, so the machine's
// speed on the day cancels out).
// Usage: node bench/compare.ts before.json after.json   (prints a Markdown table)
import { readFileSync } from "node:fs";
import { median } from "./lib/stats.ts";

interface Figures {
  cpuMsPerReq?: number;
  cpuMsPerStream?: number;
  p50?: number;
  p99?: number;
  ttftP50?: number;
}
interface Run {
  http: Record<string, Record<string, Figures>>;
  stream: Record<string, Record<string, Figures>>;
}
interface Result {
  date: string;
  gateway?: { commit: string; nodeFlags?: string };
  runs: Run[];
  medians: Run;
  memory: Record<string, Record<string, { kbPerStream: number }>>;
  coldStart: Record<string, { healthMs?: number; chatMs: number }>;
}

const [beforePath, afterPath] = process.argv.slice(2);
if (!beforePath || !afterPath) {
  process.stderr.write("usage: node bench/compare.ts before.json after.json\n");
  process.exit(2);
}
/** The gateway's commit, and its Node flags when the run had some (GATEWAY_NODE_FLAGS). */
const label = (r: Result) => `${r.gateway?.commit ?? "?"}${r.gateway?.nodeFlags ? ` ${r.gateway.nodeFlags}` : ""}`;
const load = (p: string) => JSON.parse(readFileSync(p, "utf8")) as Result;
const before = load(beforePath);
const after = load(afterPath);

type Pick = (r: Run) => Record<string, Figures> | undefined;
interface Row {
  what: string;
  unit: string;
  pick: Pick;
  field: keyof Figures;
  /** Subtract direct's figure (overheads). */
  overDirect?: boolean;
}
const ROWS: Row[] = [
  { what: "non-stream CPU per request, 16 connections", unit: "ms", pick: (r) => r.http["chat-c16"], field: "cpuMsPerReq" },
  { what: "non-stream CPU per request, 64 connections", unit: "ms", pick: (r) => r.http["chat-c64"], field: "cpuMsPerReq" },
  { what: "non-stream CPU per request, 500 req/s", unit: "ms", pick: (r) => r.http["chat-rate64"], field: "cpuMsPerReq" },
  { what: "non-stream p50 over direct, 500 req/s", unit: "ms", pick: (r) => r.http["chat-rate64"], field: "p50", overDirect: true },
  { what: "non-stream p99 over direct, 500 req/s", unit: "ms", pick: (r) => r.http["chat-rate64"], field: "p99", overDirect: true },
  {
    what: "stream CPU, 500 tokens at zero latency, 16 at once",
    unit: "ms",
    pick: (r) => r.stream["stream-burst"],
    field: "cpuMsPerStream",
  },
  { what: "stream CPU, 500 tokens at 1,000 tokens/s", unit: "ms", pick: (r) => r.stream["stream-paced"], field: "cpuMsPerStream" },
  { what: "TTFT over direct, paced stream", unit: "ms", pick: (r) => r.stream["stream-paced"], field: "ttftP50", overDirect: true },
  { what: "embeddings CPU per request (16 × 1,024 floats)", unit: "ms", pick: (r) => r.http.embeddings, field: "cpuMsPerReq" },
];

const value = (figs: Record<string, Figures> | undefined, who: string, row: Row): number | undefined => {
  const v = figs?.[who]?.[row.field];
  if (v === undefined) return undefined;
  if (!row.overDirect) return v;
  const d = figs?.direct?.[row.field];
  return d === undefined ? undefined : v - d;
};
/** The gateway's figure ÷ Portkey's, per repetition, then the median. */
const shareOfPortkey = (r: Result, row: Row): number | undefined => {
  const per = r.runs
    .map((run) => {
      const g = value(row.pick(run), "gateway", row);
      const p = value(row.pick(run), "portkey", row);
      return g !== undefined && p ? g / p : undefined;
    })
    .filter((x): x is number => x !== undefined);
  return per.length ? median(per) : undefined;
};
const fmt = (n: number | undefined, digits = 3) => (n === undefined || Number.isNaN(n) ? "—" : n.toPrecision(digits));
const pct = (a: number | undefined, b: number | undefined) =>
  a === undefined || b === undefined || a === 0 ? "—" : `${b > a ? "+" : ""}${(((b - a) / Math.abs(a)) * 100).toFixed(0)}%`;

const lines = [
  `| figure | before (${label(before)}) | after (${label(after)}) | change | ÷ Portkey before | ÷ Portkey after |`,
  "|---|---:|---:|---:|---:|---:|",
];
for (const row of ROWS) {
  const b = value(row.pick(before.medians), "gateway", row);
  const a = value(row.pick(after.medians), "gateway", row);
  const pb = shareOfPortkey(before, row);
  const pa = shareOfPortkey(after, row);
  lines.push(`| ${row.what} (${row.unit}) | ${fmt(b)} | ${fmt(a)} | ${pct(b, a)} | ${fmt(pb, 2)} | ${fmt(pa, 2)} |`);
}
for (const count of ["1000", "5000"]) {
  const b = before.memory.gateway?.[count]?.kbPerStream;
  const a = after.memory.gateway?.[count]?.kbPerStream;
  const pb = before.memory.portkey?.[count]?.kbPerStream;
  const pa = after.memory.portkey?.[count]?.kbPerStream;
  lines.push(
    `| RSS per open stream at ${Number(count).toLocaleString("en")} (KB) | ${fmt(b)} | ${fmt(a)} | ${pct(b, a)} | ${fmt(b && pb ? b / pb : undefined, 2)} | ${fmt(a && pa ? a / pa : undefined, 2)} |`,
  );
}
{
  const b = before.coldStart.gateway?.healthMs;
  const a = after.coldStart.gateway?.healthMs;
  const pb = before.coldStart.portkey?.chatMs;
  const pa = after.coldStart.portkey?.chatMs;
  lines.push(
    `| start → first /health 200 (ms) | ${fmt(b)} | ${fmt(a)} | ${pct(b, a)} | ${fmt(b && pb ? b / pb : undefined, 2)} | ${fmt(a && pa ? a / pa : undefined, 2)} |`,
  );
}
process.stdout.write(`${lines.join("\n")}\n`);
