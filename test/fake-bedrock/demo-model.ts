// The demo's stand-in model (`npm run demo`, `bedrock-gateway demo` — never the tests, which script
// the double themselves). Deterministic, no AWS, but it behaves like a model so that every README
// example shows its feature:
// - tools offered and the prompt asks for something a tool does → a call with arguments valid
//   against the tool's schema (values taken from the prompt where it can); after the tool result
//   → an answer that uses it;
// - structured output (native outputConfig, the gateway's forced tool, or the JSON prompt) → an
//   instance valid against the schema;
// - reasoning asked for (Claude thinking, Nova reasoningConfig, gpt-oss reasoning_effort) → a
//   reasoning block first;
// - embeddings: hashed bag of words and character trigrams, so similar texts are close;
// - rerank: lexical overlap (the double's own); images: real PNGs whose colours follow the prompt.
import { createHash } from "node:crypto";
import { deflateSync, crc32 } from "node:zlib";
import type { RecordedRequest, ReplyPlan, FakeContent } from "./fake-bedrock.ts";
import type { FakeModel } from "./fake-models.ts";
import { defaultInvoke } from "./invoke/index.ts";
import type { InvokeOutcome } from "./invoke/invoke-outcome.ts";

type Schema = Record<string, any>;
interface ToolSpec {
  name: string;
  description?: string;
  inputSchema?: { json?: Schema };
}

const STOP = new Set(
  "a an and are as at be by can do for from give how i in is it me my of on or please show tell that the this to use what when where which who why will with you your".split(
    " ",
  ),
);
const words = (s: string) => (s.toLowerCase().match(/[\p{L}\p{N}]+/gu) ?? []).filter((w) => !STOP.has(w));

// ---- JSON Schema → an instance ---------------------------------------------------------------

const capitalised = (prompt: string) =>
  /\b(?:in|for|at|of|to|from)\s+([A-Z][\p{L}-]+(?:\s+[A-Z][\p{L}-]+)*)/u.exec(prompt)?.[1] ??
  /\b([A-Z][\p{L}-]{2,})\b/u.exec(prompt.slice(1))?.[1];

/** A string for a property, from the prompt when the name suggests what to take. */
function stringFor(name: string, schema: Schema, prompt: string): string {
  if (schema.format === "date") return "2025-01-01";
  if (schema.format === "date-time") return "2025-01-01T00:00:00Z";
  if (schema.format === "email") return "someone@example.com";
  if (schema.format === "uri" || schema.format === "url") return "https://example.com/";
  if (schema.format === "uuid") return "00000000-0000-4000-8000-000000000000";
  const n = name.toLowerCase();
  let v: string | undefined;
  if (/city|location|place|country|region|town|where/.test(n)) v = capitalised(prompt);
  else if (/unit/.test(n)) v = /fahrenheit/i.test(prompt) ? "fahrenheit" : "celsius";
  else if (/name|title|person|who/.test(n)) v = capitalised(prompt);
  else if (/query|question|text|prompt|input|search|message|content|topic/.test(n)) v = prompt.trim();
  v ??= words(prompt).slice(0, 3).join(" ") || name;
  const min = schema.minLength ?? 0;
  const max = schema.maxLength ?? Infinity;
  if (v.length < min) v = v.padEnd(min, "x");
  return v.slice(0, max);
}

function numberFor(schema: Schema, prompt: string, integer: boolean): number {
  const inPrompt = /-?\d+(?:\.\d+)?/.exec(prompt)?.[0];
  let v = inPrompt !== undefined ? Number(inPrompt) : 1;
  if (integer) v = Math.round(v);
  if (typeof schema.minimum === "number" && v < schema.minimum) v = schema.minimum;
  if (typeof schema.maximum === "number" && v > schema.maximum) v = schema.maximum;
  if (typeof schema.exclusiveMinimum === "number" && v <= schema.exclusiveMinimum) v = schema.exclusiveMinimum + 1;
  if (typeof schema.exclusiveMaximum === "number" && v >= schema.exclusiveMaximum) v = schema.exclusiveMaximum - 1;
  return v;
}

function resolveRef(schema: Schema, root: Schema): Schema {
  const ref = schema.$ref;
  if (typeof ref !== "string" || !ref.startsWith("#/")) return schema;
  let node: any = root;
  for (const part of ref.slice(2).split("/")) node = node?.[part.replace(/~1/g, "/").replace(/~0/g, "~")];
  return (node as Schema) ?? {};
}

/** A value valid against `schema` (the subset of JSON Schema tool and output schemas use). */
export function instanceOf(schema: Schema, prompt: string, name = "value", root: Schema = schema, depth = 0): unknown {
  const s = resolveRef(schema ?? {}, root);
  if ("const" in s) return s.const;
  if (Array.isArray(s.enum) && s.enum.length) {
    const hit = s.enum.find((e: unknown) => typeof e === "string" && prompt.toLowerCase().includes(e.toLowerCase()));
    return hit ?? s.enum[0];
  }
  const alt = s.anyOf ?? s.oneOf;
  if (Array.isArray(alt) && alt.length)
    return instanceOf(alt.find((a: Schema) => a.type !== "null") ?? alt[0], prompt, name, root, depth + 1);
  if (Array.isArray(s.allOf) && s.allOf.length)
    return instanceOf(Object.assign({}, ...s.allOf.map((a: Schema) => resolveRef(a, root))), prompt, name, root, depth + 1);
  const type = Array.isArray(s.type)
    ? (s.type.find((t: string) => t !== "null") ?? s.type[0])
    : (s.type ?? (s.properties ? "object" : "string"));
  switch (type) {
    case "object": {
      const out: Record<string, unknown> = {};
      if (depth > 6) return out;
      const props: Record<string, Schema> = s.properties ?? {};
      for (const [k, v] of Object.entries(props)) out[k] = instanceOf(v, prompt, k, root, depth + 1);
      for (const k of s.required ?? []) if (!(k in out)) out[k] = "value";
      return out;
    }
    case "array": {
      if (depth > 6) return [];
      const n = Math.max(s.minItems ?? 1, 1);
      const items = Array.isArray(s.prefixItems) ? s.prefixItems : undefined;
      const list = items ? items.map((it: Schema, i: number) => instanceOf(it, prompt, `${name}${i}`, root, depth + 1)) : [];
      for (let i = list.length; i < Math.min(n, s.maxItems ?? n); i++) list.push(instanceOf(s.items ?? {}, prompt, name, root, depth + 1));
      return list;
    }
    case "integer":
      return numberFor(s, prompt, true);
    case "number":
      return numberFor(s, prompt, false);
    case "boolean":
      return true;
    case "null":
      return null;
    default:
      return stringFor(name, s, prompt);
  }
}

// ---- Converse --------------------------------------------------------------------------------

type Message = { role: string; content: Record<string, any>[] };

function textOf(m: Message | undefined): string {
  return (m?.content ?? [])
    .map((c) => (typeof c.text === "string" ? c.text : ""))
    .join(" ")
    .trim();
}

/** The tool the prompt asks for: most words in common with its name and description. */
function pickTool(tools: ToolSpec[], prompt: string, forced: string | undefined, any: boolean): ToolSpec | undefined {
  if (forced) return tools.find((t) => t.name === forced);
  const asked = new Set(words(prompt));
  let best: ToolSpec | undefined;
  let bestScore = 0;
  for (const t of tools) {
    const score = new Set(
      words(`${t.name.replace(/[_-]+/g, " ")} ${t.description ?? ""}`).filter((w) => asked.has(w) || asked.has(w.replace(/s$/, ""))),
    ).size;
    if (score > bestScore) [best, bestScore] = [t, score];
  }
  return best ?? (any ? tools[0] : undefined);
}

function wantsReasoning(body: any): boolean {
  const f = body?.additionalModelRequestFields ?? {};
  return Boolean(
    f.thinking?.type === "enabled" || f.thinking?.type === "adaptive" || f.reasoningConfig?.type === "enabled" || f.reasoning_effort,
  );
}

function demoText(prompt: string): string {
  if (!prompt) return "Hello! I am the bedrock-gateway demo model. Ask me something.";
  const topic = words(prompt).slice(0, 6).join(" ");
  return (
    `You asked: "${prompt.length > 200 ? `${prompt.slice(0, 200)}…` : prompt}". ` +
    `I am the bedrock-gateway demo model, a deterministic stand-in for Amazon Bedrock, so this is not a real answer about ${topic || "that"}; ` +
    `with AWS credentials the same request reaches the real model.`
  );
}

/** The demo's Converse planner: what a model would plausibly answer to this request. */
export function demoReply(req: RecordedRequest, _model?: FakeModel): ReplyPlan {
  const body = req.body ?? {};
  const messages: Message[] = body.messages ?? [];
  const last = messages.at(-1);
  const lastUser = [...messages].reverse().find((m) => m.role === "user" && m.content.some((c) => typeof c.text === "string"));
  const prompt = textOf(lastUser);
  const system = ((body.system ?? []) as { text?: string }[]).map((s) => s.text ?? "").join("\n");
  const content: FakeContent[] = [];
  if (wantsReasoning(body)) {
    content.push({
      reasoningContent: {
        reasoningText: { text: `The user asks: "${prompt.slice(0, 120)}". Let me look at what I have and answer briefly.` },
      },
    });
  }
  const stream = { delayMs: 15 };

  // A tool result just came back: answer with it.
  const results = (last?.role === "user" ? last.content : []).filter((c) => c.toolResult);
  if (results.length) {
    const said = results
      .map((r) => (r.toolResult.content ?? []).map((c: any) => c.text ?? (c.json !== undefined ? JSON.stringify(c.json) : "")).join(" "))
      .join("; ");
    content.push({ text: `Based on the tool result (${said.slice(0, 300)}), here is the answer: ${said.slice(0, 300)}` });
    return { content, stream };
  }

  // Native structured output.
  const native = body.outputConfig?.textFormat?.structure?.jsonSchema?.schema;
  if (typeof native === "string") {
    content.push({ text: JSON.stringify(instanceOf(JSON.parse(native) as Schema, prompt)) });
    return { content, stream };
  }

  const tools: ToolSpec[] = (body.toolConfig?.tools ?? []).map((t: any) => t.toolSpec).filter(Boolean);
  const choice = body.toolConfig?.toolChoice ?? {};
  const tool = tools.length ? pickTool(tools, prompt, choice.tool?.name, Boolean(choice.any)) : undefined;
  if (tool) {
    content.push({ toolUse: { name: tool.name, input: instanceOf(tool.inputSchema?.json ?? { type: "object" }, prompt) } });
    return { content, stopReason: "tool_use", stream };
  }

  // JSON asked for in the system prompt (the gateway's prompt mode, or a client's own words).
  if (/Respond with a single JSON value that matches this JSON Schema/.test(system)) {
    const schemaText = system.slice(system.indexOf("\n") + 1);
    try {
      content.push({ text: JSON.stringify(instanceOf(JSON.parse(schemaText) as Schema, prompt)) });
      return { content, stream };
    } catch {
      /* not the gateway's instruction after all */
    }
  }
  if (/\bJSON\b/.test(system)) {
    content.push({ text: JSON.stringify({ answer: demoText(prompt) }) });
    return { content, stream };
  }
  content.push({ text: demoText(prompt) });
  return { content, stream };
}

// ---- InvokeModel: embeddings and images -----------------------------------------------------

/** Unit vector of hashed words and character trigrams: texts sharing words point the same way. */
export function demoVector(text: string, dims: number): number[] {
  const v = new Float64Array(dims);
  const add = (feature: string, weight: number) => {
    const h = createHash("sha1").update(feature).digest();
    v[h.readUInt32LE(0) % dims]! += h[4]! & 1 ? weight : -weight;
  };
  const lower = text.toLowerCase();
  for (const w of words(lower)) add(`w:${w}`, 1);
  const squashed = ` ${lower.replace(/[^\p{L}\p{N}]+/gu, " ").trim()} `;
  for (let i = 0; i + 3 <= squashed.length; i++) add(`t:${squashed.slice(i, i + 3)}`, 0.3);
  const norm = Math.hypot(...v) || 1;
  return Array.from(v, (x) => Math.fround(x / norm));
}

function chunk(type: string, data: Buffer): Buffer {
  const len = Buffer.alloc(4);
  len.writeUInt32BE(data.length);
  const body = Buffer.concat([Buffer.from(type, "latin1"), data]);
  const crc = Buffer.alloc(4);
  crc.writeUInt32BE(crc32(body));
  return Buffer.concat([len, body, crc]);
}

/** A size×size RGB PNG: a diagonal gradient between two colours derived from the prompt. */
export function demoPng(prompt: string, size = 64): Buffer {
  const h = createHash("sha256").update(prompt).digest();
  const ihdr = Buffer.alloc(13);
  ihdr.writeUInt32BE(size, 0);
  ihdr.writeUInt32BE(size, 4);
  ihdr.writeUInt8(8, 8);
  ihdr.writeUInt8(2, 9);
  const rows = Buffer.alloc(size * (1 + size * 3));
  for (let y = 0; y < size; y++) {
    const o = y * (1 + size * 3);
    for (let x = 0; x < size; x++) {
      const t = (x + y) / (2 * (size - 1));
      for (let c = 0; c < 3; c++) rows[o + 1 + x * 3 + c] = Math.round(h[c]! * (1 - t) + h[c + 3]! * t);
    }
  }
  return Buffer.concat([
    Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
    chunk("IHDR", ihdr),
    chunk("IDAT", deflateSync(rows)),
    chunk("IEND", Buffer.alloc(0)),
  ]);
}

const PNG_B64 = "iVBORw0KGgo";

/** The double's own InvokeModel answer (it validates the body), with demo vectors and pictures. */
export async function demoInvoke(modelId: string, body: any, model: FakeModel): Promise<InvokeOutcome> {
  const out = defaultInvoke(modelId, body, model);
  const answer = out.body as any;
  if (out.error || !answer) return out;
  if (typeof body.inputText === "string" && Array.isArray(answer.embedding)) {
    answer.embedding = demoVector(body.inputText, answer.embedding.length);
    if (answer.embeddingsByType?.float) answer.embeddingsByType.float = answer.embedding;
  }
  if (Array.isArray(body.texts)) {
    const list: number[][] | undefined = Array.isArray(answer.embeddings) ? answer.embeddings : answer.embeddings?.float;
    if (list) {
      const fresh = body.texts.map((t: string, i: number) => demoVector(t, list[i]!.length));
      if (Array.isArray(answer.embeddings)) answer.embeddings = fresh;
      else answer.embeddings.float = fresh;
    }
  }
  if (Array.isArray(answer.images)) {
    const prompt = body.textToImageParams?.text ?? body.prompt ?? "";
    answer.images = answer.images.map((img: string, i: number) =>
      typeof img === "string" && img.startsWith(PNG_B64) ? demoPng(`${prompt}#${i}`).toString("base64") : img,
    );
  }
  return out;
}
