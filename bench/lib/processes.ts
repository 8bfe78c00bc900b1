// Child processes of a benchmark run: spawned with a clean environment, waited on until they
// answer, and always stopped (by pid) when the run ends, even when it fails.
import { spawn } from "node:child_process";
import type { ChildProcess } from "node:child_process";
import { request } from "node:http";
import { createServer } from "node:net";
import type { AddressInfo } from "node:net";
import type { HttpTarget } from "../load/stream-client.ts";

const children = new Set<ChildProcess>();

export interface Spawned {
  child: ChildProcess;
  pid: number;
  /** The last lines the process wrote to stderr (for error messages). */
  stderr: () => string;
  stop: () => Promise<void>;
}

/** Only what the processes need: no AWS profile, no proxy settings, no test runner variables. */
export function cleanEnv(extra: Record<string, string>): Record<string, string> {
  const keep = ["PATH", "HOME", "TMPDIR", "LANG", "NODE_COMPILE_CACHE", "NODE_DISABLE_COMPILE_CACHE"];
  const env: Record<string, string> = {};
  for (const k of keep) if (process.env[k] !== undefined) env[k] = process.env[k];
  return { ...env, ...extra };
}

export function spawnNode(args: string[], env: Record<string, string>, cwd: string): Spawned {
  const child = spawn(process.execPath, args, { env, cwd, stdio: ["ignore", "ignore", "pipe"] });
  children.add(child);
  let err = "";
  child.stderr.setEncoding("utf8");
  child.stderr.on("data", (d: string) => {
    err = (err + d).slice(-4000);
  });
  const exited = new Promise<void>((r) => child.once("exit", () => r()));
  void exited.then(() => children.delete(child));
  return {
    child,
    pid: child.pid!,
    stderr: () => err,
    async stop() {
      if (child.exitCode === null && child.signalCode === null) {
        child.kill("SIGKILL");
        await exited;
      }
    },
  };
}

export function stopAll(): void {
  for (const c of children) if (c.exitCode === null) c.kill("SIGKILL");
}

export async function freePort(): Promise<number> {
  const srv = createServer();
  await new Promise<void>((r) => srv.listen(0, "127.0.0.1", r));
  const { port } = srv.address() as AddressInfo;
  await new Promise<void>((r) => srv.close(() => r()));
  return port;
}

/** One request on a fresh connection; resolves to the status (0 when nothing answered). */
export function probe(target: HttpTarget, timeoutMs = 5000): Promise<number> {
  return new Promise((resolve) => {
    const req = request(target.url, { method: target.method, headers: target.headers, agent: false, timeout: timeoutMs }, (res) => {
      res.resume();
      res.on("end", () => resolve(res.statusCode ?? 0));
      res.on("error", () => resolve(0));
    });
    req.on("timeout", () => req.destroy());
    req.on("error", () => resolve(0));
    req.end(target.body);
  });
}

/** Polls until `target` answers 200 (every `everyMs`), or fails after `timeoutMs`. */
export async function waitFor200(target: HttpTarget, proc: Spawned | undefined, timeoutMs: number, everyMs = 2): Promise<void> {
  const end = performance.now() + timeoutMs;
  for (;;) {
    if (proc && proc.child.exitCode !== null) throw new Error(`process exited (${proc.child.exitCode}): ${proc.stderr()}`);
    const status = await probe(target, 2000);
    if (status === 200) return;
    if (performance.now() > end)
      throw new Error(`${target.method} ${target.url} did not answer 200 (last status ${status}) ${proc ? proc.stderr() : ""}`);
    await new Promise((r) => setTimeout(r, everyMs));
  }
}
