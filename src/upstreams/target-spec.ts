// Pure: the text of BEDROCK_TARGETS and MODEL_FALLBACKS → validated upstream target specs and the
// fallback table. Field names are the issue's contract; unknown fields are refused so a typo
// (`weigth`) is an error at start-up, not a silently ignored setting.
import { z } from "zod";

/** Endpoint keys are the service names of the AWS_ENDPOINT_URL_* variables. */
export const ENDPOINT_SERVICES = ["bedrock-runtime", "bedrock", "bedrock-agent-runtime", "bedrock-mantle", "sts"] as const;
export type EndpointService = (typeof ENDPOINT_SERVICES)[number];

export interface TargetSpec {
  /** Shown in x-bedrock-gateway-target, /health, metrics, logs and usage records. */
  name: string;
  region: string;
  /** Share of traffic among healthy targets; 0 = standby, used only when no weighted target can serve. */
  weight: number;
  /** Named profile from the shared AWS config files (default chain when absent). */
  profile?: string;
  /** Role to assume through STS (with profile/default-chain credentials as the source). */
  roleArn?: string;
  externalId?: string;
  roleSessionName?: string;
  endpoints: Partial<Record<EndpointService, string>>;
  /** Model patterns this target may serve (globs as in key allow-lists); absent = all. */
  models?: string[];
  /** Model patterns this target must not serve. */
  excludeModels?: string[];
}

const url = z
  .string()
  .trim()
  .transform((s, ctx) => {
    try {
      const u = new URL(s);
      if (u.protocol !== "http:" && u.protocol !== "https:") throw new Error();
      return u.origin + u.pathname.replace(/\/+$/, "");
    } catch {
      ctx.addIssue({ code: "custom", message: `"${s}" is not an http(s) URL` });
      return z.NEVER;
    }
  });

const targetSchema = z.strictObject({
  // Names travel in response headers and metric labels: keep them to a safe alphabet.
  name: z.string().regex(/^[A-Za-z0-9][A-Za-z0-9_.-]{0,39}$/, "must be 1-40 letters, digits, '.', '_' or '-'"),
  region: z.string().regex(/^[a-z]{2}(-gov|-iso[a-z]*)?-[a-z]+-\d$/, "must be an AWS region such as us-east-1"),
  weight: z.number().min(0).max(1000).default(1),
  profile: z.string().trim().min(1).optional(),
  roleArn: z
    .string()
    .regex(/^arn:aws[a-z-]*:iam::\d{12}:role\/.+$/, "must be an IAM role ARN (arn:aws:iam::123456789012:role/name)")
    .optional(),
  externalId: z.string().min(2).max(1224).optional(),
  roleSessionName: z
    .string()
    .regex(/^[\w+=,.@-]{2,64}$/)
    .optional(),
  endpoints: z
    .strictObject(
      Object.fromEntries(ENDPOINT_SERVICES.map((s) => [s, url.optional()])) as Record<EndpointService, z.ZodOptional<typeof url>>,
    )
    .default({}),
  models: z.array(z.string().trim().min(1)).min(1).optional(),
  excludeModels: z.array(z.string().trim().min(1)).optional(),
});

const targetsSchema = z
  .array(targetSchema)
  .min(1, "must list at least one target")
  .max(32)
  .superRefine((targets, ctx) => {
    const seen = new Set<string>();
    for (const [i, t] of targets.entries()) {
      if (seen.has(t.name)) ctx.addIssue({ code: "custom", path: [i, "name"], message: `duplicate target name "${t.name}"` });
      seen.add(t.name);
      if (t.externalId && !t.roleArn) ctx.addIssue({ code: "custom", path: [i, "externalId"], message: "externalId needs roleArn" });
    }
    if (!targets.some((t) => t.weight > 0)) ctx.addIssue({ code: "custom", message: "at least one target needs a weight above 0" });
  });

function issuesText(issues: z.core.$ZodIssue[]): string {
  return issues.map((i) => (i.path.length ? `[${i.path.join(".")}] ${i.message}` : i.message)).join("; ");
}

/** BEDROCK_TARGETS JSON text → target specs. Throws an Error whose message names the bad field. */
export function parseTargets(text: string): TargetSpec[] {
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch {
    throw new Error("is not valid JSON (a JSON array of targets, or the path of a file holding one)");
  }
  const r = targetsSchema.safeParse(raw);
  if (!r.success) throw new Error(issuesText(r.error.issues));
  return r.data.map((t) => {
    const endpoints: Partial<Record<EndpointService, string>> = {};
    for (const s of ENDPOINT_SERVICES) if (t.endpoints[s]) endpoints[s] = t.endpoints[s];
    return { ...t, endpoints };
  });
}

const fallbacksSchema = z.record(z.string().trim().min(1), z.array(z.string().trim().min(1)).min(1).max(8));

/** MODEL_FALLBACKS JSON text (`{"model or alias": ["first fallback", "second"]}`) → table. */
export function parseFallbacks(text: string): Map<string, string[]> {
  if (text.trim() === "") return new Map();
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch {
    throw new Error('is not valid JSON (expected {"model or alias": ["fallback model", …]})');
  }
  const r = fallbacksSchema.safeParse(raw);
  if (!r.success) throw new Error(issuesText(r.error.issues));
  const out = new Map<string, string[]>();
  for (const [k, v] of Object.entries(r.data)) {
    if (v.includes(k)) throw new Error(`"${k}" lists itself as a fallback`);
    out.set(k, v);
  }
  return out;
}
