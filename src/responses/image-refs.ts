// The http(s) image URLs of Responses input items, fetched (with the SSRF guard) before the pure
// conversion. Data URLs need no fetch.
import type { PlacedItem } from "./responses-input.ts";

type Part = { type?: string; image_url?: string | null };

export function imageRefsOf(items: PlacedItem[]): { url: string; param: string }[] {
  const out: { url: string; param: string }[] = [];
  const visit = (parts: unknown, param: string) => {
    if (!Array.isArray(parts)) return;
    (parts as Part[]).forEach((p, j) => {
      if (p?.type === "input_image" && typeof p.image_url === "string" && !p.image_url.startsWith("data:")) {
        out.push({ url: p.image_url, param: `${param}[${j}].image_url` });
      }
    });
  };
  for (const { item, param } of items) {
    const i = item as { type: string; content?: unknown; output?: unknown };
    if (i.type === "message") visit(i.content, `${param}.content`);
    else if (i.type === "function_call_output") visit(i.output, `${param}.output`);
  }
  return out;
}
