// Child process of bench/lambda-init.ts: stubs the `awslambda` global the way the Lambda runtime
// provides it, then times loading the bundled handler (module evaluation + handler creation).
const t0 = performance.now();
(globalThis as any).awslambda = {
  streamifyResponse: (h: unknown) => h,
  HttpResponseStream: { from: (s: unknown) => s },
};
const mod = await import(process.argv[2]!);
const t1 = performance.now();
if (typeof mod.handler !== "function") throw new Error("no handler export");
process.stdout.write(JSON.stringify({ initMs: t1 - t0, sinceProcessStartMs: t1 }) + "\n");
