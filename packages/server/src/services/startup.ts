import { retryLater, type SlsError } from "../errors.ts";

/**
 * How long a caller refused with STARTING waits before trying again. A start with a million
 * leases takes a few seconds; the participant client adds its jittered back-off on top.
 */
export const STARTING_RETRY_AFTER_MS = 1_000;

/**
 * What a process that already listens still waits for before it serves appliances and counts as
 * ready: its leases loading, the console preparing. Appliance calls meanwhile are refused with
 * `SERVICE_UNAVAILABLE` / `STARTING` and `retryAfterMs` (the spec's rule), `/api/ready` answers 503
 * naming what is still under way, and `/api/health` answers as for any live process.
 */
export class Startup {
  /** What is under way, and whether appliance calls wait for it (the leases do, the console does not). */
  private readonly pending = new Map<string, { appliances: boolean }>();

  /** Waits for `work` under `name`; a failure is the caller's to handle (the process stops). */
  track<T>(name: string, work: Promise<T>, options: { appliances: boolean } = { appliances: true }): Promise<T> {
    this.pending.set(name, options);
    return work.finally(() => this.pending.delete(name));
  }

  get starting(): boolean {
    return this.pending.size > 0;
  }

  /** What is still under way, e.g. "the leases are loading". */
  get waitingFor(): string[] {
    return [...this.pending.keys()];
  }

  /** Throws STARTING while anything appliance calls wait for is under way. */
  assertStarted(): void {
    if (this.pending.size === 0) return;
    const blocking = [...this.pending].filter(([, { appliances }]) => appliances).map(([name]) => name);
    if (blocking.length > 0) throw starting(blocking);
  }
}

/** Built without a stack trace: a fleet retrying against a starting server gets one per call. */
function starting(waitingFor: string[]): SlsError {
  const limit = Error.stackTraceLimit;
  Error.stackTraceLimit = 0;
  try {
    return retryLater(
      "STARTING",
      `The licensing server is starting (${waitingFor.join(", ")}); nothing was done: try again in ${STARTING_RETRY_AFTER_MS / 1000} s.`,
      STARTING_RETRY_AFTER_MS,
    );
  } finally {
    Error.stackTraceLimit = limit;
  }
}
