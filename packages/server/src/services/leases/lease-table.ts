import { MINUTE_MS } from "@sls/allocator";
import type { LeaseRenewal, LeaseRow, ParticipantRecord, PoolChanges } from "@sls/db";

/** One participant as a process keeps it to answer `refresh` from memory. */
export interface Lease
  extends Pick<LeaseRow, "id" | "serial" | "tokenHash" | "granted" | "pending" | "platformLimit" | "highWater"> {
  inUse: number;
  /** The latest renewal this process knows of (ms). */
  lastSeenAt: number;
  /** The latest renewal known to be in the database (ms). */
  persistedAt: number;
  /** changeSeq of the grant figures held here; older news is ignored. */
  version: number;
  dirty: boolean;
}

/** Leases untouched this long leave memory (they are in the database); a starting process loads no older ones. */
export const IDLE_EVICT_MS = 15 * MINUTE_MS;

/**
 * The leases of the participants this process has seen, by token hash and by id. Refresh reads
 * and renews them here; renewals are written behind (Leases.flush in leases.ts); grant changes arrive from
 * this process's own commits at once and from other processes through the change feed.
 */
export class LeaseTable {
  private readonly byToken = new Map<string, Lease>();
  private readonly byId = new Map<string, Lease>();
  private dirty: Lease[] = [];

  get size(): number {
    return this.byId.size;
  }

  byTokenHash(tokenHash: string): Lease | undefined {
    return this.byToken.get(tokenHash);
  }

  /** A row read from the database (token lookup or change feed); newer figures win. */
  learn(row: LeaseRow): Lease {
    const lastSeenAt = row.lastSeenAt.getTime();
    const known = this.byId.get(row.id);
    if (!known) {
      const lease: Lease = {
        id: row.id,
        serial: row.serial,
        tokenHash: row.tokenHash,
        granted: row.granted,
        pending: row.pending,
        platformLimit: row.platformLimit,
        highWater: row.highWater,
        inUse: 0,
        lastSeenAt,
        persistedAt: lastSeenAt,
        version: row.changeSeq,
        dirty: false,
      };
      this.byId.set(lease.id, lease);
      if (lease.tokenHash) this.byToken.set(lease.tokenHash, lease);
      return lease;
    }
    if (row.changeSeq >= known.version) {
      this.rekey(known, row.tokenHash);
      known.granted = row.granted;
      known.pending = row.pending;
      known.platformLimit = row.platformLimit;
      known.version = row.changeSeq;
    }
    known.highWater = Math.max(known.highWater, row.highWater);
    known.lastSeenAt = Math.max(known.lastSeenAt, lastSeenAt);
    known.persistedAt = Math.max(known.persistedAt, lastSeenAt);
    return known;
  }

  /** A pool transaction of this process committed: its figures are current. */
  applyCommit(changes: PoolChanges): void {
    for (const record of changes.participants) this.learn(leaseRowOf(record, changes.version));
    for (const id of changes.removed) this.forget(id);
  }

  /** News from the change feed: only participants held here matter. */
  applyFeed(rows: LeaseRow[], removed: string[]): void {
    for (const row of rows) if (this.byId.has(row.id)) this.learn(row);
    for (const id of removed) this.forget(id);
  }

  forget(id: string): void {
    const lease = this.byId.get(id);
    if (!lease) return;
    this.byId.delete(id);
    if (lease.tokenHash && this.byToken.get(lease.tokenHash) === lease) this.byToken.delete(lease.tokenHash);
  }

  renew(lease: Lease, inUse: number, now: number): void {
    lease.lastSeenAt = Math.max(lease.lastSeenAt, now);
    lease.inUse = inUse;
    lease.highWater = Math.max(lease.highWater, inUse);
    if (!lease.dirty) {
      lease.dirty = true;
      this.dirty.push(lease);
    }
  }

  /** The renewals not yet written; they count as written once `written` is called with them. */
  takeRenewals(): Array<{ lease: Lease; renewal: LeaseRenewal }> {
    const out = this.dirty.map((lease) => {
      lease.dirty = false;
      return {
        lease,
        renewal: {
          id: lease.id,
          lastSeenAt: new Date(lease.lastSeenAt),
          inUse: lease.inUse,
          highWater: lease.highWater,
        },
      };
    });
    this.dirty = [];
    return out;
  }

  written(taken: Array<{ lease: Lease; renewal: LeaseRenewal }>): void {
    for (const { lease, renewal } of taken)
      lease.persistedAt = Math.max(lease.persistedAt, renewal.lastSeenAt.getTime());
  }

  /** Puts renewals whose write failed back, so the next flush tries them again. */
  restore(taken: Array<{ lease: Lease }>): void {
    for (const { lease } of taken) {
      if (lease.dirty || !this.byId.has(lease.id)) continue;
      lease.dirty = true;
      this.dirty.push(lease);
    }
  }

  /** Drops leases nobody renewed for a while; the database keeps them. */
  evictIdle(now: number): number {
    let evicted = 0;
    for (const lease of this.byId.values()) {
      if (!lease.dirty && now - lease.lastSeenAt > IDLE_EVICT_MS) {
        this.forget(lease.id);
        evicted++;
      }
    }
    return evicted;
  }

  private rekey(lease: Lease, tokenHash: string | null): void {
    if (lease.tokenHash === tokenHash) return;
    if (lease.tokenHash && this.byToken.get(lease.tokenHash) === lease) this.byToken.delete(lease.tokenHash);
    lease.tokenHash = tokenHash;
    if (tokenHash) this.byToken.set(tokenHash, lease);
  }
}

function leaseRowOf(record: ParticipantRecord, version: number): LeaseRow {
  return {
    id: record.id,
    serial: record.serial,
    tokenHash: record.tokenHash,
    granted: record.granted,
    pending: record.pending,
    platformLimit: record.platformLimit,
    highWater: record.highWater,
    lastSeenAt: record.lastSeenAt,
    changeSeq: version,
  };
}
