// A versioned schema change, written once per dialect. Both backends apply the same list in
// order at start-up and record each version in schema_migrations, so a database created by any
// release upgrades itself. Never edit a released migration: add the next one.
export interface Migration {
  version: number;
  name: string;
  sqlite: string[];
  postgres: string[];
}
