/**
 * The closed lists that the database, the server and the console share, each with the union type
 * derived from it. No imports: `@sls/db/vocabulary` never pulls Prisma, so the server's schemas
 * (and, through type imports, the console) can use it. Code that switches over one of these
 * unions handles every member (a `Record` over it, or a `never` default), so adding a member is a
 * compile error wherever it is not yet handled.
 */

/**
 * How the console classes a participant: from its approval and its silence, not a stored column.
 * Late: one refresh interval missed; silent: two; expired: three (its grant is reclaimed).
 */
export const PARTICIPANT_STATES = ["active", "late", "silent", "expired", "awaiting-approval"] as const;
export type ParticipantState = (typeof PARTICIPANT_STATES)[number];

/** The participant columns the console's participant list sorts by. */
export const PARTICIPANT_SORT_KEYS = [
  "serial",
  "hostname",
  "model",
  "platformLimit",
  "localLimit",
  "granted",
  "pending",
  "inUse",
  "highWater",
  "lastSeenAt",
] as const;
export type ParticipantSortKey = (typeof PARTICIPANT_SORT_KEYS)[number];

export const SORT_DIRECTIONS = ["asc", "desc"] as const;
export type SortDirection = (typeof SORT_DIRECTIONS)[number];

export const ACCOUNT_ROLES = ["admin", "viewer"] as const;
export type AccountRole = (typeof ACCOUNT_ROLES)[number];

// ─── Audit event types, by what they record ───────────────────────────────────────────────────

export const REGISTRATION_EVENT_TYPES = ["register", "register-awaiting-approval"] as const;

/**
 * With the reclaims below, the allocator's change causes: one audit row per change of a
 * participant's grant or pending.
 */
export const GRANT_EVENT_TYPES = [
  "request",
  "grant-pending",
  "release",
  "withdraw-pending",
  "transfer-out",
  "transfer-in",
  "limits",
] as const;

/** A silent participant's sessions taken back, and an administrator's force-release and removal. */
export const RECLAIM_EVENT_TYPES = ["reclaim", "force-release", "remove"] as const;

/** Console actions, the setup code and sign-ins; the actor is `admin:<name>` (or the address). */
export const ADMIN_EVENT_TYPES = [
  "admin.setup-code",
  "admin.setup",
  "admin.login",
  "admin.login-failed",
  "admin.logout",
  "admin.secret",
  "admin.refresh-interval",
  "admin.pool-size",
  "admin.backup",
  "admin.operation",
  "admin.approve",
  "admin.force-release",
  "admin.remove",
  "admin.account-create",
  "admin.account-role",
  "admin.account-password",
  "admin.account-break-glass",
  "admin.account-remove",
  "admin.token-create",
  "admin.token-revoke",
  "admin.alerts",
  "admin.policy",
] as const;

/** Written by the backup server and by the main server's hand-back. */
export const BACKUP_EVENT_TYPES = [
  "sync",
  "handback",
  "backup-takeover",
  "backup-alert",
  "backup.sync-refused",
  "backup.link-refused",
  "backup.handback-refused",
  "backup.handback-failed",
  "backup.handback-recovered",
  /** The backup judged the main server down: the syncs in a row that got no answer. */
  "backup.main-down",
  /** The main server recorded an outage report at hand-back (detail: its id). */
  "backup.outage-recorded",
] as const;

/** Housekeeping: retention replaces old rows by one that keeps the ledger balanced. */
export const SYSTEM_EVENT_TYPES = ["history-pruned"] as const;

/** Every `AuditEvent.type` the server writes. */
export const AUDIT_EVENT_TYPES = [
  ...REGISTRATION_EVENT_TYPES,
  ...GRANT_EVENT_TYPES,
  ...RECLAIM_EVENT_TYPES,
  ...ADMIN_EVENT_TYPES,
  ...BACKUP_EVENT_TYPES,
  ...SYSTEM_EVENT_TYPES,
] as const;
export type AuditEventType = (typeof AUDIT_EVENT_TYPES)[number];
