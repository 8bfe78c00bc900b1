// Every migration, in version order. Append new ones; never reorder or edit released ones.
import { keysAndUsage } from "./001-keys-and-usage.ts";
import { responses } from "./002-responses.ts";
import { settings } from "./003-settings.ts";
import { usageHourly } from "./005-usage-hourly.ts";
import { usageRegionTarget } from "./006-usage-region-target.ts";
import { batches } from "./007-batches.ts";
import { usageAbortReason } from "./008-usage-abort-reason.ts";
import type { Migration } from "./migration.ts";

export type { Migration } from "./migration.ts";

export const MIGRATIONS: readonly Migration[] = [
  keysAndUsage,
  responses,
  settings,
  usageHourly,
  usageRegionTarget,
  batches,
  usageAbortReason,
];
