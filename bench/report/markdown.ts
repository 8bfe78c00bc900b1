// The results as Markdown tables: printed at the end of every run and written into BENCHMARKS.md
// between its result markers (the prose around them is kept).
import { existsSync, readFileSync, writeFileSync } from "node:fs";
import type { BenchResult } from "../run.ts";
import type { HttpFigures, HttpScenario, StreamFigures } from "./figures.ts";

const START = "<!-- bench:results:start -->";
const END = "<!-- bench:results:end -->";

export function fmt(x: number | undefined, unit = ""): string {
  if (x === undefined || !Number.isFinite(x)) return "—";
  const a = Math.abs(x);
  const s =
    a >= 1000
      ? Math.round(x).toLocaleString("en-US")
      : a >= 100
        ? x.toFixed(0)
        : a >= 10
          ? x.toFixed(1)
          : a >= 1
            ? x.toFixed(2)
            : x.toFixed(3);
  return unit ? `${s} ${unit}` : s;
}

const ratio = (x: number | undefined) => (x === undefined || !Number.isFinite(x) ? "—" : `${x.toFixed(2)}×`);
const signed = (x: number | undefined) => (x === undefined || !Number.isFinite(x) ? "—" : `${x >= 0 ? "+" : "−"}${fmt(Math.abs(x))}`);

function table(head: string[], rows: string[][]): string {
  return [
    `| ${head.join(" | ")} |`,
    `|${head.map((_, i) => (i === 0 ? "---" : "---:")).join("|")}|`,
    ...rows.map((r) => `| ${r.join(" | ")} |`),
  ].join("\n");
}

export function renderMarkdown(r: BenchResult, chartPath: string, jsonPath: string): string {
  const label = (n: string) => r.contenders.find((c) => c.name === n)?.label ?? n;
  const names = r.contenders.map((c) => c.name);
  const out: string[] = [];
  const m = r.machine;
  out.push(`### Run of ${r.date.slice(0, 16).replace("T", " ")} UTC${r.smoke ? " (SMOKE: figures are meaningless)" : ""}`);
  out.push(
    `${m.cpuModel}, ${m.cores} cores, ${m.memoryGiB} GiB, Linux ${m.kernel}, Node ${m.node}, open files ${m.openFilesLimit}. ` +
      `Load average (1/5/15 min) at the start ${r.loadAverage.start.join(" / ")}, per run ${r.loadAverage.perRun.map((l) => l[0]).join(", ")}, at the end ${r.loadAverage.end.join(" / ")}. ` +
      `Versions: ${Object.entries(m.versions)
        .filter(([, v]) => v)
        .map(([k, v]) => `${k} ${v}`)
        .join(", ")}. ` +
      `Medians of ${r.settings.runs} run${r.settings.runs > 1 ? "s" : ""}; ratios are taken within each run, then the median. Every figure: \`${jsonPath}\`.`,
  );
  out.push(`![benchmark chart](${chartPath})`);

  out.push("#### Targets");
  out.push(
    table(
      ["target", "goal", "measured", "met", "how it is measured"],
      r.targets.map((t) => [t.what, t.target, `${fmt(t.measured)} ${t.unit}`, t.met ? "yes" : "**no**", t.how]),
    ),
  );

  const httpTable = (id: HttpScenario, withOverhead: boolean) => {
    const figs = r.medians.http[id] ?? {};
    const rat = r.ratios[id] ?? {};
    const rows = names
      .filter((n) => figs[n])
      .map((n) => {
        const f = figs[n] as HttpFigures;
        const q = rat[n] ?? {};
        const base = [label(n), fmt(f.rps), ratio(q.rpsToDirect), ratio(q.rpsToFloor), fmt(f.p50), fmt(f.p90), fmt(f.p99)];
        if (withOverhead) base.push(signed(q.p50OverheadMs), signed(q.p99OverheadMs));
        base.push(fmt(f.cpuMsPerReq), n === "direct" ? "—" : ratio(q.cpuToFloor), f.failures ? `**${f.failures}**` : "0");
        return base;
      });
    const head = ["contender", "req/s", "× direct", "× floor", "p50 ms", "p90 ms", "p99 ms"];
    if (withOverhead) head.push("p50 over direct", "p99 over direct");
    head.push("CPU ms/req", "CPU × floor", "errors");
    return table(head, rows);
  };

  out.push("#### Non-stream chat completion, saturated");
  out.push(
    "Closed loop (autocannon): each connection sends its next request as soon as the answer arrives, so latency here is mostly queueing " +
      "(≈ connections ÷ throughput) and req/s is what the whole machine manages with load generator, proxy and upstream sharing its cores. " +
      "CPU ms/req is the proxy process alone (for direct: the upstream), the figure that travels between machines.",
  );
  for (const c of r.settings.chat.concurrencies) {
    out.push(`**${c} connection${c > 1 ? "s" : ""}**`);
    out.push(httpTable(`chat-c${c}` as HttpScenario, false));
  }
  out.push(
    `#### Non-stream latency at a fixed load: ${r.settings.fixedRate.rate} req/s over ${r.settings.fixedRate.connections} connections`,
  );
  out.push(
    "Requests evenly spaced (the harness's own paced client: autocannon's rate limit sends each connection's quota for the second in one burst), " +
      "below every contender's saturation point, so the difference to direct is the time the proxy adds to a request rather than queueing. " +
      "CPU ms/req is higher than under saturation: at a low rate every request pays its own event-loop wake-ups.",
  );
  out.push(httpTable("chat-rate64", true));

  const streamTable = (id: "stream-paced" | "stream-burst") => {
    const figs = r.medians.stream[id] ?? {};
    const rat = r.ratios[id] ?? {};
    const rows = names
      .filter((n) => figs[n])
      .map((n) => {
        const f = figs[n] as StreamFigures;
        const q = rat[n] ?? {};
        return id === "stream-paced"
          ? [
              label(n),
              fmt(f.ttftP50),
              fmt(f.ttftP90),
              signed(q.ttftOverheadMs),
              fmt(f.totalP50),
              fmt(f.tokensPerSecond),
              fmt(f.cpuMsPerStream),
              f.failures ? `**${f.failures}**` : "0",
            ]
          : [
              label(n),
              fmt(f.streamsPerSecond),
              ratio(q.rpsToDirect),
              ratio(q.rpsToFloor),
              fmt(f.totalP50),
              fmt(f.cpuMsPerStream),
              n === "direct" ? "—" : ratio(q.cpuPerStreamToFloor),
              f.failures ? `**${f.failures}**` : "0",
            ];
      });
    return id === "stream-paced"
      ? table(
          ["contender", "TTFT p50 ms", "TTFT p90 ms", "TTFT over direct", "total p50 ms", "tokens/s per stream", "CPU ms/stream", "errors"],
          rows,
        )
      : table(["contender", "streams/s", "× direct", "× floor", "total p50 ms", "CPU ms/stream", "CPU × floor", "errors"], rows);
  };
  const sp = r.settings.streamPaced;
  const sb = r.settings.streamBurst;
  out.push(`#### Streaming ${sp.tokens} tokens at ${sp.tokenRate} tokens/s, one stream at a time`);
  out.push(
    "Time to first token, total time and chunk rate as a client sees them; the upstream sends the first token at once and then one event-stream frame per token.",
  );
  out.push(streamTable("stream-paced"));
  out.push(
    `#### Streaming ${sb.tokens} tokens at zero latency, ${sb.concurrency} streams at once (at least ${sb.streams} streams and ${sb.minDurationS} s)`,
  );
  out.push(
    "The whole Bedrock stream arrives as fast as the proxy can take it: per-event costs (frame decoding, mapping, SSE writing) decide.",
  );
  out.push(streamTable("stream-burst"));

  out.push(
    `#### Embeddings: ${r.settings.embeddings.connections} connections, a batch of 16 texts (Cohere Embed v3, 1,024 floats each), saturated`,
  );
  out.push(httpTable("embeddings", false));

  out.push("#### Memory: open streams held by a slow upstream");
  out.push(
    "A fresh process per count, warmed up; RSS before, then with every stream open (each has delivered its first token). KB = KiB of RSS per stream.",
  );
  const counts = r.settings.memory.counts.map(String);
  out.push(
    table(
      ["contender", ...counts.map((c) => `KB/stream at ${c}`), "RSS before (MiB)", `RSS at ${counts.at(-1)} (MiB)`, "streams not opened"],
      Object.entries(r.memory).map(([n, byCount]) => {
        const last = byCount[counts.at(-1)!];
        const failed = counts.reduce((k, c) => k + (byCount[c]?.failures ?? 0), 0);
        return [
          label(n),
          ...counts.map((c) => fmt(byCount[c]?.kbPerStream)),
          fmt(last?.baselineMiB),
          fmt(last?.rssMiB),
          failed ? `**${failed}**` : "0",
        ];
      }),
    ),
  );

  out.push("#### Cold start: process spawn to first 200");
  out.push(
    table(
      ["contender", "first chat completion ms", "first /health ms", "all runs (chat) ms"],
      Object.entries(r.coldStart).map(([n, f]) => [label(n), fmt(f.chatMs), fmt(f.healthMs), f.chatAllMs.join(", ")]),
    ),
  );
  out.push(`Contenders: ${r.contenders.map((c) => `**${c.label}**: ${c.what}`).join("; ")}.`);
  return out.join("\n\n");
}

export function updateBenchmarksMd(path: string, md: string): void {
  const block = `${START}\n${md}\n${END}`;
  if (!existsSync(path)) {
    writeFileSync(path, `# Benchmarks\n\n${block}\n`);
    return;
  }
  const text = readFileSync(path, "utf8");
  const a = text.indexOf(START);
  const b = text.indexOf(END);
  writeFileSync(path, a >= 0 && b > a ? text.slice(0, a) + block + text.slice(b + END.length) : `${text.trimEnd()}\n\n${block}\n`);
}
