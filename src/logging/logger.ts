// pino JSON lines. Written asynchronously so logging never blocks the event loop; flushed on
// shutdown. Credentials are redacted wherever they might appear.
import pino from "pino";
import type { Logger } from "pino";

export function createLogger(level: string, destination?: pino.DestinationStream): Logger {
  return pino(
    {
      level,
      base: { service: "bedrock-gateway" },
      timestamp: pino.stdTimeFunctions.isoTime,
      formatters: { level: (label) => ({ level: label }) },
      redact: {
        paths: ["authorization", "*.authorization", "apiKey", "*.apiKey", '*["x-api-key"]', "headers.authorization"],
        censor: "[redacted]",
      },
    },
    destination ?? pino.destination({ dest: 1, sync: false, minLength: 0 }),
  );
}

export type { Logger };
