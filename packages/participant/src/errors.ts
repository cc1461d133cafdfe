/** The server answered and refused the call; `reason` is the spec's stable UPPER_SNAKE_CASE reason. */
export class ApplianceError extends Error {
  override readonly name = "ApplianceError";
  /** How long the server asked us to wait before trying again (`error.data.retryAfterMs`), when it said. */
  readonly retryAfterMs: number | undefined;

  constructor(
    readonly code: string,
    readonly reason: string,
    message: string,
    readonly httpStatus: number,
    details: { retryAfterMs?: number | undefined } = {},
  ) {
    super(message);
    this.retryAfterMs = details.retryAfterMs;
  }
}

/** No answer from that address: connection refused, timed out, or something that is not the licensing server. */
export class UnreachableError extends Error {
  override readonly name = "UnreachableError";
  constructor(
    readonly baseUrl: string,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}

export function isReason(error: unknown, reason: string): error is ApplianceError {
  return error instanceof ApplianceError && error.reason === reason;
}

/**
 * A failure that trying again later can cure: no server answered, only an inactive backup did, or
 * the server refused for load (`TOO_MANY_REQUESTS`: `OVERLOADED`, `RATE_LIMITED`; or
 * `SERVICE_UNAVAILABLE` / `STARTING`). Such calls are retried after a back-off; every other refusal is final.
 */
export function isTransient(error: unknown): boolean {
  return error instanceof UnreachableError || isReason(error, "BACKUP_INACTIVE") || isLoadRefusal(error);
}

/**
 * The server is there but refused for load (`TOO_MANY_REQUESTS`: `OVERLOADED`, `RATE_LIMITED`), or
 * because it is still starting (`STARTING`, which the spec says to treat as `OVERLOADED`): retried
 * after the back-off, never sooner than its `retryAfterMs`.
 */
export function isLoadRefusal(error: unknown): error is ApplianceError {
  return error instanceof ApplianceError && (error.code === "TOO_MANY_REQUESTS" || error.reason === "STARTING");
}

/** How the failure is named in events and counters: the refusal's reason, or `UNREACHABLE`. */
export function failureReason(error: unknown): string {
  return error instanceof ApplianceError ? error.reason : "UNREACHABLE";
}
