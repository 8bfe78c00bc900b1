// The soak's upstream: the Bedrock test double (test/fake-bedrock: real event-stream frames,
// restJson1 errors, SigV4 checks) in a process of its own, so the soak can kill and restart it and
// its CPU is not the gateway's. Loopback only, on the port it is given (the same one after a
// restart). The parent steers it over IPC: { throttle, midStreamErrors } fractions of calls.
//
// Every answer is deterministic from the request, so the load side can check it: the last user
// message is "soak <id> <chars> <delayMs>", and the reply text is expectedText(id, chars) streamed
// in 8-character deltas, one every delayMs.
import { startFakeBedrock, text } from "../../test/fake-bedrock/fake-bedrock.ts";
import type { RecordedRequest, ReplyPlan } from "../../test/fake-bedrock/fake-bedrock.ts";
import { expectedText } from "./soak-text.ts";

interface Mode {
  throttle: number;
  midStreamErrors: number;
}
const mode: Mode = { throttle: 0, midStreamErrors: 0 };
const port = Number(process.env.SOAK_UPSTREAM_PORT);
// Deterministic "randomness" per request id keeps runs comparable.
const roll = (id: string, salt: number) => {
  let h = 2166136261 ^ salt;
  for (let i = 0; i < id.length; i++) h = Math.imul(h ^ id.charCodeAt(i), 16777619);
  return ((h >>> 0) % 10_000) / 10_000;
};

function lastUserText(req: RecordedRequest): string {
  const messages = (req.body as { messages?: { role: string; content: { text?: string }[] }[] } | undefined)?.messages ?? [];
  for (let i = messages.length - 1; i >= 0; i--) {
    const m = messages[i]!;
    if (m.role === "user") return m.content.map((c) => c.text ?? "").join("");
  }
  return "";
}

function plan(req: RecordedRequest): ReplyPlan {
  const m = /soak (\S+) (\d+) (\d+)/.exec(lastUserText(req));
  const id = m?.[1] ?? "x";
  const chars = Number(m?.[2] ?? 16);
  const delayMs = Number(m?.[3] ?? 0);
  if (mode.throttle > 0 && roll(id, 1) < mode.throttle)
    return { error: { exception: "ThrottlingException", message: "Too many requests, please wait before trying again." } };
  const stream: ReplyPlan["stream"] = { textChunk: 8, delayMs };
  if (mode.midStreamErrors > 0 && roll(id, 2) < mode.midStreamErrors) {
    stream.failAfter = { events: 4, exception: "ModelStreamErrorException", message: "The model stopped unexpectedly (soak)." };
  }
  return { content: [text(expectedText(id, chars))], stream };
}

const fake = await startFakeBedrock({ port, validateResponses: false });
fake.setDefault(plan);
// The double records every request for tests; a soak would grow that list without end.
setInterval(() => (fake.requests.length = 0), 1_000).unref();
process.on("message", (msg: Partial<Mode>) => Object.assign(mode, msg));
process.on("disconnect", () => void fake.close().then(() => process.exit(0)));
process.send?.({ ready: fake.url });
