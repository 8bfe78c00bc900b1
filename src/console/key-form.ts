// Pure: the console's key forms → the JSON the admin API takes, validated by the same schema
// (keySpecJson), so a form can do exactly what POST/PATCH /admin/keys do and nothing else.
import { keySpecJson, parseMetadata } from "../keys/key-spec.ts";
import type { KeySpec } from "../keys/key-spec.ts";

type Form = Record<string, string | File | (string | File)[]>;

const text = (f: Form, name: string): string | undefined => {
  const v = f[name];
  return typeof v === "string" ? v.trim() : undefined;
};

function limit(v: string | undefined): number | null | undefined {
  if (v === undefined) return undefined;
  if (v === "") return null;
  return Number(v);
}

/** `create`: blank fields are left out (defaults); `edit`: blank means "no limit". */
export function keySpecFromForm(f: Form, mode: "create" | "edit"): { spec: KeySpec } | { error: string } {
  const body: Record<string, unknown> = {};
  const name = text(f, "name");
  if (name !== undefined && (name !== "" || mode === "create")) body.name = name;
  const models = text(f, "models");
  if (models !== undefined) body.models = models === "" || models === "*" ? null : models;
  for (const k of ["rpm", "tpm"] as const) {
    const v = limit(text(f, k));
    if (v !== undefined && !(mode === "create" && v === null)) body[k] = v;
  }
  const budgetUsd = text(f, "budget_usd");
  if (budgetUsd !== undefined) {
    if (budgetUsd === "") {
      if (mode === "edit") body.budget = null;
    } else body.budget = `${budgetUsd}/${text(f, "budget_period") === "day" ? "day" : "month"}`;
  }
  const expires = text(f, "expires_at");
  if (expires !== undefined && !(mode === "create" && expires === "")) body.expires_at = expires === "" ? null : expires;
  if (mode === "edit" && text(f, "enabled_field") !== undefined) body.enabled = text(f, "enabled") === "on";
  const metadata = text(f, "metadata");
  if (metadata !== undefined && !(mode === "create" && metadata === "")) {
    try {
      body.metadata = parseMetadata(metadata);
    } catch (err) {
      return { error: `metadata: ${(err as Error).message}` };
    }
  }
  const parsed = keySpecJson.safeParse(body);
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    return { error: `${issue.path.map(String).join(".") || "form"}: ${issue.message}` };
  }
  return { spec: parsed.data };
}
