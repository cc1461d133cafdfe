import { TRPCError, type TRPC_ERROR_CODE_KEY } from "@trpc/server";

/** The admin console's refusals and the tRPC code each travels under. */
export const ADMIN_REASON_CODES = {
  SETUP_REQUIRED: "PRECONDITION_FAILED",
  SETUP_DONE: "FORBIDDEN",
  NOT_SIGNED_IN: "UNAUTHORIZED",
  BAD_CREDENTIALS: "UNAUTHORIZED",
  LOGIN_RATE_LIMITED: "TOO_MANY_REQUESTS",
  ADMIN_ONLY: "FORBIDDEN",
  CROSS_SITE_REQUEST: "FORBIDDEN",
  NAME_TAKEN: "CONFLICT",
  LAST_ADMIN: "CONFLICT",
  OWN_ACCOUNT: "BAD_REQUEST",
  NOT_FOUND: "NOT_FOUND",
} as const satisfies Record<string, TRPC_ERROR_CODE_KEY>;

export type AdminReason = keyof typeof ADMIN_REASON_CODES;

/** Like `SlsError`, for the console: a tRPC error with a stable `reason` the UI can act on. */
export class AdminError extends TRPCError {
  readonly reason: AdminReason;
  constructor(reason: AdminReason, message: string) {
    super({ code: ADMIN_REASON_CODES[reason], message });
    this.reason = reason;
  }
}
