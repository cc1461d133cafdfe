#!/usr/bin/env node
// `npm run bench`: prepares the workspace the way `npm start` does, generates the Prisma clients,
// then runs bench/src/main.ts (see docs/performance.md, "npm run bench"). Imports only node: modules and
// scripts/lib, since it may run before anything is installed; on an older Node.js it runs itself
// again on the supported one (scripts/lib/node.mjs).
import path from "node:path";
import { fileURLToPath } from "node:url";
import { bootstrap } from "./lib/bootstrap.mjs";
import { ensureSupportedNode } from "./lib/node.mjs";
import { exitCodeOfSignal, forwardSignalsToSteps, interruption, run } from "./lib/processes.mjs";
import { banner, say } from "./lib/report.mjs";

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");
process.chdir(ROOT);
process.env.TURBO_TELEMETRY_DISABLED ??= "1";
await ensureSupportedNode();

if (process.argv.includes("--help")) {
  say("usage: npm run bench   (about 20 minutes; docs/performance.md lists the BENCH_* knobs)");
  say("  prepares pnpm and the dependencies, generates the Prisma clients, runs bench/src/main.ts");
  process.exit(0);
}

forwardSignalsToSteps();
// The start-up part measures the built server (apps/web/dist/server.js); turbo's cache makes the
// build a no-op when nothing changed.
const parts = (process.env.BENCH_PARTS || "startup").split(",").map((part) => part.trim());
const steps = [
  ["prepare", bootstrap],
  ["Prisma clients", async () => (await run("pnpm", ["turbo", "run", "generate", "--filter=@sls/bench..."])) === 0],
  ...(parts.includes("startup")
    ? [["build", async () => (await run("pnpm", ["turbo", "run", "build", "--filter=@sls/web..."])) === 0]]
    : []),
  ["benchmark", async () => (await run("pnpm", ["--filter", "@sls/bench", "bench"])) === 0],
];
for (const [name, step] of steps) {
  banner(`bench: ${name}`);
  if (interruption() || !(await step())) {
    say(`bench stopped at "${name}"`);
    process.exit(interruption() ? exitCodeOfSignal(interruption()) : 1);
  }
}
