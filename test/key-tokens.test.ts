// Key tokens (format, checksum, hashing), model allow-list globs, budgets and expiry parsing.
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { budgetWindow, keyUnusableReason, parseBudget, parseExpiry } from "../src/keys/key-policy.ts";
import { generateKeyToken, hashKeyToken, keyHint, parseKeyToken, tokenMatchesHash } from "../src/keys/key-token.ts";
import { compileModelPatterns, parseModelPatterns } from "../src/keys/model-patterns.ts";
import type { KeyRecord } from "../src/store/store.ts";

describe("key tokens", () => {
  it("have a scanner-friendly prefix, the key id, a 256-bit secret and a checksum", () => {
    const { id, token } = generateKeyToken();
    assert.match(id, /^vk_[0-9a-f]{12}$/);
    assert.match(token, /^sk-bgw-[0-9a-f]{12}-[0-9A-Za-z]{49}$/);
    assert.ok(token.includes(id.slice(3)));
    assert.deepEqual(parseKeyToken(token), { id });
    const tokens = new Set(Array.from({ length: 200 }, () => generateKeyToken().token));
    assert.equal(tokens.size, 200);
  });

  it("rejects a mistyped or made-up token without a lookup (checksum)", () => {
    const { token } = generateKeyToken();
    const i = 30;
    const typo = token.slice(0, i) + (token[i] === "a" ? "b" : "a") + token.slice(i + 1);
    assert.equal(parseKeyToken(typo), undefined);
    assert.equal(parseKeyToken("sk-bgw-0123456789ab-" + "A".repeat(49)), undefined);
    assert.equal(parseKeyToken("sk-other"), undefined);
    assert.equal(parseKeyToken(token + "x"), undefined);
  });

  it("rotation keeps the id and changes the secret", () => {
    const first = generateKeyToken();
    const second = generateKeyToken(first.id);
    assert.equal(second.id, first.id);
    assert.notEqual(second.token, first.token);
  });

  it("stores only a SHA-256 hash and compares against it", () => {
    const { token } = generateKeyToken();
    const hash = hashKeyToken(token);
    assert.match(hash, /^[0-9a-f]{64}$/);
    assert.ok(!hash.includes(token));
    assert.equal(tokenMatchesHash(token, hash), true);
    assert.equal(tokenMatchesHash(generateKeyToken().token, hash), false);
    assert.equal(tokenMatchesHash(token, "00"), false, "a malformed stored hash never matches");
  });

  it("hints show the id and 4 trailing characters only", () => {
    const { token } = generateKeyToken();
    const hint = keyHint(token);
    assert.equal(hint, `${token.slice(0, 20)}…${token.slice(-4)}`);
    assert.ok(hint.length < 35);
  });
});

describe("model allow-lists", () => {
  const allow = compileModelPatterns(parseModelPatterns("anthropic.*, us.amazon.nova-* ,fast"));
  it("match any name a model goes by", () => {
    assert.equal(
      allow(["us.anthropic.claude-sonnet-4-5-20250929-v1:0", "anthropic.claude-sonnet-4-5-20250929-v1:0"]),
      true,
      "base id matches anthropic.*",
    );
    assert.equal(allow(["us.amazon.nova-lite-v1:0"]), true);
    assert.equal(allow(["amazon.nova-lite-v1:0"]), false, "only the US profiles of Nova");
    assert.equal(allow(["fast"]), true, "an alias named in the list");
    assert.equal(allow(["meta.llama3-1-8b-instruct-v1:0", undefined]), false);
    assert.equal(allow(["ANTHROPIC.claude-x"]), true, "case-insensitive");
  });
  it("treat regex characters literally", () => {
    const m = compileModelPatterns(["amazon.nova-lite-v1:0"]);
    assert.equal(m(["amazonXnova-lite-v1:0"]), false);
    assert.equal(m(["amazon.nova-lite-v1:0"]), true);
    assert.equal(compileModelPatterns(["a?c"])(["abc"]), true);
  });
  it("null means every model; an empty list means none", () => {
    assert.equal(compileModelPatterns(null)(["anything"]), true);
    assert.equal(compileModelPatterns([])(["anything"]), false);
  });
});

describe("budgets and expiry", () => {
  it("parse budgets", () => {
    assert.deepEqual(parseBudget("50/month"), { usd: 50, period: "month" });
    assert.deepEqual(parseBudget("$5.5 / day"), { usd: 5.5, period: "day" });
    assert.deepEqual(parseBudget("10 USD/monthly"), { usd: 10, period: "month" });
    assert.throws(() => parseBudget("50"), /not a budget/);
    assert.throws(() => parseBudget("-1/day"), /not a budget/);
  });
  it("compute UTC budget windows", () => {
    const t = Date.parse("2026-03-15T23:30:00Z");
    assert.deepEqual(budgetWindow("day", t), { start: Date.parse("2026-03-15T00:00:00Z"), end: Date.parse("2026-03-16T00:00:00Z") });
    assert.deepEqual(budgetWindow("month", t), { start: Date.parse("2026-03-01T00:00:00Z"), end: Date.parse("2026-04-01T00:00:00Z") });
    assert.deepEqual(budgetWindow("month", Date.parse("2026-12-31T12:00:00Z")).end, Date.parse("2027-01-01T00:00:00Z"));
  });
  it("parse expiry dates", () => {
    assert.equal(parseExpiry("2027-01-01"), Date.parse("2027-01-01T00:00:00Z"));
    assert.equal(parseExpiry("never"), null);
    assert.throws(() => parseExpiry("next tuesday"), /not a date/);
  });
  it("say why a key cannot be used", () => {
    const base: KeyRecord = {
      id: "vk_000000000000",
      name: "k",
      secretHash: "",
      hint: "",
      models: null,
      rpm: null,
      tpm: null,
      budget: null,
      expiresAt: null,
      enabled: true,
      revokedAt: null,
      metadata: {},
      createdAt: 0,
      updatedAt: 0,
    };
    assert.equal(keyUnusableReason(base, 1000), undefined);
    assert.match(keyUnusableReason({ ...base, enabled: false }, 1000)!, /disabled/);
    assert.match(keyUnusableReason({ ...base, revokedAt: 5 }, 1000)!, /revoked/);
    assert.match(keyUnusableReason({ ...base, expiresAt: 1000 }, 1000)!, /expired/);
    assert.equal(keyUnusableReason({ ...base, expiresAt: 1001 }, 1000), undefined);
  });
});
