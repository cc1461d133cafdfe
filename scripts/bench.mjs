#!/usr/bin/env node
// `npm run bench`: prepares the workspace the way `npm start` does, generates the Prisma clients,
// then runs bench/src/main.ts (see the README's "npm run bench"). Imports only node: modules and
// scripts/lib, since it may run before anything is installed.
import { spawnSync } from "node:child_process";
import { existsSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { exitCodeOfSignal, forwardSignalsToSteps, interruption, run } from "./lib/processes.mjs";
import { banner, say } from "./lib/report.mjs";

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");
process.chdir(ROOT);
process.env.TURBO_TELEMETRY_DISABLED ??= "1";

/**
 * pnpm and the dependencies, exactly as `npm start` gets them: scripts/lib/bootstrap.mjs once
 * scripts/sls.mjs shares its bootstrap there. Until then a workspace that is not installed yet
 * is told how to install it.
 */
async function prepare() {
  const shared = await import("./lib/bootstrap.mjs").catch(() => null);
  if (shared?.bootstrap) return shared.bootstrap();
  const pnpm = spawnSync("pnpm", ["--version"], { encoding: "utf8" });
  if (pnpm.status === 0 && existsSync(path.join(ROOT, "node_modules", ".pnpm"))) return true;
  say("the workspace is not installed yet: run `npm start` (or `npm test`) once, then `npm run bench`");
  return false;
}

forwardSignalsToSteps();
const steps = [
  ["prepare", prepare],
  ["Prisma clients", async () => (await run("pnpm", ["turbo", "run", "generate", "--filter=@sls/bench..."])) === 0],
  ["benchmark", async () => (await run("pnpm", ["--filter", "@sls/bench", "bench"])) === 0],
];
for (const [name, step] of steps) {
  banner(`bench: ${name}`);
  if (interruption() || !(await step())) {
    say(`bench stopped at "${name}"`);
    process.exit(interruption() ? exitCodeOfSignal(interruption()) : 1);
  }
}
