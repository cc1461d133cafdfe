#!/usr/bin/env node
// `npm run demo`: the real server (UI + API, through `npm start`'s own bootstrap) on a demo
// database, and a fleet of simulated appliances whose load rises and falls. Like sls.mjs it runs
// before anything is installed, so it imports nothing but node: modules and scripts/lib.
import { spawn } from "node:child_process";
import { randomBytes } from "node:crypto";
import { readFileSync, rmSync } from "node:fs";
import path from "node:path";
import { setTimeout as sleep } from "node:timers/promises";
import { fileURLToPath } from "node:url";
import { ensureSupportedNode } from "./lib/node.mjs";
import { exitCodeOfSignal } from "./lib/processes.mjs";
import { banner, say } from "./lib/report.mjs";

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");
process.chdir(ROOT);
// Before the server and the fleet start: both are started with this process's Node.js.
await ensureSupportedNode();

if (process.argv.includes("--help")) {
  say("usage: npm run demo   (PORT=3100 npm run demo for another port)");
  say("  the server on a fresh data/demo.db and 40 simulated appliances; Ctrl-C stops both");
  process.exit(0);
}

const PORT = process.env.PORT || "3000";
const DEMO_DB = path.join(ROOT, "data", "demo.db");
// The server writes its one-time setup code beside the database (and prints it in its log).
const DEMO_SETUP_CODE_FILE = `${DEMO_DB}.setup-code`;
const DEMO_SECRET = "demo-shared-secret";
const DEMO_POOL = 2000;
// 40 appliances at 20 % of their platform limit at peak, on a 90-second "day": within a minute
// the pool runs out (pending demand), and then load falls and sessions are released.
const FLEET_ARGS = [
  "-n",
  "40",
  "--curve",
  "daily",
  "--period",
  "90",
  "--peak",
  "0.2",
  "--release-delay",
  "5",
  "--serial-prefix",
  "DEMO-",
];
const HEALTH_URL = `http://127.0.0.1:${PORT}/api/health`;

const children = [];
let stopping = null;

/**
 * Starts a command in a process group of its own, so that a signal reaches pnpm's and tsx's
 * children too. `forceSignal` is what a second Ctrl-C sends: scripts/sls.mjs takes a repeated
 * signal as "kill the server now", which reaches the server's own process group.
 */
function start(name, cmd, args, env, forceSignal) {
  const child = spawn(cmd, args, { stdio: "inherit", detached: true, env: { ...process.env, ...env } });
  const exited = new Promise((resolve) =>
    child.on("close", (code, signal) => resolve(code ?? exitCodeOfSignal(signal))),
  );
  child.on("error", (err) => say(`could not start ${name}: ${err.message}`));
  const entry = { name, child, exited, forceSignal };
  children.push(entry);
  exited.then((code) => {
    if (!stopping) {
      say(`${name} stopped by itself (exit ${code}); stopping the demo`);
      void stopAll("SIGTERM", code || 1);
    }
  });
  return entry;
}

function signalGroup(child, signal) {
  try {
    process.kill(-child.pid, signal);
  } catch {
    // already gone
  }
}

/** The fleet first (it gives its sessions back), then the server. */
async function stopAll(signal, exitCode) {
  if (stopping) return stopping;
  stopping = (async () => {
    for (const { name, child, exited, forceSignal } of [...children].reverse()) {
      say(`stopping ${name}`);
      signalGroup(child, signal);
      const done = await Promise.race([exited.then(() => true), sleep(10_000).then(() => false)]);
      if (!done) {
        say(`${name} did not stop within 10 s; stopping it at once`);
        signalGroup(child, forceSignal);
        await exited;
      }
    }
    process.exit(exitCode);
  })();
  return stopping;
}

// One Ctrl-C arrives twice (from the terminal and passed on by npm): only a signal that comes
// later than this counts as the second one, which forces.
const REPEAT_AFTER_MS = 1_000;
let firstSignalAt = 0;
for (const signal of ["SIGINT", "SIGTERM"]) {
  process.on(signal, () => {
    if (!stopping) {
      firstSignalAt = Date.now();
      say(`${signal}: stopping the demo (again to force)`);
      void stopAll("SIGTERM", exitCodeOfSignal(signal));
    } else if (Date.now() - firstSignalAt > REPEAT_AFTER_MS) {
      say("stopping at once");
      for (const { child, forceSignal } of children) signalGroup(child, forceSignal);
    }
  });
}

async function waitForServer(server) {
  for (;;) {
    if (stopping || server.child.exitCode !== null) return false;
    try {
      if ((await fetch(HEALTH_URL)).ok) return true;
    } catch {
      // still installing, building or starting
    }
    await sleep(500);
  }
}

/**
 * The demo database is new, so the console would ask for a first administrator; the demo makes
 * one with a random password (there is no default password anywhere) and prints it. Like an
 * operator, it needs the server's setup code, which it reads from the file the server wrote.
 */
async function createDemoAdministrator() {
  const account = { name: "demo", password: randomBytes(12).toString("base64url") };
  try {
    const setupCode = readFileSync(DEMO_SETUP_CODE_FILE, "utf8").trim();
    const response = await fetch(`http://127.0.0.1:${PORT}/api/trpc/auth.setup`, {
      method: "POST",
      headers: { "content-type": "application/json", "x-sls-console": "1" },
      body: JSON.stringify({ ...account, setupCode }),
    });
    if (response.ok) return account;
    say(`could not create the demo administrator (HTTP ${response.status}): ${(await response.text()).slice(0, 200)}`);
  } catch (error) {
    say(`could not create the demo administrator: ${error.message}`);
  }
  return null;
}

banner("demo: fresh database");
for (const suffix of ["", "-wal", "-shm", "-journal", ".setup-code"]) rmSync(DEMO_DB + suffix, { force: true });
say(
  `${path.relative(ROOT, DEMO_DB)} reset: pool ${DEMO_POOL} sessions, secret "${DEMO_SECRET}", refresh interval 10 s`,
);

const server = start(
  "the server",
  process.execPath,
  ["scripts/sls.mjs", "start"],
  {
    PORT,
    DATABASE_URL: `file:${DEMO_DB}`,
    SLS_POOL_SIZE: String(DEMO_POOL),
    SLS_SHARED_SECRET: DEMO_SECRET,
    SLS_REFRESH_INTERVAL_SEC: "10",
    SLS_SWEEP_INTERVAL_MS: "2000",
    SLS_SERVER_ID: "demo",
    SLS_LOG_LEVEL: "warn",
  },
  "SIGTERM",
);
if (!(await waitForServer(server))) await stopAll("SIGTERM", 1);

const login = await createDemoAdministrator();
banner(`demo running: open http://localhost:${PORT}`);
say(`dashboard:     http://localhost:${PORT}`);
say(
  login
    ? `sign in as:    ${login.name} / ${login.password}   (made for this demo run only)`
    : "sign in:       create the first administrator on the setup page",
);
say(`shared secret: ${DEMO_SECRET}   (what the simulated appliances register with)`);
say("40 simulated appliances start now; Ctrl-C stops the fleet and the server");
start(
  "the fleet simulator",
  process.execPath,
  [
    "--import",
    "tsx",
    "apps/simulator/src/main.ts",
    "--url",
    `http://127.0.0.1:${PORT}`,
    "--secret",
    DEMO_SECRET,
    ...FLEET_ARGS,
  ],
  {},
  "SIGKILL",
);
