// docs/configuration.md is generated from the configuration schema (npm run docs:config): this
// fails when someone adds or changes a variable without regenerating it, or leaves it undocumented.
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { describe, it } from "node:test";
import { CONFIG_DOC, readVariables, renderConfigDoc } from "../scripts/config-docs.ts";
import { CONFIG_VARIABLES } from "../src/config/config.ts";

describe("configuration reference (docs/configuration.md)", () => {
  it("is what npm run docs:config generates from src/config/config.ts", () => {
    const expected = renderConfigDoc();
    const actual = readFileSync(CONFIG_DOC, "utf8");
    assert.ok(actual === expected, "docs/configuration.md differs from the schema: run `npm run docs:config` and commit the result");
  });

  it("lists every variable the gateway reads, each with a description", () => {
    const vars = readVariables();
    assert.deepEqual(
      vars.map((v) => v.name),
      [...CONFIG_VARIABLES],
    );
    assert.deepEqual(
      vars.filter((v) => !v.doc).map((v) => v.name),
      [],
      "variables without a /** doc comment */ in config.ts",
    );
  });

  it("shows defaults in the units people write them in", () => {
    const doc = renderConfigDoc();
    assert.match(doc, /\| `MODELS_CACHE_TTL` \| duration[^|]*\| `10m` \|/);
    assert.match(doc, /\| `MAX_REQUEST_BODY` \| size[^|]*\| `20MiB` \|/);
    assert.match(doc, /\| `PORT` \| integer 0–65535 \| `8080` \|/);
  });
});
