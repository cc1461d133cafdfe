// Named, timed steps of a command, kept for its final summary.
import { stripVTControlCharacters } from "node:util";
import { interruption } from "./processes.mjs";
import { banner, formatDuration, say } from "./report.mjs";

/**
 * Every phase so far: { name, status: "pass" | "fail" | "warn" | "skip", note?, ms, failures }.
 * `failures` holds the lines of its output that name a failed test (see failureLine).
 */
export const results = [];

export const skip = (name, note) => results.push({ name, status: "skip", note, ms: 0 });

// A CI log may be shown by its last thirty lines only: the table and these must fit.
const MAX_FAILURE_LINES = 12;
/** vitest's FAIL and ×, Playwright's ✘, node's test runner's ✖, turbo's "exited (1)", a timeout, a failed expectation. */
const FAILURE = /(^|\s)(FAIL|×|✘|✖)\s|exited \(\d+\)|Test timed out|AssertionError/;

/** The line without colours when it names a failure, else null. */
function failureLine(line) {
  const plain = stripVTControlCharacters(line).trimEnd();
  return FAILURE.test(plain) ? plain.slice(0, 240) : null;
}

/**
 * Runs one phase, prints its duration and records it. `fn` returns true (pass), false (fail) or
 * { status, note }; it is given `onLine`, to pass the lines of a step's output (run's option), so
 * that the summary can repeat the ones that name failures: a log's tail is often all one sees.
 * Resolves to false when the phase failed or did not run.
 */
export async function phase(name, fn) {
  if (interruption()) {
    skip(name, `stopped by ${interruption()}`);
    return false;
  }
  banner(name);
  const started = performance.now();
  const failures = [];
  const onLine = (line) => {
    const failure = failureLine(line);
    if (failure && failures.length < MAX_FAILURE_LINES && !failures.includes(failure)) failures.push(failure);
  };
  let outcome;
  try {
    outcome = await fn(onLine);
  } catch (err) {
    say(err instanceof Error ? err.stack : String(err));
    outcome = false;
  }
  const { status, note } = typeof outcome === "boolean" ? { status: outcome ? "pass" : "fail" } : outcome;
  const ms = performance.now() - started;
  results.push({ name, status, note, ms, failures });
  say(`${status === "fail" ? "✘" : "✔"} ${name}: ${status}${note ? ` (${note})` : ""} in ${formatDuration(ms)}`);
  return status !== "fail";
}
