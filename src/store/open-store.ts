// Opens the configured store and applies migrations. The backend's driver is imported only when
// chosen, so a SQLite deployment never loads pg and vice versa.
import type { StoreConfig } from "../config/config.ts";
import type { Store } from "./store.ts";

export async function openStore(config: StoreConfig): Promise<Store | null> {
  switch (config.kind) {
    case "none":
      return null;
    case "sqlite": {
      const { openSqliteStore } = await import("./sqlite-store.ts");
      return openSqliteStore(config.path);
    }
    case "postgres": {
      const { openPostgresStore } = await import("./postgres-store.ts");
      return openPostgresStore(config.url, config.poolSize);
    }
  }
}
