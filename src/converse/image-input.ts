// Images from OpenAI image_url parts. The format comes from the bytes (magic numbers), never from
// the declared media type: clients mislabel, and Bedrock rejects a format that does not match.
import type { ImageFormat } from "../bedrock/converse-types.ts";

/** Bedrock's per-image limit for Converse (3.75 MB). */
export const MAX_IMAGE_BYTES = 3_750_000;

export function sniffImageFormat(bytes: Uint8Array): ImageFormat | undefined {
  const b = bytes;
  if (b.length >= 8 && b[0] === 0x89 && b[1] === 0x50 && b[2] === 0x4e && b[3] === 0x47) return "png";
  if (b.length >= 3 && b[0] === 0xff && b[1] === 0xd8 && b[2] === 0xff) return "jpeg";
  if (b.length >= 6 && b[0] === 0x47 && b[1] === 0x49 && b[2] === 0x46 && b[3] === 0x38) return "gif";
  if (
    b.length >= 12 &&
    b[0] === 0x52 &&
    b[1] === 0x49 &&
    b[2] === 0x46 &&
    b[3] === 0x46 &&
    b[8] === 0x57 &&
    b[9] === 0x45 &&
    b[10] === 0x42 &&
    b[11] === 0x50
  )
    return "webp";
  return undefined;
}

export interface DataUrl {
  mediaType: string;
  bytes: Buffer;
}

const DATA_URL = /^data:([^;,]*)((?:;[^;,]*)*?),(.*)$/s;

/** Parse `data:[<type>][;base64],<data>`. Returns undefined when it is not a data URL. */
export function parseDataUrl(url: string): DataUrl | undefined {
  const m = DATA_URL.exec(url);
  if (!m) return undefined;
  const isBase64 = m[2]!.split(";").includes("base64");
  const payload = m[3]!;
  const bytes = isBase64 ? Buffer.from(payload, "base64") : Buffer.from(decodeURIComponent(payload), "utf8");
  return { mediaType: m[1] || "text/plain", bytes };
}
