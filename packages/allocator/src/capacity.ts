import type { ParticipantSnapshot, PoolSnapshot } from "./types";

type Limits = Pick<ParticipantSnapshot, "platformLimit" | "localLimit">;

/** Sessions of the pool that nobody holds. */
export function availableSessions(pool: Pick<PoolSnapshot, "poolSize" | "grantedTotal">): number {
  return Math.max(0, pool.poolSize - pool.grantedTotal);
}

/** Shared sessions this participant may still ask for: platformLimit − localLimit − granted − pending. */
export function headroom(p: Limits & Pick<ParticipantSnapshot, "granted" | "pending">): number {
  return p.platformLimit - p.localLimit - p.granted - p.pending;
}

/** The largest part of (granted, pending) that keeps invariant 2, giving up pending before granted. */
export function fitWithinLimits(p: Limits, granted: number, pending: number): { granted: number; pending: number } {
  const room = Math.max(0, p.platformLimit - p.localLimit);
  const keptGranted = Math.min(granted, room);
  return { granted: keptGranted, pending: Math.min(pending, room - keptGranted) };
}
