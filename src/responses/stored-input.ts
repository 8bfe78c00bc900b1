// Pure: this request's input items as they are stored and listed (GET …/input_items): every item
// gets an id, and messages take the resource shapes of the API (content as a list of parts;
// assistant messages as output messages).
import type { IdPrefix } from "./item-ids.ts";
import type { PlacedItem } from "./responses-input.ts";
import type { StoredItem } from "../store/response-store.ts";

const PREFIX: Record<string, IdPrefix> = { message: "msg", function_call: "fc", function_call_output: "fco", reasoning: "rs" };

export function storedInputItems(input: PlacedItem[], newId: (prefix: IdPrefix) => string): StoredItem[] {
  return input.map(({ item }) => {
    const i = structuredClone(item) as Record<string, unknown> & { type: string };
    const id = typeof i.id === "string" && i.id !== "" ? i.id : newId(PREFIX[i.type] ?? "item");
    if (i.type === "message") {
      const parts =
        typeof i.content === "string"
          ? [{ type: i.role === "assistant" ? "output_text" : "input_text", text: i.content }]
          : (i.content as Record<string, unknown>[]);
      const content = i.role === "assistant" ? parts.map((p) => ({ annotations: [], logprobs: [], ...p })) : parts;
      return { ...i, id, type: "message", status: "completed", content };
    }
    if (i.type === "function_call" || i.type === "function_call_output") return { status: "completed", ...i, id };
    return { ...i, id };
  });
}
