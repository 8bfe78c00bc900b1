// Version 6: usage records say which upstream target (region / account) served the call — cost
// can differ by region, and operators need to see where traffic went. Null for records written
// before this version and for requests that never reached Bedrock.
import type { Migration } from "./migration.ts";

export const usageRegionTarget: Migration = {
  version: 6,
  name: "usage-region-target",
  sqlite: [`ALTER TABLE usage_records ADD COLUMN region TEXT`, `ALTER TABLE usage_records ADD COLUMN target TEXT`],
  postgres: [`ALTER TABLE usage_records ADD COLUMN region TEXT`, `ALTER TABLE usage_records ADD COLUMN target TEXT`],
};
