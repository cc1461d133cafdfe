import { TRPCError } from "@trpc/server";
import type { TRPC_ERROR_CODE_KEY } from "@trpc/server";

/** Every reason the server answers with, and the tRPC code it travels under. */
export const REASON_CODES = {
  INVALID_INPUT: "BAD_REQUEST",
  NOT_A_MULTIPLE_OF_50: "BAD_REQUEST",
  RELEASE_EXCEEDS_GRANT: "BAD_REQUEST",
  POOL_BELOW_GRANTED: "BAD_REQUEST",
  BAD_TOKEN: "UNAUTHORIZED",
  BAD_SECRET: "UNAUTHORIZED",
  RATE_LIMITED: "TOO_MANY_REQUESTS",
  OVERLOADED: "TOO_MANY_REQUESTS",
  SERVER_NOT_CONFIGURED: "PRECONDITION_FAILED",
  AWAITING_APPROVAL: "FORBIDDEN",
  NOT_HA_PEER: "FORBIDDEN",
  RESERVED_SERIAL: "FORBIDDEN",
  BACKUP_INACTIVE: "SERVICE_UNAVAILABLE",
  BACKUP_LIMIT_REACHED: "SERVICE_UNAVAILABLE",
  NOT_BACKUP: "FORBIDDEN",
  NOT_FOUND: "NOT_FOUND",
  INTERNAL: "INTERNAL_SERVER_ERROR",
  // The admin console's refusals.
  SETUP_REQUIRED: "PRECONDITION_FAILED",
  SETUP_DONE: "FORBIDDEN",
  BAD_SETUP_CODE: "UNAUTHORIZED",
  NOT_SIGNED_IN: "UNAUTHORIZED",
  BAD_CREDENTIALS: "UNAUTHORIZED",
  LOGIN_RATE_LIMITED: "TOO_MANY_REQUESTS",
  ADMIN_ONLY: "FORBIDDEN",
  CROSS_SITE_REQUEST: "FORBIDDEN",
  NAME_TAKEN: "CONFLICT",
  LAST_ADMIN: "CONFLICT",
  OWN_ACCOUNT: "BAD_REQUEST",
} as const satisfies Record<string, TRPC_ERROR_CODE_KEY>;

export type Reason = keyof typeof REASON_CODES;

export interface SlsErrorDetails {
  /** How long the caller should wait before trying again (sent as `error.data.retryAfterMs`). */
  retryAfterMs?: number;
}

/** The one error type of the server: a tRPC error that carries a stable reason. */
export class SlsError extends TRPCError {
  readonly reason: Reason;
  readonly retryAfterMs: number | undefined;
  constructor(reason: Reason, message: string, cause?: unknown, details: SlsErrorDetails = {}) {
    super({ code: REASON_CODES[reason], message, cause });
    this.reason = reason;
    this.retryAfterMs = details.retryAfterMs === undefined ? undefined : Math.max(1, Math.ceil(details.retryAfterMs));
  }
}

/** A refusal the caller may retry later, e.g. `RATE_LIMITED` or `OVERLOADED`, with `retryAfterMs`. */
export function retryLater(reason: Reason, message: string, retryAfterMs: number): SlsError {
  return new SlsError(reason, message, undefined, { retryAfterMs });
}

export function isReason(value: string): value is Reason {
  return Object.hasOwn(REASON_CODES, value);
}
