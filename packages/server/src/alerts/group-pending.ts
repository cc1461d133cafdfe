import { DEFAULT_GROUP, MINUTE_MS } from "@sls/allocator";
import type { PolicyVersionRow, Store } from "@sls/db";
import { z } from "zod";
import { definitionOf } from "../services/pool/policy-in-force.ts";
import type { AlertConfig } from "./alert-config.ts";
import type { Alert } from "./alert-kinds.ts";

/** Per group with pending demand: since when, and when its alert was raised (null: not yet). */
const ZGroupPending = z.record(
  z.string(),
  z.object({ since: z.iso.datetime(), raisedAt: z.iso.datetime().nullable() }),
);
type GroupPending = z.infer<typeof ZGroupPending>;

/**
 * The pending-unmet alert judged per pool-policy group (`default`: participants in no group): a
 * group whose members' pending demand has stayed above zero at every tick for
 * `pendingAfterMinutes` raises one alert naming it; the group's entry is dropped (and so may raise
 * again) once its pending demand is served or withdrawn. Returns the alerts and the state to store
 * (the engine row's `groupPending`, one entry per group with pending demand, keyed by its name).
 */
export async function detectGroupPending(
  store: Store,
  policy: PolicyVersionRow,
  config: AlertConfig,
  stored: string | null,
  now: number,
): Promise<{ alerts: Alert[]; state: string | null }> {
  const definition = definitionOf(policy);
  const previous = parseState(stored);
  const next: GroupPending = {};
  const alerts: Alert[] = [];
  const at = new Date(now);
  for (const totals of await store.participantQueries.groupTotals()) {
    if (totals.pending <= 0) continue;
    const group = totals.group ?? DEFAULT_GROUP;
    const seen = previous[group];
    const since = seen?.since ?? at.toISOString();
    let raisedAt = seen?.raisedAt ?? null;
    const minutes = (now - Date.parse(since)) / MINUTE_MS;
    if (raisedAt === null && minutes >= config.pendingAfterMinutes) {
      raisedAt = at.toISOString();
      const rules = definition.groups.find((g) => g.name === group);
      const max = rules?.max ?? null;
      const paused = definition.poolPaused || (rules?.paused ?? false);
      alerts.push({
        kind: "pending-unmet",
        severity: "warning",
        message: `Group ${group}: ${totals.pending} sessions of pending demand have been left unmet for ${Math.floor(minutes)} minutes (alert after ${config.pendingAfterMinutes}); the group holds ${totals.granted}${max === null ? "" : ` of its max ${max}`}${paused ? " and is paused" : ""}.`,
        detail: {
          group,
          pending: totals.pending,
          since,
          minutes: Math.floor(minutes),
          held: totals.granted,
          max,
          paused,
        },
        raisedAt: at,
      });
    }
    next[group] = { since, raisedAt };
  }
  const names = Object.keys(next).sort();
  if (names.length === 0) return { alerts, state: null };
  return { alerts, state: JSON.stringify(Object.fromEntries(names.map((n) => [n, next[n]]))) };
}

/**
 * The stored state; one that does not parse (written by another version) starts afresh, which at
 * worst delays a group's alert by the configured minutes.
 */
function parseState(stored: string | null): GroupPending {
  if (stored === null) return {};
  try {
    const parsed = ZGroupPending.safeParse(JSON.parse(stored));
    return parsed.success ? parsed.data : {};
  } catch {
    return {};
  }
}
