import v8 from "node:v8";

/**
 * V8 flags the process sets on itself, first thing in `runServer`, so they hold however it is
 * started (`npm start`, the archive's `node server.js`, the service unit, tsx in tests and the
 * bench) and on every supported Node.js line (both flags exist on Node 20 and 24):
 *
 * - `--liftoff-only`: WebAssembly runs as compiled by Liftoff, V8's baseline compiler, and is never
 *   recompiled by TurboFan. Prisma's query compiler is 4.5 MB of WebAssembly; TurboFan's compile of
 *   it cost about 65 MB resident for good. It must be set before that module is compiled, which
 *   happens when the first Prisma client connects (after this runs).
 * - `--semi-space-growth-factor=1`: the young generation stays at its initial size instead of
 *   growing to 2 × 16 MB, which would then stay resident. Set at run time, a smaller
 *   `--max-semi-space-size` has no effect; a growth factor does.
 *
 * Measured before and after with `npm run bench` (docs/performance.md): the idle process and the
 * appliance path.
 */
const V8_FLAGS = ["--liftoff-only", "--semi-space-growth-factor=1"] as const;

export function setV8Flags(): void {
  for (const flag of V8_FLAGS) v8.setFlagsFromString(flag);
}
