// Pure: image URLs of a request → data URLs of the bytes the gateway already fetched (with its
// SSRF guard, size and time limits), so Bedrock never fetches a URL on a client's behalf and the
// same media rules hold on every upstream. Chat `image_url` parts and Responses `input_image` items.
import { sniffImageFormat } from "../../converse/image-input.ts";
import type { Json } from "./openai-shapes.ts";

function dataUrl(bytes: Buffer): string {
  return `data:image/${sniffImageFormat(bytes) ?? "png"};base64,${bytes.toString("base64")}`;
}

function swap(url: unknown, fetched: ReadonlyMap<string, Buffer>): string | undefined {
  if (typeof url !== "string") return undefined;
  const bytes = fetched.get(url);
  return bytes ? dataUrl(bytes) : undefined;
}

/** Chat messages with every fetched `image_url` replaced (other parts untouched, copies only where changed). */
export function inlineChatImages(messages: unknown, fetched: ReadonlyMap<string, Buffer>): unknown {
  if (!Array.isArray(messages) || fetched.size === 0) return messages;
  return messages.map((m: Json) => {
    if (!Array.isArray(m?.content)) return m;
    let changed = false;
    const content = (m.content as Json[]).map((p) => {
      if (p?.type !== "image_url") return p;
      const img = p.image_url;
      const url = typeof img === "string" ? img : (img as Json | undefined)?.url;
      const inline = swap(url, fetched);
      if (!inline) return p;
      changed = true;
      return { ...p, image_url: typeof img === "string" ? inline : { ...(img as Json), url: inline } };
    });
    return changed ? { ...m, content } : m;
  });
}

/** Responses input items with every fetched `input_image` URL replaced. */
export function inlineResponsesImages(items: Json[], fetched: ReadonlyMap<string, Buffer>): Json[] {
  if (fetched.size === 0) return items;
  return items.map((item) => {
    if (!Array.isArray(item?.content)) return item;
    let changed = false;
    const content = (item.content as Json[]).map((p) => {
      if (p?.type !== "input_image") return p;
      const inline = swap(p.image_url, fetched);
      if (!inline) return p;
      changed = true;
      return { ...p, image_url: inline };
    });
    return changed ? { ...item, content } : item;
  });
}
