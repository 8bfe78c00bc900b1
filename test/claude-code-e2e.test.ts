// End to end: Claude Code itself (`claude -p`, non-interactive) against the gateway and the
// Bedrock test double, through a tool-using turn: the model asks to Read a file, Claude Code runs
// the tool, sends the result back (replaying the signed thinking), and prints the final answer.
import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, describe, it } from "node:test";
import { ensureE2eTool } from "../scripts/e2e-tools.ts";
import { text, thinking, toolUse } from "./fake-bedrock/fake-bedrock.ts";
import type { RecordedRequest } from "./fake-bedrock/fake-bedrock.ts";
import { startGateway, TEST_API_KEY } from "./helpers/gateway.ts";
import type { TestGateway } from "./helpers/gateway.ts";

function run(
  cmd: string,
  args: string[],
  env: NodeJS.ProcessEnv,
  cwd: string,
  timeoutMs: number,
): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    const child = spawn(cmd, args, { env, cwd, stdio: ["ignore", "pipe", "pipe"] });
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (d: Buffer) => (stdout += d.toString()));
    child.stderr.on("data", (d: Buffer) => (stderr += d.toString()));
    const timer = setTimeout(() => child.kill("SIGKILL"), timeoutMs);
    child.on("close", (code) => {
      clearTimeout(timer);
      resolve({ code, stdout, stderr });
    });
  });
}

const lastUserHasToolResult = (req: RecordedRequest) => {
  const msgs = req.body?.messages ?? [];
  const last = msgs[msgs.length - 1];
  return last?.role === "user" && last.content.some((b: any) => b.toolResult);
};

describe("Claude Code end to end", () => {
  let gw: TestGateway;
  let dir: string;
  let claudeBin: string;
  // Claude Code is not a dependency (~400 MB): installed on first use into .cache/e2e-tools.
  // Installed on first use (minutes on a cold npm cache, seconds after): not a project dependency.
  before(
    async () => {
      claudeBin = await ensureE2eTool("claude-code");
    },
    { timeout: 15 * 60_000 },
  );
  before(async () => {
    gw = await startGateway();
    dir = mkdtempSync(join(tmpdir(), "claude-code-e2e-"));
  });
  after(async () => {
    await gw.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it("completes a tool-using turn through the gateway", { timeout: 120_000 }, async () => {
    const file = join(dir, "notes.txt");
    writeFileSync(file, "The secret word is pineapple.\n");
    gw.fake.setDefault((req) =>
      lastUserHasToolResult(req)
        ? { content: [text("The file says the secret word is pineapple.")] }
        : { content: [thinking("I should read the file to answer."), toolUse("Read", { file_path: file })] },
    );
    const env = {
      PATH: process.env.PATH,
      HOME: dir,
      ANTHROPIC_BASE_URL: gw.url,
      ANTHROPIC_API_KEY: TEST_API_KEY,
      CLAUDE_CODE_DISABLE_NONESSENTIAL_TRAFFIC: "1",
      DISABLE_AUTOUPDATER: "1",
      DISABLE_TELEMETRY: "1",
      CI: "1",
    };
    const out = await run(
      claudeBin,
      [
        "-p",
        "What is the secret word in notes.txt?",
        "--output-format",
        "json",
        "--model",
        "anthropic.claude-sonnet-4-5-20250929-v1:0",
        "--allowedTools",
        "Read",
      ],
      env,
      dir,
      100_000,
    );
    assert.equal(out.code, 0, `claude exited ${out.code}\n${out.stderr}\n${out.stdout}`);
    const result = JSON.parse(out.stdout.trim().split("\n").pop()!);
    assert.equal(result.is_error, false, out.stdout);
    assert.match(result.result, /pineapple/);

    const calls = gw.fake.requests.filter((r) => r.operation === "ConverseStream" || r.operation === "Converse");
    assert.ok(calls.length >= 2, `expected a tool turn, saw ${calls.length} model calls`);
    const final = calls.find(lastUserHasToolResult)!;
    const msgs = final.body.messages;
    const toolResult = msgs.at(-1).content.find((b: any) => b.toolResult).toolResult;
    assert.match(JSON.stringify(toolResult.content), /pineapple/, "Claude Code really ran the Read tool");
    assert.ok(msgs.at(-2).content[0].reasoningContent, "the signed thinking was replayed before the tool use");
    assert.ok(gw.logs.some((l) => l.path === "/v1/messages" && l.status === 200));
    if (process.env.E2E_DEBUG)
      console.log(
        out.stdout,
        JSON.stringify(
          calls.map((c) => [c.operation, c.body.inferenceConfig, c.body.additionalModelRequestFields, c.body.messages.length]),
        ),
      );
  });
});
