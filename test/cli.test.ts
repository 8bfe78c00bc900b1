// The command-line tool as a user runs it: `npx bedrock-gateway …` in the project, a child
// process with DATA_DIR in its environment, against the same SQLite file a gateway then serves.
import assert from "node:assert/strict";
import { execFile } from "node:child_process";
import { existsSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { promisify } from "node:util";
import { after, before, describe, it } from "node:test";
import { startGateway } from "./helpers/gateway.ts";
import type { TestGateway } from "./helpers/gateway.ts";

const run = promisify(execFile);
// npx looks in its own cache before the project: a bedrock-gateway it once installed elsewhere on
// this machine (an older tarball) would answer instead of this checkout's bin. An empty cache each run.
const npmCache = mkdtempSync(join(tmpdir(), "bgw-cli-npm-cache-"));
after(() => rmSync(npmCache, { recursive: true, force: true }));

describe("bedrock-gateway CLI", () => {
  const dataDir = mkdtempSync(join(tmpdir(), "bgw-cli-"));
  const env = { ...process.env, DATA_DIR: dataDir, DATABASE_URL: undefined, npm_config_cache: npmCache };
  const cli = async (...args: string[]) => {
    try {
      const { stdout, stderr } = await run("npx", ["--no-install", "bedrock-gateway", ...args], { env, cwd: process.cwd() });
      return { code: 0, stdout, stderr };
    } catch (err) {
      const e = err as { code: number; stdout: string; stderr: string };
      return { code: e.code, stdout: e.stdout, stderr: e.stderr };
    }
  };
  let gw: TestGateway;
  let created: any;

  before(async () => {
    gw = await startGateway({ env: { DATA_DIR: dataDir, KEY_CACHE_TTL: "100ms", USAGE_FLUSH_INTERVAL: "50ms" } });
  });
  after(async () => {
    await gw.close();
    rmSync(dataDir, { recursive: true, force: true });
  });

  it("creates a key with the issue's example flags and prints the secret once", async () => {
    const r = await cli(
      "keys",
      "create",
      "--name",
      "team-a",
      "--models",
      "anthropic.*,us.amazon.nova-*",
      "--rpm",
      "60",
      "--tpm",
      "100000",
      "--budget",
      "50/month",
      "--expires",
      "2099-01-01",
      "--metadata",
      "team=ml,owner=ana",
    );
    assert.equal(r.code, 0, r.stderr);
    const secret = /^\s+(sk-bgw-\S+)$/m.exec(r.stdout)?.[1];
    assert.ok(secret, r.stdout);
    assert.match(r.stdout, /Created key vk_[0-9a-f]{12} \(team-a\)/);
    assert.match(r.stdout, /budget\s+50 USD per month/);
    assert.match(r.stdout, /models\s+anthropic\.\*, us\.amazon\.nova-\*/);
    const json = await cli("keys", "create", "--name", "team-b", "--json");
    created = JSON.parse(json.stdout);
    assert.match(created.secret, /^sk-bgw-/);
    assert.equal(created.status, "active");
    // The running gateway accepts both keys (same SQLite file, no restart).
    assert.equal((await gw.request("/v1/models", { headers: { authorization: `Bearer ${secret}` } })).status, 200);
    assert.equal((await gw.request("/v1/models", { headers: { authorization: `Bearer ${created.secret}` } })).status, 200);
  });

  it("lists and shows keys without secrets", async () => {
    const list = await cli("keys", "list");
    assert.equal(list.code, 0);
    assert.match(list.stdout, /^ID\s+NAME\s+STATUS\s+MODELS\s+RPM\s+TPM\s+BUDGET\s+EXPIRES/m);
    assert.match(list.stdout, /team-a\s+active\s+anthropic\.\*,us\.amazon\.nova-\*\s+60\s+100000\s+50\/month\s+2099-01-01/);
    assert.ok(!list.stdout.includes(created.secret));
    const listed = JSON.parse((await cli("keys", "list", "--json")).stdout);
    assert.equal(listed.length, 2);
    assert.ok(listed.every((k: any) => k.secret === undefined));
    const show = await cli("keys", "show", created.id);
    assert.match(show.stdout, new RegExp(`id\\s+${created.id}`));
    assert.ok(!show.stdout.includes(created.secret));
  });

  it("updates limits and the gateway follows within the cache TTL", async () => {
    const r = await cli("keys", "update", created.id, "--rpm", "1", "--models", "us.amazon.nova-*");
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout, /rpm\s+1\n/);
    await new Promise((res) => setTimeout(res, 200));
    const chat = () =>
      gw.request("/v1/chat/completions", {
        method: "POST",
        headers: { authorization: `Bearer ${created.secret}`, "content-type": "application/json" },
        body: JSON.stringify({ model: "us.amazon.nova-lite-v1:0", messages: [{ role: "user", content: "hi" }] }),
      });
    assert.equal((await chat()).status, 200);
    assert.equal((await chat()).status, 429);
    const cleared = JSON.parse((await cli("keys", "update", created.id, "--rpm", "none", "--models", "*", "--json")).stdout);
    assert.equal(cleared.rpm, null);
    assert.equal(cleared.models, null);
  });

  it("reports usage as a table, CSV and JSON", async () => {
    await gw.runtime.usage!.flush();
    const table = await cli("usage");
    assert.equal(table.code, 0, table.stderr);
    assert.match(table.stdout, /^KEY\s+NAME\s+REQUESTS\s+ERRORS\s+INPUT\s+OUTPUT/m);
    assert.match(table.stdout, new RegExp(`${created.id}\\s+team-b\\s+2\\s+1`));
    assert.match(table.stdout, /^TOTAL\s+2\s+1/m);
    const csv = await cli("usage", "--group-by", "model", "--format", "csv");
    const lines = csv.stdout.trim().split("\r\n");
    assert.equal(lines[0], "MODEL,REQUESTS,ERRORS,INPUT,OUTPUT,CACHE_READ,CACHE_WRITE,COST_USD,UNPRICED");
    assert.match(lines[1]!, /^us\.amazon\.nova-lite-v1:0,2,1,/);
    const json = JSON.parse((await cli("usage", "--group-by", "day", "--format", "json")).stdout);
    assert.equal(json.group_by, "day");
    assert.equal(json.totals.requests, 2);
    assert.equal(json.data[0].group, new Date().toISOString().slice(0, 10));
  });

  it("rotates and revokes", async () => {
    const rotated = JSON.parse((await cli("keys", "rotate", created.id, "--json")).stdout);
    assert.equal(rotated.id, created.id);
    assert.notEqual(rotated.secret, created.secret);
    const revoked = await cli("keys", "revoke", created.id);
    assert.match(revoked.stdout, /Revoked key/);
    await new Promise((res) => setTimeout(res, 200));
    assert.equal((await gw.request("/v1/models", { headers: { authorization: `Bearer ${rotated.secret}` } })).status, 401);
    assert.match((await cli("keys", "show", created.id)).stdout, /status\s+revoked/);
  });

  it("explains mistakes with exit code 2, and unknown keys with exit code 1", async () => {
    const missing = await cli("keys", "create");
    assert.equal(missing.code, 2);
    assert.match(missing.stderr, /--name is required/);
    const bad = await cli("keys", "create", "--name", "x", "--budget", "lots");
    assert.equal(bad.code, 2);
    assert.match(bad.stderr, /--budget: "lots" is not a budget/);
    assert.equal((await cli("keys", "frobnicate")).code, 2);
    assert.equal((await cli("usage", "--format", "xml")).code, 2);
    const unknown = await cli("keys", "show", "vk_ffffffffffff");
    assert.equal(unknown.code, 1);
    assert.match(unknown.stderr, /No API key with id 'vk_ffffffffffff'/);
    const help = await cli("--help");
    assert.equal(help.code, 0);
    assert.match(help.stdout, /keys …\s+create, list, update, revoke and rotate/);
  });

  it("says which store it opened", async () => {
    const list = await cli("keys", "list");
    assert.equal(list.code, 0);
    assert.ok(list.stderr.includes(`store SQLite ${join(dataDir, "gateway.db")}`), list.stderr);
  });
});

describe("bedrock-gateway CLI without a store", () => {
  const dataDir = mkdtempSync(join(tmpdir(), "bgw-cli-empty-"));
  after(() => rmSync(dataDir, { recursive: true, force: true }));
  const cli = async (...args: string[]) =>
    run("npx", ["--no-install", "bedrock-gateway", ...args], {
      env: { ...process.env, DATA_DIR: join(dataDir, "nowhere"), DATABASE_URL: undefined, npm_config_cache: npmCache },
    }).then(
      (r) => ({ code: 0, ...r }),
      (e: { code: number; stdout: string; stderr: string }) => e,
    );

  it("refuses to create an empty store silently, and names the path it looked at", async () => {
    const r = await cli("keys", "list");
    assert.equal(r.code, 2);
    assert.match(r.stderr, /no store at .*nowhere[/\\]gateway\.db.*--create-store/);
    assert.ok(!existsSync(join(dataDir, "nowhere")), "nothing was created");
  });

  it("creates it when asked to", async () => {
    const r = await cli("keys", "list", "--create-store");
    assert.equal(r.code, 0, r.stderr);
    assert.ok(existsSync(join(dataDir, "nowhere", "gateway.db")));
    assert.equal((await cli("usage")).code, 0, "the store now exists");
  });

  it("answers help without a store", async () => {
    const r = await cli("keys", "help");
    assert.equal(r.code, 0);
    assert.match(r.stdout, /Usage: bedrock-gateway keys/);
  });
});
