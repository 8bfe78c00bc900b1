// Pure: the fenced code blocks of a Markdown file and what the doc tests do with each, by the
// convention in docs/contributing.md ("Examples in the docs are tests").
export type BlockAction = "shell" | "node" | "json" | "server" | "data" | "skip";

export interface DocBlock {
  file: string;
  /** 1-based line of the opening fence. */
  line: number;
  lang: string;
  code: string;
  action: BlockAction;
  /** Why a block is skipped (required by the convention). */
  reason?: string;
  /** Problems with the block itself (no language, skip without a reason, an unknown marker). */
  problem?: string;
}

const SHELL = new Set(["bash", "sh", "shell", "zsh"]);
const NODE = new Set(["ts", "typescript", "js", "javascript", "mjs", "mts"]);
/** Shown, never run: output samples, configuration files for other tools, diagrams. */
export const DATA_LANGS = new Set([
  "text",
  "console",
  "output",
  "toml",
  "yaml",
  "yml",
  "ini",
  "dockerfile",
  "mermaid",
  "http",
  "diff",
  "env",
  "csv",
  "jsonc",
  "sql",
]);
/** Code people copy but the doc tests cannot run here; each such block needs a doc-test: skip reason. */
const UNRUNNABLE = new Set(["python", "py", "go", "java", "rust", "ruby", "csharp", "php"]);

const MARKER = /^<!--\s*doc-test:\s*(\w[\w-]*)\s*(.*?)\s*-->$/;

export function docBlocks(file: string, markdown: string): DocBlock[] {
  const lines = markdown.split("\n");
  const out: DocBlock[] = [];
  for (let i = 0; i < lines.length; i++) {
    const open = /^(\s*)(`{3,}|~{3,})\s*([^\s`]*)/.exec(lines[i]!);
    if (!open) continue;
    const fence = open[2]!;
    const lang = open[3]!.toLowerCase();
    let j = i + 1;
    while (j < lines.length && !lines[j]!.trimStart().startsWith(fence)) j++;
    const code = lines
      .slice(i + 1, j)
      .map((l) => l.slice(Math.min(open[1]!.length, l.length - l.trimStart().length)))
      .join("\n");
    let k = i - 1;
    while (k >= 0 && lines[k]!.trim() === "") k--;
    const marker = k >= 0 ? MARKER.exec(lines[k]!.trim()) : null;
    const block: DocBlock = { file, line: i + 1, lang, code, action: "data" };
    if (marker) {
      const [, kind, rest] = marker as unknown as [string, string, string];
      if (kind === "skip") {
        block.action = "skip";
        block.reason = rest;
        if (!rest) block.problem = "doc-test: skip needs a reason";
      } else if (kind === "server") {
        block.action = "server";
      } else {
        block.problem = `unknown doc-test marker "${kind}"`;
      }
    } else if (lang === "") {
      block.problem = "a code block needs a language (text for output samples)";
    } else if (SHELL.has(lang)) {
      block.action = "shell";
    } else if (NODE.has(lang)) {
      block.action = "node";
    } else if (lang === "json") {
      block.action = "json";
    } else if (UNRUNNABLE.has(lang)) {
      block.action = "skip";
      block.problem = `${lang} examples cannot run in CI: mark the block <!-- doc-test: skip REASON --> or show it in a language that runs`;
    } else if (!DATA_LANGS.has(lang)) {
      block.problem = `unknown code block language "${lang}"`;
    }
    out.push(block);
    i = j;
  }
  return out;
}
