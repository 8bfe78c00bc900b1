// Fetches every http(s) image of a request concurrently, before the (pure) message conversion.
// A refused or failed fetch is a 400 naming the part and the URL's problem, never a 500.
import { errors } from "../errors/gateway-error.ts";
import { fetchImage, ImageFetchError } from "../net/fetch-image.ts";
import type { ImageFetchOptions } from "../net/fetch-image.ts";
import type { ChatMessage } from "../openai/chat-request.ts";
import { MAX_IMAGE_BYTES } from "../converse/image-input.ts";

/** The image-fetch policy from configuration (one place for every front door). */
export function imageFetchOptions(chat: { allowPrivateImageUrls: boolean; imageFetchTimeoutMs: number }): ImageFetchOptions {
  return { allowPrivate: chat.allowPrivateImageUrls, maxBytes: MAX_IMAGE_BYTES, timeoutMs: chat.imageFetchTimeoutMs, maxRedirects: 3 };
}

export function imageUrlsOf(messages: ChatMessage[]): { url: string; param: string }[] {
  const out: { url: string; param: string }[] = [];
  messages.forEach((m, i) => {
    if (m.role !== "user" || typeof m.content === "string") return;
    m.content.forEach((p, j) => {
      if (p.type !== "image_url") return;
      const url = typeof p.image_url === "string" ? p.image_url : p.image_url.url;
      if (!url.startsWith("data:")) out.push({ url, param: `messages[${i}].content[${j}].image_url` });
    });
  });
  return out;
}

export async function fetchImages(
  refs: { url: string; param: string }[],
  opts: ImageFetchOptions,
  signal?: AbortSignal,
): Promise<Map<string, Buffer>> {
  const unique = new Map<string, string>();
  for (const r of refs) if (!unique.has(r.url)) unique.set(r.url, r.param);
  const entries = await Promise.all(
    [...unique].map(async ([url, param]) => {
      try {
        return [url, await fetchImage(url, opts, signal)] as const;
      } catch (err) {
        if (err instanceof ImageFetchError) throw errors.invalidRequest(`Could not use the image URL: ${err.message}.`, param, "invalid_image_url");
        throw err;
      }
    }),
  );
  return new Map(entries);
}
