import { ALLOCATION_ERROR_REASONS } from "@sls/allocator";
import { TRPCError } from "@trpc/server";
import type { TRPC_ERROR_CODE_KEY } from "@trpc/server";

/** A refusal reason: the tRPC code it travels under, and one line for docs/reasons.md. */
interface ReasonInfo {
  readonly code: TRPC_ERROR_CODE_KEY;
  /** Markdown for the table cell: when the server answers it and what the caller should do. */
  readonly meaning: string;
}

/** A pool-policy refusal of the allocator, under its own reason and its own words. */
function policyRefusal<R extends keyof typeof ALLOCATION_ERROR_REASONS>(reason: R) {
  const meaning = `\`admin.policy.save\`, \`preview\` or \`rollback\`: ${ALLOCATION_ERROR_REASONS[reason]}; the message names the group and the value, nothing changed`;
  return { [reason]: { code: "BAD_REQUEST", meaning } } as Record<R, ReasonInfo>;
}

/**
 * Every reason the server answers with (`error.data.reason`), the tRPC code it travels under and
 * what it means. `meaning` is required, so a reason cannot be added without it; docs/reasons.md is
 * generated from this list by `npm run docs:tables`.
 */
export const REASONS = {
  INVALID_INPUT: {
    code: "BAD_REQUEST",
    meaning:
      "a field is missing, of the wrong type or out of range; `error.data.issues` lists each bad field with its message",
  },
  NOT_A_MULTIPLE_OF_50: {
    code: "BAD_REQUEST",
    meaning: "`appliance.request` asked for sessions that are not a positive multiple of 50",
  },
  RELEASE_EXCEEDS_GRANT: {
    code: "BAD_REQUEST",
    meaning: "`appliance.release` gave back more sessions than the participant holds",
  },
  POOL_BELOW_GRANTED: {
    code: "BAD_REQUEST",
    meaning: "the pool size was set below the sessions granted now; the message gives the figure",
  },
  POOL_BELOW_RESERVED: {
    code: "BAD_REQUEST",
    meaning:
      "the pool size was set below the sessions the pool policy's groups reserve; the message gives the figure: lower the reservations first",
  },
  // A pool policy (`admin.policy.save`, `preview`, `rollback`) the allocator refuses: the message
  // names the group and the value and says what to change; nothing is written.
  ...policyRefusal("BAD_GROUP_NAME"),
  ...policyRefusal("DUPLICATE_GROUP"),
  ...policyRefusal("RESERVE_OUT_OF_RANGE"),
  ...policyRefusal("MAX_BELOW_RESERVE"),
  ...policyRefusal("PRIORITY_NOT_INTEGER"),
  ...policyRefusal("RESERVES_EXCEED_POOL"),
  ...policyRefusal("BAD_SERIAL"),
  ...policyRefusal("SERIAL_IN_TWO_GROUPS"),
  ...policyRefusal("BAD_PATTERN"),
  ...policyRefusal("CAP_OUT_OF_RANGE"),
  BAD_TOKEN: {
    code: "UNAUTHORIZED",
    meaning: "the bearer token is missing, unknown or superseded by a newer registration: register again",
  },
  BAD_SECRET: { code: "UNAUTHORIZED", meaning: "wrong shared secret in `appliance.register`" },
  RATE_LIMITED: {
    code: "TOO_MANY_REQUESTS",
    meaning:
      "too many wrong secrets or unknown tokens from this address (or its IPv6 /64); wait `retryAfterMs` before trying again",
  },
  OVERLOADED: {
    code: "TOO_MANY_REQUESTS",
    meaning:
      "the server cannot answer within its deadline (the pool lock, or the hashing of secrets and passwords, is busy); nothing changed, retry after `retryAfterMs` (the same `requestId` is still answered once)",
  },
  SERVER_NOT_CONFIGURED: {
    code: "PRECONDITION_FAILED",
    meaning:
      "the server has no shared secret yet, is disabled by its administrator, or has not finished its first start; to a `backup.*` call also: the main server has no `SLS_BACKUP_KEY`",
  },
  AWAITING_APPROVAL: {
    code: "FORBIDDEN",
    meaning: "the administrator requires approval and has not approved this serial yet; it is recorded for approval",
  },
  NOT_HA_PEER: {
    code: "FORBIDDEN",
    meaning:
      "`appliance.transfer` names a unit that is not the caller's failover peer: both units must name each other as `haPeerSerial`",
  },
  RESERVED_SERIAL: {
    code: "FORBIDDEN",
    meaning:
      "the serial is the configured backup server's, which registers only over the backup link with the link key; nothing changed",
  },
  BACKUP_INACTIVE: {
    code: "SERVICE_UNAVAILABLE",
    meaning:
      "this backup server is not serving: the main server still answers its syncs, it has never synchronised, or its operating limit is used up; call the main server",
  },
  STARTING: {
    code: "SERVICE_UNAVAILABLE",
    meaning:
      "this server process has just started and is still loading its leases; nothing changed, retry after `retryAfterMs` (participants treat it as `OVERLOADED`)",
  },
  BACKUP_LIMIT_REACHED: {
    code: "SERVICE_UNAVAILABLE",
    meaning: "the active backup server has used up its operating limit and issues no more sessions",
  },
  NOT_BACKUP: {
    code: "FORBIDDEN",
    meaning:
      "a `backup.*` call from a server that is not the configured backup (or sent to a server in the backup role): check the backup's serial and `SLS_MAIN_URL`",
  },
  NOT_FOUND: {
    code: "NOT_FOUND",
    meaning:
      "the participant, account, API token or outage report named does not exist (any more), or the path names no procedure",
  },
  INTERNAL: {
    code: "INTERNAL_SERVER_ERROR",
    meaning: "the server failed to handle the call; the error is logged. Try again",
  },
  // The admin console's refusals.
  SETUP_REQUIRED: {
    code: "PRECONDITION_FAILED",
    meaning: "no console account exists yet: create the first administrator on the setup page",
  },
  SETUP_DONE: {
    code: "FORBIDDEN",
    meaning: "the console is already set up: sign in with an existing account",
  },
  BAD_SETUP_CODE: {
    code: "UNAUTHORIZED",
    meaning: "wrong setup code (it is in the server's log and its setup-code file)",
  },
  NOT_SIGNED_IN: { code: "UNAUTHORIZED", meaning: "no console session, or it has expired: sign in" },
  BAD_CREDENTIALS: { code: "UNAUTHORIZED", meaning: "wrong account name or password" },
  LOGIN_RATE_LIMITED: {
    code: "TOO_MANY_REQUESTS",
    meaning:
      "too many failed sign-ins, setup codes or unknown API tokens from this address (or its IPv6 /64); wait `retryAfterMs`",
  },
  BAD_API_TOKEN: {
    code: "UNAUTHORIZED",
    meaning: "an admin call's `Authorization: Bearer` names no API token; counted like a wrong password",
  },
  API_TOKEN_REVOKED: { code: "UNAUTHORIZED", meaning: "the API token was revoked: create a new one" },
  API_TOKEN_EXPIRED: { code: "UNAUTHORIZED", meaning: "the API token has passed its expiry: create a new one" },
  ADMIN_ONLY: {
    code: "FORBIDDEN",
    meaning: "a viewer account (or a token of viewer scope) asked for a change only an administrator may make",
  },
  CROSS_SITE_REQUEST: {
    code: "FORBIDDEN",
    meaning: "a console call that did not come from the console's own pages (possible cross-site request)",
  },
  NAME_TAKEN: { code: "CONFLICT", meaning: "an account with that name exists already" },
  LAST_ADMIN: { code: "CONFLICT", meaning: "the last administrator can be neither removed nor demoted" },
  OWN_ACCOUNT: { code: "BAD_REQUEST", meaning: "an administrator cannot remove the account they are signed in with" },
  LOCAL_LOGIN_OFF: {
    code: "FORBIDDEN",
    meaning: "`SLS_LOCAL_LOGIN=off`: a console password signs in only accounts marked break-glass; sign in with SSO",
  },
  MANAGED_BY_PROVIDER: {
    code: "CONFLICT",
    meaning:
      "the account comes from single sign-on: its role follows the provider's groups and it has no password to reset or mark break-glass",
  },
} as const satisfies Record<string, ReasonInfo>;

export type Reason = keyof typeof REASONS;

export interface SlsErrorDetails {
  /** How long the caller should wait before trying again (sent as `error.data.retryAfterMs`). */
  retryAfterMs?: number;
}

/** The one error type of the server: a tRPC error that carries a stable reason. */
export class SlsError extends TRPCError {
  readonly reason: Reason;
  readonly retryAfterMs: number | undefined;
  constructor(reason: Reason, message: string, cause?: unknown, details: SlsErrorDetails = {}) {
    super({ code: REASONS[reason].code, message, cause });
    this.reason = reason;
    this.retryAfterMs = details.retryAfterMs === undefined ? undefined : Math.max(1, Math.ceil(details.retryAfterMs));
  }
}

/** A refusal the caller may retry later, e.g. `RATE_LIMITED` or `OVERLOADED`, with `retryAfterMs`. */
export function retryLater(reason: Reason, message: string, retryAfterMs: number): SlsError {
  return new SlsError(reason, message, undefined, { retryAfterMs });
}

export function isReason(value: string): value is Reason {
  return Object.hasOwn(REASONS, value);
}
