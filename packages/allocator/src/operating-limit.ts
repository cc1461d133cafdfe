/**
 * The backup server's operating limit (spec, "Backup server"): a budget of serving time.
 * It starts at 5 days when the main server is first set up, grows by one day per day while the
 * backup is inactive and synchronised (up to 30), and shrinks by one day per day while it is
 * active. At zero the backup stops issuing sessions. The length of a day is a parameter so tests
 * can shorten it; accrual is continuous, which is "one day per day" at every instant.
 */
import { DAY_MS } from "./time";

export const INITIAL_LIMIT_DAYS = 5;
export const MAX_LIMIT_DAYS = 30;
export const ACTIVE_ALERT_DAYS = 15;

export interface OperatingLimit {
  /** Serving time left, in ms. */
  remainingMs: number;
  /** When the current continuous active period began; null while inactive. */
  activeSinceMs: number | null;
  /** Up to when the budget has been accounted. */
  accountedAtMs: number;
  /** Alerts already raised in the current active period, so each fires once. */
  raised: OperatingAlert[];
}

export type OperatingAlert = "ACTIVE_15_DAYS" | "LIMIT_REACHED";

export function initialOperatingLimit(nowMs: number, dayMs = DAY_MS): OperatingLimit {
  return { remainingMs: INITIAL_LIMIT_DAYS * dayMs, activeSinceMs: null, accountedAtMs: nowMs, raised: [] };
}

export interface LimitStep {
  limit: OperatingLimit;
  /** Alerts that fired during this step. */
  alerts: OperatingAlert[];
}

/**
 * Accounts the time since the last step. `active` and `synchronised` describe the interval just
 * elapsed; a transition to or from active is applied at `nowMs`.
 */
export function advanceOperatingLimit(
  limit: OperatingLimit,
  nowMs: number,
  was: { active: boolean; synchronised: boolean },
  dayMs = DAY_MS,
): LimitStep {
  const elapsed = Math.max(0, nowMs - limit.accountedAtMs);
  let remainingMs = limit.remainingMs;
  if (was.active) remainingMs = Math.max(0, remainingMs - elapsed);
  else if (was.synchronised) remainingMs = Math.min(MAX_LIMIT_DAYS * dayMs, remainingMs + elapsed);

  const alerts: OperatingAlert[] = [];
  const raised = new Set(limit.raised);
  if (was.active && limit.activeSinceMs !== null) {
    if (nowMs - limit.activeSinceMs >= ACTIVE_ALERT_DAYS * dayMs && !raised.has("ACTIVE_15_DAYS"))
      alerts.push("ACTIVE_15_DAYS");
    if (remainingMs === 0 && !raised.has("LIMIT_REACHED")) alerts.push("LIMIT_REACHED");
  }
  for (const alert of alerts) raised.add(alert);
  return {
    limit: { remainingMs, activeSinceMs: limit.activeSinceMs, accountedAtMs: nowMs, raised: [...raised] },
    alerts,
  };
}

/** Starts or ends an active period (after accounting up to `nowMs` with advanceOperatingLimit). */
export function setActive(limit: OperatingLimit, active: boolean, nowMs: number): OperatingLimit {
  if (active) return limit.activeSinceMs !== null ? limit : { ...limit, activeSinceMs: nowMs, raised: [] };
  return { ...limit, activeSinceMs: null, raised: [] };
}

export function canIssueSessions(limit: OperatingLimit): boolean {
  return limit.remainingMs > 0;
}

export function remainingDays(limit: OperatingLimit, dayMs = DAY_MS): number {
  return limit.remainingMs / dayMs;
}
