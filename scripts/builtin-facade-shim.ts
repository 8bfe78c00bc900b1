// An esbuild plugin for the server bundle's start-up. An ESM `import … from "node:http"` makes Node
// build the module's ESM facade, and building it reads every export — including the lazy getters
// (WebSocket, CloseEvent, MessageEvent) that load Node's internal copy of undici, a module the
// gateway never uses from there: ~6% of the bundle's start-up in a CPU profile. The bundle's ESM
// imports of node:http (Hono's Node adapter, the AWS SDK's metadata client) are served instead by
// a small module that takes node:http through `require` (no facade) and re-exports its plain
// values. `require("node:http")` in bundled CommonJS code is left as it is: it never built a facade.
import type { Plugin } from "esbuild";
import { createRequire } from "node:module";

const require = createRequire(import.meta.url);
const SHIMMED = new Set(["http", "node:http"]);
const NAMESPACE = "builtin-facade-shim";

/** The module's plain (non-getter) exports, as the Node that builds the bundle has them. */
function plainExports(name: string): string[] {
  const descriptors = Object.getOwnPropertyDescriptors(require(name) as object);
  return Object.entries(descriptors)
    .filter(([key, d]) => "value" in d && /^[A-Za-z_$][\w$]*$/.test(key) && key !== "default")
    .map(([key]) => key);
}

export const builtinFacadeShim: Plugin = {
  name: "builtin-facade-shim",
  setup(build) {
    build.onResolve({ filter: /^(node:)?http$/ }, (args) => {
      if (!SHIMMED.has(args.path) || (args.kind !== "import-statement" && args.kind !== "dynamic-import")) return undefined;
      return { path: "node:http", namespace: NAMESPACE };
    });
    build.onLoad({ filter: /.*/, namespace: NAMESPACE }, (args) => {
      const names = plainExports(args.path);
      const contents = [
        'import { createRequire } from "node:module";',
        `const m = createRequire(import.meta.url)(${JSON.stringify(args.path)});`,
        "export default m;",
        `export const ${names.map((n) => `${n} = m.${n}`).join(", ")};`,
      ].join("\n");
      return { contents, loader: "js", resolveDir: process.cwd() };
    });
  },
};
