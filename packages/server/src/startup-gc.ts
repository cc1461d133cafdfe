import v8 from "node:v8";
import vm from "node:vm";

type Gc = (options: { type: "major"; execution: "sync"; flavor: "last-resort" }) => void;

/**
 * One memory-reducing full garbage collection, once the start's work is done and before the
 * process says it is ready. Starting (module loading, Prisma's query compiler, the leases,
 * Next.js's prepare) grows the young generation to 16 MB and fills V8's pool of free pages; an
 * idle process kept them resident (V8's own memory reducer shrinks the young generation later but
 * keeps the pages). The "last-resort" flavour is the collection V8 runs under memory pressure: it
 * compacts, shrinks the young generation and gives the pooled pages back, about 20 MB of an idle
 * process (docs/performance.md). It costs one pause of 0.1–0.4 s, counted in the start-up time.
 *
 * `gc` exists only with --expose-gc: the flag is set just long enough for a new context to carry
 * the function, then cleared, so no other context gets a global `gc`.
 */
export function collectStartupGarbage(): void {
  v8.setFlagsFromString("--expose-gc");
  let gc: Gc;
  try {
    gc = vm.runInNewContext("gc") as Gc;
  } finally {
    v8.setFlagsFromString("--no-expose-gc");
  }
  gc({ type: "major", execution: "sync", flavor: "last-resort" });
}
