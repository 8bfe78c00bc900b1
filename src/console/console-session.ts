// Console sessions: a signed cookie, so any replica that has the same ADMIN_API_KEY accepts it and
// nothing is stored. The signing key is derived from the admin key, which is what makes every
// session die when the admin key changes. The CSRF token is derived from the session id with the
// same key: forms carry it, and a state change without it is refused. Logout also remembers the
// session id in this process until it would have expired (a stolen copy of the cookie stops
// working here at once; on other replicas at its expiry).
import { createHash, createHmac, createSecretKey, randomBytes, timingSafeEqual } from "node:crypto";
import type { KeyObject } from "node:crypto";

export interface ConsoleSession {
  id: string;
  /** Epoch ms. */
  expiresAt: number;
}

export interface SessionKeys {
  issue(now?: number): { cookie: string; session: ConsoleSession };
  /** The session a cookie value stands for, or undefined when forged, expired or logged out. */
  verify(cookie: string | undefined, now?: number): ConsoleSession | undefined;
  csrfToken(session: ConsoleSession): string;
  checkCsrf(session: ConsoleSession, token: string | undefined): boolean;
  logout(session: ConsoleSession, now?: number): void;
}

const MAX_LOGGED_OUT = 10_000;

function sameText(a: string, b: string): boolean {
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && timingSafeEqual(x, y);
}

export function sessionKeys(adminKey: string, ttlMs: number): SessionKeys {
  // A KeyObject: HMAC with a cached key avoids re-importing it on every call.
  const key: KeyObject = createSecretKey(createHash("sha256").update("bedrock-gateway console session v1\0").update(adminKey).digest());
  const mac = (text: string) => createHmac("sha256", key).update(text).digest("base64url");
  const loggedOut = new Map<string, number>();

  return {
    issue(now = Date.now()) {
      const session = { id: randomBytes(18).toString("base64url"), expiresAt: now + ttlMs };
      const body = `${session.id}.${session.expiresAt}`;
      return { cookie: `${body}.${mac(`session.${body}`)}`, session };
    },
    verify(cookie, now = Date.now()) {
      if (!cookie || cookie.length > 200) return undefined;
      const parts = cookie.split(".");
      if (parts.length !== 3) return undefined;
      const [id, exp, sig] = parts as [string, string, string];
      if (!/^[A-Za-z0-9_-]{24}$/.test(id) || !/^\d{1,16}$/.test(exp)) return undefined;
      if (!sameText(sig, mac(`session.${id}.${exp}`))) return undefined;
      const expiresAt = Number(exp);
      if (expiresAt <= now || loggedOut.has(id)) return undefined;
      return { id, expiresAt };
    },
    csrfToken: (s) => mac(`csrf.${s.id}`),
    checkCsrf: (s, token) => typeof token === "string" && sameText(token, mac(`csrf.${s.id}`)),
    logout(s, now = Date.now()) {
      for (const [id, exp] of loggedOut) if (exp <= now) loggedOut.delete(id);
      if (loggedOut.size >= MAX_LOGGED_OUT) loggedOut.delete(loggedOut.keys().next().value!);
      loggedOut.set(s.id, s.expiresAt);
    },
  };
}
