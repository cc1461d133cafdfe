export interface WaitOptions {
  /** What is awaited, for the failure message ("the backup to take over"). */
  what: string;
  /** Generous on purpose: a loaded machine is slow, and a passing wait ends as soon as the state is there. */
  timeoutMs?: number;
  intervalMs?: number;
}

/**
 * Polls an observable state until `check` returns something truthy, which it returns (a check
 * that throws has not passed yet), and fails naming `what` and the last failure once `timeoutMs`
 * has passed. For states a test can see (an API answer, a row, a log line, a count of answered
 * calls), never for wall-clock time.
 */
export async function waitFor<T>(
  check: () => T | null | undefined | false | Promise<T | null | undefined | false>,
  { what, timeoutMs = 30_000, intervalMs = 25 }: WaitOptions,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    let last: unknown = null;
    try {
      const value = await check();
      if (value) return value;
    } catch (error) {
      last = error;
    }
    if (Date.now() > deadline) {
      const detail = last instanceof Error ? `: ${last.message}` : "";
      throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}${detail}`, { cause: last ?? undefined });
    }
    await new Promise((resolve) => setTimeout(resolve, intervalMs));
  }
}

/**
 * Waits until `assertion` stops throwing (an `expect(…)` about a state that background work
 * changes) and rethrows its last failure, with its diff, after `timeoutMs`. The same polling as
 * `waitFor`.
 */
export async function eventually(
  assertion: () => void | Promise<void>,
  { what = "an assertion to pass", ...options }: Partial<WaitOptions> = {},
): Promise<void> {
  try {
    await waitFor(
      async () => {
        await assertion();
        return true;
      },
      { what, ...options },
    );
  } catch (error) {
    throw (error as Error).cause ?? error;
  }
}
