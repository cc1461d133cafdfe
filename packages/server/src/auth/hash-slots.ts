import { availableParallelism } from "node:os";
import { retryLater } from "../errors.ts";

/**
 * At most `size` scrypt runs at once in this process. scrypt is memory-hard on purpose (32 MiB
 * and about a quarter of a second per password here), so a flood of sign-ins or registrations
 * with wrong secrets must not start hundreds of them: a run that finds every slot taken is
 * refused at once with `TOO_MANY_REQUESTS` / `OVERLOADED` and a `retryAfterMs` of about one run,
 * rather than queued. The last slot is kept from *suspects* (callers whose address failed within
 * the guessing window, auth/rate-limit.ts), so that guessers who keep the others busy do not keep
 * out an appliance or an administrator arriving with the right answer from a clean address.
 * Suspects may also hold at most `suspectLimit` slots: with one core fewer than the machine has,
 * a flood of wrong secrets cannot take every core from the event loop, which still answers the
 * backup's syncs and the appliances' grant calls meanwhile.
 */
const KEPT_FROM_SUSPECTS = 1;

export class HashSlots {
  private busy = 0;
  /** A moving average of how long one run takes, which is how long a slot takes to free. */
  private typicalMs = 100;

  readonly suspectLimit: number;

  constructor(
    readonly size: number,
    suspectLimit = size - KEPT_FROM_SUSPECTS,
  ) {
    this.suspectLimit = Math.max(1, Math.min(suspectLimit, size - KEPT_FROM_SUSPECTS));
  }

  /** Runs in progress now. */
  get inUse(): number {
    return this.busy;
  }

  async run<T>(work: () => Promise<T>, suspect = false): Promise<T> {
    if (this.busy >= (suspect ? this.suspectLimit : this.size)) {
      throw retryLater(
        "OVERLOADED",
        `The server is already checking ${this.size} passwords or secrets at once; try again in a moment.`,
        this.typicalMs,
      );
    }
    this.busy += 1;
    const started = performance.now();
    try {
      return await work();
    } finally {
      this.busy -= 1;
      this.typicalMs = 0.8 * this.typicalMs + 0.2 * (performance.now() - started);
    }
  }
}

/**
 * One per process. Four runs at once are at most 128 MiB (32 MiB each) and fill libuv's default
 * thread pool for a quarter of a second; two cores give two of them full speed, the other two let
 * a few people sign in at the same moment without being turned away. Suspects get one core fewer
 * than the machine has (one slot on two cores).
 */
export const scryptSlots = new HashSlots(4, availableParallelism() - 1);
