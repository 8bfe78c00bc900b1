// Codex itself (@openai/codex, installed on first use by scripts/e2e-tools.ts) on a GPT-5.x model
// that Bedrock serves only through its OpenAI-compatible Mantle endpoint: `codex exec` with
// wire_api = "responses" pointing at the gateway, which relays the Responses stream from the
// double's Mantle. The first turn asks for an exec_command call, the second answers: Codex must
// run the command and send its output back.
import assert from "node:assert/strict";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, describe, it } from "node:test";
import { ensureE2eTool } from "../scripts/e2e-tools.ts";
import { runCodex, writeCodexConfig } from "./helpers/codex.ts";
import { startGateway, TEST_API_KEY } from "./helpers/gateway.ts";
import type { TestGateway } from "./helpers/gateway.ts";

const MODEL = "openai.gpt-5.5";
let codexBin = "";

describe("Codex CLI on a native-only GPT-5.x model", () => {
  let gw: TestGateway;
  let home: string;
  let work: string;
  // Installed on first use (minutes on a cold npm cache, seconds after): not a project dependency.
  before(
    async () => {
      codexBin = await ensureE2eTool("codex");
    },
    { timeout: 15 * 60_000 },
  );
  before(async () => {
    gw = await startGateway();
    home = mkdtempSync(join(tmpdir(), "codex-home-"));
    work = mkdtempSync(join(tmpdir(), "codex-work-"));
    // Offline: no update check, no analytics or feedback upload, no retries hiding a failure.
    writeCodexConfig(home, MODEL, gw.baseURL);
  });
  after(async () => {
    await gw.close();
    rmSync(home, { recursive: true, force: true });
    rmSync(work, { recursive: true, force: true });
  });

  it("runs a tool-using turn through the gateway and Mantle's Responses API", { timeout: 120_000 }, async () => {
    gw.fake.native.enqueue(
      {
        reasoning: "I will write the marker file with a shell command.",
        toolCalls: [{ name: "exec_command", arguments: JSON.stringify({ cmd: "echo codex-on-gpt5 > marker.txt" }) }],
        usage: { input: 900, output: 40 },
      },
      { text: "Done: I wrote marker.txt.", usage: { input: 1000, output: 12 } },
    );
    const { code, stdout, stderr } = await runCodex(
      codexBin,
      ["exec", "--skip-git-repo-check", "-C", work, "Create marker.txt"],
      { CODEX_HOME: home, BEDROCK_GATEWAY_API_KEY: TEST_API_KEY, RUST_LOG: "error" },
      90_000,
    );
    assert.equal(code, 0, `codex failed:\n${stdout}\n${stderr.slice(-3000)}`);
    assert.match(stdout, /Done: I wrote marker\.txt\./);
    assert.equal(readFileSync(join(work, "marker.txt"), "utf8").trim(), "codex-on-gpt5");

    const calls = gw.fake.native.calls("NativeResponses");
    assert.equal(calls.length, 2, "one upstream Responses call per turn");
    assert.ok(calls.every((c) => c.path === "/openai/v1/responses" && c.body.stream === true && c.body.store === false));
    assert.equal(gw.fake.calls("ConverseStream").length, 0);
    const output = (calls[1]!.body.input as { type?: string; call_id?: string; output?: unknown }[]).find(
      (i) => i.type === "function_call_output",
    );
    assert.ok(output, "the command's output went back to the model");
    const logs = gw.logs.filter((l) => l.path === "/v1/responses");
    assert.equal(logs.length, 2);
    assert.deepEqual(
      logs.map((l) => [l.model, l.inputTokens, l.upstream]),
      [
        [MODEL, 900, "bedrock-mantle"],
        [MODEL, 1000, "bedrock-mantle"],
      ],
    );
  });
});
