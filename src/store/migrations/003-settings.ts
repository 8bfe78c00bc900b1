// Version 3: gateway-wide settings that replicas must agree on, such as the key that seals
// reasoning in Responses `encrypted_content` when none is configured: generated once, by whichever
// replica starts first, and read by every other one.
import type { Migration } from "./migration.ts";

export const settings: Migration = {
  version: 3,
  name: "settings",
  sqlite: [`CREATE TABLE gateway_settings (name TEXT PRIMARY KEY, value TEXT NOT NULL, created_at INTEGER NOT NULL)`],
  postgres: [`CREATE TABLE gateway_settings (name TEXT PRIMARY KEY, value TEXT NOT NULL, created_at BIGINT NOT NULL)`],
};
