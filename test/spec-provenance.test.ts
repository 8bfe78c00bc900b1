// The vendored specs in spec/ are byte-for-byte copies of public files (spec/SOURCES.md): their
// sha256 must still be the one recorded there, so nobody edits a source of truth by accident.
import assert from "node:assert/strict";
import { createHash } from "node:crypto";
import { readdirSync, readFileSync } from "node:fs";
import { describe, it } from "node:test";

const DIR = new URL("../spec/", import.meta.url);

describe("vendored specs", () => {
  it("match the sha256 recorded in spec/SOURCES.md", () => {
    const sources = readFileSync(new URL("SOURCES.md", DIR), "utf8");
    const files = readdirSync(DIR).filter((f) => f !== "SOURCES.md");
    assert.ok(files.length >= 4);
    for (const file of files) {
      const row = sources.split("\n").find((l) => l.startsWith(`| \`${file}\``));
      assert.ok(row, `${file} is listed in SOURCES.md`);
      const sha = createHash("sha256")
        .update(readFileSync(new URL(file, DIR)))
        .digest("hex");
      assert.ok(row.includes(sha), `${file}: sha256 ${sha} differs from SOURCES.md`);
    }
  });
});
