// Child processes of scripts/sls.mjs, and what happens to them on SIGINT / SIGTERM / SIGHUP.
//
// Each step runs in a process group of its own and a signal goes to that whole group, once:
// pnpm runs scripts through `sh -c`, which does not pass signals on, so signalling pnpm alone
// would leave the server, or Playwright and its web server, running. A second signal (a second
// Ctrl-C) kills the group outright.
import { spawn } from "node:child_process";
import os from "node:os";
import { setTimeout as sleep } from "node:timers/promises";
import { say } from "./report.mjs";

const SIGNALS = ["SIGINT", "SIGTERM", "SIGHUP"];
const GRACE_MS = 10_000;
let currentGroup = null;
let interrupted = null;
let interruptedAt = 0;

export const exitCodeOfSignal = (signal) => 128 + (os.constants.signals[signal] ?? 0);

/** The signal that asked us to stop, or null. */
export const interruption = () => interrupted;

function signalGroup(pgid, signal) {
  try {
    process.kill(-pgid, signal);
    return true;
  } catch {
    return false; // the group is gone
  }
}

export function forwardSignalsToSteps() {
  for (const signal of SIGNALS) {
    process.on(signal, () => {
      if (!interrupted) {
        interrupted = signal;
        interruptedAt = Date.now();
        say(`${signal}: stopping (send it again to force)`);
        if (currentGroup) signalGroup(currentGroup, signal);
      } else if (Date.now() - interruptedAt > 1000 && currentGroup) {
        // Not within the first second: the same Ctrl-C may arrive twice (terminal and npm).
        say("stopping at once");
        signalGroup(currentGroup, "SIGKILL");
      }
    });
  }
}

/** Waits until nothing of the group is left, ending stragglers after GRACE_MS. */
async function reap(pgid) {
  if (!interrupted) signalGroup(pgid, "SIGTERM"); // strays of a step that ended on its own
  for (let waited = 0; signalGroup(pgid, 0); waited += 100) {
    if (waited >= GRACE_MS) {
      say(`processes of the last step still running after ${GRACE_MS / 1000} s; killing them`);
      signalGroup(pgid, "SIGKILL");
      return;
    }
    await sleep(100);
  }
}

/**
 * Runs one step with the terminal's output (not its input: nothing may stop to ask) and resolves
 * to its exit code, 128 + n when killed by signal n. With `onLine`, the output is passed through
 * and each of its lines handed to `onLine` as well.
 */
export async function run(cmd, args, { onLine, ...options } = {}) {
  say(`$ ${[cmd, ...args].join(" ")}`);
  const stdio = onLine ? ["ignore", "pipe", "pipe"] : ["ignore", "inherit", "inherit"];
  const child = spawn(cmd, args, { stdio, detached: true, ...options });
  if (onLine) {
    passThrough(child.stdout, process.stdout, onLine);
    passThrough(child.stderr, process.stderr, onLine);
  }
  currentGroup = child.pid ?? null;
  const code = await new Promise((resolve) => {
    child.on("error", (err) => {
      say(`could not start ${cmd}: ${err.message}`);
      resolve(127);
    });
    child.on("close", (exitCode, signal) => resolve(exitCode ?? exitCodeOfSignal(signal)));
  });
  if (currentGroup) await reap(currentGroup);
  currentGroup = null;
  return code;
}

function passThrough(from, to, onLine) {
  let rest = "";
  from.setEncoding("utf8");
  from.on("data", (chunk) => {
    to.write(chunk);
    const lines = (rest + chunk).split("\n");
    rest = lines.pop() ?? "";
    for (const line of lines) onLine(line);
  });
  from.on("end", () => rest && onLine(rest));
}

/** Runs the server until it exits or we are told to stop, then exits with its status. */
export async function serve(cmd, args, options = {}) {
  const code = await run(cmd, args, options);
  if (interrupted) say(code === 0 ? "stopped" : `stopped; the server's last exit status was ${code}`);
  process.exit(interrupted ? exitCodeOfSignal(interrupted) : code);
}

/**
 * Runs a command in this process's group and exits with its status: a Ctrl-C from the terminal
 * reaches it straight, as it reached us (passing SIGINT on as well would make it a second, forcing
 * one for turbo and pnpm); a SIGTERM or SIGHUP sent to this process alone is passed on.
 */
export async function execInGroup(cmd, args, options = {}) {
  const child = spawn(cmd, args, { stdio: "inherit", ...options });
  process.on("SIGINT", () => {});
  for (const signal of ["SIGTERM", "SIGHUP"]) process.on(signal, () => child.kill(signal));
  const code = await new Promise((resolve) => {
    child.on("error", (err) => {
      say(`could not start ${cmd}: ${err.message}`);
      resolve(127);
    });
    child.on("close", (exitCode, signal) => resolve(exitCode ?? exitCodeOfSignal(signal)));
  });
  process.exit(code);
}
