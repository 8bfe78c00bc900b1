// A database that fails while stored Responses are read or written (PostgreSQL unreachable, SQLite
// busy past its timeout) answers a retryable 503 store_unavailable, logged with its cause, rather
// than an unexpected 500: with PostgreSQL such outages are ordinary and pass.
import type { Logger } from "pino";
import { errors } from "../errors/gateway-error.ts";
import type { ResponseStore } from "../store/response-store.ts";

export function guardedResponseStore(store: ResponseStore, logger: Logger): ResponseStore {
  const guard = async <T>(op: string, call: () => Promise<T>): Promise<T> => {
    try {
      return await call();
    } catch (err) {
      logger.error({ err: (err as Error).message, store: store.kind, op }, "response store unavailable");
      throw errors.storeUnavailable();
    }
  };
  return {
    kind: store.kind,
    save: (r) => guard("save", () => store.save(r)),
    get: (id, keyId, now) => guard("get", () => store.get(id, keyId, now)),
    chain: (id, keyId, now) => guard("chain", () => store.chain(id, keyId, now)),
    delete: (id, keyId) => guard("delete", () => store.delete(id, keyId)),
    listInputItems: (id, keyId, q, now) => guard("listInputItems", () => store.listInputItems(id, keyId, q, now)),
    close: () => store.close(),
  };
}
