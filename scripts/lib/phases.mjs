// Named, timed steps of a command, kept for its final summary.
import { interruption } from "./processes.mjs";
import { banner, formatDuration, say } from "./report.mjs";

/** Every phase so far: { name, status: "pass" | "fail" | "warn" | "skip", note?, ms }. */
export const results = [];

export const skip = (name, note) => results.push({ name, status: "skip", note, ms: 0 });

/**
 * Runs one phase, prints its duration and records it. `fn` returns true (pass), false (fail) or
 * { status, note }. Resolves to false when the phase failed or did not run.
 */
export async function phase(name, fn) {
  if (interruption()) {
    skip(name, `stopped by ${interruption()}`);
    return false;
  }
  banner(name);
  const started = performance.now();
  let outcome;
  try {
    outcome = await fn();
  } catch (err) {
    say(err instanceof Error ? err.stack : String(err));
    outcome = false;
  }
  const { status, note } = typeof outcome === "boolean" ? { status: outcome ? "pass" : "fail" } : outcome;
  const ms = performance.now() - started;
  results.push({ name, status, note, ms });
  say(`${status === "fail" ? "✘" : "✔"} ${name}: ${status}${note ? ` (${note})` : ""} in ${formatDuration(ms)}`);
  return status !== "fail";
}
