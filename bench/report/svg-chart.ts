// The results as one SVG image (no external service, no dependency): a small horizontal bar chart
// per headline figure, one bar per contender, in the same colour everywhere.
import type { BenchResult } from "../run.ts";

const COLOURS: Record<string, string> = {
  direct: "#7f7f7f",
  "direct-sdk": "#bcbd22",
  gateway: "#1f77b4",
  portkey: "#d62728",
  floor: "#2ca02c",
};

interface Panel {
  title: string;
  values: { name: string; label: string; value: number | undefined }[];
}

const esc = (s: string) => s.replaceAll("&", "&amp;").replaceAll("<", "&lt;").replaceAll(">", "&gt;");

function num(x: number): string {
  const a = Math.abs(x);
  return a >= 1000
    ? Math.round(x).toLocaleString("en-US")
    : a >= 100
      ? x.toFixed(0)
      : a >= 10
        ? x.toFixed(1)
        : a >= 1
          ? x.toFixed(2)
          : x.toFixed(3);
}

function panel(p: Panel, x: number, y: number, w: number): string {
  const bar = 18;
  const gap = 5;
  const labelW = 150;
  const valueW = 70;
  const max = Math.max(...p.values.map((v) => (v.value !== undefined && Number.isFinite(v.value) ? v.value : 0)), 1e-9);
  const parts = [`<text x="${x}" y="${y + 14}" font-weight="bold">${esc(p.title)}</text>`];
  p.values.forEach((v, i) => {
    const top = y + 24 + i * (bar + gap);
    const ok = v.value !== undefined && Number.isFinite(v.value);
    const len = ok ? Math.max(1, ((w - labelW - valueW) * v.value!) / max) : 0;
    parts.push(`<text x="${x + labelW - 6}" y="${top + 13}" text-anchor="end">${esc(v.label)}</text>`);
    parts.push(`<rect x="${x + labelW}" y="${top}" width="${len.toFixed(1)}" height="${bar}" fill="${COLOURS[v.name] ?? "#999"}"/>`);
    parts.push(`<text x="${x + labelW + len + 5}" y="${top + 13}">${ok ? num(v.value!) : "n/a"}</text>`);
  });
  return parts.join("\n");
}

export function renderChart(r: BenchResult): string {
  const contenders = r.contenders;
  const values = (get: (name: string) => number | undefined) =>
    contenders.map((c) => ({ name: c.name, label: c.label, value: get(c.name) }));
  const c64 = r.medians.http["chat-c64"] ?? {};
  const rate = r.medians.http["chat-rate64"] ?? {};
  const paced = r.medians.stream["stream-paced"] ?? {};
  const burst = r.medians.stream["stream-burst"] ?? {};
  const most = String(Math.max(...r.settings.memory.counts));
  type Name = keyof typeof c64;
  const panels: Panel[] = [
    { title: "Non-stream req/s, 64 connections, saturated (higher is better)", values: values((n) => c64[n as Name]?.rps) },
    { title: "CPU ms per non-stream request in the proxy (lower is better)", values: values((n) => c64[n as Name]?.cpuMsPerReq) },
    { title: `p50 latency ms at ${r.settings.fixedRate.rate} req/s over 64 connections`, values: values((n) => rate[n as Name]?.p50) },
    {
      title: `Time to first token ms, p50 (${r.settings.streamPaced.tokenRate} tokens/s stream)`,
      values: values((n) => paced[n as Name]?.ttftP50),
    },
    {
      title: `CPU ms per ${r.settings.streamBurst.tokens}-token stream in the proxy`,
      values: values((n) => burst[n as Name]?.cpuMsPerStream),
    },
    {
      title: `KB RSS per open stream at ${most} streams (lower is better)`,
      values: values((n) => r.memory[n as Name]?.[most]?.kbPerStream),
    },
    { title: "Cold start ms: spawn to first chat completion 200", values: values((n) => r.coldStart[n as Name]?.chatMs) },
  ];
  const w = 520;
  const h = 24 + contenders.length * 23 + 20;
  const cols = 2;
  const width = cols * w + 40;
  const rows = Math.ceil(panels.length / cols);
  const height = 60 + rows * h;
  const body = panels.map((p, i) => panel(p, 20 + (i % cols) * w, 50 + Math.floor(i / cols) * h, w - 30)).join("\n");
  const title = `bedrock-gateway benchmark, ${r.date.slice(0, 10)}: ${r.machine.cores} cores (${r.machine.cpuModel}), Node ${r.machine.node}, load ${r.loadAverage.start[0]}${r.smoke ? " (SMOKE)" : ""}`;
  return `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}" font-family="sans-serif" font-size="12">
<rect width="100%" height="100%" fill="white"/>
<text x="20" y="28" font-size="15" font-weight="bold">${esc(title)}</text>
${body}
</svg>
`;
}
