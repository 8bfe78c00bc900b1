// Version 8: why a request was cut, beside `aborted`. NULL for requests that completed or whose
// client went away; "shutdown" for streams ended at the drain deadline (tokens seen so far, the
// output estimated where Bedrock had not reported it yet). Versions 4–7 belong to other changes
// landing in parallel; the runner applies whatever versions are missing, in list order.
import type { Migration } from "./migration.ts";

export const usageAbortReason: Migration = {
  version: 8,
  name: "usage-abort-reason",
  sqlite: [`ALTER TABLE usage_records ADD COLUMN abort_reason TEXT`],
  postgres: [`ALTER TABLE usage_records ADD COLUMN abort_reason TEXT`],
};
