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
}

/**
 * The slice of state one call needs: the pool, the acting participant(s), and every participant
 * with `pending > 0` (the queue). Participants left out are neither read nor changed.
 */
export interface AllocState {
  pool: PoolSnapshot;
  participants: ParticipantSnapshot[];
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

export interface PoolResult extends ServeResult {
  poolSize: number;
  available: number;
}
