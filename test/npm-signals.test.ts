// `npm run demo` / `npm start` under a supervisor that signals npm only: npm and its shell end, and
// the gateway (their grandchild) must not stay behind serving. The launcher notices its parent is
// gone and drains as on SIGTERM.
import assert from "node:assert/strict";
import { execFileSync, spawn } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, it } from "node:test";
import { fileURLToPath } from "node:url";
import { freePort } from "./helpers/free-port.ts";

const ROOT = fileURLToPath(new URL("..", import.meta.url));
const childrenOf = (pid: number): number[] => {
  try {
    return execFileSync("pgrep", ["-P", String(pid)], { encoding: "utf8" })
      .trim()
      .split("\n")
      .filter(Boolean)
      .map(Number);
  } catch {
    return [];
  }
};
const alive = (pid: number) => {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
};

describe("signals through npm", { skip: process.platform === "win32" ? "POSIX process tree" : false }, () => {
  it("SIGTERM to npm alone stops the gateway it started", { timeout: 90_000 }, async () => {
    const port = await freePort();
    const dataDir = mkdtempSync(join(tmpdir(), "bgw-npm-signal-"));
    const npm = spawn("npm", ["run", "demo", "--silent"], {
      cwd: ROOT,
      env: { ...process.env, PORT: String(port), DATA_DIR: dataDir },
      stdio: "ignore",
    });
    const health = () =>
      fetch(`http://127.0.0.1:${port}/health`).then(
        (r) => r.status === 200,
        () => false,
      );
    let gateway: number[] = [];
    try {
      let up = false;
      for (let i = 0; i < 600 && !up; i++) {
        up = await health();
        if (!up) await new Promise((r) => setTimeout(r, 100));
      }
      assert.ok(up, "npm run demo did not come up");
      gateway = childrenOf(npm.pid!).flatMap((sh) => [sh, ...childrenOf(sh)]);
      assert.ok(gateway.length >= 1, "npm has a child process");
      npm.kill("SIGTERM"); // npm only, as a supervisor that does not signal the process group
      let down = false;
      for (let i = 0; i < 100 && !down; i++) {
        down = !(await health()) && gateway.every((p) => !alive(p));
        if (!down) await new Promise((r) => setTimeout(r, 100));
      }
      assert.ok(down, "the gateway kept running after npm was stopped");
    } finally {
      for (const p of gateway) if (alive(p)) process.kill(p, "SIGKILL");
      rmSync(dataDir, { recursive: true, force: true });
    }
  });
});
