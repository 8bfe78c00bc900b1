// Identifiers in OpenAI's style: a type prefix and random hex (resp_…, msg_…, fc_…, rs_…).
import { randomBytes } from "node:crypto";

export type IdPrefix = "resp" | "msg" | "fc" | "fco" | "rs" | "item";

export function newId(prefix: IdPrefix): string {
  return `${prefix}_${randomBytes(20).toString("hex")}`;
}
