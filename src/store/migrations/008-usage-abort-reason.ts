// Version 8: why a request was cut, beside `aborted`: NULL for requests that completed, "client"
// when the client went away, "shutdown" for streams ended at the drain deadline; and whether the
// token counts are the gateway's estimate (a stream cut before Bedrock's final usage event). Versions 4–7 belong to other changes
// landing in parallel; the runner applies whatever versions are missing, in list order.
import type { Migration } from "./migration.ts";

export const usageAbortReason: Migration = {
  version: 8,
  name: "usage-abort-reason",
  sqlite: [
    `ALTER TABLE usage_records ADD COLUMN abort_reason TEXT`,
    `ALTER TABLE usage_records ADD COLUMN usage_estimated INTEGER NOT NULL DEFAULT 0`,
  ],
  postgres: [
    `ALTER TABLE usage_records ADD COLUMN abort_reason TEXT`,
    `ALTER TABLE usage_records ADD COLUMN usage_estimated BOOLEAN NOT NULL DEFAULT FALSE`,
  ],
};
