#!/usr/bin/env node
// `node scripts/with-tools.mjs <command> [args…]`: runs a command with the pinned pnpm (from PATH,
// or the one `npm start` / `npm test` installed into .tools/) and the workspace's binaries on the
// PATH. The root `npm run` scripts go through it, so that on a fresh clone, where pnpm lives only
// in .tools/, they find pnpm, turbo (which looks pnpm up itself), biome and knip. Before the
// dependencies are installed it installs them first, as `npm start` does. Like sls.mjs it imports
// nothing but node: modules and scripts/lib, and on an older Node.js it first runs itself again on
// the supported one, whose bin folder then comes first on the command's PATH.
//
// With SLS_DRY_RUN=1 it prints the command and where its binary was found, and exits without
// running it (0 when found, 127 when not): how a test checks a command whose real run is long
// and that has no dry-run flag of its own.
import { accessSync, constants } from "node:fs";
import path from "node:path";
import { addWorkspaceBinsToPath, bootstrap, dependenciesInstalled, ensurePnpm } from "./lib/bootstrap.mjs";
import { ensureSupportedNode } from "./lib/node.mjs";
import { execInGroup, forwardSignalsToSteps } from "./lib/processes.mjs";
import { say } from "./lib/report.mjs";

const [command, ...args] = process.argv.slice(2);
if (!command || command === "--help") {
  say("usage: node scripts/with-tools.mjs <command> [args…]   (SLS_DRY_RUN=1: only check that <command> resolves)");
  process.exit(command ? 0 : 2);
}
process.env.TURBO_TELEMETRY_DISABLED ??= "1";
process.env.NEXT_TELEMETRY_DISABLED ??= "1";

/** The file `name` resolves to on PATH, or null. */
function which(name) {
  if (name.includes("/")) return name;
  for (const dir of (process.env.PATH ?? "").split(path.delimiter)) {
    const candidate = path.join(dir || ".", name);
    try {
      accessSync(candidate, constants.X_OK);
      return candidate;
    } catch {
      // not here
    }
  }
  return null;
}

// ensureSupportedNode and ensurePnpm say in a line or two which Node.js and pnpm they use; a first
// run installs the dependencies, as `npm start` does. All of that goes to stderr: stdout belongs to
// the command (`--json` output).
const log = console.log;
console.log = console.error;
await ensureSupportedNode();
let ready;
if (dependenciesInstalled()) ready = await ensurePnpm();
else {
  forwardSignalsToSteps(); // Ctrl-C during the install stops the install's process group
  ready = await bootstrap();
}
console.log = log;
if (!ready) {
  say("could not prepare pnpm and the dependencies (see above)");
  process.exit(1);
}
addWorkspaceBinsToPath();

if (process.env.SLS_DRY_RUN === "1") {
  const found = which(command);
  say(`${found ? "would run" : "cannot find"}: ${[command, ...args].join(" ")}${found ? `   (${found})` : ""}`);
  process.exit(found ? 0 : 127);
}

// In the caller's folder and process group (execInGroup); this waits for the command.
await execInGroup(command, args);
