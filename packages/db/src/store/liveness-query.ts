import type { Db } from "../client.ts";
import type { StateCutoffs } from "./rows.ts";

const LATE_MARKS = ["late", "silent"] as const;
/** What the alert engine announced for a participant; null: nothing (or its return). */
export type LateMark = (typeof LATE_MARKS)[number];

export interface LateParticipantRow {
  id: string;
  serial: string;
  hostname: string;
  policyGroup: string | null;
  lastSeenAt: Date;
  lateAlert: string | null;
}

const lateSelect = {
  id: true,
  serial: true,
  hostname: true,
  policyGroup: true,
  lastSeenAt: true,
  lateAlert: true,
} as const;

/** Ids per update statement (well under SQLite's and PostgreSQL's bound-parameter limits). */
const MARK_CHUNK = 1_000;

/**
 * Late and silent participants (`Store.liveness`) for the alert engine and the overview. Each read
 * is a range of the lastSeenAt index bounded by the expiry cutoff, so it costs the participants
 * that are late or silent now, not the fleet; the marks are read through their own index, which
 * renewals never touch.
 */
export class LivenessQueries {
  constructor(private readonly db: Db) {}

  /**
   * Approved participants late or silent now whose mark is behind: unmarked ones in the late or
   * silent window, and ones marked late that are silent now. Oldest silence first.
   */
  behind(cutoffs: StateCutoffs, limit: number): Promise<LateParticipantRow[]> {
    return this.db.participant.findMany({
      where: {
        approved: true,
        lastSeenAt: { lt: cutoffs.late, gte: cutoffs.expired },
        OR: [{ lateAlert: null }, { lateAlert: "late" satisfies LateMark, lastSeenAt: { lt: cutoffs.silent } }],
      },
      orderBy: { lastSeenAt: "asc" },
      take: limit,
      select: lateSelect,
    });
  }

  /** Marked participants seen again since the late cutoff. */
  back(cutoffs: StateCutoffs, limit: number): Promise<LateParticipantRow[]> {
    return this.db.participant.findMany({
      // An equality on the marks (not IS NOT NULL), so SQLite's planner takes their index too.
      where: { lateAlert: { in: [...LATE_MARKS] }, lastSeenAt: { gte: cutoffs.late } },
      take: limit,
      select: lateSelect,
    });
  }

  async mark(ids: string[], mark: LateMark | null): Promise<void> {
    for (let i = 0; i < ids.length; i += MARK_CHUNK)
      await this.db.participant.updateMany({
        where: { id: { in: ids.slice(i, i + MARK_CHUNK) } },
        data: { lateAlert: mark },
      });
  }

  /** The late and silent participants the overview lists: the longest silent first. */
  lateList(cutoffs: StateCutoffs, limit: number): Promise<LateParticipantRow[]> {
    return this.db.participant.findMany({
      where: { approved: true, lastSeenAt: { lt: cutoffs.late, gte: cutoffs.expired } },
      orderBy: { lastSeenAt: "asc" },
      take: limit,
      select: lateSelect,
    });
  }
}
