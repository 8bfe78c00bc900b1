// Version 2: stored Responses (`store: true`), so replicas sharing PostgreSQL share them. One row
// per response, its output and input items as JSON text: a save is one row, a chain one row per
// turn, and paging input items (rare) reads one row. The JSON stays TEXT in PostgreSQL too: it is
// never queried inside, JSONB would reorder keys and refuse "\u0000", and parsing it would slow writes.
import type { Migration } from "./migration.ts";

export const responses: Migration = {
  version: 2,
  name: "responses",
  sqlite: [
    `CREATE TABLE responses (
      id TEXT PRIMARY KEY,
      key_id TEXT NOT NULL,
      created_at INTEGER NOT NULL,
      expires_at INTEGER NOT NULL,
      previous_response_id TEXT,
      response_json TEXT NOT NULL,
      input_json TEXT NOT NULL
    )`,
    `CREATE INDEX responses_expires_at ON responses (expires_at)`,
  ],
  postgres: [
    `CREATE TABLE responses (
      id TEXT PRIMARY KEY,
      key_id TEXT NOT NULL,
      created_at BIGINT NOT NULL,
      expires_at BIGINT NOT NULL,
      previous_response_id TEXT,
      response_json TEXT NOT NULL,
      input_json TEXT NOT NULL
    )`,
    `CREATE INDEX responses_expires_at ON responses (expires_at)`,
  ],
};
