// Bedrock accepts tool names matching ^[a-zA-Z0-9_-]{1,64}$; OpenAI clients send others (dots,
// slashes, spaces from MCP servers, long names). Names are rewritten on the way in and mapped
// back on the way out, so the client only ever sees its own names.
import { createHash } from "node:crypto";

const VALID = /^[a-zA-Z0-9_-]{1,64}$/;

export class ToolNameMap {
  private readonly toBedrock = new Map<string, string>();
  private readonly toClient = new Map<string, string>();

  /** The Bedrock-safe name for a client name (stable within one request). */
  bedrockName(clientName: string): string {
    const known = this.toBedrock.get(clientName);
    if (known) return known;
    let name = VALID.test(clientName) ? clientName : sanitize(clientName);
    // Two client names can sanitise to the same string: keep them apart.
    if (this.toClient.has(name) && this.toClient.get(name) !== clientName) {
      name = `${name.slice(0, 55)}_${shortHash(clientName)}`;
    }
    this.toBedrock.set(clientName, name);
    this.toClient.set(name, clientName);
    return name;
  }

  clientName(bedrockName: string): string {
    return this.toClient.get(bedrockName) ?? bedrockName;
  }
}

function sanitize(name: string): string {
  const cleaned = name.replace(/[^a-zA-Z0-9_-]/g, "_").replace(/_+/g, "_");
  if (cleaned.length === 0) return `tool_${shortHash(name)}`;
  return cleaned.length <= 64 ? cleaned : `${cleaned.slice(0, 55)}_${shortHash(name)}`;
}

function shortHash(s: string): string {
  return createHash("sha256").update(s).digest("hex").slice(0, 8);
}
