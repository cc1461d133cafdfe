import { SESSION_BLOCK } from "./protocol.ts";

/** What a participant holds, as far as it knows. */
export interface Holdings {
  platformLimit: number;
  localLimit: number;
  granted: number;
  pending: number;
}

const blocksUp = (n: number) => Math.ceil(n / SESSION_BLOCK) * SESSION_BLOCK;
const blocksDown = (n: number) => Math.floor(n / SESSION_BLOCK) * SESSION_BLOCK;

/** Sessions the appliance can run now: its local licence plus the grant. */
export function capacityOf(h: Holdings): number {
  return h.localLimit + h.granted;
}

/**
 * Sessions to ask for: the load beyond what is held or already waiting, in 50-session blocks,
 * never past the platform limit. 0 when nothing is to be asked.
 */
export function sessionsToRequest(h: Holdings, load: number): number {
  const shortfall = Math.min(load, h.platformLimit) - (capacityOf(h) + h.pending);
  if (shortfall <= 0) return 0;
  const headroom = h.platformLimit - h.localLimit - h.granted - h.pending;
  return Math.max(0, Math.min(blocksUp(shortfall), blocksDown(headroom)));
}

/**
 * Sessions that may go back: the grant beyond the load plus `margin`, in whole blocks. A release
 * also withdraws all pending demand, so 0 is returned (a release of nothing) when only pending
 * demand has become unnecessary, and null when nothing should go back at all.
 */
export function sessionsToRelease(h: Holdings, load: number, margin: number): number | null {
  const spare = capacityOf(h) - load - margin;
  const sessions = Math.min(h.granted, blocksDown(Math.max(0, spare)));
  if (sessions > 0) return sessions;
  if (h.pending > 0 && load <= capacityOf(h)) return 0;
  return null;
}
