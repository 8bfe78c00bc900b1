// `npm run demo`: the gateway plus the Bedrock test double on loopback, so a newcomer can try
// every endpoint with curl or the OpenAI SDK without an AWS account. This is the only mode that
// talks to the double; `npm start` always means real Bedrock.
import { serve } from "@hono/node-server";
import { createApp } from "../src/app.ts";
import { loadConfig } from "../src/config/config.ts";
import { createRuntime } from "../src/dependencies.ts";
import { createLogger } from "../src/logging/logger.ts";
import { HTTP_SERVER_OPTIONS } from "../src/server/http-server-options.ts";
import { startFakeBedrock, TEST_CREDENTIALS } from "../test/fake-bedrock/fake-bedrock.ts";
import type { ReplyPlan } from "../test/fake-bedrock/fake-bedrock.ts";

const DEMO_KEY = "demo-key";
const port = Number(process.env.PORT ?? 8080);

const fake = await startFakeBedrock();
fake.setDefault((req): ReplyPlan => {
  const messages = (req.body?.messages ?? []) as { role: string; content: { text?: string }[] }[];
  const last = [...messages].reverse().find((m) => m.role === "user");
  const said = last?.content.map((c) => c.text ?? "").join(" ").trim() ?? "";
  return { content: [{ text: `(demo) You said: ${said || "nothing"}. This answer comes from the local Bedrock test double.` }], stream: { delayMs: 20 } };
});

// The SDK's credential chain reads these; they only work against the double.
process.env.AWS_ACCESS_KEY_ID = TEST_CREDENTIALS.accessKeyId;
process.env.AWS_SECRET_ACCESS_KEY = TEST_CREDENTIALS.secretAccessKey;
const config = loadConfig({
  ...process.env,
  API_KEY: DEMO_KEY,
  API_KEY_SECRET_ARN: undefined,
  API_KEY_PARAM_NAME: undefined,
  HOST: "127.0.0.1",
  PORT: String(port),
  AWS_REGION: fake.region,
  AWS_ENDPOINT_URL_BEDROCK_RUNTIME: fake.url,
  AWS_ENDPOINT_URL_BEDROCK_MANTLE: fake.mantleUrl,
  AWS_ENDPOINT_URL_BEDROCK: fake.url,
});
const logger = createLogger(config.log.level);
const runtime = await createRuntime(config, logger);
await runtime.start();
serve({ fetch: createApp(runtime.deps).fetch, port, hostname: "127.0.0.1", serverOptions: HTTP_SERVER_OPTIONS }, (info) => {
  const base = `http://127.0.0.1:${info.port}/v1`;
  process.stdout.write(
    [
      "",
      "bedrock-gateway demo (Bedrock test double, no AWS account needed)",
      `  export OPENAI_BASE_URL=${base}`,
      `  export OPENAI_API_KEY=${DEMO_KEY}`,
      "  curl $OPENAI_BASE_URL/models -H \"Authorization: Bearer $OPENAI_API_KEY\"",
      "",
    ].join("\n") + "\n",
  );
});
