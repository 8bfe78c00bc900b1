// End to end with Codex itself (@openai/codex, pinned in scripts/e2e-tools.ts and installed on first use): `codex exec` with a
// model provider using wire_api = "responses" that points at the gateway, in a temporary
// CODEX_HOME, against the Bedrock test double. The double answers the first turn with thinking and
// an exec_command tool call, and the second with a final message: Codex must run the command,
// send its output back, and replay the signed thinking it was given in encrypted_content
// (store: false) — the double rejects the turn otherwise, as Bedrock does.
import assert from "node:assert/strict";
import { existsSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, describe, it } from "node:test";
import { ensureE2eTool } from "../scripts/e2e-tools.ts";
import { text, thinking, toolUse } from "./fake-bedrock/fake-bedrock.ts";
import { runCodex, writeCodexConfig } from "./helpers/codex.ts";
import { startGateway, TEST_API_KEY } from "./helpers/gateway.ts";
import type { TestGateway } from "./helpers/gateway.ts";

const MODEL = "anthropic.claude-sonnet-4-5-20250929-v1:0";
let codexBin = "";

describe("Codex CLI end to end", () => {
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
    // No server-side thinking store: the signed thinking can only come back in encrypted_content.
    gw = await startGateway({ env: { THINKING_STORE_MAX_ENTRIES: "0" } });
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

  it(
    "runs a tool-using turn through the gateway: exec_command, its output back, signed thinking replayed",
    { timeout: 120_000 },
    async () => {
      gw.fake.enqueue(
        {
          content: [
            thinking("I will write the marker file with a shell command."),
            toolUse("exec_command", { cmd: "echo codex-was-here > marker.txt" }),
          ],
        },
        { content: [text("Done: I wrote marker.txt.")] },
      );
      const { code, stdout, stderr } = await runCodex(
        codexBin,
        ["exec", "--skip-git-repo-check", "-C", work, "Create marker.txt"],
        { CODEX_HOME: home, BEDROCK_GATEWAY_API_KEY: TEST_API_KEY, RUST_LOG: "error" },
        90_000,
      );
      assert.equal(code, 0, `codex failed:\n${stdout}\n${stderr.slice(-3000)}`);
      assert.match(stdout, /Done: I wrote marker\.txt\./);
      assert.ok(existsSync(join(work, "marker.txt")), "Codex ran the command the model asked for");
      assert.equal(readFileSync(join(work, "marker.txt"), "utf8").trim(), "codex-was-here");

      const calls = gw.fake.calls("ConverseStream");
      assert.equal(calls.length, 2, "one streamed Bedrock call per turn");
      const first = calls[0]!.body;
      assert.ok(first.additionalModelRequestFields.thinking, "reasoning effort → Claude thinking");
      assert.ok(
        first.inferenceConfig.maxTokens > first.additionalModelRequestFields.thinking.budget_tokens,
        "maxTokens above the budget without max_output_tokens",
      );
      assert.ok(first.toolConfig.tools.some((t: any) => t.toolSpec?.name === "exec_command"));
      assert.ok(!first.toolConfig.tools.some((t: any) => t.toolSpec?.name === "web_search"), "built-in web_search dropped");
      const second = calls[1]!.body;
      const turn = second.messages.find((m: any) => m.role === "assistant" && m.content.some((b: any) => b.toolUse));
      assert.equal(
        turn.content[0].reasoningContent.reasoningText.text,
        "I will write the marker file with a shell command.",
        "Codex replayed the sealed thinking",
      );
      const result = second.messages.at(-1).content.find((b: any) => b.toolResult);
      assert.ok(result, "the command's output went back as a tool result");

      const logs = gw.logs.filter((l) => l.path === "/v1/responses");
      assert.equal(logs.length, 2);
      for (const l of logs) assert.equal(l.stream, true, "Codex always streams");
    },
  );
});
