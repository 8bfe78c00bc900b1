// application/vnd.amazon.eventstream frames exactly as Bedrock sends them: string headers
// :event-type / :content-type / :message-type, a JSON payload with the random padding field "p",
// and both CRC32s (computed by the SDK's own codec).
import { EventStreamCodec } from "@smithy/core/event-streams";
import { fromUtf8, toUtf8 } from "@smithy/core/serde";

const codec = new EventStreamCodec(toUtf8, fromUtf8);
const PAD = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789";

function padding(): string {
  return PAD.slice(0, 1 + Math.floor(Math.random() * PAD.length));
}

const str = (value: string) => ({ type: "string" as const, value });

export function eventFrame(eventType: string, payload: object, pad = true): Uint8Array {
  const body = pad ? { ...payload, p: padding() } : payload;
  return codec.encode({
    headers: { ":event-type": str(eventType), ":content-type": str("application/json"), ":message-type": str("event") },
    body: fromUtf8(JSON.stringify(body)),
  });
}

/** An exception inside the stream, e.g. throttlingException, modelStreamErrorException. */
export function exceptionFrame(exceptionType: string, message: string, extra: object = {}): Uint8Array {
  const lower = exceptionType.charAt(0).toLowerCase() + exceptionType.slice(1);
  return codec.encode({
    headers: { ":exception-type": str(lower), ":content-type": str("application/json"), ":message-type": str("exception") },
    body: fromUtf8(JSON.stringify({ message, ...extra })),
  });
}

export function decodeFrame(bytes: Uint8Array) {
  return codec.decode(bytes);
}
