import type {
  AccountRole,
  AuditEventType,
  ParticipantSortKey,
  ParticipantState,
  SortDirection,
} from "../vocabulary.ts";

export type { AccountRole, AuditEventType, ParticipantSortKey, ParticipantState, SortDirection };

/** Plain rows handed out of the db package; no Prisma type crosses this boundary. */
export interface ServerRow {
  poolSize: number;
  grantedTotal: number;
  pendingTotal: number;
  pendingSeq: number;
  secretHash: string | null;
  secretChangedAt: Date | null;
  refreshIntervalSec: number;
  enabled: boolean;
  approvalRequired: boolean;
  alertThresholdPct: number;
  backupAddress: string | null;
  backupSerial: string | null;
  backupPeerSerial: string | null;
  /** The pool policy in force (a PolicyVersion), null for none. */
  policyVersion: number | null;
  /** Per named group of the policy in force, Σ granted of its members; null without a policy. */
  policyHeld: Record<string, number> | null;
}

export interface ParticipantRow {
  id: string;
  serial: string;
  hostname: string;
  model: string;
  platformLimit: number;
  localLimit: number;
  haPeerSerial: string | null;
  approved: boolean;
  granted: number;
  pending: number;
  pendingSeq: number | null;
  inUse: number;
  highWater: number;
  registeredAt: Date;
  lastSeenAt: Date;
  reclaimedAt: Date | null;
  /** Its pool-policy group; null for the implicit group "default". */
  policyGroup: string | null;
  /** Its participant cap from the policy; null for none. */
  maxGranted: number | null;
}

/** A participant exactly as stored, token hash included: what a backup needs to serve it. */
export interface ParticipantRecord extends ParticipantRow {
  tokenHash: string | null;
}

export type NewParticipant = Pick<
  ParticipantRecord,
  | "id"
  | "serial"
  | "hostname"
  | "model"
  | "platformLimit"
  | "localLimit"
  | "haPeerSerial"
  | "approved"
  | "tokenHash"
  | "registeredAt"
  | "lastSeenAt"
>;

/** A participant's pool-policy membership, decided when it registers or the policy changes. */
export type PolicyMembership = Pick<ParticipantRow, "policyGroup" | "maxGranted">;

export type ParticipantUpdate = Partial<
  Pick<
    NewParticipant & ParticipantRow,
    | "hostname"
    | "model"
    | "platformLimit"
    | "localLimit"
    | "haPeerSerial"
    | "approved"
    | "tokenHash"
    | "lastSeenAt"
    | "inUse"
    | "highWater"
    | "reclaimedAt"
    | "policyGroup"
    | "maxGranted"
  >
>;

export interface AllocationWrite {
  id: string;
  granted: number;
  pending: number;
  pendingSeq: number | null;
}

export interface PoolWrite {
  grantedTotal: number;
  pendingTotal: number;
  pendingSeq: number;
  poolSize: number;
}

export interface AuditInput {
  at: Date;
  type: AuditEventType;
  actor: string;
  participantId?: string | null;
  serial?: string | null;
  grantedDelta?: number;
  pendingDelta?: number;
  grantedAfter?: number | null;
  pendingAfter?: number | null;
  detail?: Record<string, unknown> | null;
}

/** One saved version of the pool policy; `definition` is the JSON text the server checks on read. */
export interface PolicyVersionRow {
  version: number;
  definition: string;
  savedBy: string;
  savedAt: Date;
  restores: number | null;
}

export interface ServerSeed {
  poolSize: number;
  refreshIntervalSec: number;
  secretHash: string | null;
  at: Date;
}

export type SettingsUpdate = Partial<
  Pick<
    ServerRow,
    | "secretHash"
    | "secretChangedAt"
    | "refreshIntervalSec"
    | "enabled"
    | "approvalRequired"
    | "alertThresholdPct"
    | "backupAddress"
    | "backupSerial"
    | "backupPeerSerial"
  >
>;

export interface CounterDeltaRow {
  messageType: string;
  received: number;
  answered: number;
  failed: number;
}

export interface ParticipantCounterDeltaRow extends CounterDeltaRow {
  participantId: string;
}

// ─── Admin console ──────────────────────────────────────────────────────────────────────────

export interface AccountRow {
  id: string;
  name: string;
  role: AccountRole;
  createdAt: Date;
  passwordChangedAt: Date;
  lastLoginAt: Date | null;
  /** Made by single sign-on: no password, the role follows the provider's groups. */
  fromProvider: boolean;
  /** A local account that may sign in with its password even when SLS_LOCAL_LOGIN=off. */
  breakGlass: boolean;
}

export interface NewAccount {
  id: string;
  name: string;
  role: AccountRole;
  passwordHash: string;
  at: Date;
  breakGlass?: boolean;
}

/** A person as the identity provider names them, at a single sign-on. */
export interface ProviderIdentity {
  issuer: string;
  subject: string;
}

export interface SessionRow {
  tokenHash: string;
  expiresAt: Date;
  account: AccountRow;
}

/** Participants last seen before each instant are late, silent, expired (see PARTICIPANT_STATES). */
export interface StateCutoffs {
  late: Date;
  silent: Date;
  expired: Date;
}

export interface ParticipantPageQuery {
  cutoffs: StateCutoffs;
  state?: ParticipantState | undefined;
  /** Matched anywhere in serial, hostname or model, ignoring case. */
  search?: string | undefined;
  sort: ParticipantSortKey;
  direction: SortDirection;
  offset: number;
  limit: number;
}

export type ParticipantStateCounts = Record<ParticipantState, number>;

/** One pool-policy group's participants; `group` null is the implicit group `default`. */
export interface GroupTotals {
  group: string | null;
  members: number;
  granted: number;
  pending: number;
}

export interface AuditRow {
  id: number;
  at: Date;
  /** Read back as stored: free text in the database, which may hold types earlier versions wrote. */
  type: string;
  participantId: string | null;
  serial: string | null;
  grantedDelta: number;
  pendingDelta: number;
  grantedAfter: number | null;
  pendingAfter: number | null;
  actor: string;
  detail: string | null;
}

export interface AuditFilter {
  serial?: string | undefined;
  types?: AuditEventType[] | undefined;
  actor?: string | undefined;
  from?: Date | undefined;
  to?: Date | undefined;
}

export interface UsageSampleRow {
  at: Date;
  poolSize: number;
  granted: number;
  pending: number;
  inUse: number;
  participants: number;
}
