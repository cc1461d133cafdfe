import { availableSessions } from "./capacity";
import { AllocationError, quote } from "./errors";
import { DEFAULT_GROUP, grantRoom, groupName, groupStateOf } from "./groups";
import { servableGroups } from "./servable";
import type {
  AllocState,
  ChangeCause,
  GroupState,
  Outcome,
  ParticipantChange,
  ParticipantSnapshot,
  PolicyState,
  PoolSnapshot,
} from "./types";

/**
 * A private working copy of an AllocState. Operations change it freely and record every change;
 * the caller's objects are never touched, so a refusal (a throw) leaves everything as it was.
 */
export class Draft {
  readonly pool: PoolSnapshot;
  readonly policy: PolicyState | undefined;
  private readonly initialPendingTotal: number;
  private readonly queueGroups: ReadonlySet<string>;
  private readonly participants: ParticipantSnapshot[];
  private readonly byId = new Map<string, ParticipantSnapshot>();
  private readonly changes: ParticipantChange[] = [];
  /** The groups of `policy` copied from the caller's, and so this draft's to change. */
  private readonly ownGroups = new Set<string>();

  constructor(state: AllocState) {
    this.pool = { ...state.pool };
    this.initialPendingTotal = state.pool.pendingTotal;
    this.queueGroups = new Set(state.queueGroups);
    this.participants = state.participants.map((p) => ({ ...p }));
    // Copy on write: the groups are the caller's until `addHeld` changes one (most calls change
    // one group of many, and this runs on every call under a policy).
    this.policy = state.policy && { poolPaused: state.policy.poolPaused, groups: { ...state.policy.groups } };
    let pendingInSlice = 0;
    for (const p of this.participants) {
      if (this.byId.has(p.id)) {
        throw new AllocationError(
          "INCOMPLETE_STATE",
          `participant ${quote(p.id)} appears twice in the state; pass each participant once`,
        );
      }
      this.byId.set(p.id, p);
      if (this.policy !== undefined) groupStateOf(this.policy, p); // refuses an unknown group now
      pendingInSlice += p.pending;
    }
    this.pendingInSlice = pendingInSlice;
  }

  /** Σ pending of the participants given, to tell whether the whole queue was passed. */
  private readonly pendingInSlice: number;

  /** Sessions in the pool that nobody holds. */
  get available(): number {
    return availableSessions(this.pool);
  }

  /** Sessions `p` could be granted now under the policy (the available sessions without one). */
  grantRoom(p: ParticipantSnapshot): number {
    return grantRoom(this.pool, this.policy, p);
  }

  group(p: ParticipantSnapshot): GroupState | undefined {
    return this.policy && groupStateOf(this.policy, p);
  }

  participant(id: string): ParticipantSnapshot {
    const p = this.byId.get(id);
    if (p === undefined) {
      throw new AllocationError(
        "UNKNOWN_PARTICIPANT",
        `participant ${quote(id)} is not in the state given to the allocator; load it before the call`,
      );
    }
    return p;
  }

  findBySerial(serial: string): ParticipantSnapshot | undefined {
    return this.participants.find((p) => p.serial === serial);
  }

  /**
   * Participants waiting who could be served now: by their group's priority, highest first, then
   * oldest ask first (ties by id). Only the members of the servable groups (all of them, or those
   * short of their reservation while the free sessions are all reserved: `servableGroups`), since
   * nobody else has room; none while nothing is servable. Serving in order needs every waiting
   * member of those groups; a partial queue would silently break FCFS, so a slice short of pending
   * demand is refused unless the caller said it holds those groups' whole queue (`queueGroups`).
   */
  queue(): ParticipantSnapshot[] {
    const servable = servableGroups(this.pool, this.policy);
    if (servable === "none") return [];
    const holdsServable = servable !== "all" && servable.every((g) => this.queueGroups.has(g));
    if (this.pendingInSlice !== this.initialPendingTotal && !holdsServable) {
      throw new AllocationError(
        "INCOMPLETE_STATE",
        `the participants given hold ${this.pendingInSlice} pending sessions but the pool counts ${this.initialPendingTotal}; pass every participant with pending > 0`,
      );
    }
    // Each waiting participant's priority looked up once, not at every comparison of the sort.
    return this.participants
      .filter((p) => p.pending > 0 && (servable === "all" || servable.includes(groupName(p))))
      .map((p) => ({ p, priority: this.group(p)?.priority ?? 0 }))
      .sort(
        (a, b) =>
          b.priority - a.priority ||
          (a.p.pendingSeq ?? Infinity) - (b.p.pendingSeq ?? Infinity) ||
          (a.p.id < b.p.id ? -1 : a.p.id > b.p.id ? 1 : 0),
      )
      .map(({ p }) => p);
  }

  /**
   * Changes one participant's granted and pending by the given deltas and records it. An ask that
   * starts pending takes the next FCFS position, unless `inheritedSeq` hands it an older one;
   * pending that stays keeps its position (the older of the two when inheriting).
   */
  apply(
    p: ParticipantSnapshot,
    cause: ChangeCause,
    grantedDelta: number,
    pendingDelta: number,
    inheritedSeq: number | null = null,
  ): void {
    const granted = p.granted + grantedDelta;
    const pending = p.pending + pendingDelta;
    let pendingSeq: number | null;
    if (pending === 0) pendingSeq = null;
    else if (p.pendingSeq === null) pendingSeq = inheritedSeq ?? ++this.pool.pendingSeq;
    else pendingSeq = inheritedSeq === null ? p.pendingSeq : Math.min(p.pendingSeq, inheritedSeq);

    if (grantedDelta === 0 && pendingDelta === 0 && pendingSeq === p.pendingSeq) return;
    p.granted = granted;
    p.pending = pending;
    p.pendingSeq = pendingSeq;
    this.pool.grantedTotal += grantedDelta;
    // `default` keeps no held counter: no rule reads it.
    if (this.policy !== undefined && groupName(p) !== DEFAULT_GROUP) {
      groupStateOf(this.policy, p); // refuses an unknown group
      this.addHeld(groupName(p), grantedDelta);
    }
    this.pool.pendingTotal += pendingDelta;
    this.changes.push({ id: p.id, serial: p.serial, cause, grantedDelta, pendingDelta, granted, pending, pendingSeq });
  }

  /** Changes a named group's held counter (not `default`'s, which is not kept). */
  addHeld(name: string, delta: number): void {
    if (this.policy === undefined || delta === 0) return;
    const groups = this.policy.groups;
    if (!this.ownGroups.has(name)) {
      groups[name] = { ...groups[name]! };
      this.ownGroups.add(name);
    }
    groups[name]!.held += delta;
  }

  /** Hands the draft out as the operation's outcome; the draft is not used afterwards. */
  finish<R>(result: R): Outcome<R> {
    const state: AllocState = { pool: this.pool, participants: this.participants };
    if (this.policy !== undefined) state.policy = this.policy;
    return { state, changes: this.changes, result };
  }
}
