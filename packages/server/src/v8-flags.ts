import v8 from "node:v8";

/**
 * V8 flags the process sets on itself while it starts, so they hold however it is started
 * (`npm start`, the archive's `node server.js`, the service unit, tsx in tests and the bench) and
 * on every supported Node.js line (the flag and its default are the same on Node 20 and 24).
 *
 * `--semi-space-growth-factor=1`: the young generation stays at its initial size during the start
 * instead of growing to 2 × 16 MB (module loading, the leases) and staying resident in an idle
 * process. A smaller `--max-semi-space-size` has no effect once the heap exists; a growth factor
 * does. V8's default comes back once the process is ready (`setServingV8Flags`), so the young
 * generation grows under load as before: kept at 1 MB it promoted the objects of calls in flight.
 * On Node.js 24 it no longer holds the young generation (a plain `node` with it still grows it to
 * 2 × 32 MB); the memory-reducing collection before ready (`startup-gc.ts`) gives it back instead.
 *
 * Not set: `--liftoff-only` (WebAssembly never tiered up to TurboFan), which saved another 65 MB
 * or so of an idle process (Prisma's query compiler is 4.5 MB of WebAssembly) but slowed the grant
 * path, even when set only while starting; the figures are in docs/performance.md.
 */
const STARTING = ["--semi-space-growth-factor=1"];
/** V8's own default (Node 20 and 24). */
const SERVING = ["--semi-space-growth-factor=2"];

export function setStartingV8Flags(): void {
  for (const flag of STARTING) v8.setFlagsFromString(flag);
}

export function setServingV8Flags(): void {
  for (const flag of SERVING) v8.setFlagsFromString(flag);
}
