// Reading V8 .cpuprofile files (node --cpu-prof): self time per function and per package, and a
// flame graph as SVG (no external tool).

export interface CpuProfileNode {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number; columnNumber: number };
  children?: number[];
}

export interface CpuProfile {
  nodes: CpuProfileNode[];
  samples: number[];
  timeDeltas: number[];
  startTime: number;
  endTime: number;
}

/** Self time (µs) of each node: the sampling interval before each sample is charged to its node. */
function selfTimes(p: CpuProfile): Map<number, number> {
  const self = new Map<number, number>();
  for (let i = 0; i < p.samples.length; i++) {
    const dt = p.timeDeltas[i + 1] ?? p.timeDeltas[i] ?? 0;
    self.set(p.samples[i]!, (self.get(p.samples[i]!) ?? 0) + dt);
  }
  return self;
}

/** Where a function lives: a package under node_modules, a file of ours, Node's internals, V8. */
export function ownerOf(url: string): string {
  if (!url) return "(native / V8)";
  const nm = url.lastIndexOf("node_modules/");
  if (nm >= 0) {
    const rest = url.slice(nm + "node_modules/".length).split("/");
    return rest[0]!.startsWith("@") ? `${rest[0]}/${rest[1]}` : rest[0]!;
  }
  if (url.startsWith("node:")) return url;
  const src = url.indexOf("/src/");
  return src >= 0 ? url.slice(src + 1) : url;
}

export interface SelfTimeRow {
  name: string;
  ms: number;
  share: number;
}

export function topSelfTime(p: CpuProfile, n = 30): { byFunction: SelfTimeRow[]; byOwner: SelfTimeRow[]; totalMs: number; idleMs: number } {
  const self = selfTimes(p);
  const byId = new Map(p.nodes.map((x) => [x.id, x]));
  const fn = new Map<string, number>();
  const owner = new Map<string, number>();
  let total = 0;
  let idle = 0;
  for (const [id, us] of self) {
    const node = byId.get(id)!;
    const { functionName, url, lineNumber } = node.callFrame;
    if (functionName === "(idle)") {
      idle += us;
      continue;
    }
    total += us;
    const key = `${functionName || "(anonymous)"} ${url ? `${ownerOf(url)}:${lineNumber + 1}` : ""}`.trim();
    fn.set(key, (fn.get(key) ?? 0) + us);
    const o = functionName.startsWith("(") ? functionName : ownerOf(url);
    owner.set(o, (owner.get(o) ?? 0) + us);
  }
  const rows = (m: Map<string, number>) =>
    [...m.entries()]
      .sort((a, b) => b[1] - a[1])
      .slice(0, n)
      .map(([name, us]) => ({ name, ms: us / 1000, share: us / total }));
  return { byFunction: rows(fn), byOwner: rows(owner), totalMs: total / 1000, idleMs: idle / 1000 };
}

const esc = (s: string) => s.replaceAll("&", "&amp;").replaceAll("<", "&lt;").replaceAll(">", "&gt;").replaceAll('"', "&quot;");

/** A flame graph (root at the bottom) of the profile without idle time. */
export function flameGraph(p: CpuProfile, title: string): string {
  const self = selfTimes(p);
  const byId = new Map(p.nodes.map((x) => [x.id, x]));
  const total = new Map<number, number>();
  const sum = (id: number): number => {
    const node = byId.get(id)!;
    if (node.callFrame.functionName === "(idle)") {
      total.set(id, 0);
      return 0;
    }
    let t = self.get(id) ?? 0;
    for (const c of node.children ?? []) t += sum(c);
    total.set(id, t);
    return t;
  };
  const root = p.nodes[0]!;
  const all = sum(root.id);
  const width = 1400;
  const row = 16;
  const boxes: { x: number; w: number; depth: number; name: string; hue: number; t: number }[] = [];
  const visit = (id: number, x: number, depth: number) => {
    const t = total.get(id) ?? 0;
    const w = (t / all) * width;
    if (w < 0.5) return;
    const { functionName, url, lineNumber } = byId.get(id)!.callFrame;
    const name = `${functionName || "(anonymous)"}${url ? ` ${ownerOf(url)}:${lineNumber + 1}` : ""}`;
    // Colour by owner: packages orange, Node internals blue, our code green, V8 red.
    const hue = url.includes("node_modules") ? 30 : url.startsWith("node:") ? 200 : url ? 110 : 0;
    boxes.push({ x, w, depth, name, hue, t });
    let cx = x;
    for (const c of byId.get(id)!.children ?? []) {
      visit(c, cx, depth + 1);
      cx += ((total.get(c) ?? 0) / all) * width;
    }
  };
  visit(root.id, 0, 0);
  const maxDepth = Math.max(0, ...boxes.map((b) => b.depth));
  const height = (maxDepth + 1) * row + 40;
  const body = boxes.map((b) => {
    const y = height - 10 - (b.depth + 1) * row; // root at the bottom
    const label =
      b.w > 40
        ? `<text x="${(b.x + 3).toFixed(1)}" y="${y + 12}" font-size="11">${esc(b.name.slice(0, Math.floor(b.w / 6.5)))}</text>`
        : "";
    return `<g><title>${esc(b.name)}: ${(b.t / 1000).toFixed(1)} ms (${((b.t / all) * 100).toFixed(1)}%)</title><rect x="${b.x.toFixed(1)}" y="${y}" width="${b.w.toFixed(1)}" height="${row - 1}" fill="hsl(${b.hue},70%,${60 + (b.depth % 3) * 6}%)"/>${label}</g>`;
  });
  return `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" font-family="monospace">
<rect width="100%" height="100%" fill="white"/>
<text x="5" y="18" font-size="14" font-family="sans-serif">${esc(title)} (${(all / 1000).toFixed(0)} ms on CPU; hover for names)</text>
${body.join("\n")}
</svg>
`;
}
