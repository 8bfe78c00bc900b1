// Pure: the model id a caller resolved (against the union of every target's catalog) → the id to
// send to one particular target, or undefined when that target does not serve the model. A base
// model id or a geographic profile becomes the target region's own profile (us.… in us-east-1,
// eu.… in eu-west-1); ARNs (application profiles, provisioned and custom models) belong to one
// account and region and are served only by the target whose catalog lists them.
import type { CatalogSnapshot } from "../models/build-catalog.ts";
import { baseIdFromName, profileFor } from "../models/resolve-model.ts";

const ARN = /^arn:aws[a-z-]*:(bedrock|sagemaker):/;

export function modelForTarget(snap: CatalogSnapshot | undefined, modelId: string): string | undefined {
  // Catalog not loaded (yet): send the id unchanged and let Bedrock answer.
  if (!snap) return modelId;
  const entry = snap.lookup.get(modelId);
  if (entry) {
    if (entry.source === "foundation-model" && !entry.listed) return profileFor(snap, entry.id)?.bedrockId;
    return entry.bedrockId;
  }
  if (ARN.test(modelId)) return undefined;
  const base = baseIdFromName(modelId);
  const fm = snap.lookup.get(base);
  // A geographic or global profile this region lacks: its own profile of the same model, else the
  // model on demand when the region offers it so.
  const profile = profileFor(snap, base);
  if (profile) return profile.bedrockId;
  if (fm && fm.source === "foundation-model" && fm.listed) return fm.bedrockId;
  return undefined;
}

/** The region named in an ARN (custom or provisioned models no catalog lists). */
export function regionOfArn(id: string): string | undefined {
  const m = /^arn:aws[a-z-]*:[a-z-]+:([a-z0-9-]+):/.exec(id);
  return m?.[1] || undefined;
}
