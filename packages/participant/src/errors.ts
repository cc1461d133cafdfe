/** The server answered and refused the call; `reason` is the spec's stable UPPER_SNAKE_CASE reason. */
export class ApplianceError extends Error {
  override readonly name = "ApplianceError";
  constructor(
    readonly code: string,
    readonly reason: string,
    message: string,
    readonly httpStatus: number,
  ) {
    super(message);
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
