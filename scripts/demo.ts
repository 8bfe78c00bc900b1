// `npm run demo` / `bedrock-gateway demo`: the gateway plus a local stand-in for Bedrock (the test
// double answering as the demo model), so a newcomer can try every endpoint with curl or any SDK
// without an AWS account. This is the only mode that talks to the double; `npm start` always
// means real Bedrock.
import { startDemo } from "./demo-server.ts";
import type { Demo } from "./demo-server.ts";

// Signals are handled from the first moment: a supervisor may stop the demo while it starts.
const running: { demo?: Demo } = {};
for (const signal of ["SIGINT", "SIGTERM"] as const) {
  process.once(signal, () => void (running.demo?.close() ?? Promise.resolve()).then(() => process.exit(0)));
}
const demo = await startDemo({ port: Number(process.env.PORT ?? 8080) });
running.demo = demo;
process.stdout.write(demo.banner);
