// AWS region names: their shape (checked at start-up, so a typo such as `us-west2` fails at once
// instead of every request retrying DNS for seconds and answering 503), and the regions where
// Bedrock runtime is offered (a warning only: AWS adds regions, and this list is best knowledge).

/** `us-west-2`, `us-gov-west-1`, `eu-central-2`, `ap-southeast-7`, `us-isob-east-1`, `cn-north-1`. */
const REGION_SHAPE = /^[a-z]{2}(?:-gov|-iso[a-z]?)?-(?:north|south|east|west|central|northeast|northwest|southeast|southwest)-\d{1,2}$/;

/** Regions with the Bedrock runtime (AWS documentation, end of 2025). */
export const BEDROCK_REGIONS: ReadonlySet<string> = new Set([
  "us-east-1",
  "us-east-2",
  "us-west-1",
  "us-west-2",
  "us-gov-east-1",
  "us-gov-west-1",
  "ca-central-1",
  "ca-west-1",
  "mx-central-1",
  "sa-east-1",
  "eu-central-1",
  "eu-central-2",
  "eu-north-1",
  "eu-south-1",
  "eu-south-2",
  "eu-west-1",
  "eu-west-2",
  "eu-west-3",
  "ap-east-2",
  "ap-northeast-1",
  "ap-northeast-2",
  "ap-northeast-3",
  "ap-south-1",
  "ap-south-2",
  "ap-southeast-1",
  "ap-southeast-2",
  "ap-southeast-3",
  "ap-southeast-4",
  "ap-southeast-5",
  "ap-southeast-7",
  "me-central-1",
  "me-south-1",
  "il-central-1",
  "af-south-1",
]);

export function isRegionShaped(region: string): boolean {
  return REGION_SHAPE.test(region);
}

/** A warning for a well-formed region without Bedrock, or undefined. */
export function regionWarning(region: string): string | undefined {
  if (BEDROCK_REGIONS.has(region)) return undefined;
  return `AWS region ${region} is not one where this gateway knows Bedrock to be offered; requests will fail if Bedrock is not available there`;
}
