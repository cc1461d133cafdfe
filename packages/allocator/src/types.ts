/** The pool counters, as held in the one server row. */
export interface PoolSnapshot {
  poolSize: number;
  grantedTotal: number;
  pendingTotal: number;
  /** Counter handing out first-come-first-served positions: a new ask takes `pendingSeq + 1`. */
  pendingSeq: number;
}

export interface ParticipantSnapshot {
  id: string;
  serial: string;
  platformLimit: number;
  localLimit: number;
  granted: number;
  pending: number;
  /** FCFS position of its oldest unserved ask; null exactly when `pending` is 0. */
  pendingSeq: number | null;
  /** Milliseconds since the epoch, as the caller's clock gave them. */
  lastSeenAt: number;
  haPeerSerial: string | null;
  /** Its pool-policy group; absent means the implicit group `default`. Read only with a policy. */
  group?: string;
  /** Its participant cap; absent or null means none. Read only with a policy. */
  maxGranted?: number | null;
}

/** One group's rules and its aggregate: `held` is Σ granted of its members, kept like `grantedTotal`. */
export interface GroupState {
  reserve: number;
  max: number | null;
  priority: number;
  paused: boolean;
  held: number;
}

/**
 * The pool policy as one call needs it. `groups` holds the named groups only: the implicit group
 * `default` (reserve 0, no max, priority 0, not paused) is never listed and its `held` not kept.
 */
export interface PolicyState {
  poolPaused: boolean;
  groups: Record<string, GroupState>;
}

/**
 * The slice of state one call needs: the pool, the acting participant(s), and every participant
 * with `pending > 0` (the queue). Participants left out are neither read nor changed.
 */
export interface AllocState {
  pool: PoolSnapshot;
  participants: ParticipantSnapshot[];
  /** Absent: no policy, one first-come-first-served pool as the protocol describes it. */
  policy?: PolicyState;
  /**
   * Set when `participants` holds the waiting participants of these groups but maybe not the rest
   * of the queue (see `servableGroups`): the queue may then be served only while no one else could
   * be. Absent: the state holds the whole queue, or nobody is served.
   */
  queueGroups?: readonly string[];
}

export type ReclaimCause = "reclaim" | "force-release" | "remove";

export type ChangeCause =
  | "request"
  | "grant-pending"
  | "release"
  | "withdraw-pending"
  | "transfer-out"
  | "transfer-in"
  | "limits"
  | ReclaimCause;

/**
 * One change of one participant's granted and/or pending: one audit row. `granted`, `pending`
 * and `pendingSeq` are the participant's values right after this change, so the last change of
 * a participant carries what to write to its row.
 */
export interface ParticipantChange {
  id: string;
  serial: string;
  cause: ChangeCause;
  grantedDelta: number;
  pendingDelta: number;
  granted: number;
  pending: number;
  pendingSeq: number | null;
}

/** What every operation returns: the new slice, the changes that led to it, and its answer. */
export interface Outcome<R> {
  state: AllocState;
  changes: ParticipantChange[];
  result: R;
}

export interface RequestResult {
  granted: number;
  /** Sessions granted by this call (the rest of the clipped ask became pending). */
  added: number;
  pending: number;
}

export interface HoldingResult {
  granted: number;
  pending: number;
}

export type ReleaseResult = HoldingResult;
export type TransferResult = HoldingResult;
export type LimitsResult = HoldingResult;

export interface ReclaimResult {
  /** Granted sessions taken back into the pool. */
  freed: number;
  /** Pending sessions dropped. */
  withdrawn: number;
}

export interface ServeResult {
  /** Sessions handed from the pool to waiting participants. */
  served: number;
}

export interface GroupFigures {
  name: string;
  members: number;
  held: number;
  /** Reserved and not held: max(0, reserve − held). */
  unmet: number;
  pending: number;
  /** Sessions the change handed to this group's waiting members at once. */
  served: number;
}

export interface PolicyResult extends ServeResult {
  /** Per group in the policy's order, `default` last. */
  groups: GroupFigures[];
}

export interface PoolResult extends ServeResult {
  poolSize: number;
  available: number;
}
