// Codex (@openai/codex, pinned in scripts/e2e-tools.ts and installed on first use) as the
// end-to-end tests run it: a CODEX_HOME with an offline config.toml whose model provider uses
// wire_api = "responses" and points at the gateway, and `codex exec` as a child process.
import { spawn } from "node:child_process";
import { writeFileSync } from "node:fs";
import { join } from "node:path";

/** Writes `home`/config.toml: `model` through the gateway at `baseURL`, no update check, analytics or retries. */
export function writeCodexConfig(home: string, model: string, baseURL: string): void {
  writeFileSync(
    join(home, "config.toml"),
    [
      `model = "${model}"`,
      `model_provider = "bedrock-gateway"`,
      `model_reasoning_effort = "low"`,
      `approval_policy = "never"`,
      `sandbox_mode = "danger-full-access"`,
      `check_for_update_on_startup = false`,
      ``,
      `[analytics]`,
      `enabled = false`,
      ``,
      `[feedback]`,
      `enabled = false`,
      ``,
      `[model_providers.bedrock-gateway]`,
      `name = "Bedrock gateway"`,
      `base_url = "${baseURL}"`,
      `env_key = "BEDROCK_GATEWAY_API_KEY"`,
      `wire_api = "responses"`,
      `request_max_retries = 0`,
      `stream_max_retries = 0`,
      ``,
    ].join("\n"),
  );
}

/** Runs Codex's entry (`codexBin`) with `args`; HOME is CODEX_HOME; killed after `timeoutMs`. */
export function runCodex(
  codexBin: string,
  args: string[],
  env: Record<string, string>,
  timeoutMs: number,
): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [codexBin, ...args], {
      env: { PATH: process.env.PATH ?? "", HOME: env.CODEX_HOME!, ...env },
      stdio: ["ignore", "pipe", "pipe"],
    });
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (d: Buffer) => (stdout += d.toString()));
    child.stderr.on("data", (d: Buffer) => (stderr += d.toString()));
    const timer = setTimeout(() => child.kill("SIGKILL"), timeoutMs);
    child.on("error", reject);
    child.on("exit", (code) => {
      clearTimeout(timer);
      resolve({ code, stdout, stderr });
    });
  });
}
