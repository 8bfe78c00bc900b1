// Reads the committed CloudFormation templates (YAML with CloudFormation's short-form tags such as
// !Ref, !Sub, !If) into the same JSON shape CloudFormation itself works with, and walks them.
import { readFileSync } from "node:fs";
import { parse } from "yaml";
import type { CollectionTag, ScalarTag, YAMLMap, YAMLSeq } from "yaml";

const FUNCTIONS = [
  "And",
  "Base64",
  "Cidr",
  "Contains",
  "EachMemberEquals",
  "EachMemberIn",
  "Equals",
  "FindInMap",
  "GetAZs",
  "GetAtt",
  "If",
  "ImportValue",
  "Join",
  "Length",
  "Not",
  "Or",
  "RefAll",
  "Select",
  "Split",
  "Sub",
  "ToJsonString",
  "Transform",
  "ValueOf",
  "ValueOfAll",
];

function keyOf(name: string): string {
  return name === "Ref" || name === "Condition" ? name : `Fn::${name}`;
}

function tagsFor(name: string): (ScalarTag | CollectionTag)[] {
  const key = keyOf(name);
  const scalar: ScalarTag = {
    tag: `!${name}`,
    // !GetAtt Resource.Attribute is the short form of ["Resource", "Attribute"].
    resolve: (value: string) => ({
      [key]: name === "GetAtt" ? [value.slice(0, value.indexOf(".")), value.slice(value.indexOf(".") + 1)] : value,
    }),
  };
  const collection = (kind: "seq" | "map"): CollectionTag => ({
    tag: `!${name}`,
    collection: kind,
    resolve: (value: YAMLMap.Parsed | YAMLSeq.Parsed) => ({ [key]: value.toJSON() as unknown }),
  });
  return [scalar, collection("seq"), collection("map")];
}

const CUSTOM_TAGS = ["Ref", "Condition", ...FUNCTIONS].flatMap(tagsFor);

export type Json = null | boolean | number | string | Json[] | { [k: string]: Json };
export type JsonObject = { [k: string]: Json };

export interface Template {
  AWSTemplateFormatVersion: string;
  Description: string;
  Parameters: Record<string, JsonObject & { Type: string; Default?: Json; AllowedValues?: Json[] }>;
  Rules?: JsonObject;
  Conditions: Record<string, Json>;
  Resources: Record<string, JsonObject & { Type: string; Properties?: JsonObject; Condition?: string; DependsOn?: string | string[] }>;
  Outputs: Record<string, JsonObject & { Value: Json; Condition?: string }>;
}

export function loadTemplate(path: string): Template {
  return parse(readFileSync(path, "utf8"), { customTags: CUSTOM_TAGS }) as Template;
}

/** Every node of a JSON tree, depth first, with the path of keys leading to it. */
export function* walk(node: Json, path: string[] = []): Generator<{ node: Json; path: string[] }> {
  yield { node, path };
  if (Array.isArray(node)) {
    for (let i = 0; i < node.length; i++) yield* walk(node[i]!, [...path, String(i)]);
  } else if (node !== null && typeof node === "object") {
    for (const [k, v] of Object.entries(node)) yield* walk(v, [...path, k]);
  }
}

export const isObject = (n: Json | undefined): n is JsonObject => n !== null && typeof n === "object" && !Array.isArray(n);

/** Both branches of every Fn::If are kept: a check must hold whichever way a condition goes. */
export function branches(node: Json): Json[] {
  if (isObject(node) && Array.isArray(node["Fn::If"])) {
    const [, a, b] = node["Fn::If"];
    return [...branches(a!), ...branches(b!)].filter((n) => !(isObject(n) && n.Ref === "AWS::NoValue"));
  }
  return [node];
}

export interface Statement {
  Sid?: string;
  Effect: string;
  Action: string[];
  Resource: Json[];
  Condition?: Json;
  role: string;
}

/** The inline policy statements of every IAM role, in every condition branch. */
export function policyStatements(t: Template): Statement[] {
  const out: Statement[] = [];
  for (const [name, r] of Object.entries(t.Resources)) {
    if (r.Type !== "AWS::IAM::Role") continue;
    const policies = (r.Properties?.Policies ?? []) as Json[];
    for (const policy of policies.flatMap(branches)) {
      if (!isObject(policy) || !isObject(policy.PolicyDocument)) throw new Error(`${name}: unexpected policy shape`);
      for (const s of policy.PolicyDocument.Statement as JsonObject[]) {
        const actions = typeof s.Action === "string" ? [s.Action] : (s.Action as string[]);
        const resources = Array.isArray(s.Resource) ? s.Resource : [s.Resource!];
        out.push({ ...(s as object), Effect: s.Effect as string, Action: actions, Resource: resources.flatMap(branches), role: name });
      }
    }
  }
  return out;
}
