// The heavy end-to-end programs (Claude Code, Codex, Portkey, old Node builds) are installed on
// demand into .cache/e2e-tools/ by the tests and the bench, never by `npm ci`: trying or running
// the gateway must not download them (issue 19). A merge once put Codex and Portkey back into
// devDependencies; this fails if any of them reappears in package.json or the lockfile.
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { describe, it } from "node:test";
import { E2E_TOOLS } from "../scripts/e2e-tools.ts";

const read = (file: string) => JSON.parse(readFileSync(new URL(`../${file}`, import.meta.url), "utf8")) as Record<string, unknown>;

describe("end-to-end tools stay out of the default install", () => {
  const heavy: string[] = [...new Set(Object.values(E2E_TOOLS).map((t) => t.pkg))];

  it("package.json names none of them in any dependency list", () => {
    const pkg = read("package.json");
    for (const list of ["dependencies", "devDependencies", "optionalDependencies", "peerDependencies"]) {
      const names = Object.keys((pkg[list] as Record<string, string> | undefined) ?? {});
      assert.deepEqual(
        names.filter((n) => heavy.includes(n)),
        [],
        `${list} of package.json`,
      );
    }
  });

  it("the lockfile installs none of them", () => {
    const packages = Object.keys((read("package-lock.json").packages as Record<string, unknown> | undefined) ?? {});
    assert.ok(packages.length > 50, `${packages.length} packages in the lockfile`);
    assert.deepEqual(
      packages.filter((p) => heavy.some((h) => p === `node_modules/${h}` || p.endsWith(`/node_modules/${h}`))),
      [],
    );
  });
});
