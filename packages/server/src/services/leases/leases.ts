import { MINUTE_MS } from "@sls/allocator";
import type { LeaseRow, ProcessRow, Store } from "@sls/db";
import type { Logger } from "../../logger.ts";
import type { SettingsCache } from "../settings-cache.ts";
import type { Refusal } from "../../auth/rate-limit.ts";
import { IDLE_EVICT_MS, LeaseTable, type Lease } from "./lease-table.ts";
import { UnknownTokens } from "./unknown-tokens.ts";

export interface LeaseOptions {
  /** How often renewals are written behind (the issue allows up to 1 s). */
  flushMs: number;
  /** How often the change feed is read: a grant changed by another process shows within this. */
  feedMs: number;
  /** How often this process records that it is alive (see `floor`). */
  heartbeatMs: number;
}

export const DEFAULT_LEASE_OPTIONS: LeaseOptions = { flushMs: 500, feedMs: 250, heartbeatMs: 2_000 };

/**
 * A renewal is written through, not behind, once the stored lease is this close to looking
 * silent: every renewal still only in memory is then far enough from silence that no sweep, in
 * any process, can reclaim its participant before the next flush.
 */
export const WRITE_THROUGH_MARGIN_MS = 10_000;

/** A token's lease; null for a token nobody holds; or the sender's refusal for too many of those. */
export type LeaseLookup = { lease: Lease } | { lease: null; refused?: Refusal };

/**
 * Leases in memory: the lookup by token (with a cache of recent misses), renewals written behind every `flushMs`, the change
 * feed that brings grant changes committed by other processes every `feedMs`, and the crash rule:
 * `floor`, the instant before which silence is not counted.
 */
export class Leases {
  readonly table = new LeaseTable();
  private readonly unknown: UnknownTokens;
  private feedVersion = 0;
  private timers: NodeJS.Timeout[] = [];
  private flushing: Promise<void> | null = null;
  private polling = false;
  private stopped = false;
  private ownFloor = 0;
  private lostFloor = 0;
  /** The other processes as last seen: a changed start without a clean stop is a crash too. */
  private peers = new Map<string, ProcessRow>();

  constructor(
    private readonly store: Store,
    private readonly log: Logger,
    private readonly now: () => number,
    private readonly serverId: string,
    private readonly options: LeaseOptions = DEFAULT_LEASE_OPTIONS,
    settings?: SettingsCache,
  ) {
    this.unknown = new UnknownTokens(now);
    store.onPoolCommit = (changes) => {
      this.table.applyCommit(changes);
      this.unknown.issued(changes.participants.map((p) => p.tokenHash));
      if (changes.settingsChanged) settings?.invalidate();
    };
  }

  /**
   * Silence is counted from here at the earliest. A process that died (this one's previous run, or
   * another process whose heartbeat stopped without a clean stop) may have acknowledged renewals it
   * never wrote; they were made before its last heartbeat plus one beat, so nobody is reclaimed
   * for silence that began before then. Nor is silence from before the pool was served again
   * after a time when no process ran (`servingSince`).
   */
  get floor(): number {
    return Math.max(this.ownFloor, this.lostFloor);
  }

  /**
   * Registers this process, sets the floor and starts the write-behind and the heartbeat; the
   * leases come after, from `load`, while the process already listens.
   */
  async begin(): Promise<void> {
    const previous = await this.store.processes.begin(this.serverId, new Date(this.now()));
    if (previous && !previous.stoppedAt) {
      this.ownFloor = previous.heartbeatAt.getTime() + 2 * this.options.heartbeatMs;
      this.log.warn(
        "the previous run of this server did not stop cleanly; silence is counted from its last heartbeat",
        {
          serverId: this.serverId,
          lastHeartbeat: previous.heartbeatAt.toISOString(),
        },
      );
    }
    await this.readLostFloor();
    this.ownFloor = Math.max(this.ownFloor, await this.servingSince());
    // Read before the leases: the feed then brings whatever another process changes meanwhile.
    this.feedVersion = await this.store.leases.version();
    this.timers = [
      this.every(this.options.flushMs, () => this.flush()),
      this.every(this.options.heartbeatMs, () => this.beat()),
      this.every(MINUTE_MS, async () => void this.table.evictIdle(this.now())),
    ];
  }

  /**
   * Loads the leases of the participants seen within the last 15 minutes (`IDLE_EVICT_MS`: the
   * table keeps no others anyway), page by page, then starts the change feed. A token not loaded is
   * found on its first call by `lookup`, as any token this process has not seen.
   */
  async load(): Promise<void> {
    const started = this.now();
    for await (const page of this.store.leases.recentLeases(new Date(started - IDLE_EVICT_MS))) {
      if (this.stopped) return;
      for (const row of page) this.table.learn(row);
    }
    this.log.info("leases loaded", { participants: this.table.size, ms: this.now() - started });
    if (!this.stopped) this.timers.push(this.every(this.options.feedMs, () => this.poll()));
  }

  /** Stops the timers, writes what is still in memory and records the clean stop. */
  async stop(): Promise<void> {
    this.stopped = true;
    for (const timer of this.timers) clearInterval(timer);
    this.timers = [];
    await this.flush();
    await this.store.processes.end(this.serverId, new Date(this.now()));
  }

  /**
   * The lease of a token: from memory, else from the database (then kept), at most one read per
   * call. A token the database did not know a moment ago is answered from memory, and an address
   * that sent too many unknown ones is refused before any read (unknown-tokens.ts).
   */
  async lookup(tokenHash: string, remoteAddress: string): Promise<LeaseLookup> {
    const known = this.table.byTokenHash(tokenHash);
    if (known) return { lease: known };
    const verdict = this.unknown.admit(tokenHash, remoteAddress);
    if (verdict.kind === "known-miss") return { lease: null };
    if (verdict.kind === "refused") return { lease: null, refused: verdict.refusal };
    let row: LeaseRow | null;
    try {
      row = await this.store.leases.findByTokenHash(tokenHash);
    } catch (error) {
      verdict.failed();
      throw error;
    }
    if (!row) {
      verdict.missed();
      return { lease: null };
    }
    verdict.found();
    return { lease: this.table.learn(row) };
  }

  /** Writes the renewals kept in memory (one statement per 500 participants). */
  flush(): Promise<void> {
    this.flushing ??= (async () => {
      const taken = this.table.takeRenewals();
      if (taken.length === 0) return;
      try {
        await this.store.leases.renew(taken.map((t) => t.renewal));
        this.table.written(taken);
      } catch (error) {
        this.table.restore(taken);
        this.log.error("lease write-behind failed; will retry", { leases: taken.length, error });
      }
    })().finally(() => {
      this.flushing = null;
    });
    return this.flushing;
  }

  /** Writes every renewal in memory now, after any flush already under way. */
  async writeThrough(): Promise<void> {
    if (this.flushing) await this.flushing;
    await this.flush();
  }

  private async poll(): Promise<void> {
    if (this.polling) return;
    this.polling = true;
    try {
      const feed = await this.store.leases.changesSince(this.feedVersion);
      if (!feed) return;
      this.table.applyFeed(feed.participants, feed.removed);
      this.unknown.issued(feed.participants.map((p) => p.tokenHash));
      this.feedVersion = feed.version;
    } finally {
      this.polling = false;
    }
  }

  private async beat(): Promise<void> {
    await this.store.processes.heartbeat(this.serverId, new Date(this.now()));
    await this.readLostFloor();
  }

  /**
   * When the pool has been served without a break up to now, at the latest: the earliest start
   * among the processes still beating, this one included. While no process ran, no appliance could
   * refresh, so silence from before then is not counted: a stop longer than 3 refresh intervals
   * (an upgrade, a host reboot) must not reclaim every grant at the next start.
   */
  private async servingSince(): Promise<number> {
    const staleBefore = this.now() - 3 * this.options.heartbeatMs;
    let since = this.now();
    for (const row of await this.store.processes.all()) {
      const live = row.serverId === this.serverId || (!row.stoppedAt && row.heartbeatAt.getTime() >= staleBefore);
      if (live) since = Math.min(since, row.startedAt.getTime());
    }
    return since;
  }

  /**
   * Another process lost its renewals if it stopped beating without a clean stop, or started
   * again without one; the floor then rises to its last heartbeat plus two beats.
   */
  private async readLostFloor(): Promise<void> {
    const staleBefore = this.now() - 3 * this.options.heartbeatMs;
    const rows = await this.store.processes.all();
    for (const row of rows) {
      if (row.serverId === this.serverId) continue;
      const seen = this.peers.get(row.serverId);
      let lostAt = 0;
      if (!row.stoppedAt && row.heartbeatAt.getTime() < staleBefore) lostAt = row.heartbeatAt.getTime();
      if (seen && !seen.stoppedAt && seen.startedAt.getTime() !== row.startedAt.getTime())
        lostAt = Math.max(lostAt, seen.heartbeatAt.getTime());
      if (lostAt > 0) this.lostFloor = Math.max(this.lostFloor, lostAt + 2 * this.options.heartbeatMs);
      this.peers.set(row.serverId, row);
    }
  }

  private every(ms: number, job: () => Promise<void>): NodeJS.Timeout {
    let running = false;
    const timer = setInterval(() => {
      if (running) return;
      running = true;
      job()
        .catch((error) => this.log.error("lease job failed", { error }))
        .finally(() => {
          running = false;
        });
    }, ms);
    timer.unref();
    return timer;
  }
}
