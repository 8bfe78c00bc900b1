// Node entry. Turns on Node's on-disk compile cache before anything else loads (it roughly halves
// later start-ups; NODE_DISABLE_COMPILE_CACHE=1 turns it off), then starts the server.
import { enableCompileCache } from "node:module";

enableCompileCache?.();
await import("./server.ts");
