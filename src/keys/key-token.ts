// Gateway API key tokens: `sk-bgw-<id>-<secret><checksum>`.
// - `sk-bgw-` is a fixed prefix secret scanners can match (and the gateway uses to tell store keys
//   from the static API_KEY);
// - <id> (12 hex) names the key, so a lookup is by primary key and the secret is then compared in
//   constant time against the stored hash;
// - <secret> is 43 base62 characters (≈256 bits) from the CSPRNG;
// - <checksum> (6 base62 = CRC-32 of everything before it) lets scanners and the gateway reject a
//   mistyped or made-up token without a database round trip.
// Only SHA-256(token) is stored. A slow password hash (bcrypt, scrypt) protects low-entropy
// secrets from guessing; a 256-bit random secret cannot be guessed, so a fast hash loses nothing
// and keeps verification in microseconds on every request.
import { createHash, randomBytes, randomInt, timingSafeEqual } from "node:crypto";
import { crc32 } from "node:zlib";

export const KEY_PREFIX = "sk-bgw-";
const ALPHABET = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz";
const SECRET_CHARS = 43;
const TOKEN = /^sk-bgw-([0-9a-f]{12})-([0-9A-Za-z]{43})([0-9A-Za-z]{6})$/;

function base62(n: number, width: number): string {
  let out = "";
  for (let i = 0; i < width; i++) {
    out = ALPHABET[n % 62]! + out;
    n = Math.floor(n / 62);
  }
  return out;
}

function checksum(body: string): string {
  return base62(crc32(body), 6);
}

export function keyIdFromHex(hex: string): string {
  return `vk_${hex}`;
}

/** A new key: its id and the secret token (shown once, never stored). */
export function generateKeyToken(id?: string): { id: string; token: string } {
  const hex = id ? id.replace(/^vk_/, "") : randomBytes(6).toString("hex");
  let secret = "";
  for (let i = 0; i < SECRET_CHARS; i++) secret += ALPHABET[randomInt(62)];
  const body = `${KEY_PREFIX}${hex}-${secret}`;
  return { id: keyIdFromHex(hex), token: body + checksum(body) };
}

export function looksLikeGatewayKey(presented: string): boolean {
  return presented.startsWith(KEY_PREFIX);
}

/** The key id of a well-formed token with a valid checksum, else undefined. */
export function parseKeyToken(token: string): { id: string } | undefined {
  const m = TOKEN.exec(token);
  if (!m) return undefined;
  const body = token.slice(0, token.length - 6);
  return checksum(body) === m[3] ? { id: keyIdFromHex(m[1]!) } : undefined;
}

export function hashKeyToken(token: string): string {
  return createHash("sha256").update(token, "utf8").digest("hex");
}

/** Constant-time: does the presented token hash to the stored hash? */
export function tokenMatchesHash(token: string, storedHex: string): boolean {
  const a = createHash("sha256").update(token, "utf8").digest();
  const b = Buffer.from(storedHex, "hex");
  return a.length === b.length && timingSafeEqual(a, b);
}

/** A non-secret reminder shown in listings: the id part and the last 4 characters. */
export function keyHint(token: string): string {
  const m = TOKEN.exec(token);
  return m ? `${KEY_PREFIX}${m[1]}-…${token.slice(-4)}` : `${KEY_PREFIX}…`;
}
