// The gateway's version (package.json), for the start-up line, /health and service.version.
// A JSON import, so bundles carry the value and nothing reads the file at run time.
import pkg from "../package.json" with { type: "json" };

export const VERSION: string = pkg.version;
