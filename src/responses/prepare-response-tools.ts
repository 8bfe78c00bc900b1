// Pure: Responses `tools` and `tool_choice` → the core's front-door-neutral tool definitions.
// Function tools map one to one. A `namespace` tool (Codex sends one for its MCP-style tools) is
// flattened to `namespace__name` functions, Codex's own flat naming, and calls are answered with
// `namespace` and `name` apart again. Tools OpenAI runs itself (web_search, file_search, computer
// use, code interpreter, …) cannot run on Bedrock: they are dropped and named in a header.
import type { ToolChoiceInput, ToolDef } from "../converse/prepare-tools.ts";
import type { FunctionToolIn, ToolChoiceIn, ToolIn } from "./request-schema.ts";

export interface NamespacedName {
  namespace: string;
  name: string;
}

export interface PreparedResponseTools {
  tools: ToolDef[];
  choice: ToolChoiceInput;
  /** Flat client name (namespace__name) → its namespace and name. */
  namespaced: Map<string, NamespacedName>;
  /** Types of the tools that were dropped (for x-bedrock-gateway-dropped-tools). */
  droppedTools: string[];
  /** Parameter paths that were dropped (x-bedrock-gateway-dropped-params; 400 under STRICT_PARAMS). */
  dropped: string[];
  /** The tools as the Response object echoes them. */
  echo: unknown[];
}

/** Codex's canonical flat name for a namespaced tool. */
export function flatToolName(namespace: string | null | undefined, name: string): string {
  if (!namespace) return name;
  return `${namespace.replace(/_+$/, "")}__${name.replace(/^_+/, "")}`;
}

function toolDef(t: FunctionToolIn, name: string): ToolDef {
  return {
    name,
    description: t.description,
    ...(t.parameters ? { parameters: t.parameters } : {}),
    strict: t.strict === true,
  };
}

function echoFunction(t: FunctionToolIn): Record<string, unknown> {
  return { type: "function", name: t.name, description: t.description ?? null, parameters: t.parameters ?? null, strict: t.strict ?? null };
}

export function prepareResponseTools(tools: ToolIn[] | null | undefined, choice: ToolChoiceIn | null | undefined): PreparedResponseTools {
  const out: PreparedResponseTools = { tools: [], choice: undefined, namespaced: new Map(), droppedTools: [], dropped: [], echo: [] };
  (tools ?? []).forEach((t, i) => {
    if (t.type === "function") {
      const f = t as FunctionToolIn;
      out.tools.push(toolDef(f, f.name));
      out.echo.push(echoFunction(f));
      return;
    }
    if (t.type === "namespace" && Array.isArray((t as { tools?: unknown }).tools)) {
      const ns = t as { name: string; tools: { type: string; name?: string }[] };
      let kept = 0;
      ns.tools.forEach((inner, j) => {
        if (inner.type !== "function") {
          out.droppedTools.push(inner.type);
          out.dropped.push(`tools[${i}].tools[${j}]`);
          return;
        }
        const f = inner as FunctionToolIn;
        const flat = flatToolName(ns.name, f.name);
        out.namespaced.set(flat, { namespace: ns.name, name: f.name });
        out.tools.push(toolDef(f, flat));
        kept++;
      });
      if (kept > 0) out.echo.push(t);
      return;
    }
    out.droppedTools.push(t.type);
    out.dropped.push(`tools[${i}]`);
  });
  out.choice = mapChoice(choice, out);
  return out;
}

function mapChoice(choice: ToolChoiceIn | null | undefined, out: PreparedResponseTools): ToolChoiceInput {
  if (choice === null || choice === undefined) return undefined;
  if (typeof choice === "string") return choice;
  const c = choice as {
    type: string;
    name?: string;
    namespace?: string;
    mode?: "auto" | "required";
    tools?: { type: string; name?: string; namespace?: string }[];
  };
  if (c.type === "function" && c.name) return { name: flatToolName(c.namespace, c.name) };
  if (c.type === "allowed_tools" && c.tools) {
    // Only the listed functions are offered to the model this turn.
    const allowed = new Set(c.tools.filter((t) => t.type === "function" && t.name).map((t) => flatToolName(t.namespace, t.name!)));
    out.tools = out.tools.filter((t) => allowed.has(t.name));
    return c.mode;
  }
  // A forced built-in tool that was dropped: let the model choose among what is left.
  out.dropped.push("tool_choice");
  return "auto";
}
