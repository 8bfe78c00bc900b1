// Fetches images for http(s) image_url parts without opening a server-side request forgery hole:
// http(s) only, no credentials, every resolved address checked at connect time (so DNS
// rebinding cannot slip past) and every redirect hop re-checked, a size cap and a timeout.
// Loopback, private, link-local, unique-local, CGNAT and metadata addresses are refused unless
// the operator allows private URLs.
import type { LookupAddress } from "node:dns";
import { lookup as dnsLookup } from "node:dns";
import { isIP } from "node:net";
import ipaddr from "ipaddr.js";
import { Agent } from "undici";

export interface ImageFetchOptions {
  allowPrivate: boolean;
  /** Largest single image. */
  maxBytes: number;
  timeoutMs: number;
  maxRedirects: number;
}

/** Bytes one request may still fetch across all its images (shared by its fetches). */
export interface ByteBudget {
  remaining: number;
  readonly limit: number;
}

export class ImageFetchError extends Error {
  override name = "ImageFetchError";
}

/** Only globally routable unicast addresses are public; everything else is refused. IPv6 forms
 * that embed an IPv4 address are judged by that address: IPv4-mapped (`::ffff:a.b.c.d`) and the
 * deprecated IPv4-compatible (`::a.b.c.d`, which URL parsing turns into `::7f00:1` and ipaddr.js
 * calls plain unicast), so `[::127.0.0.1]` is loopback like 127.0.0.1. */
export function isPublicAddress(address: string): boolean {
  if (!ipaddr.isValid(address)) return false;
  let ip = ipaddr.parse(address);
  if (ip.kind() === "ipv6") {
    const v6 = ip as ipaddr.IPv6;
    const p = v6.parts;
    if (v6.isIPv4MappedAddress()) ip = v6.toIPv4Address();
    else if (p[0] === 0 && p[1] === 0 && p[2] === 0 && p[3] === 0 && p[4] === 0 && p[5] === 0) {
      ip = ipaddr.IPv4.parse(`${p[6]! >> 8}.${p[6]! & 255}.${p[7]! >> 8}.${p[7]! & 255}`);
    }
  }
  return ip.range() === "unicast";
}

type LookupCallback = (err: NodeJS.ErrnoException | null, address: string | LookupAddress[], family?: number) => void;

function guardedLookup(hostname: string, options: { all?: boolean }, callback: LookupCallback): void {
  dnsLookup(hostname, { ...options, all: true }, (err, addresses) => {
    if (err) return callback(err, []);
    const list = addresses;
    const blocked = list.find((a) => !isPublicAddress(a.address));
    if (blocked) {
      const e: NodeJS.ErrnoException = new ImageFetchError(`the host ${hostname} resolves to a non-public address`);
      e.code = "EBLOCKED";
      return callback(e, []);
    }
    if (options.all) return callback(null, list);
    callback(null, list[0]!.address, list[0]!.family);
  });
}

let guardedAgent: Agent | undefined;
let openAgent: Agent | undefined;

function agentFor(allowPrivate: boolean): Agent {
  if (allowPrivate) return (openAgent ??= new Agent({ keepAliveTimeout: 10_000 }));
  return (guardedAgent ??= new Agent({ keepAliveTimeout: 10_000, connect: { lookup: guardedLookup } }));
}

function checkUrl(raw: string, allowPrivate: boolean): URL {
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    throw new ImageFetchError("the image URL is not a valid URL");
  }
  if (url.protocol !== "http:" && url.protocol !== "https:")
    throw new ImageFetchError(`the image URL scheme ${url.protocol} is not allowed (use https or a data: URL)`);
  if (url.username || url.password) throw new ImageFetchError("image URLs with credentials are not allowed");
  const host = url.hostname.replace(/^\[|\]$/g, "");
  if (!allowPrivate && isIP(host) && !isPublicAddress(host))
    throw new ImageFetchError(`the image URL points to a non-public address (${host})`);
  if (!allowPrivate && host.toLowerCase() === "localhost") throw new ImageFetchError("the image URL points to localhost");
  return url;
}

/** The request's byte budget is spent: the message names the limit (MAX_MEDIA_BYTES). */
export class MediaBudgetError extends ImageFetchError {
  override name = "MediaBudgetError";
}

function charge(budget: ByteBudget | undefined, n: number): void {
  if (!budget) return;
  budget.remaining -= n;
  if (budget.remaining < 0)
    throw new MediaBudgetError(`the images of this request exceed ${budget.limit} bytes in total (MAX_MEDIA_BYTES)`);
}

export async function fetchImage(rawUrl: string, opts: ImageFetchOptions, signal?: AbortSignal, budget?: ByteBudget): Promise<Buffer> {
  const timeout = AbortSignal.timeout(opts.timeoutMs);
  const combined = signal ? AbortSignal.any([signal, timeout]) : timeout;
  let url = checkUrl(rawUrl, opts.allowPrivate);
  const agent = agentFor(opts.allowPrivate);
  for (let hop = 0; ; hop++) {
    let res;
    try {
      res = await agent.request({
        origin: url.origin,
        path: url.pathname + url.search,
        method: "GET",
        headers: { accept: "image/*", "user-agent": "bedrock-gateway-image-fetch" },
        signal: combined,
      });
    } catch (err) {
      if (timeout.aborted) throw new ImageFetchError(`fetching the image timed out after ${opts.timeoutMs} ms`);
      if (signal?.aborted) throw err;
      const cause = (err as { cause?: unknown }).cause ?? err;
      if (cause instanceof ImageFetchError) throw cause;
      throw new ImageFetchError(`the image could not be fetched (${(err as Error).message})`);
    }
    if (res.statusCode >= 300 && res.statusCode < 400 && res.headers.location) {
      await res.body.dump();
      if (hop >= opts.maxRedirects) throw new ImageFetchError(`the image URL redirected more than ${opts.maxRedirects} times`);
      url = checkUrl(new URL(String(res.headers.location), url).toString(), opts.allowPrivate);
      continue;
    }
    if (res.statusCode !== 200) {
      await res.body.dump();
      throw new ImageFetchError(`fetching the image failed with HTTP ${res.statusCode}`);
    }
    const declared = Number(res.headers["content-length"] ?? NaN);
    if (declared > opts.maxBytes) {
      res.body.destroy();
      throw new ImageFetchError(`the image is larger than ${opts.maxBytes} bytes`);
    }
    if (budget && declared > budget.remaining) {
      res.body.destroy();
      charge(budget, declared);
    }
    const chunks: Buffer[] = [];
    let size = 0;
    try {
      for await (const chunk of res.body) {
        size += (chunk as Buffer).length;
        if (size > opts.maxBytes) {
          res.body.destroy();
          throw new ImageFetchError(`the image is larger than ${opts.maxBytes} bytes`);
        }
        try {
          charge(budget, (chunk as Buffer).length);
        } catch (err) {
          res.body.destroy();
          throw err;
        }
        chunks.push(chunk as Buffer);
      }
    } catch (err) {
      if (err instanceof ImageFetchError) throw err;
      if (timeout.aborted) throw new ImageFetchError(`fetching the image timed out after ${opts.timeoutMs} ms`);
      throw err;
    }
    return Buffer.concat(chunks);
  }
}
