// The gateway secret for reasoning encrypted_content: RESPONSES_ENCRYPTION_KEY when configured,
// otherwise a random key generated on first start and kept in DATA_DIR, so blobs handed to clients
// stay valid across restarts. Several replicas must share one key: configure it.
import { randomBytes } from "node:crypto";
import { mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";

export const KEY_FILE = "responses-encryption.key";

export function loadOrCreateEncryptionKey(dataDir: string): Buffer {
  const path = join(dataDir, KEY_FILE);
  mkdirSync(dataDir, { recursive: true, mode: 0o700 });
  try {
    // "wx": only one of several processes starting together creates the file; the others read it.
    writeFileSync(path, randomBytes(32).toString("base64") + "\n", { flag: "wx", mode: 0o600 });
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== "EEXIST") throw err;
  }
  const key = Buffer.from(readFileSync(path, "utf8").trim(), "base64");
  if (key.length !== 32) throw new Error(`${path} does not hold a 32-byte base64 key; remove it to generate a new one`);
  return key;
}
