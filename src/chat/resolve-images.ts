// Fetches the http(s) images of a request before the (pure) message conversion, with bounded
// work per request: at most MAX_MEDIA_URLS URLs (over → 400 naming the limit, before any fetch),
// at most MEDIA_FETCH_CONCURRENCY fetches at a time per request and MEDIA_FETCH_GLOBAL_CONCURRENCY
// in the whole process, at most MAX_MEDIA_BYTES in all; the first failure (or the client leaving)
// aborts every fetch still pending or running. A refused or failed fetch is a 400 naming the part
// and the URL's problem, never a 500.
import { errors } from "../errors/gateway-error.ts";
import { fetchImage, ImageFetchError, MediaBudgetError } from "../net/fetch-image.ts";
import type { ImageFetchOptions } from "../net/fetch-image.ts";
import type { ChatMessage } from "../openai/chat-request.ts";
import { MAX_IMAGE_BYTES } from "../converse/image-input.ts";
import { mapWithConcurrency } from "../util/map-with-concurrency.ts";
import { Semaphore } from "../util/semaphore.ts";

/** Media limits per request (defaults match config.ts). */
export interface MediaFetchLimits {
  maxUrls: number;
  concurrency: number;
  maxTotalBytes: number;
  globalConcurrency: number;
}

export interface MediaFetchOptions extends ImageFetchOptions {
  limits: MediaFetchLimits;
}

export const DEFAULT_MEDIA_LIMITS: MediaFetchLimits = { maxUrls: 20, concurrency: 4, maxTotalBytes: 50 * 1_048_576, globalConcurrency: 64 };

/** The image-fetch policy from configuration (one place for every front door). */
export function imageFetchOptions(chat: {
  allowPrivateImageUrls: boolean;
  imageFetchTimeoutMs: number;
  media?: MediaFetchLimits;
}): MediaFetchOptions {
  return {
    allowPrivate: chat.allowPrivateImageUrls,
    maxBytes: MAX_IMAGE_BYTES,
    timeoutMs: chat.imageFetchTimeoutMs,
    maxRedirects: 3,
    limits: chat.media ?? DEFAULT_MEDIA_LIMITS,
  };
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

/** One process-wide pool of fetch slots (per limit value: tests run gateways with different ones). */
const pools = new Map<number, Semaphore>();
const poolFor = (limit: number) => {
  let p = pools.get(limit);
  if (!p) pools.set(limit, (p = new Semaphore(limit)));
  return p;
};

export async function fetchImages(
  refs: { url: string; param: string }[],
  opts: ImageFetchOptions & { limits?: MediaFetchLimits },
  signal?: AbortSignal,
): Promise<Map<string, Buffer>> {
  if (refs.length === 0) return new Map();
  const limits = opts.limits ?? DEFAULT_MEDIA_LIMITS;
  if (refs.length > limits.maxUrls) {
    throw errors.invalidRequest(
      `This request has ${refs.length} image URLs; at most ${limits.maxUrls} are fetched per request (MAX_MEDIA_URLS). Send fewer, or send images as data: URLs.`,
      refs[limits.maxUrls]!.param,
      "too_many_media_urls",
    );
  }
  const unique = new Map<string, string>();
  for (const r of refs) if (!unique.has(r.url)) unique.set(r.url, r.param);
  const budget = { remaining: limits.maxTotalBytes, limit: limits.maxTotalBytes };
  const pool = poolFor(limits.globalConcurrency);
  const entries = await mapWithConcurrency(
    [...unique],
    limits.concurrency,
    async ([url, param], _i, stop) => {
      let release: (() => void) | undefined;
      try {
        release = await pool.acquire(stop);
        return [url, await fetchImage(url, opts, stop, budget)] as const;
      } catch (err) {
        if (err instanceof MediaBudgetError)
          throw errors.invalidRequest(`Could not use the image URL: ${err.message}.`, param, "media_too_large");
        if (err instanceof ImageFetchError)
          throw errors.invalidRequest(`Could not use the image URL: ${err.message}.`, param, "invalid_image_url");
        throw err;
      } finally {
        release?.();
      }
    },
    signal,
  );
  return new Map(entries);
}
