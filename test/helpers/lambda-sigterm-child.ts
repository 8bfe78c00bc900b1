// A Lambda sandbox for test/lambda-shutdown.test.ts: loads the bundled handler with the runtime's
// `awslambda` global stubbed, answers one request, then holds one stream open and tells the parent
// (IPC "streaming") once its first delta reached the response stream. The parent sends SIGTERM, as
// Lambda does before it shuts a sandbox down when an extension is registered. When the process
// exits, the stream's body as the client would have received it is written to the output file.
//
//   node test/helpers/lambda-sigterm-child.ts <bundle entry> <chat|messages|responses> <request id> <output file>
import { writeFileSync } from "node:fs";
import { pathToFileURL } from "node:url";
import { FakeResponseStream, functionUrlEvent, installFakeAwsLambda, invoke } from "./lambda-runtime.ts";

const [entry, kind, id, outFile] = process.argv.slice(2) as [string, "chat" | "messages" | "responses", string, string];
const key = process.env.API_KEY!;

function event(stream: boolean, requestId: string) {
  const headers = { "content-type": "application/json", "x-request-id": requestId };
  if (kind === "messages")
    return functionUrlEvent("POST", "/v1/messages", {
      headers: { ...headers, "x-api-key": key, "anthropic-version": "2023-06-01" },
      body: JSON.stringify({
        model: "us.anthropic.claude-sonnet-4-5-20250929-v1:0",
        max_tokens: 1000,
        stream,
        messages: [{ role: "user", content: "long" }],
      }),
    });
  const auth = { ...headers, authorization: `Bearer ${key}` };
  if (kind === "responses")
    return functionUrlEvent("POST", "/v1/responses", {
      headers: auth,
      body: JSON.stringify({ model: "us.amazon.nova-lite-v1:0", input: "long", stream }),
    });
  return functionUrlEvent("POST", "/v1/chat/completions", {
    headers: auth,
    body: JSON.stringify({ model: "us.amazon.nova-lite-v1:0", stream, messages: [{ role: "user", content: "long" }] }),
  });
}

installFakeAwsLambda();
const { handler } = (await import(pathToFileURL(entry).href)) as { handler: unknown };

// One finished invocation first: its record is written before the invocation returns.
await invoke(handler, event(false, `${id}-done`)).done;

// Then the stream that the shutdown notice interrupts.
const stream = new FakeResponseStream();
process.on("exit", () => {
  let body = "";
  try {
    body = stream.parse().body;
  } catch (err) {
    body = `unparsable: ${(err as Error).message}`;
  }
  writeFileSync(outFile, body);
});
void invoke(handler, event(true, id), stream).done;
const delta = kind === "chat" ? '"content":"y' : kind === "messages" ? "content_block_delta" : "response.output_text.delta";
const poll = setInterval(() => {
  if (stream.writes.some((w) => w.bytes.includes(delta))) {
    clearInterval(poll);
    process.send!("streaming");
  }
}, 10);
