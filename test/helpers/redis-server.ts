// A real Redis server for tests: Debian's redis-server on a free loopback port, in memory only
// (no RDB, no AOF), stopped with the test process.
import { spawn } from "node:child_process";
import type { ChildProcess } from "node:child_process";
import { existsSync } from "node:fs";
import { createConnection } from "node:net";
import { freePort } from "./free-port.ts";

export interface RedisServer {
  url: string;
  port: number;
  stop(): Promise<void>;
  /** Start again on the same port (after stop), for outage tests. */
  restart(): Promise<void>;
}

const BIN = "/usr/bin/redis-server";

function ping(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const s = createConnection({ port, host: "127.0.0.1" }, () => s.write("PING\r\n"));
    s.once("data", (d) => {
      s.destroy();
      resolve(d.toString().startsWith("+PONG"));
    });
    s.once("error", () => resolve(false));
  });
}

export async function startRedis(): Promise<RedisServer> {
  if (!existsSync(BIN)) throw new Error("redis-server is not installed (apt-get install redis-server); .ci/run installs it");
  const port = await freePort();
  let child: ChildProcess | undefined;
  const launch = async () => {
    child = spawn(
      BIN,
      ["--port", String(port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no", "--maxmemory", "64mb", "--loglevel", "warning"],
      {
        stdio: "ignore",
      },
    );
    const end = Date.now() + 10_000;
    while (!(await ping(port))) {
      if (Date.now() > end) throw new Error("redis-server did not start");
      await new Promise((r) => setTimeout(r, 20));
    }
  };
  const stop = async () => {
    const c = child;
    child = undefined;
    if (!c || c.exitCode !== null) return;
    await new Promise<void>((r) => {
      c.once("exit", () => r());
      c.kill("SIGKILL");
    });
  };
  process.once("exit", () => child?.kill("SIGKILL"));
  await launch();
  return { url: `redis://127.0.0.1:${port}`, port, stop, restart: launch };
}
