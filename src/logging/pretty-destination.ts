// LOG_FORMAT=pretty: pino's own pretty printer for a human at a terminal. pino-pretty is a dev
// dependency, imported only here and only then, so production installs and bundles never load it.
import type { DestinationStream } from "pino";

export async function prettyDestination(): Promise<DestinationStream> {
  const mod = await import("pino-pretty").catch(() => {
    throw new Error(
      "LOG_FORMAT=pretty needs the development dependency pino-pretty (npm install, without --omit=dev); use LOG_FORMAT=json in production",
    );
  });
  return mod.default({ colorize: process.stdout.isTTY === true, translateTime: "SYS:HH:MM:ss.l", ignore: "pid,hostname,service" });
}
